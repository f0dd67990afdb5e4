import type { IncidentRecord } from './IncidentRecord';
import type { IncidentPolicy } from './incidentPolicy';
import { quietSince } from './recurrence';

const HOUR = 3_600_000;

/**
 * Whether the sweeper re-checks an open incident now: never checked, or checked at least the
 * re-verify interval ago; a `fixed` one only when failures were recorded after its check. An
 * incident quiet since its last check (a recurring one between runs, one held open because it
 * still verifies as denied) is re-checked less often the longer it stays quiet — every quarter of
 * its quiet time, at most hourly — so holding it open costs a few reads an hour, not twelve.
 */
export function dueForReverify(
  record: IncidentRecord,
  now: number,
  policy: IncidentPolicy,
): boolean {
  if (record.status !== 'open') return false;
  const v = record.diagnosis.verification;
  if (v === undefined || v === null) return true;
  const checkedAt = Date.parse(v.checkedAt);
  if (!Number.isFinite(checkedAt)) return true;
  if (v.status === 'fixed') return record.lastActivityAt > checkedAt;
  const since = quietSince(record);
  const interval =
    checkedAt >= since
      ? Math.max(policy.reverifyIntervalMs, Math.min(HOUR, (now - since) / 4))
      : policy.reverifyIntervalMs;
  return now - checkedAt >= interval;
}
