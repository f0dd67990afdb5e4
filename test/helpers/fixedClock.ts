import type { Clock } from '../../lambda/core/ports/Clock';

/** A clock the test moves by hand. */
export interface FixedClock extends Clock {
  /** Moves the clock forward by `ms` and returns the new time. */
  advance(ms: number): number;
  set(ms: number): void;
}

/** A controllable clock starting at `startMs` (an ISO string or epoch ms). */
export function fixedClock(start: string | number): FixedClock {
  let now = typeof start === 'number' ? start : Date.parse(start);
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
      return now;
    },
    set: (ms) => {
      now = ms;
    },
  };
}
