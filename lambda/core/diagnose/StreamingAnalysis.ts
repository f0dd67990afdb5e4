import type { GrantTrust } from '../fixes/callerTrust';
import { isContextLine } from '../formats/correlateApiGateway';
import type { Diagnosis, LogBatch, LogEvent } from '../types';
import { analyzeBatches } from './analyzeBatches';
import { DiagnosisTally, type TallyLimits } from './DiagnosisTally';

/** Sizes of the streaming analysis; the defaults keep memory flat however large the input. */
export interface StreamingOptions {
  /**
   * Events scanned per analysis of one lane (default 4,096). Larger windows save little time and
   * keep more events alive across young-generation collections, which the old one then collects:
   * with 8,192, peak memory on long inputs was 25% higher in one run of four.
   */
  readonly windowEvents?: number;
  /** Events after a window read for its correlation, scanned with the next window (default 512). */
  readonly lookaheadEvents?: number;
  /**
   * How far back (in events of the lane) the lines that name a request's function and route are
   * kept for the failures of later windows (default 4,096: hundreds of requests of an execution log).
   */
  readonly contextEvents?: number;
  /** Events held across all lanes before the fullest are analysed early (default 65,536). */
  readonly maxBufferedEvents?: number;
  /** Accounts trusted to receive a runnable grant (see analyzeBatches; default: none extra). */
  readonly trust?: GrantTrust;
  /** Memory of the merged counts (DiagnosisTally). */
  readonly tally?: Partial<TallyLimits>;
  /** Receives each window's own diagnoses (replay stores each window as one delivery). */
  readonly onWindow?: (diagnoses: Diagnosis[]) => void;
}

/** What a streaming analysis found. */
export interface StreamingResult {
  readonly diagnoses: Diagnosis[];
  /** Events read. */
  readonly eventsScanned: number;
}

/** Events of one log group (or of one source without a log group), analysed in windows. */
interface Lane {
  readonly meta: Omit<LogBatch, 'events' | 'logStream'>;
  stream: string | null | undefined;
  readonly queue: LogEvent[];
  head: number;
  /** Context lines of earlier windows and the lane ordinal of each. */
  carry: LogEvent[];
  carryOrdinals: number[];
  /** Events of this lane scanned so far. */
  ordinal: number;
}

/**
 * The engine over input of any size, read batch by batch (file by file, payload by payload, line by
 * line): events are analysed in windows per log group, each window with the context lines of the
 * windows before it (a window of `contextEvents` events: the request-id lines that name functions
 * and routes) and the events just after it, so correlation finds what it finds on the whole input
 * while memory stays bounded; the windows' diagnoses are merged by DiagnosisTally. Events of a
 * request must lie within that window of each other, as API Gateway writes them.
 */
export class StreamingAnalysis {
  readonly #window: number;
  readonly #lookahead: number;
  readonly #context: number;
  readonly #maxBuffered: number;
  readonly #onWindow: ((diagnoses: Diagnosis[]) => void) | undefined;
  readonly #tally: DiagnosisTally;
  readonly #trust: GrantTrust | undefined;
  readonly #lanes = new Map<string, Lane>();
  #buffered = 0;
  #scanned = 0;

  constructor(options: StreamingOptions = {}) {
    this.#window = options.windowEvents ?? 4096;
    this.#lookahead = options.lookaheadEvents ?? 512;
    this.#context = options.contextEvents ?? 4096;
    this.#maxBuffered = options.maxBufferedEvents ?? 65_536;
    this.#onWindow = options.onWindow;
    this.#tally = new DiagnosisTally(options.tally);
    this.#trust = options.trust;
  }

  /**
   * Reads one batch. `source` tells inputs apart: batches without a log group correlate only with
   * batches of the same source (two pasted files are not one log).
   */
  push(batch: LogBatch, source = 0): void {
    if (batch.events.length === 0) return;
    const key = batch.logGroup === null ? `\u0000source:${source}` : `group:${batch.logGroup}`;
    let lane = this.#lanes.get(key);
    if (lane === undefined) {
      const { events: _events, logStream, ...meta } = batch;
      lane = {
        meta,
        stream: logStream,
        queue: [],
        head: 0,
        carry: [],
        carryOrdinals: [],
        ordinal: 0,
      };
      this.#lanes.set(key, lane);
    } else if (lane.stream !== batch.logStream) {
      lane.stream = undefined;
    }
    for (const event of batch.events) lane.queue.push(event);
    this.#buffered += batch.events.length;
    while (lane.queue.length - lane.head >= this.#window + this.#lookahead) {
      this.#analyze(lane, this.#window);
    }
    if (this.#buffered > this.#maxBuffered) this.#relieve();
  }

  /** Analyses what is left and returns the merged diagnoses. */
  finish(): StreamingResult {
    for (const lane of this.#lanes.values()) {
      const left = lane.queue.length - lane.head;
      if (left > 0) this.#analyze(lane, left);
    }
    return { diagnoses: this.#tally.diagnoses(), eventsScanned: this.#scanned };
  }

  /** Too much held across lanes (many log groups at once): the fullest lanes are analysed now. */
  #relieve(): void {
    const lanes = [...this.#lanes.values()].sort(
      (a, b) => b.queue.length - b.head - (a.queue.length - a.head),
    );
    for (const lane of lanes) {
      if (this.#buffered <= this.#maxBuffered / 2) return;
      const left = lane.queue.length - lane.head;
      if (left > 0) this.#analyze(lane, left);
    }
  }

  #analyze(lane: Lane, count: number): void {
    const start = lane.head;
    const scanned = lane.queue.slice(start, start + count);
    const after = lane.queue.slice(start + count, start + count + this.#lookahead);
    const events = [...lane.carry, ...scanned, ...after];
    const batch: LogBatch = {
      ...lane.meta,
      logStream: lane.stream === undefined ? null : lane.stream,
      events,
    };
    const from = lane.carry.length;
    const analysis = analyzeBatches([batch], {
      scan: { ranges: new Map([[0, [from, from + count]]]) },
      ...(this.#trust === undefined ? {} : { trust: this.#trust }),
    });
    this.#scanned += count;
    if (analysis.diagnoses.length > 0) {
      this.#tally.add(analysis.diagnoses);
      this.#onWindow?.(analysis.diagnoses);
    }
    this.#keepContext(lane, scanned);
    lane.head += count;
    this.#buffered -= count;
    // analysed events leave the queue at once: held longer, they outlive the young generation and
    // fill the old one with garbage, and peak memory grows with the input
    if (lane.head >= this.#window || lane.head === lane.queue.length) {
      lane.queue.splice(0, lane.head);
      lane.head = 0;
    }
  }

  /** The context lines of a window join the lane's carry; lines out of the context window leave it. */
  #keepContext(lane: Lane, scanned: readonly LogEvent[]): void {
    for (const event of scanned) {
      lane.ordinal++;
      if (isContextLine(event.message)) {
        lane.carry.push(event);
        lane.carryOrdinals.push(lane.ordinal);
      }
    }
    const oldest = lane.ordinal - this.#context;
    let drop = 0;
    while (drop < lane.carryOrdinals.length && (lane.carryOrdinals[drop] ?? 0) <= oldest) drop++;
    if (drop > 0) {
      lane.carry = lane.carry.slice(drop);
      lane.carryOrdinals = lane.carryOrdinals.slice(drop);
    }
  }
}
