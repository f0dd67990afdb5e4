import type { LogBatch, LogEvent } from '../../lambda/core/types';

/** One event with the batch it came in (its log group, stream and format). */
export interface SourcedEvent {
  readonly batch: LogBatch;
  readonly event: LogEvent & { readonly timestamp: number };
  /** Which input it came from. */
  readonly source: number;
  /** Order read within its input, to keep events of the same time in input order. */
  readonly order: number;
}

/**
 * Events held, over all inputs, to put slightly unordered events (interleaved streams) in time
 * order; each input holds its share, at least MIN_REORDER_EVENTS.
 */
export const REORDER_EVENTS = 100_000;
const MIN_REORDER_EVENTS = 500;

/** A min-heap of events by (time, order). */
class EventHeap {
  readonly #items: SourcedEvent[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): SourcedEvent | undefined {
    return this.#items[0];
  }

  push(item: SourcedEvent): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i] as SourcedEvent, items[parent] as SourcedEvent)) break;
      [items[i], items[parent]] = [items[parent] as SourcedEvent, items[i] as SourcedEvent];
      i = parent;
    }
  }

  pop(): SourcedEvent | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (
          left < items.length &&
          before(items[left] as SourcedEvent, items[least] as SourcedEvent)
        )
          least = left;
        if (
          right < items.length &&
          before(items[right] as SourcedEvent, items[least] as SourcedEvent)
        )
          least = right;
        if (least === i) break;
        [items[i], items[least]] = [items[least] as SourcedEvent, items[i] as SourcedEvent];
        i = least;
      }
    }
    return top;
  }
}

function before(a: SourcedEvent, b: SourcedEvent): boolean {
  return a.event.timestamp !== b.event.timestamp
    ? a.event.timestamp < b.event.timestamp
    : a.source !== b.source
      ? a.source < b.source
      : a.order < b.order;
}

/** One input being merged. */
interface Lane {
  readonly source: number;
  readonly batches: AsyncIterator<LogBatch>;
  readonly heap: EventHeap;
  done: boolean;
  order: number;
}

/**
 * Merges inputs into one stream of events in time order, reading each input a batch at a time:
 * what CloudWatch Logs would have delivered, across every log group and stream given. Each input
 * may be out of order by its share of REORDER_EVENTS events (a JSON array of deliveries of several
 * streams); beyond that an event comes out late. Events without a time are handed to `untimed`
 * (pasted text has no clock to follow). Memory: REORDER_EVENTS events in all.
 */
export async function* mergeByTime(
  inputs: readonly AsyncIterator<LogBatch>[],
  untimed: (batch: LogBatch, source: number) => void,
): AsyncGenerator<SourcedEvent> {
  const share = Math.max(
    MIN_REORDER_EVENTS,
    Math.floor(REORDER_EVENTS / Math.max(1, inputs.length)),
  );
  const lanes: Lane[] = inputs.map((batches, source) => ({
    source,
    batches,
    heap: new EventHeap(),
    done: false,
    order: 0,
  }));
  const fill = async (lane: Lane): Promise<void> => {
    while (!lane.done && lane.heap.size < share) {
      const next = await lane.batches.next();
      if (next.done === true) {
        lane.done = true;
        return;
      }
      const batch = next.value;
      const timeless = batch.events.filter((event) => event.timestamp === null);
      if (timeless.length > 0) untimed({ ...batch, events: timeless }, lane.source);
      for (const event of batch.events) {
        if (event.timestamp === null) continue;
        lane.heap.push({
          batch,
          event: event as LogEvent & { timestamp: number },
          source: lane.source,
          order: lane.order++,
        });
      }
    }
  };
  for (const lane of lanes) await fill(lane);
  for (;;) {
    let next: Lane | null = null;
    for (const lane of lanes) {
      const head = lane.heap.peek();
      if (head === undefined) continue;
      const best = next?.heap.peek();
      if (best === undefined || before(head, best)) next = lane;
    }
    if (next === null) return;
    const item = next.heap.pop() as SourcedEvent;
    if (next.heap.size < share / 2) await fill(next);
    yield item;
  }
}
