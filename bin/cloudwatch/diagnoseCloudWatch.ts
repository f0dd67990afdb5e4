import type { CloudWatchLogsClient, FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { analyzeBatches } from '../../lambda/core/diagnose/analyzeBatches';
import { DiagnosisTally } from '../../lambda/core/diagnose/DiagnosisTally';
import type { GrantTrust } from '../../lambda/core/fixes/callerTrust';
import type { LogLookup } from '../../lambda/core/ports/LogLookup';
import type { Diagnosis, LogBatch } from '../../lambda/core/types';
import { type SearchOptions, searchFailures } from './searchFailures';

/** What to search. */
export interface CloudWatchSearch {
  readonly logGroups: readonly string[];
  readonly startTime: number;
  readonly endTime: number;
  /** Failure lines read at most, over all log groups (the hard cap). */
  readonly maxEvents: number;
  /** Accounts trusted to receive a runnable grant (`--trust-account`, `--trust-org`). */
  readonly trust?: GrantTrust;
}

/** Budget of the context step (the lookups by request id). */
export interface ContextBudget {
  /** Request ids looked up per page of failure lines (default 100: five lookups of 20). */
  readonly perPage: number;
  /** Request ids looked up in the whole run (default 1,000). */
  readonly total: number;
}

/** What the search found and how far it got. */
export interface CloudWatchOutcome {
  readonly diagnoses: Diagnosis[];
  readonly pages: number;
  readonly failureLines: number;
  readonly lookups: number;
  readonly lookedUp: number;
  /** Failing requests that needed their context but were past the budget. */
  readonly notLookedUp: number;
  /** The time of the last failure line read when the cap stopped the search, else null. */
  readonly cappedAt: number | null;
  /** Log groups that could not be searched, with why (the others were). */
  readonly failures: ReadonlyArray<{ readonly logGroup: string; readonly error: unknown }>;
}

/** Progress of a search, for the progress line. */
export interface SearchProgress {
  readonly logGroup: string;
  readonly pages: number;
  readonly failureLines: number;
  readonly lookups: number;
  readonly throttled: boolean;
}

/** Dependencies of {@link diagnoseCloudWatch}. */
export interface CloudWatchDeps {
  readonly client: CloudWatchLogsClient;
  /** The context step: CloudWatchLogsLookup in the CLI (the deployed responder's lookup). */
  readonly lookup: LogLookup;
  readonly budget?: Partial<ContextBudget>;
  readonly search?: Omit<SearchOptions, 'onThrottle'>;
  readonly onProgress?: (progress: SearchProgress) => void;
  /** Errors that end the whole run at once (no credentials, no Region) rather than one group. */
  readonly isFatal?: (error: unknown) => boolean;
}

const LOOKUP_IDS = 20;

/** A page's failure lines as batches of one log group, one per stream. */
function pageBatches(logGroup: string, events: readonly FilteredLogEvent[]): LogBatch[] {
  const byStream = new Map<string | null, LogBatch['events'][number][]>();
  for (const event of events) {
    const stream = event.logStreamName ?? null;
    const list = byStream.get(stream) ?? [];
    list.push({
      id: event.eventId ?? null,
      timestamp: event.timestamp ?? null,
      message: event.message ?? '',
    });
    byStream.set(stream, list);
  }
  return [...byStream].map(([logStream, list]) => ({
    format: 'filter-log-events',
    owner: null,
    logGroup,
    logStream,
    policyLevel: null,
    events: list,
  }));
}

/**
 * `diagnose --from-cloudwatch`: the two-step search the deployed responder makes, over a time
 * window of one or more log groups. Step one reads the failure lines (FilterLogEvents with the
 * subscription filter pattern, page by page, throttling backed off); step two fetches, for each
 * page, the other lines of the failing requests whose function and route the failure line does not
 * name (CloudWatchLogsLookup, by request id around the failure's time), within a budget. Each page
 * is analysed with its context like one delivery, and the pages' diagnoses are merged with exact
 * counts. Stops at `maxEvents` failure lines. A log group that cannot be searched is reported and
 * the others are still searched.
 */
export async function diagnoseCloudWatch(
  search: CloudWatchSearch,
  deps: CloudWatchDeps,
): Promise<CloudWatchOutcome> {
  const budget: ContextBudget = { perPage: 100, total: 1000, ...deps.budget };
  const trusted = search.trust === undefined ? {} : { trust: search.trust };
  const tally = new DiagnosisTally();
  const lookedUpIds = new Set<string>();
  const failures: Array<{ logGroup: string; error: unknown }> = [];
  let pages = 0;
  let failureLines = 0;
  let lookups = 0;
  let notLookedUp = 0;
  let cappedAt: number | null = null;
  for (const logGroup of search.logGroups) {
    if (cappedAt !== null) break;
    let groupPages = 0;
    let throttled = false;
    const report = () =>
      deps.onProgress?.({ logGroup, pages: groupPages, failureLines, lookups, throttled });
    try {
      const pagesOf = searchFailures(
        deps.client,
        { logGroup, startTime: search.startTime, endTime: search.endTime },
        {
          ...deps.search,
          onThrottle: () => {
            throttled = true;
            report();
          },
        },
      );
      for await (const page of pagesOf) {
        pages++;
        groupPages++;
        throttled = false;
        let events = page.events;
        if (failureLines + events.length > search.maxEvents) {
          events = events.slice(0, search.maxEvents - failureLines);
          cappedAt = events.at(-1)?.timestamp ?? search.startTime;
        }
        failureLines += events.length;
        if (events.length > 0) {
          const batches = pageBatches(logGroup, events);
          let analysis = analyzeBatches(batches, trusted);
          const context: LogBatch[] = [];
          for (const query of analysis.pendingLookups) {
            const wanted = query.requestIds.filter((id) => !lookedUpIds.has(id));
            const room = Math.min(budget.perPage, budget.total - lookedUpIds.size);
            notLookedUp += Math.max(0, wanted.length - room);
            for (let i = 0; i < Math.min(wanted.length, room); i += LOOKUP_IDS) {
              const requestIds = wanted.slice(i, Math.min(i + LOOKUP_IDS, room));
              for (const id of requestIds) lookedUpIds.add(id);
              lookups++;
              report();
              const lines = await deps.lookup.findRequestLines({ ...query, requestIds });
              if (lines.length > 0) {
                context.push({ ...batches[0]!, logStream: query.logStream, events: [...lines] });
              }
            }
          }
          if (context.length > 0) {
            // the looked-up lines are context only: the page's own lines are what is counted
            const ranges = new Map(
              batches.map((batch, b) => [b, [0, batch.events.length] as const]),
            );
            analysis = analyzeBatches([...batches, ...context], { scan: { ranges }, ...trusted });
          }
          tally.add(analysis.diagnoses);
        }
        report();
        if (cappedAt !== null) break;
      }
    } catch (error) {
      if (deps.isFatal?.(error)) throw error;
      failures.push({ logGroup, error });
    }
  }
  return {
    diagnoses: tally.diagnoses(),
    pages,
    failureLines,
    lookups,
    lookedUp: lookedUpIds.size,
    notLookedUp,
    cappedAt,
    failures,
  };
}
