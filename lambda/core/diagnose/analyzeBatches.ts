import { ALERT_MARKER } from '../constants';
import { callerTrust, type GrantTrust, NO_EXTRA_TRUST, withOwner } from '../fixes/callerTrust';
import { renderFixes } from '../fixes/renderFixes';
import type { Finding } from '../formats/FormatFamily';
import { FORMAT_FAMILIES } from '../formats/families';
import type { LogLookupQuery } from '../ports/LogLookup';
import type { Diagnosis, DiagnosisFacts, LogBatch } from '../types';
import { fingerprint } from './fingerprint';
import { prefilter } from './prefilter';
import { readableMessage } from './readableMessage';
import { summarize } from './summarize';

/** Options of {@link analyzeBatches}. */
export interface AnalyzeOptions {
  /**
   * Accounts (and an organization) trusted to receive a runnable grant, besides the function's own
   * account and the account owning each batch's log group (see callerTrust).
   */
  readonly trust?: GrantTrust;
  /** Scan only these ranges; every batch is still read for correlation (default: scan all). */
  readonly scan?: ScanRanges;
}

/** Result of analysing some batches. */
export interface Analysis {
  readonly diagnoses: Diagnosis[];
  /** Events read (the prefilter counts as reading). */
  readonly eventsScanned: number;
  /** Findings whose facts are elsewhere in the log group: at most one query per log group. */
  readonly pendingLookups: LogLookupQuery[];
}

/** Window fetched around failures whose context is missing (execution logs of one request are close). */
export const LOOKUP_BEFORE_MS = 5 * 60_000;
export const LOOKUP_AFTER_MS = 60_000;
const SAMPLE_MAX = 500;

interface Group {
  facts: DiagnosisFacts;
  readonly eventIds: Set<string>;
  readonly requestIds: Set<string>;
  first: number | null;
  last: number | null;
  readonly sample: string;
  readonly logGroup: string | null;
  readonly logStream: string | null;
  readonly owner: string | null;
  readonly eventId: string;
  readonly requestId: string | null;
}

function eventId(batch: number, index: number, id: string | null): string {
  if (id !== null && id !== '') return id;
  // pasted text has no event ids: the event's ordinal in its batch stands in, so counting works
  return batch === 0 ? `line:${index + 1}` : `b${batch}:line:${index + 1}`;
}

function trimSample(text: string): string {
  const clean = text.trim();
  return clean.length > SAMPLE_MAX ? clean.slice(0, SAMPLE_MAX) : clean;
}

function pendingLookups(
  batches: readonly LogBatch[],
  findings: readonly Finding[],
): LogLookupQuery[] {
  const byGroup = new Map<
    string,
    { ids: Set<string>; min: number; max: number; streams: Set<string | null> }
  >();
  for (const finding of findings) {
    if (finding.lookup !== true) continue;
    if (finding.logGroup === null || finding.requestId === null || finding.timestamp === null) {
      continue;
    }
    const entry = byGroup.get(finding.logGroup) ?? {
      ids: new Set<string>(),
      min: finding.timestamp,
      max: finding.timestamp,
      streams: new Set<string | null>(),
    };
    entry.ids.add(finding.requestId);
    entry.min = Math.min(entry.min, finding.timestamp);
    entry.max = Math.max(entry.max, finding.timestamp);
    for (const batch of batches) {
      if (batch.logGroup === finding.logGroup) entry.streams.add(batch.logStream);
    }
    byGroup.set(finding.logGroup, entry);
  }
  return [...byGroup].map(([logGroup, entry]) => ({
    logGroup,
    logStream: entry.streams.size === 1 ? ([...entry.streams][0] ?? null) : null,
    requestIds: [...entry.ids],
    startTime: entry.min - LOOKUP_BEFORE_MS,
    endTime: entry.max + LOOKUP_AFTER_MS,
  }));
}

