import { incidentPolicy } from '../../lambda/core/incidents/incidentPolicy';

const MINUTE = 60_000;

/**
 * The lifecycle timings the incident tests assert (updates every 15 minutes, resolved after 10
 * quiet minutes, kept 90 days), pinned so that a change of the shipped defaults in the settings
 * table does not change what these tests exercise.
 */
export const TEST_POLICY = incidentPolicy({
  updateIntervalMs: 15 * MINUTE,
  quietPeriodMs: 10 * MINUTE,
  resolvedTtlDays: 90,
});
