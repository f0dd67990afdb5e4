import { claimNotification, type Transition } from './claimNotification';
import type { IncidentRecord } from './IncidentRecord';
import type { IncidentPolicy } from './incidentPolicy';

/**
 * Stores a re-check's verdict on an open incident. The first time the live policies are found to
 * allow the failing request (`fixed`), the incident claims its FIXED notification, which carries
 * the change and who made it; the incident then resolves once no failure follows
 * (resolveQuietIncident). Other verdicts are stored without a notification. Null when the incident
 * is no longer open.
 */
export function applyVerification(
  record: IncidentRecord,
  verified: IncidentRecord['diagnosis'],
  now: number,
  channels: readonly string[],
  policy: IncidentPolicy,
): Transition | null {
  if (record.status !== 'open') return null;
  const was = record.diagnosis.verification?.status ?? null;
  const next: IncidentRecord = { ...record, version: record.version + 1, diagnosis: verified };
  if (verified.verification?.status === 'fixed' && was !== 'fixed') {
    return claimNotification(next, 'fixed', now, channels, policy);
  }
  return { record: next, claimed: null, leased: false };
}
