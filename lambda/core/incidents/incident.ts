import type { Diagnosis } from '../types';

/** Lifecycle state of an incident. */
export type IncidentStatus = 'open' | 'resolved';

/**
 * What a notification announces: `fixed`, the live policy allows the failing request now;
 * `recurring`, the incident fails in bursts (said once, and whenever it comes back after a
 * `resolved`); `reminder`, a recurring incident still fails (at most once per reminder interval).
 */
export type NotificationKind =
  | 'opened'
  | 'update'
  | 'recurring'
  | 'reminder'
  | 'fixed'
  | 'resolved';

/**
 * How an incident that failed in separate bursts (failures apart by at least the quiet period)
 * recurs. Bounded: the count is exact, only the latest starts are kept to learn the interval.
 */
export interface Recurrence {
  /** Bursts so far, the first included. */
  readonly bursts: number;
  /** ISO event time at which each of the latest bursts started, oldest first. */
  readonly starts: readonly string[];
  /** ISO clock time of the latest recurring alert, null before the first. */
  readonly announcedAt: string | null;
}

/** Why an incident resolved: what its RESOLVED alert says. */
export interface Resolution {
  /**
   * `verified-fixed`: the live policies allow the request and no failure followed; `quiet`: no
   * failure for its quiet period, not verified; `hold-expired`: no failure for the hold window,
   * although the live policies still deny the request (the caller stopped, nothing was fixed).
   */
  readonly reason: 'verified-fixed' | 'quiet' | 'hold-expired';
  /** Time without failures when it resolved, ms. */
  readonly quietForMs: number;
  /** ISO time of the verdict behind `verified-fixed` or `hold-expired`; null for `quiet`. */
  readonly verifiedAt: string | null;
}

/**
 * One outage episode for one fingerprint. A failure that comes back within the hold window of an
 * incident resolved for being quiet reopens it; any other later occurrence after resolution opens
 * a new episode (a new incident) that links to the previous one.
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
  /** Its bursts, once it failed in more than one; absent while it failed in one. */
  readonly recurrence?: Recurrence;
  /** Why it resolved; absent while open (and in incidents stored before it was recorded). */
  readonly resolution?: Resolution;
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

/** Why alerts were held back and summed up in an {@link AlertDigest}. */
export type DigestReason = 'new-incidents-per-delivery' | 'alerts-per-channel-per-minute';

/**
 * One aggregated alert for alerts that were not sent on their own: the new incidents of one
 * delivery beyond its cap, or one channel's alerts beyond its per-minute cap. Every incident is
 * still stored; the digest says how many were held and how to list them.
 */
export interface AlertDigest {
  /** Stable id of this digest (what held it and when), for logs and de-duplication. */
  readonly digestId: string;
  readonly reason: DigestReason;
  /** Alerts held back. */
  readonly held: number;
  /** The cap that held them. */
  readonly limit: number;
  /** ISO start of the window the count covers (the delivery's time, or the minute). */
  readonly from: string;
  /** Log group of the delivery (per-delivery cap), else null. */
  readonly logGroup: string | null;
  /** Ids of some of the held incidents (at most a few), to start from. */
  readonly incidentIds: readonly string[];
}
