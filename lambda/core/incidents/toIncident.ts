import type { IncidentRecord } from './IncidentRecord';
import type { Incident } from './incident';

/** The public view of a stored incident (what notifiers, the CLI and `--json` see). */
export function toIncident(record: IncidentRecord): Incident {
  return {
    id: record.id,
    fingerprint: record.fingerprint,
    ...(record.account === undefined ? {} : { account: record.account }),
    episode: record.episode,
    previousIncidentId: record.previousIncidentId,
    status: record.status,
    diagnosis: record.diagnosis,
    occurrences: record.occurrences,
    firstSeen: record.firstSeen,
    lastSeen: record.lastSeen,
    resolvedAt: record.resolvedAt,
    hourly: record.hourly,
    ...(record.recurrence === undefined ? {} : { recurrence: record.recurrence }),
    ...(record.resolution === undefined ? {} : { resolution: record.resolution }),
  };
}
