import { ConfigError } from '../errors';
import { SETTINGS } from '../settings';

/** Timings and bounds of the incident lifecycle. */
export interface IncidentPolicy {
  /** Minimum time between two notifications of a continuing incident. */
  readonly updateIntervalMs: number;
  /** Time without new occurrences after which the sweeper resolves an incident. */
  readonly quietPeriodMs: number;
  /** Days a resolved incident is kept before DynamoDB TTL removes it. */
  readonly resolvedTtlDays: number;
  /**
   * How long a delivery key is remembered. CloudWatch Logs invokes Lambda asynchronously and Lambda
   * drops async events older than 6 hours, so no redelivery can arrive later than that.
   */
  readonly dedupWindowMs: number;
  /** Upper bound on remembered delivery keys per incident (keeps the item small: ~30 bytes each). */
  readonly maxRememberedDeliveries: number;
  /** Hourly buckets kept for the sparkline (the newest ones); occurrences stay exact regardless. */
  readonly maxHourlyBuckets: number;
  /** How long one invocation owns an incident's outbox; longer than any in-line send with retries. */
  readonly leaseMs: number;
  /**
   * A failure that comes back within this time of the last one (event time) reopens the same
   * incident when it resolved for being quiet; also the longest an incident that still verifies
   * as denied is kept open without failures.
   */
  readonly holdWindowMs: number;
  /** Least time between two alerts of a recurring incident after its recurring alert. */
  readonly reminderIntervalMs: number;
  /** A recurring incident's quiet period: this many times its longest recent interval. */
  readonly recurringQuietMultiplier: number;
  /** Bursts after which an open incident claims its recurring alert. */
  readonly recurringAfterBursts: number;
  /** Burst starts kept per incident to learn its interval (the count of bursts stays exact). */
  readonly maxBurstStarts: number;
  /** Time between the sweeper's re-checks of an open incident against the live account. */
  readonly reverifyIntervalMs: number;
  /**
   * Time without a new failure after a FIXED verdict before the incident resolves: long enough for
   * a failure logged just before the fix to be delivered (subscription delivery takes seconds).
   */
  readonly fixedQuietMs: number;
  /** New incidents of one delivery that get their own OPENED alert; the rest share one digest. */
  readonly maxNewIncidentsPerDelivery: number;
  /** Sends one channel may make per minute; the rest are held and summed up in a digest. */
  readonly maxAlertsPerChannelPerMinute: number;
  /**
   * Failed attempts after which a notification is given up for a channel (one attempt per sweep,
   * so about this many minutes); a channel that refuses for good is given up at once.
   */
  readonly maxSendAttempts: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Defaults: the lifecycle timings of the settings table, plus the store's internal bounds. */
export const DEFAULT_INCIDENT_POLICY: IncidentPolicy = {
  updateIntervalMs: SETTINGS.updateIntervalMinutes.default * MINUTE,
  quietPeriodMs: SETTINGS.quietPeriodMinutes.default * MINUTE,
  resolvedTtlDays: SETTINGS.resolvedTtlDays.default,
  dedupWindowMs: 6 * 60 * MINUTE,
  maxRememberedDeliveries: 256,
  maxHourlyBuckets: 24 * 14,
  leaseMs: 5 * MINUTE,
  holdWindowMs: SETTINGS.holdWindowHours.default * HOUR,
  reminderIntervalMs: SETTINGS.reminderIntervalHours.default * HOUR,
  recurringQuietMultiplier: SETTINGS.recurringQuietMultiplier.default,
  recurringAfterBursts: SETTINGS.recurringAfterBursts.default,
  maxBurstStarts: 8,
  reverifyIntervalMs: SETTINGS.reverifyIntervalMinutes.default * MINUTE,
  fixedQuietMs: 2 * MINUTE,
  maxNewIncidentsPerDelivery: SETTINGS.maxNewIncidentsPerDelivery.default,
  maxAlertsPerChannelPerMinute: SETTINGS.maxAlertsPerChannelPerMinute.default,
  maxSendAttempts: 30,
};

/** The default policy with overrides applied; a non-positive or non-finite value is a ConfigError. */
export function incidentPolicy(overrides: Partial<IncidentPolicy> = {}): IncidentPolicy {
  const policy = { ...DEFAULT_INCIDENT_POLICY, ...overrides };
  for (const [field, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new ConfigError(`incidentPolicy.${field}`, `expected a positive number, got ${value}`);
    }
  }
  return policy;
}
