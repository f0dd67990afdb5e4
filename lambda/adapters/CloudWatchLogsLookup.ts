import type {
  CloudWatchLogsClient,
  FilterLogEventsCommandInput,
  FilterLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import type { LogLookup, LogLookupQuery } from '../core/ports/LogLookup';
import type { LogEvent } from '../core/types';

/** Tuning knobs of {@link CloudWatchLogsLookup}; the defaults suit a Lambda with a 30 s timeout. */
export interface CloudWatchLogsLookupOptions {
  /** FilterLogEvents pages read per lookup, over all attempts (default 5). */
  readonly maxPages?: number;
  /** Events asked for per page (default 1000; the API maximum is 10,000). */
  readonly pageSize?: number;
  /** Wall-clock budget of one lookup in ms, retries and pages included (default 4000). */
  readonly timeBudgetMs?: number;
  /** Retries after a ThrottlingException (default 4). */
  readonly maxThrottleRetries?: number;
  /** First backoff ceiling in ms; doubles per retry, full jitter (default 200). */
  readonly backoffBaseMs?: number;
  /** Results kept for the container lifetime, least recently used evicted (default 64). */
  readonly cacheSize?: number;
  /** Request ids put in one filter pattern (default 20: the pattern may be at most 1024 chars). */
  readonly maxRequestIds?: number;
  /** Injected for deterministic tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
  /** Receives one warning when a lookup is cut short (budget, page cap, throttling). */
  readonly onWarning?: (message: string, details: Record<string, unknown>) => void;
}

/** Counters of the last lookups, for logs and tests. */
export interface LookupStats {
  /** FilterLogEvents calls made (pages and retries). */
  calls: number;
  /** Lookups answered from the cache. */
  cacheHits: number;
  /** ThrottlingException responses seen. */
  throttles: number;
}

// API Gateway request ids: UUIDs in REST execution logs, base64-ish ids (`AZzecgvEPHcEPew=`) in HTTP
// API access logs. Anything else is not put into a filter pattern.
const REQUEST_ID = /^[A-Za-z0-9+/=_-]{6,128}$/;
// REST execution-log lines start with `(<request id>) `.
const LEADING_REQUEST_ID = /^\(([^()\s]{1,128})\) /;

/**
 * LogLookup over CloudWatch Logs FilterLogEvents: finds the other execution-log lines of the API
 * Gateway requests whose failure line was streamed without its function and route.
 *
 * One lookup is one filter pattern OR-ing the request ids, narrowed to the log stream and the time
 * window, paginated up to a page cap within a time budget, with jittered backoff on throttling (the
 * FilterLogEvents quota is 5 requests/s per account and Region, shared with every other caller).
 * Every returned line is checked client-side for one of the request ids: the server-side pattern
 * only narrows the search (and emulators ignore `?` OR patterns).
 */
export class CloudWatchLogsLookup implements LogLookup {
  /** Counters since construction. */
  readonly stats: LookupStats = { calls: 0, cacheHits: 0, throttles: 0 };
  readonly #client: CloudWatchLogsClient;
  readonly #maxPages: number;
  readonly #pageSize: number;
  readonly #timeBudgetMs: number;
  readonly #maxThrottleRetries: number;
  readonly #backoffBaseMs: number;
  readonly #cacheSize: number;
  readonly #maxRequestIds: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #onWarning: (message: string, details: Record<string, unknown>) => void;
  // Map iteration order is insertion order: re-inserting on a hit makes it an LRU.
  readonly #cache = new Map<string, readonly LogEvent[]>();

  constructor(client: CloudWatchLogsClient, options: CloudWatchLogsLookupOptions = {}) {
    this.#client = client;
    this.#maxPages = options.maxPages ?? 5;
    this.#pageSize = options.pageSize ?? 1000;
    this.#timeBudgetMs = options.timeBudgetMs ?? 4000;
    this.#maxThrottleRetries = options.maxThrottleRetries ?? 4;
    this.#backoffBaseMs = options.backoffBaseMs ?? 200;
    this.#cacheSize = options.cacheSize ?? 64;
    this.#maxRequestIds = options.maxRequestIds ?? 20;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#onWarning = options.onWarning ?? (() => {});
  }

  /** Returns the lines of the query's requests found in its log group and window (possibly none). */
  async findRequestLines(query: LogLookupQuery): Promise<readonly LogEvent[]> {
    const requestIds = [...new Set(query.requestIds)]
      .filter((id) => REQUEST_ID.test(id))
      .sort()
      .slice(0, this.#maxRequestIds);
    if (requestIds.length === 0 || query.endTime < query.startTime) return [];
    const key = cacheKey(query, requestIds);
    const cached = this.#cache.get(key);
    if (cached) {
      this.stats.cacheHits += 1;
      this.#cache.delete(key);
      this.#cache.set(key, cached);
      return cached;
    }

    const deadline = this.#now() + this.#timeBudgetMs;
    const budget = { pages: this.#maxPages };
    const wanted = new Set(requestIds);
    let result = await this.#search(query, requestIds, query.logStream, wanted, deadline, budget);
    if (result.lines.length === 0 && result.complete && query.logStream !== null) {
      // Narrowing to the failure line's stream is a guess about how API Gateway spreads one
      // request's lines; when it finds nothing, search the whole group with what is left.
      result = await this.#search(query, requestIds, null, wanted, deadline, budget);
    }
    const lines = result.lines;
    // An empty answer is not cached: the lines may still be arriving when the batch is retried.
    if (lines.length > 0) this.#remember(key, lines);
    return lines;
  }

  async #search(
    query: LogLookupQuery,
    requestIds: readonly string[],
    logStream: string | null,
    wanted: ReadonlySet<string>,
    deadline: number,
    budget: { pages: number },
  ): Promise<{ lines: LogEvent[]; complete: boolean }> {
    const found: LogEvent[] = [];
    const seen = new Set<string>();
    let nextToken: string | undefined;
    do {
      if (budget.pages <= 0) {
        this.#onWarning('context lookup stopped at the page cap', {
          logGroup: query.logGroup,
          maxPages: this.#maxPages,
        });
        return { lines: found, complete: false };
      }
      budget.pages -= 1;
      const page = await this.#page(
        {
          logGroupName: query.logGroup,
          ...(logStream !== null ? { logStreamNames: [logStream] } : {}),
          startTime: query.startTime,
          endTime: query.endTime,
          filterPattern: filterPatternFor(requestIds),
          limit: this.#pageSize,
          ...(nextToken ? { nextToken } : {}),
        },
        deadline,
        query.logGroup,
      );
      if (!page) return { lines: found, complete: false };
      for (const event of page.events ?? []) {
        const message = event.message ?? '';
        const id = event.eventId ?? null;
        if (!mentionsRequest(message, wanted)) continue;
        const dedupeKey = id ?? `${event.timestamp}:${message}`;
        if (seen.has(dedupeKey)) continue;
        seen.add(dedupeKey);
        found.push({ id, timestamp: event.timestamp ?? null, message });
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return { lines: found, complete: true };
  }

  // One FilterLogEvents call with throttling retries; undefined when the time budget ran out.
  async #page(
    input: FilterLogEventsCommandInput,
    deadline: number,
    logGroup: string,
  ): Promise<FilterLogEventsCommandOutput | undefined> {
    for (let attempt = 0; ; attempt += 1) {
      const remaining = deadline - this.#now();
      if (remaining <= 0) {
        this.#onWarning('context lookup ran out of time', {
          logGroup,
          timeBudgetMs: this.#timeBudgetMs,
        });
        return undefined;
      }
      const { FilterLogEventsCommand } = await loadSdk();
      this.stats.calls += 1;
      try {
        return await this.#client.send(new FilterLogEventsCommand(input), {
          abortSignal: AbortSignal.timeout(remaining),
        });
      } catch (error) {
        if (isAbort(error)) {
          this.#onWarning('context lookup ran out of time', {
            logGroup,
            timeBudgetMs: this.#timeBudgetMs,
          });
          return undefined;
        }
        if (!isThrottling(error)) throw error;
        this.stats.throttles += 1;
        if (attempt >= this.#maxThrottleRetries) {
          this.#onWarning('context lookup still throttled after retries', {
            logGroup,
            retries: attempt,
          });
          return undefined;
        }
        // Full jitter: spreads concurrent handler instances over the window instead of
        // synchronising their retries against the shared 5 requests/s quota.
        const ceiling = this.#backoffBaseMs * 2 ** attempt;
        const delay = Math.min(Math.floor(this.#random() * ceiling), deadline - this.#now());
        if (delay > 0) await this.#sleep(delay);
      }
    }
  }

  #remember(key: string, lines: readonly LogEvent[]): void {
    this.#cache.set(key, lines);
    while (this.#cache.size > this.#cacheSize) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
  }
}

