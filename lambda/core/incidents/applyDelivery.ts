import { addHourly } from './addHourly';
import { carryVerification } from './carryVerification';
import { claimNotification, type Transition } from './claimNotification';
import type { IncidentRecord } from './IncidentRecord';
import { incidentId } from './incidentId';
import type { IncidentPolicy } from './incidentPolicy';
import { startsBurst, withBurst } from './recurrence';
import type { IncidentDelivery } from './toIncidentDeliveries';

/** Everything the lifecycle needs to fold one delivery into a fingerprint's incidents. */
export interface ApplyDeliveryInput {
  /** The fingerprint's latest episode as last read, null when there is none. */
  readonly latest: IncidentRecord | null;
  /** Highest episode number ever used for the fingerprint (survives TTL), 0 when none. */
  readonly lastEpisode: number;
  readonly delivery: IncidentDelivery;
  /** Clock time, epoch ms. */
  readonly now: number;
  /** Channels a claimed notification is queued for. */
  readonly channels: readonly string[];
  readonly policy: IncidentPolicy;
}

/** What to do with a delivery: nothing (already counted), update the open episode, or open one. */
export type DeliveryDecision =
  | { readonly kind: 'duplicate'; readonly record: IncidentRecord }
  | ({ readonly kind: 'recorded' | 'opened' } & Transition);

/**
 * Folds one delivery into a fingerprint's incident: a delivery key already remembered is a
 * redelivery and changes nothing, and so is a delivery whose events all predate the end of a
 * resolved latest episode (late history, see below); an open episode gets the new occurrences,
 * its bursts (failures apart by at least the quiet period) and the notification they call for
 * (see notifyOpen); a quiet-resolved episode whose failures come back within the hold window
 * reopens with a `recurring` notification; otherwise a new episode opens, linked to the previous
 * one, with an `opened` notification. Pure: the caller writes the result with a version condition
 * and re-reads and re-applies on a conflict.
 */
export function applyDelivery(input: ApplyDeliveryInput): DeliveryDecision {
  const { latest, delivery, now, channels, policy } = input;
  if (latest && Object.hasOwn(latest.deliveries, delivery.key)) {
    return { kind: 'duplicate', record: latest };
  }
  // Late history: every event happened before the latest episode ended, which was reported and
  // resolved. Its key may have been forgotten (the store remembers 256 deliveries for 6 hours), but
  // it must not open a new episode and announce that outage again: a second replay of a long
  // outage did exactly that. A delivery with any newer event still opens one.
  if (latest?.status === 'resolved' && delivery.lastSeenMs <= Date.parse(latest.lastSeen)) {
    return { kind: 'duplicate', record: latest };
  }
  if (latest?.status === 'open') {
    const lastSeenMs = Date.parse(latest.lastSeen);
    const burst = startsBurst(lastSeenMs, delivery.firstSeenMs, policy);
    const recurrence = burst ? withBurst(latest, delivery.firstSeenMs, policy) : latest.recurrence;
    const updated: IncidentRecord = {
      ...folded(latest, delivery, now, policy),
      ...(recurrence ? { recurrence } : {}),
    };
    return { kind: 'recorded', ...notifyOpen(updated, burst, now, channels, policy) };
  }
  // Back within the hold window of an incident that resolved for being quiet (not verified fixed):
  // the same problem, on a rhythm or after a pause. It reopens, and since its RESOLVED was sent,
  // its recurring alert says it is failing again.
  if (latest?.status === 'resolved' && reopens(latest, delivery, policy)) {
    const lastSeenMs = Date.parse(latest.lastSeen);
    const recurrence = startsBurst(lastSeenMs, delivery.firstSeenMs, policy)
      ? withBurst(latest, delivery.firstSeenMs, policy)
      : (latest.recurrence ?? { bursts: 1, starts: [latest.firstSeen], announcedAt: null });
    const { resolution: _resolved, ...open } = folded(latest, delivery, now, policy);
    const reopened: IncidentRecord = {
      ...open,
      status: 'open',
      resolvedAt: null,
      expiresAt: null,
      recurrence: { ...recurrence, announcedAt: iso(now) },
    };
    return {
      kind: 'recorded',
      ...claimNotification(reopened, 'recurring', now, channels, policy),
    };
  }
  const lastEpisode = Math.max(input.lastEpisode, latest?.episode ?? 0);
  const episode = lastEpisode + 1;
  const opened: IncidentRecord = {
    id: incidentId(delivery.fingerprint, episode),
    fingerprint: delivery.fingerprint,
    ...(delivery.account === undefined ? {} : { account: delivery.account }),
    episode,
    previousIncidentId: lastEpisode > 0 ? incidentId(delivery.fingerprint, lastEpisode) : null,
    status: 'open',
    diagnosis: delivery.diagnosis,
    occurrences: delivery.count,
    firstSeen: iso(delivery.firstSeenMs),
    lastSeen: iso(delivery.lastSeenMs),
    resolvedAt: null,
    hourly: addHourly(
      {},
      delivery.firstSeenMs,
      delivery.lastSeenMs,
      delivery.count,
      policy.maxHourlyBuckets,
    ),
    version: 1,
    lastActivityAt: now,
    // Keys carry over: a late redelivery of the previous episode's batch is still recognised.
    deliveries: remember(latest?.deliveries ?? {}, delivery.key, now, policy),
    notifySeq: 0,
    lastNotifiedAt: null,
    lastNotifiedOccurrences: 0,
    notified: {},
    outbox: [],
    leaseUntil: 0,
    expiresAt: null,
  };
  return { kind: 'opened', ...claimNotification(opened, 'opened', now, channels, policy) };
}

