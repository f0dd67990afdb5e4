import type { LogBatch, LogEvent } from '../../lambda/core/types';

/** How CloudWatch Logs would have cut the input into subscription deliveries. */
export interface PlanOptions {
  /**
   * Which events the subscription filter streams (the engine's prefilter: the same terms as the
   * stack's filter pattern). Events it rejects are only there for the context lookup.
   */
  readonly streams: (message: string) => boolean;
  /** Event-time window of one delivery per log stream (default one minute). */
  readonly windowMs?: number;
  /** Upper bound on events per delivery (CloudWatch Logs sends at most 10,000). */
  readonly maxEvents?: number;
}

/** One subscription delivery to replay, at the time its last event happened. */
export interface PlannedDelivery {
  /** One log group and stream, events in time order. */
  readonly batch: LogBatch;
  /** Epoch ms of the delivery's last event; null for events without time (pasted text). */
  readonly time: number | null;
}

/** The replay's input, cut into deliveries, and everything that was read. */
export interface DeliveryPlan {
  /** In the order CloudWatch Logs would deliver them (time, then log group and stream). */
  readonly deliveries: readonly PlannedDelivery[];
  /** Every distinct event, one batch per log stream (time order), for the context lookup. */
  readonly logs: readonly LogBatch[];
  /** Distinct events read (duplicates of the same event id in one stream counted once). */
  readonly eventsRead: number;
  /** Events the subscription filter lets through. */
  readonly eventsDelivered: number;
  /** Events seen more than once in the input (same id, same stream), dropped. */
  readonly duplicates: number;
  /** Earliest and latest event time, null when no event has one. */
  readonly firstTime: number | null;
  readonly lastTime: number | null;
}

const DEFAULT_WINDOW_MS = 60_000;
const DEFAULT_MAX_EVENTS = 10_000;

interface Sourced {
  readonly source: LogBatch;
  readonly event: LogEvent;
  /** Input order, to keep events with the same time in the order they were written. */
  readonly order: number;
}

/**
 * Cuts decoded input into the deliveries a subscription would have produced: per log group and
 * stream, events in time order, one delivery per window of event time, only the events the
 * subscription filter streams. Deterministic for a given input, so replaying the same files again
 * produces the same deliveries and the incident store recognises them as redeliveries. The same
 * event (id) given twice, e.g. in overlapping exports, is kept once.
 */
export function planDeliveries(batches: readonly LogBatch[], options: PlanOptions): DeliveryPlan {
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  const byStream = new Map<string, Sourced[]>();
  const seen = new Set<string>();
  let order = 0;
  let duplicates = 0;
  for (const batch of batches) {
    const streamKey = `${batch.logGroup ?? ''}\u0000${batch.logStream ?? ''}`;
    for (const event of batch.events) {
      order += 1;
      if (event.id !== null) {
        const key = `${streamKey}\u0000${event.id}`;
        if (seen.has(key)) {
          duplicates += 1;
          continue;
        }
        seen.add(key);
      }
      const list = byStream.get(streamKey) ?? [];
      list.push({ source: batch, event, order });
      byStream.set(streamKey, list);
    }
  }

  const deliveries: PlannedDelivery[] = [];
  const logs: LogBatch[] = [];
  let eventsRead = 0;
  let eventsDelivered = 0;
  let firstTime: number | null = null;
  let lastTime: number | null = null;
  for (const list of byStream.values()) {
    list.sort(byTime);
    eventsRead += list.length;
    if (list.length === 0) continue;
    logs.push(toBatch(list));
    let chunk: Sourced[] = [];
    let chunkWindow: number | null = null;
    const flush = () => {
      if (chunk.length > 0) deliveries.push(toDelivery(chunk));
      chunk = [];
    };
    for (const item of list) {
      const time = item.event.timestamp;
      if (time !== null) {
        firstTime = firstTime === null ? time : Math.min(firstTime, time);
        lastTime = lastTime === null ? time : Math.max(lastTime, time);
      }
      if (!options.streams(item.event.message)) continue;
      eventsDelivered += 1;
      const window = time === null ? null : Math.floor(time / windowMs);
      if (window !== chunkWindow || chunk.length >= maxEvents) flush();
      chunkWindow = window;
      chunk.push(item);
    }
    flush();
  }
  deliveries.sort(deliveryOrder);
  return { deliveries, logs, eventsRead, eventsDelivered, duplicates, firstTime, lastTime };
}

function byTime(a: Sourced, b: Sourced): number {
  // Events without time sort after those with one (they can only be placed at the end).
  const ta = a.event.timestamp ?? Number.POSITIVE_INFINITY;
  const tb = b.event.timestamp ?? Number.POSITIVE_INFINITY;
  return ta - tb || a.order - b.order || 0;
}

function toBatch(items: readonly Sourced[]): LogBatch {
  const source = (items[0] as Sourced).source;
  return {
    format: source.format,
    owner: source.owner,
    logGroup: source.logGroup,
    logStream: source.logStream,
    policyLevel: source.policyLevel,
    events: items.map((item) => item.event),
  };
}

function toDelivery(items: readonly Sourced[]): PlannedDelivery {
  const batch = toBatch(items);
  const times = items.flatMap((item) =>
    item.event.timestamp === null ? [] : [item.event.timestamp],
  );
  return { batch, time: times.length > 0 ? Math.max(...times) : null };
}

function deliveryOrder(a: PlannedDelivery, b: PlannedDelivery): number {
  const ta = a.time ?? Number.POSITIVE_INFINITY;
  const tb = b.time ?? Number.POSITIVE_INFINITY;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return (
    (a.batch.logGroup ?? '').localeCompare(b.batch.logGroup ?? '') ||
    (a.batch.logStream ?? '').localeCompare(b.batch.logStream ?? '')
  );
}
