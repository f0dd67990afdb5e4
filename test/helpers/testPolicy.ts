import { incidentPolicy } from '../../lambda/core/incidents/incidentPolicy';

const MINUTE = 60_000;

const HOUR = 60 * MINUTE;

/**
 * The lifecycle timings the incident tests assert (updates every 15 minutes, resolved after 10
 * quiet minutes, kept 90 days; a failure within 24 hours reopens a quiet-resolved incident, which
 * is recurring from its third burst, resolves after twice its longest interval and reminds at
 * most daily), pinned so that a change of the shipped defaults in the settings table does not
 * change what these tests exercise.
 */
export const TEST_POLICY = incidentPolicy({
  updateIntervalMs: 15 * MINUTE,
  quietPeriodMs: 10 * MINUTE,
  resolvedTtlDays: 90,
  holdWindowMs: 24 * HOUR,
  reminderIntervalMs: 24 * HOUR,
  recurringQuietMultiplier: 2,
  recurringAfterBursts: 3,
});
