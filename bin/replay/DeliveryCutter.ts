import type { LogBatch, LogEvent } from '../../lambda/core/types';
import type { SourcedEvent } from './mergeByTime';

/** One subscription delivery to replay, at the time its last event happened. */
export interface PlannedDelivery {
  /** One log group and stream, events in time order. */
  readonly batch: LogBatch;
  /** Epoch ms of the delivery's last event. */
  readonly time: number;
}

/** How CloudWatch Logs would have cut the input into subscription deliveries. */
export interface CutOptions {
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

/** Counts of what was cut. */
export interface CutCounts {
  /** Distinct events read (the same event id in one stream twice counted once). */
  eventsRead: number;
  /** Events the subscription filter lets through. */
  eventsDelivered: number;
  /** Events seen again (same id, same stream) within DUPLICATE_WINDOW_MS, dropped. */
  duplicates: number;
  /** Earliest and latest event time, null before any. */
  firstTime: number | null;
  lastTime: number | null;
}

/** How long an event id is remembered to drop the same event given twice (overlapping exports). */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;

interface Open {
  readonly window: number;
  readonly source: LogBatch;
  readonly events: LogEvent[];
}

function order(a: PlannedDelivery, b: PlannedDelivery): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  return (
    (a.batch.logGroup ?? '').localeCompare(b.batch.logGroup ?? '') ||
    (a.batch.logStream ?? '').localeCompare(b.batch.logStream ?? '')
  );
}

/**
 * Cuts time-ordered events (mergeByTime) into the deliveries a subscription would have produced,
 * as they come: per log group and stream, one delivery per window of event time, only the events
 * the subscription filter streams, handed on once event time has passed their window, in the order
 * CloudWatch Logs would deliver them (time, then log group and stream). Deterministic, so replaying
 * the same files again produces the same deliveries and the incident store recognises them.
 * Holds only the open windows' streamed events and the recent event ids.
 */
export class DeliveryCutter {
  readonly counts: CutCounts = {
    eventsRead: 0,
    eventsDelivered: 0,
    duplicates: 0,
    firstTime: null,
    lastTime: null,
  };
  readonly #streams: (message: string) => boolean;
  readonly #windowMs: number;
  readonly #maxEvents: number;
  readonly #open = new Map<string, Open>();
  #ready: PlannedDelivery[] = [];
  #window = Number.NEGATIVE_INFINITY;
  readonly #seen = new Map<string, number>();

  constructor(options: CutOptions) {
    this.#streams = options.streams;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxEvents = options.maxEvents ?? 10_000;
  }

  /** Reads the next event; returns the deliveries that are complete now (possibly none). */
  add({ batch, event }: SourcedEvent): PlannedDelivery[] {
    const time = event.timestamp;
    const stream = `${batch.logGroup ?? ''}\u0000${batch.logStream ?? ''}`;
    if (event.id !== null) {
      const key = `${stream}\u0000${event.id}`;
      if (this.#seen.has(key)) {
        this.counts.duplicates += 1;
        return [];
      }
      this.#seen.set(key, time);
      this.#forget(time);
    }
    this.counts.eventsRead += 1;
    this.counts.firstTime =
      this.counts.firstTime === null ? time : Math.min(this.counts.firstTime, time);
    this.counts.lastTime =
      this.counts.lastTime === null ? time : Math.max(this.counts.lastTime, time);
    const window = Math.floor(time / this.#windowMs);
    const done = window > this.#window ? this.#closeBefore(window) : [];
    this.#window = Math.max(this.#window, window);
    if (!this.#streams(event.message)) return done;
    this.counts.eventsDelivered += 1;
    let open = this.#open.get(stream);
    if (open !== undefined && (open.window !== window || open.events.length >= this.#maxEvents)) {
      this.#ready.push(this.#delivery(open));
      open = undefined;
    }
    if (open === undefined) {
      open = { window, source: batch, events: [] };
      this.#open.set(stream, open);
    }
    open.events.push(event);
    return done;
  }

  /** The input ended: every delivery still open. */
  end(): PlannedDelivery[] {
    return this.#closeBefore(Number.POSITIVE_INFINITY);
  }

  #closeBefore(window: number): PlannedDelivery[] {
    for (const [key, open] of this.#open) {
      if (open.window < window) {
        this.#ready.push(this.#delivery(open));
        this.#open.delete(key);
      }
    }
    const ready = this.#ready.sort(order);
    this.#ready = [];
    return ready;
  }

  #delivery(open: Open): PlannedDelivery {
    const source = open.source;
    return {
      batch: {
        format: source.format,
        owner: source.owner,
        logGroup: source.logGroup,
        logStream: source.logStream,
        policyLevel: source.policyLevel,
        events: open.events,
      },
      time: Math.max(...open.events.map((event) => event.timestamp ?? 0)),
    };
  }

  /** Ids older than the duplicate window are forgotten (Map keeps insertion, i.e. time, order). */
  #forget(now: number): void {
    for (const [key, time] of this.#seen) {
      if (time >= now - DUPLICATE_WINDOW_MS) return;
      this.#seen.delete(key);
    }
  }
}