/** The latest episode with a delivery's occurrences, times, facts and key folded in. */
function folded(
  latest: IncidentRecord,
  delivery: IncidentDelivery,
  now: number,
  policy: IncidentPolicy,
): IncidentRecord {
  const lastSeenMs = Date.parse(latest.lastSeen);
  return {
    ...latest,
    version: latest.version + 1,
    occurrences: latest.occurrences + delivery.count,
    firstSeen: iso(Math.min(Date.parse(latest.firstSeen), delivery.firstSeenMs)),
    lastSeen: iso(Math.max(lastSeenMs, delivery.lastSeenMs)),
    // An out-of-order (older) delivery must not replace the newer facts.
    diagnosis:
      delivery.lastSeenMs >= lastSeenMs
        ? carryVerification(latest.diagnosis, delivery.diagnosis)
        : latest.diagnosis,
    hourly: addHourly(
      latest.hourly,
      delivery.firstSeenMs,
      delivery.lastSeenMs,
      delivery.count,
      policy.maxHourlyBuckets,
    ),
    lastActivityAt: Math.max(latest.lastActivityAt, now),
    deliveries: remember(latest.deliveries, delivery.key, now, policy),
  };
}

/**
 * The notification an open incident's delivery claims. While it fails in one burst: an update
 * once the last alert is `updateIntervalMs` old. Once it recurs, nothing within a burst: its
 * recurring alert when the burst that reaches `recurringAfterBursts` starts, then a reminder at
 * the start of a burst at most once per `reminderIntervalMs`.
 */
function notifyOpen(
  record: IncidentRecord,
  burst: boolean,
  now: number,
  channels: readonly string[],
  policy: IncidentPolicy,
): Transition {
  const none: Transition = { record, claimed: null, leased: false };
  const r = record.recurrence;
  const sinceLast =
    record.lastNotifiedAt === null ? Number.POSITIVE_INFINITY : now - record.lastNotifiedAt;
  if (r === undefined || r.bursts < 2) {
    return sinceLast >= policy.updateIntervalMs
      ? claimNotification(record, 'update', now, channels, policy)
      : none;
  }
  if (!burst) return none;
  if (r.announcedAt === null) {
    if (r.bursts < policy.recurringAfterBursts) return none;
    const announced = { ...record, recurrence: { ...r, announcedAt: iso(now) } };
    return claimNotification(announced, 'recurring', now, channels, policy);
  }
  return sinceLast >= policy.reminderIntervalMs
    ? claimNotification(record, 'reminder', now, channels, policy)
    : none;
}

/**
 * Whether a delivery reopens a resolved episode: it resolved for being quiet (an incident
 * verified fixed that fails again is a new outage) and the delivery's failures come within the
 * hold window of its last one.
 */
function reopens(
  latest: IncidentRecord,
  delivery: IncidentDelivery,
  policy: IncidentPolicy,
): boolean {
  const fixed =
    latest.resolution?.reason === 'verified-fixed' ||
    latest.diagnosis.verification?.status === 'fixed';
  if (fixed) return false;
  const lastSeenMs = Date.parse(latest.lastSeen);
  return Number.isFinite(lastSeenMs) && delivery.firstSeenMs - lastSeenMs <= policy.holdWindowMs;
}

/** Adds a delivery key, forgetting keys past the dedup window and the oldest beyond the cap. */
function remember(
  deliveries: Readonly<Record<string, number>>,
  key: string,
  now: number,
  policy: IncidentPolicy,
): Record<string, number> {
  const kept = Object.entries(deliveries)
    .filter(([, at]) => now - at <= policy.dedupWindowMs)
    .sort((a, b) => b[1] - a[1])
    .slice(0, policy.maxRememberedDeliveries - 1);
  return Object.fromEntries([...kept, [key, now]]);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
