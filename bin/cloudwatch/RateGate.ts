/**
 * Spaces calls at least `intervalMs` apart: CloudWatch Logs allows FilterLogEvents 5 times per
 * second per account and Region, shared with everything else that calls it, so the CLI stays
 * under that pace instead of provoking throttling.
 */
export class RateGate {
  readonly #intervalMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;
  #next = 0;

  constructor(
    intervalMs: number,
    options: { sleep?: (ms: number) => Promise<void>; now?: () => number } = {},
  ) {
    this.#intervalMs = intervalMs;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#now = options.now ?? Date.now;
  }

  /** Resolves when the next call may be made. */
  async pass(): Promise<void> {
    const now = this.#now();
    const at = Math.max(now, this.#next);
    this.#next = at + this.#intervalMs;
    if (at > now) await this.#sleep(at - now);
  }
}