// The SDK module costs ~100 ms to load: only deliveries that need a lookup pay it (the client is
// injected, so its module is already loaded by whoever built the client).
let sdk: Promise<typeof import('@aws-sdk/client-cloudwatch-logs')> | undefined;
function loadSdk(): Promise<typeof import('@aws-sdk/client-cloudwatch-logs')> {
  sdk ??= import('@aws-sdk/client-cloudwatch-logs');
  return sdk;
}

/**
 * CloudWatch Logs filter pattern matching any of the request ids: a quoted term per id, OR-ed with
 * `?` when there is more than one (a lone `?"id"` is also valid, but a plain quoted term is what
 * every implementation of the syntax understands).
 */
export function filterPatternFor(requestIds: readonly string[]): string {
  if (requestIds.length === 1) return `"${requestIds[0]}"`;
  return requestIds.map((id) => `?"${id}"`).join(' ');
}

function mentionsRequest(message: string, wanted: ReadonlySet<string>): boolean {
  const leading = LEADING_REQUEST_ID.exec(message);
  if (leading?.[1] !== undefined) return wanted.has(leading[1]);
  // Lines without the `(id) ` prefix (JSON records): accept an exact JSON string value only.
  for (const id of wanted) if (message.includes(`"${id}"`)) return true;
  return false;
}

function cacheKey(query: LogLookupQuery, requestIds: readonly string[]): string {
  return JSON.stringify([
    query.logGroup,
    query.logStream,
    query.startTime,
    query.endTime,
    requestIds,
  ]);
}

function isThrottling(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; $retryable?: { throttling?: boolean } };
  return e.name === 'ThrottlingException' || e.$retryable?.throttling === true;
}

function isAbort(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}
