import type { Diagnosis } from '../types';

/** Bounds of a tally: what it remembers per diagnosis, whatever the size of the input. */
export interface TallyLimits {
  /** Event ids remembered per diagnosis to recognise an event seen twice (default 100,000). */
  readonly maxRememberedIds: number;
  /** Event and request ids kept on each merged diagnosis (default 100). */
  readonly maxListedIds: number;
}

const DEFAULT_LIMITS: TallyLimits = { maxRememberedIds: 100_000, maxListedIds: 100 };

interface Entry {
  diagnosis: Diagnosis;
  occurrences: number;
  first: string | null;
  last: string | null;
  readonly seen: Set<string>;
  readonly eventIds: string[];
  readonly requestIds: Set<string>;
}

function earlier(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a <= b ? a : b;
}

function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

/**
 * Merges the diagnoses of many analyses of one input (the windows of a streamed file, the pages of
 * a CloudWatch search) into one list with exact counts: grouped by fingerprint, facts and sample of
 * the first, first and last seen across all, an event counted once however often it is delivered.
 * Memory is bounded: up to `maxRememberedIds` ids per diagnosis are remembered (beyond that an event
 * given twice is counted twice), and each merged diagnosis lists at most `maxListedIds` ids.
 */
export class DiagnosisTally {
  readonly #limits: TallyLimits;
  readonly #entries = new Map<string, Entry>();

  constructor(limits: Partial<TallyLimits> = {}) {
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Adds the diagnoses of one analysis. */
  add(diagnoses: readonly Diagnosis[]): void {
    for (const d of diagnoses) {
      let entry = this.#entries.get(d.fingerprint);
      if (entry === undefined) {
        entry = {
          // a copy: the engine's strings are slices of the text read, and a slice keeps its whole
          // chunk of input alive for as long as the tally lives
          diagnosis: structuredClone(d),
          occurrences: 0,
          first: null,
          last: null,
          seen: new Set(),
          eventIds: [],
          requestIds: new Set(),
        };
        this.#entries.set(d.fingerprint, entry);
      }
      let added = 0;
      for (const id of d.eventIds) {
        if (entry.seen.has(id)) continue;
        if (entry.seen.size < this.#limits.maxRememberedIds) entry.seen.add(id);
        if (entry.eventIds.length < this.#limits.maxListedIds)
          entry.eventIds.push(structuredClone(id));
        added++;
      }
      // a diagnosis without event ids still happened as often as it says
      entry.occurrences += d.eventIds.length === 0 ? d.occurrences : added;
      entry.first = earlier(entry.first, d.firstSeen);
      entry.last = later(entry.last, d.lastSeen);
      for (const id of d.requestIds) {
        if (entry.requestIds.size >= this.#limits.maxListedIds) break;
        if (!entry.requestIds.has(id)) entry.requestIds.add(structuredClone(id));
      }
    }
  }

  /** Distinct diagnoses so far. */
  get size(): number {
    return this.#entries.size;
  }

  /** The merged diagnoses, in the order they were first found. */
  diagnoses(): Diagnosis[] {
    return [...this.#entries.values()].map((entry) => ({
      ...entry.diagnosis,
      occurrences: entry.occurrences,
      firstSeen: entry.first,
      lastSeen: entry.last,
      eventIds: entry.eventIds,
      requestIds: [...entry.requestIds],
    }));
  }
}
