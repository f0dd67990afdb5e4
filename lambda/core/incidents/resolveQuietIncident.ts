import { claimNotification, type Transition } from './claimNotification';
import type { IncidentRecord } from './IncidentRecord';
import type { IncidentPolicy } from './incidentPolicy';

const DAY_SECONDS = 86_400;

/**
 * Resolves an open incident once nothing new has been recorded for the quiet period, claiming its
 * `resolved` notification (with the occurrences since the last one) and setting the TTL. Quiet is
 * measured from the later of the last event time and the last time new events were recorded, so
 * neither late delivery nor a replay of old logs resolves an outage that is still being reported.
 * An incident whose live policies were found to allow the request (`fixed`) resolves sooner: once
 * no failure followed the check for `fixedQuietMs`. Null when the incident is not open or not
 * quiet yet.
 */
export function resolveQuietIncident(
  record: IncidentRecord,
  now: number,
  channels: readonly string[],
  policy: IncidentPolicy,
): Transition | null {
  if (record.status !== 'open') return null;
  const lastSeenMs = Date.parse(record.lastSeen);
  const quietSince = Math.max(record.lastActivityAt, Number.isFinite(lastSeenMs) ? lastSeenMs : 0);
  const v = record.diagnosis.verification;
  const fixedAt = v?.status === 'fixed' ? Date.parse(v.checkedAt) : Number.NaN;
  const fixedAndQuiet =
    Number.isFinite(fixedAt) && quietSince <= fixedAt && now - fixedAt >= policy.fixedQuietMs;
  if (now - quietSince < policy.quietPeriodMs && !fixedAndQuiet) return null;
  const resolved: IncidentRecord = {
    ...record,
    version: record.version + 1,
    status: 'resolved',
    resolvedAt: new Date(now).toISOString(),
    expiresAt: Math.floor(now / 1000) + policy.resolvedTtlDays * DAY_SECONDS,
  };
  return claimNotification(resolved, 'resolved', now, channels, policy);
}
