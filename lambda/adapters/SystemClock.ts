import type { Clock } from '../core/ports/Clock';

/** The real clock, and a real wait for retry backoff (pass `sleep` to IncidentService). */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
