/** Progress lines when stderr is not a terminal: one per this many deliveries. */
const PROGRESS_EVERY = 1000;

/** A progress line on stderr: redrawn in place on a terminal, every N deliveries otherwise. */
export class ProgressLine {
  /** Deliveries to replay, known once the input is read. */
  total = 0;
  private count = 0;
  private shown = false;
  private lastDraw = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  /** One delivery replayed. */
  tick(): void {
    this.count += 1;
    if (this.tty) {
      const now = performance.now();
      if (now - this.lastDraw < 100 || this.total < 50) return;
      this.lastDraw = now;
      process.stderr.write(`\r\u001b[Kreplay: ${this.count}/${this.total} deliveries`);
      this.shown = true;
    } else if (this.count % PROGRESS_EVERY === 0) {
      process.stderr.write(`replay: ${this.count}/${this.total} deliveries\n`);
    }
  }

  /** Removes the line (before an alert is printed to the same terminal). */
  clear(): void {
    if (!this.shown) return;
    process.stderr.write('\r\u001b[K');
    this.shown = false;
  }

  /** The replay is over: the line goes. */
  done(): void {
    this.clear();
  }
}
