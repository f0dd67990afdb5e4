import type { FILTER_TERMS } from '../constants';
import type { DiagnosisFacts, DiagnosisKind, LogBatch, LogEvent } from '../types';

/** One message variant the engine recognises: a row of a format family's table. */
export interface MessagePattern {
  /** Variant name; the family's fixtures under test/events/<family>/ name the row they exercise. */
  readonly name: string;
  readonly kind: DiagnosisKind;
  /** The subscription-filter term that streams this variant (one of FILTER_TERMS). */
  readonly needle: (typeof FILTER_TERMS)[number];
  /** Literal that selects the variant once the needle matched (contains the needle). */
  readonly marker: string;
  /** Regex that pins the variant and captures its fields. */
  readonly regex: RegExp;
  /** A real line of this variant (see test/events/SOURCES.md). */
  readonly example: string;
  /** Facts the variant yields by itself, before correlation. */
  readonly yields: readonly string[];
}

/** What a family's `find` returns for one message: at least the row that matched. */
export interface FamilyMatch {
  /** Name of the {@link MessagePattern} row that matched. */
  readonly pattern: string;
}

/** One finding before grouping: the facts of one occurrence and where it came from. */
export interface Finding {
  readonly facts: DiagnosisFacts;
  /** Fingerprint when the family already knows it (memoised), else computed when grouping. */
  readonly key?: string;
  readonly eventId: string;
  readonly timestamp: number | null;
  readonly requestId: string | null;
  /** Text the sample is cut from (only the first finding of a group needs it cut). */
  readonly text: string;
  readonly logGroup: string | null;
  /** Log stream and owning account of the batch the event came in (provenance). */
  readonly logStream: string | null;
  readonly owner: string | null;
  /**
   * The facts are incomplete and the request's other lines, fetched by request id around the
   * finding's time, can complete them (REST execution logs at ERROR level).
   */
  readonly lookup?: boolean;
}

/** A prefiltered event as the analyzer hands it to each family's scanner. */
export interface ScannedEvent {
  readonly batch: LogBatch;
  /** Position of the batch in the analysis and of the event in its batch. */
  readonly batchIndex: number;
  readonly index: number;
  readonly event: LogEvent;
  /** The event's CloudWatch id, or a stand-in for pasted text (counts stay exact). */
  readonly eventId: string;
}

/** The per-analysis side of a family: reads events, then yields its findings. */
export interface FamilyScanner {
  /** Reads one prefiltered event. */
  scan(event: ScannedEvent): void;
  /** Findings of everything scanned (families that join lines of one request do it here). */
  findings(batches: readonly LogBatch[]): Finding[];
}

/**
 * A log-format family: its table of variants, a `find` that reads one message, and a scanner that
 * turns an analysis' matches into findings. Adding a family is one module exporting one of these,
 * listed in FORMAT_FAMILIES, plus fixtures under test/events/<name>/.
 */
export interface FormatFamily {
  /** Family name; also the fixture folder under test/events/. */
  readonly name: string;
  readonly rows: readonly MessagePattern[];
  /** Every match of this family in one message, each naming its row. */
  find(message: string): readonly FamilyMatch[];
  /** A scanner holding one analysis' state (memos, lines waiting for correlation). */
  scanner(): FamilyScanner;
}
