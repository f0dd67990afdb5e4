import type { IncidentRecord, OutboxEntry } from './IncidentRecord';
import type { NotificationKind } from './incident';
import type { IncidentPolicy } from './incidentPolicy';

/** A new incident state to write, and what the writer must do once the write succeeds. */
export interface Transition {
  readonly record: IncidentRecord;
  /** The notification this transition claimed, if any (claimed even when no channel is configured). */
  readonly claimed: OutboxEntry | null;
  /** The writer took the outbox lease: after a successful write it sends the outbox and acknowledges. */
  readonly leased: boolean;
}

/**
 * Claims the next notification of an incident: bumps the sequence, remembers the count it reports
 * up to, and queues it for every channel. Claiming is part of the state change written with the
 * version condition, so of two concurrent writers only one ever claims a given notification. The
 * lease is taken only when nobody else holds it; otherwise the holder (or the sweeper) sends it.
 */
export function claimNotification(
  record: IncidentRecord,
  kind: NotificationKind,
  now: number,
  channels: readonly string[],
  policy: IncidentPolicy,
): Transition {
  const seq = record.notifySeq + 1;
  const entry: OutboxEntry = {
    notificationId: `${record.id}:${kind}:${seq}`,
    kind,
    seq,
    newOccurrences: record.occurrences - record.lastNotifiedOccurrences,
    createdAt: now,
    pendingChannels: [...channels],
    attempts: 0,
    lastErrors: {},
  };
  const queued = channels.length > 0;
  const leased = queued && record.leaseUntil <= now;
  return {
    record: {
      ...record,
      notifySeq: seq,
      lastNotifiedAt: now,
      lastNotifiedOccurrences: record.occurrences,
      outbox: queued ? [...record.outbox, entry] : record.outbox,
      leaseUntil: leased ? now + policy.leaseMs : record.leaseUntil,
    },
    claimed: entry,
    leased,
  };
}