function iso(time: number | null): string | null {
  if (time === null || !Number.isFinite(time)) return null;
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Which events of each batch are scanned for findings (the rest is context for correlation). */
export interface ScanRanges {
  /** Per batch index: scan events `[from, to)`; batches not listed are context only. */
  readonly ranges: ReadonlyMap<number, readonly [number, number]>;
}

/**
 * The engine: runs every format family over the prefiltered events, and groups identical findings
 * (same fingerprint) into one diagnosis with exact counts, its provenance and fixes within the
 * trust boundary. Messages carrying the alert marker (our own alerts, logged somewhere watched)
 * are skipped, and the matchers read at most MAX_MATCHED_CHARS of a message, without the
 * request-data lines of API Gateway execution logs (see readableMessage). With `scan`, only the
 * given ranges are scanned; every batch is still read for correlation (the streaming analysis
 * passes the lines before and after a window this way).
 */
export function analyzeBatches(
  batches: readonly LogBatch[],
  options: AnalyzeOptions = {},
): Analysis {
  const trust = options.trust ?? NO_EXTRA_TRUST;
  const scan = options.scan;
  const scanners = FORMAT_FAMILIES.map((family) => family.scanner());
  let eventsScanned = 0;
  batches.forEach((batch, b) => {
    const events = batch.events;
    const range = scan === undefined ? undefined : (scan.ranges.get(b) ?? [0, 0]);
    const from = range === undefined ? 0 : range[0];
    const to = range === undefined ? events.length : Math.min(range[1], events.length);
    eventsScanned += Math.max(0, to - from);
    for (let i = from; i < to; i++) {
      const event = events[i]!;
      const message = event.message;
      if (!prefilter(message) || message.includes(ALERT_MARKER)) continue;
      const readable = readableMessage(message);
      if (readable === null) continue;
      const scanned = {
        batch,
        batchIndex: b,
        index: i,
        event: readable === message ? event : { ...event, message: readable },
        eventId: eventId(b, i, event.id),
      };
      for (const scanner of scanners) scanner.scan(scanned);
    }
  });
  const findings = scanners.flatMap((scanner) => scanner.findings(batches));

  const groups = new Map<string, Group>();
  for (const finding of findings) {
    const key = finding.key ?? fingerprint(finding.facts);
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        facts: finding.facts,
        eventIds: new Set(),
        requestIds: new Set(),
        first: null,
        last: null,
        sample: trimSample(finding.text),
        logGroup: finding.logGroup,
        logStream: finding.logStream,
        owner: finding.owner,
        eventId: finding.eventId,
        requestId: finding.requestId,
      };
      groups.set(key, group);
    }
    group.eventIds.add(finding.eventId);
    if (finding.requestId !== null) group.requestIds.add(finding.requestId);
    if (finding.timestamp !== null && Number.isFinite(finding.timestamp)) {
      group.first =
        group.first === null ? finding.timestamp : Math.min(group.first, finding.timestamp);
      group.last =
        group.last === null ? finding.timestamp : Math.max(group.last, finding.timestamp);
    }
  }
  const diagnoses: Diagnosis[] = [...groups].map(([key, group]) => {
    const groupTrust = withOwner(trust, group.owner);
    return {
      ...group.facts,
      summary: summarize(group.facts),
      fixes: renderFixes(group.facts, groupTrust),
      occurrences: group.eventIds.size,
      firstSeen: iso(group.first),
      lastSeen: iso(group.last),
      fingerprint: key,
      logGroup: group.logGroup,
      eventIds: [...group.eventIds],
      requestIds: [...group.requestIds],
      sample: group.sample,
      logStream: group.logStream,
      logOwner: group.owner,
      eventId: group.eventId,
      requestId: group.requestId ?? [...group.requestIds][0] ?? null,
      callerTrust: callerTrust(group.facts, groupTrust),
    };
  });
  return { diagnoses, eventsScanned, pendingLookups: pendingLookups(batches, findings) };
}
