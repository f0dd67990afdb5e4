import type { IncidentRecord } from './IncidentRecord';
import type { IncidentPolicy } from './incidentPolicy';

/**
 * Whether the sweeper re-checks an open incident now: never checked, or checked at least the
 * re-verify interval ago; a `fixed` one only when failures were recorded after its check.
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
  return now - checkedAt >= policy.reverifyIntervalMs;
}
