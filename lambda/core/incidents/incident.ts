import type { Diagnosis } from '../types';

/** Lifecycle state of an incident. */
export type IncidentStatus = 'open' | 'resolved';

/** What a notification announces; `fixed`: the live policy allows the failing request now. */
export type NotificationKind = 'opened' | 'update' | 'fixed' | 'resolved';

/**
 * One outage episode for one fingerprint. A later occurrence after resolution opens a new episode
 * (a new incident) that links to the previous one.
 */
export interface Incident {
  /** `${fingerprint}#${episode}`-derived stable id, safe to show and to pass to `incidents show`. */
  readonly id: string;
  readonly fingerprint: string;
  /** AWS account the failure happened in, for incidents of an organisation responder. */
  readonly account?: string;
  /** 1 for the first outage of this fingerprint, 2 for the next, ... */
  readonly episode: number;
  /** Id of the previous episode's incident, null on the first. */
  readonly previousIncidentId: string | null;
  readonly status: IncidentStatus;
  /** The latest diagnosis for this fingerprint (facts, summary and fixes). */
  readonly diagnosis: Omit<Diagnosis, 'eventIds' | 'requestIds'>;
  /** Distinct log events seen for this incident, exactly (by event id). */
  readonly occurrences: number;
  /** ISO timestamps. */
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly resolvedAt: string | null;
  /** Occurrence counts per UTC hour (ISO hour prefix `YYYY-MM-DDTHH` -> count), for sparklines. */
  readonly hourly: Readonly<Record<string, number>>;
}

/** A message to send about an incident's state change. */
export interface Notification {
  readonly kind: NotificationKind;
  readonly incident: Incident;
  /** Occurrences since the previous notification of this incident (all of them for `opened`). */
  readonly newOccurrences: number;
  /** Stable id of this state change (incident id + kind + sequence), used to never send twice. */
  readonly notificationId: string;
}
