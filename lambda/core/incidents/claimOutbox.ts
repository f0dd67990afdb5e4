import type { Transition } from './claimNotification';
import type { IncidentRecord } from './IncidentRecord';
import type { IncidentPolicy } from './incidentPolicy';

/**
 * Takes the outbox lease of an incident with pending notifications so that exactly one invocation
 * (the sweeper, or a handler that found it free) retries them. Null when nothing is pending or
 * another invocation holds an unexpired lease.
 */
export function claimOutbox(
  record: IncidentRecord,
  now: number,
  policy: IncidentPolicy,
): Transition | null {
  if (record.outbox.length === 0 || record.leaseUntil > now) return null;
  return {
    record: { ...record, version: record.version + 1, leaseUntil: now + policy.leaseMs },
    claimed: null,
    leased: true,
  };
}
