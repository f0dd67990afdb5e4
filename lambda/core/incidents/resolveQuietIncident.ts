import { claimNotification, type Transition } from './claimNotification';
import type { IncidentRecord } from './IncidentRecord';
import type { Resolution } from './incident';
import type { IncidentPolicy } from './incidentPolicy';
import { quietPeriodFor, quietSince } from './recurrence';

const DAY_SECONDS = 86_400;

/**
 * Resolves an open incident that is fixed or truly gone, claiming its `resolved` notification
 * (with the occurrences since the last one, and why in `resolution`) and setting the TTL. Quiet is
 * measured from {@link quietSince}.
 * - Verified fixed: the live policies allow the request and no failure followed the check for
 *   `fixedQuietMs`.
 * - Quiet: no failure for its quiet period (the learned one once it recurs, see quietPeriodFor)
 *   — unless a check made after the last failure still found the request denied: then it stays
 *   open until the hold window has passed without failures (`hold-expired`), because the next
 *   run of whatever calls would fail again.
 * Null when the incident is not open or not resolved yet.
 */
export function resolveQuietIncident(
  record: IncidentRecord,
  now: number,
  channels: readonly string[],
  policy: IncidentPolicy,
): Transition | null {
  if (record.status !== 'open') return null;
  const since = quietSince(record);
  const quietFor = now - since;
  const v = record.diagnosis.verification;
  const checkedAt = v ? Date.parse(v.checkedAt) : Number.NaN;
  let resolution: Resolution;
  if (
    v?.status === 'fixed' &&
    Number.isFinite(checkedAt) &&
    since <= checkedAt &&
    now - checkedAt >= policy.fixedQuietMs
  ) {
    resolution = { reason: 'verified-fixed', quietForMs: quietFor, verifiedAt: v.checkedAt };
  } else {
    if (quietFor < quietPeriodFor(record, policy)) return null;
    const stillDenied = v?.status === 'confirmed' && checkedAt >= since;
    if (stillDenied && quietFor < policy.holdWindowMs) return null;
    resolution = stillDenied
      ? { reason: 'hold-expired', quietForMs: quietFor, verifiedAt: v.checkedAt }
      : { reason: 'quiet', quietForMs: quietFor, verifiedAt: null };
  }
  const resolved: IncidentRecord = {
    ...record,
    version: record.version + 1,
    status: 'resolved',
    resolvedAt: new Date(now).toISOString(),
    resolution,
    expiresAt: Math.floor(now / 1000) + policy.resolvedTtlDays * DAY_SECONDS,
  };
  return claimNotification(resolved, 'resolved', now, channels, policy);
}
