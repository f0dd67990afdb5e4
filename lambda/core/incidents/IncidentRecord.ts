import type { Incident, NotificationKind } from './incident';

/**
 * A notification claimed for an incident and not yet delivered to every channel. It lives on the
 * incident item, so claiming it and changing the incident's state are one conditional write.
 */
export interface OutboxEntry {
  /** `${incidentId}:${kind}:${seq}`: stable across retries, never reused. */
  readonly notificationId: string;
  readonly kind: NotificationKind;
  /** 1 for `opened`, then one more per notification of this incident: the order of delivery. */
  readonly seq: number;
  /** Occurrences since the previous notification, fixed when the notification was claimed. */
  readonly newOccurrences: number;
  /** Epoch ms of the claim. */
  readonly createdAt: number;
  /** Channels that have not acknowledged this notification yet. */
  readonly pendingChannels: readonly string[];
  /** Failed sends so far (in-line retries count as one attempt). */
  readonly attempts: number;
  /** One-line reason of the latest failure, per channel. */
  readonly lastErrors: Readonly<Record<string, string>>;
}

/**
 * The stored form of one incident episode: the public {@link Incident} plus the bookkeeping that
 * makes counting exact and notifications exactly-once per state change.
 */
export interface IncidentRecord extends Incident {
  /** Optimistic-concurrency version: every write requires the version it read and adds one. */
  readonly version: number;
  /** Epoch ms (clock time) at which new occurrences were last recorded; starts the quiet period. */
  readonly lastActivityAt: number;
  /**
   * Recently recorded deliveries (delivery key -> epoch ms recorded), so a redelivered batch is
   * recognised and not counted again. Bounded by age and count (see IncidentPolicy).
   */
  readonly deliveries: Readonly<Record<string, number>>;
  /** Sequence number of the latest claimed notification (0: none yet). */
  readonly notifySeq: number;
  /** Epoch ms of the latest claimed notification, null when none was claimed yet. */
  readonly lastNotifiedAt: number | null;
  /** `occurrences` as of the latest claimed notification; the next one reports the difference. */
  readonly lastNotifiedOccurrences: number;
  /** Per channel, the highest notification seq the channel acknowledged. Never sent twice. */
  readonly notified: Readonly<Record<string, number>>;
  /** Claimed notifications some channel has not acknowledged yet, in seq order. */
  readonly outbox: readonly OutboxEntry[];
  /** Epoch ms until which one invocation owns the outbox (sends and acknowledges it); 0: free. */
  readonly leaseUntil: number;
  /** DynamoDB TTL (epoch seconds) once resolved; null while open. */
  readonly expiresAt: number | null;
}
