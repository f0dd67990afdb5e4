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

/**
 * A progress line on stderr: redrawn in place on a terminal, every N deliveries otherwise. `tick`
 * counts replayed deliveries; `update` shows any other status, on a terminal only.
 */
export class ProgressLine {
  /** Deliveries to replay when known in advance (0: unknown, the count alone is shown). */
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
    const text = `replay: ${this.count}${this.total > 0 ? `/${this.total}` : ''} deliveries`;
    if (this.tty) {
      // short runs finish before a line is worth drawing
      if (this.total > 0 ? this.total < 50 : this.count < 50) return;
      this.update(text);
    } else if (this.count % this.every === 0) {
      this.stream.write(`${text}\n`);
    }
  }

  /** Shows a status on a terminal (at most every 100 ms); nothing when stderr is not one. */
  update(text: string): void {
    if (!this.tty) return;
    const now = this.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.stream.write(`\r\u001b[K${text}`);
    this.shown = true;
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
