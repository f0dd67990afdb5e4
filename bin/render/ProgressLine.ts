/** Progress lines when stderr is not a terminal: one per this many deliveries. */
const PROGRESS_EVERY = 1000;

/** Where the progress line goes (stderr by default); injectable for tests. */
export interface ProgressOptions {
  readonly stream?: { write(text: string): unknown; readonly isTTY?: boolean };
  /** Lines when not a terminal: one per this many deliveries (default 1,000). */
  readonly every?: number;
  /** Clock for redraw throttling on a terminal (default performance.now). */
  readonly now?: () => number;
}

/** A progress line on stderr: redrawn in place on a terminal, every N deliveries otherwise. */
export class ProgressLine {
  /** Deliveries to replay, known once the input is read. */
  total = 0;
  private count = 0;
  private shown = false;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private readonly stream: NonNullable<ProgressOptions['stream']>;
  private readonly tty: boolean;
  private readonly every: number;
  private readonly now: () => number;

  constructor(options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
    this.every = options.every ?? PROGRESS_EVERY;
    this.now = options.now ?? (() => performance.now());
  }

  /** One delivery replayed. */
  tick(): void {
    this.count += 1;
    if (this.tty) {
      const now = this.now();
      if (now - this.lastDraw < 100 || this.total < 50) return;
      this.lastDraw = now;
      this.stream.write(`\r\u001b[Kreplay: ${this.count}/${this.total} deliveries`);
      this.shown = true;
    } else if (this.count % this.every === 0) {
      this.stream.write(`replay: ${this.count}/${this.total} deliveries\n`);
    }
  }

  /** Removes the line (before an alert is printed to the same terminal). */
  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\u001b[K');
    this.shown = false;
  }

  /** The replay is over: the line goes. */
  done(): void {
    this.clear();
  }
}
