import type { IncidentRecord, OutboxEntry } from './IncidentRecord';

/** The outcome of sending one notification to one channel. */
export interface SendResult {
  readonly notificationId: string;
  readonly channel: string;
  /** True when the channel no longer waits for it (sent, held, unconfirmed or abandoned). */
  readonly ok: boolean;
  /**
   * How an `ok` result ended when it was not a plain send: `held` (over the channel's per-minute
   * cap, summed up in a digest), `unconfirmed` (the request may have been delivered: never sent
   * again), `abandoned` (the channel refused for good or failed its last allowed attempt).
   */
  readonly status?: 'held' | 'unconfirmed' | 'abandoned';
  /** One-line reason when `ok` is false, or why it was unconfirmed or abandoned. */
  readonly error?: string;
}

/**
 * Records send outcomes on an incident: an acknowledged channel is removed from the entry's pending
 * channels and its `notified` seq raised (so it is never sent that notification again); a failed one
 * keeps it pending with the error. Entries no channel still waits for leave the outbox. The lease is
 * released only if it is still the one the sender took (`leaseUntil`), never someone else's.
 * Idempotent: applying the same results twice gives the same state.
 */
export function acknowledgeOutbox(
  record: IncidentRecord,
  results: readonly SendResult[],
  leaseUntil: number,
): IncidentRecord {
  const notified: Record<string, number> = { ...record.notified };
  const outbox: OutboxEntry[] = [];
  for (const entry of record.outbox) {
    const mine = results.filter((r) => r.notificationId === entry.notificationId);
    const delivered = new Set(mine.filter((r) => r.ok).map((r) => r.channel));
    const failed = mine.filter((r) => !r.ok && !delivered.has(r.channel));
    for (const channel of delivered) {
      notified[channel] = Math.max(notified[channel] ?? 0, entry.seq);
    }
    const pendingChannels = entry.pendingChannels.filter(
      (channel) => !delivered.has(channel) && (notified[channel] ?? 0) < entry.seq,
    );
    if (pendingChannels.length === 0) continue;
    const lastErrors = { ...entry.lastErrors };
    for (const r of failed) lastErrors[r.channel] = r.error ?? 'failed';
    outbox.push({
      ...entry,
      pendingChannels,
      attempts: entry.attempts + (failed.length > 0 ? 1 : 0),
      lastErrors,
    });
  }
  return {
    ...record,
    version: record.version + 1,
    notified,
    outbox,
    leaseUntil: record.leaseUntil === leaseUntil ? 0 : record.leaseUntil,
  };
}
