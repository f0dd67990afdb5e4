import { analyzeBatches } from './diagnose/analyzeBatches';
import type { GrantTrust } from './fixes/callerTrust';
import type { DiagnosisSink } from './ports/DiagnosisSink';
import type { LogLookup } from './ports/LogLookup';
import type { Diagnosis, LogBatch } from './types';

/** Ports and time for {@link processLogBatch}. */
export interface ProcessDeps {
  /** Fetches API Gateway context lines missing from the delivery (absent: no lookups). */
  readonly lookup?: LogLookup;
  /** Receives the diagnoses (absent: they are only returned). */
  readonly sink?: DiagnosisSink;
  /** Epoch ms the delivery is processed at. */
  readonly now: number;
  /** Accounts and organization trusted to receive a runnable grant (see callerTrust). */
  readonly trust?: GrantTrust;
  /** Account the batches came from, when one responder serves many (see DeliveryContext). */
  readonly account?: string;
}

/** Outcome of one delivery. */
export interface ProcessResult {
  readonly diagnoses: Diagnosis[];
  /** Events delivered (lookup lines are not counted). */
  readonly eventsScanned: number;
  /** Lookups performed (at most one per delivered log group). */
  readonly lookups: number;
  /** Lookups that failed; the diagnoses then lack that context but are still delivered. */
  readonly lookupFailures: number;
}

function common<T>(values: readonly T[]): T | null {
  const first = values[0];
  if (first === undefined) return null;
  return values.every((value) => value === first) ? first : null;
}

/**
 * The use case behind the subscription handler and `replay`: analyse the delivery, fetch the
 * missing API Gateway context once per log group, analyse again with those lines, and hand the
 * diagnoses to the sink. A failed lookup never loses the diagnoses already found.
 */
export async function processLogBatch(
  batches: readonly LogBatch[],
  deps: ProcessDeps,
): Promise<ProcessResult> {
  const options = deps.trust === undefined ? {} : { trust: deps.trust };
  let analysis = analyzeBatches(batches, options);
  const eventsScanned = analysis.eventsScanned;
  let lookups = 0;
  let lookupFailures = 0;
  if (deps.lookup !== undefined && analysis.pendingLookups.length > 0) {
    const extra: LogBatch[] = [];
    for (const query of analysis.pendingLookups) {
      lookups++;
      try {
        const events = await deps.lookup.findRequestLines(query);
        if (events.length === 0) continue;
        const source = batches.find((batch) => batch.logGroup === query.logGroup);
        extra.push({
          format: source?.format ?? 'filter-log-events',
          owner: source?.owner ?? null,
          logGroup: query.logGroup,
          logStream: query.logStream,
          policyLevel: source?.policyLevel ?? null,
          events,
        });
      } catch {
        lookupFailures++;
      }
    }
    if (extra.length > 0) analysis = analyzeBatches([...batches, ...extra], options);
  }
  if (deps.sink !== undefined && analysis.diagnoses.length > 0) {
    await deps.sink.accept(analysis.diagnoses, {
      logGroup: common(batches.map((batch) => batch.logGroup)),
      owner: common(batches.map((batch) => batch.owner)),
      ...(deps.account === undefined ? {} : { account: deps.account }),
      receivedAt: deps.now,
    });
  }
  return { diagnoses: analysis.diagnoses, eventsScanned, lookups, lookupFailures };
}
