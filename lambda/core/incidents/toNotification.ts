import type { IncidentRecord, OutboxEntry } from './IncidentRecord';
import type { Notification } from './incident';
import { toIncident } from './toIncident';

/**
 * The message for a claimed notification. The incident is shown as it is now (a retried `opened`
 * carries the latest counts); the kind, id and count since the previous one are those claimed.
 */
export function toNotification(record: IncidentRecord, entry: OutboxEntry): Notification {
  return {
    kind: entry.kind,
    incident: toIncident(record),
    newOccurrences: entry.newOccurrences,
    notificationId: entry.notificationId,
  };
}
