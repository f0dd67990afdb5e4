/** Port: the current time, injectable so lifecycle tests control it. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}
