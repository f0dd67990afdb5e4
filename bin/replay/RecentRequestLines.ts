import { LOOKUP_AFTER_MS, LOOKUP_BEFORE_MS } from '../../lambda/core/diagnose/analyzeBatches';
import { isContextLine } from '../../lambda/core/formats/correlateApiGateway';
import type { LogLookup, LogLookupQuery } from '../../lambda/core/ports/LogLookup';
import type { LogEvent } from '../../lambda/core/types';

// REST execution-log lines start with `(<request id>) ` (as in CloudWatchLogsLookup).
const LEADING_REQUEST_ID = /^\(([^()\s]{1,128})\) /;

/** How much of the replayed input the lookup remembers. */
export interface RecentLinesOptions {
  /** Requests remembered per log group (default 5,000; the oldest go first). */
  readonly maxRequests?: number;
  /** Lines remembered per request (default 32: a request writes about a dozen). */
  readonly maxLinesPerRequest?: number;
}

interface Line {
  readonly stream: string | null;
  readonly event: LogEvent;
}

/**
 * LogLookup over the replayed input: the stand-in for CloudWatch Logs FilterLogEvents that the
 * Lambda handler calls when a delivery holds an API Gateway failure line without its request's
 * other lines. It remembers, as the input streams past in time order, the lines that name a
 * request's function and route (isContextLine), by request id, for the last `maxRequests`
 * requests of each log group and the lookup window (LOOKUP_BEFORE_MS + LOOKUP_AFTER_MS) of event
 * time: the lines a lookup made when the delivery arrives would find. Same answers as
 * CloudWatchLogsLookup: the lines of the wanted ids in the query's window, narrowed to the
 * failure's stream first and the whole group when that finds nothing.
 */
export class RecentRequestLines implements LogLookup {
  /** Lookups answered so far. */
  calls = 0;
  readonly #maxRequests: number;
  readonly #maxLines: number;
  readonly #groups = new Map<string, Map<string, Line[]>>();
  #latest = 0;

  constructor(options: RecentLinesOptions = {}) {
    this.#maxRequests = options.maxRequests ?? 5000;
    this.#maxLines = options.maxLinesPerRequest ?? 32;
  }

  /** Reads one event of the input (in time order). */
  add(logGroup: string | null, stream: string | null, event: LogEvent): void {
    if (logGroup === null || event.timestamp === null) return;
    const message = event.message;
    if (message.charCodeAt(0) !== 40 /* ( */ || !isContextLine(message)) return;
    const id = LEADING_REQUEST_ID.exec(message)?.[1];
    if (id === undefined) return;
    this.#latest = Math.max(this.#latest, event.timestamp);
    let requests = this.#groups.get(logGroup);
    if (requests === undefined) {
      requests = new Map();
      this.#groups.set(logGroup, requests);
    }
    const lines = requests.get(id);
    if (lines === undefined) {
      requests.set(id, [{ stream, event }]);
      this.#forget(requests);
    } else if (lines.length < this.#maxLines) {
      lines.push({ stream, event });
    }
  }

  async findRequestLines(query: LogLookupQuery): Promise<readonly LogEvent[]> {
    this.calls += 1;
    const requests = this.#groups.get(query.logGroup);
    if (requests === undefined) return [];
    const inWindow: Line[] = [];
    for (const id of new Set(query.requestIds)) {
      for (const line of requests.get(id) ?? []) {
        const time = line.event.timestamp ?? 0;
        if (time >= query.startTime && time <= query.endTime) inWindow.push(line);
      }
    }
    inWindow.sort((a, b) => (a.event.timestamp ?? 0) - (b.event.timestamp ?? 0));
    const inStream =
      query.logStream === null ? [] : inWindow.filter((line) => line.stream === query.logStream);
    return (inStream.length > 0 ? inStream : inWindow).map((line) => line.event);
  }

  /** Drops the oldest requests past the count or the lookup window (Map order is arrival order). */
  #forget(requests: Map<string, Line[]>): void {
    const horizon = this.#latest - LOOKUP_BEFORE_MS - LOOKUP_AFTER_MS;
    for (const [id, lines] of requests) {
      const last = lines[lines.length - 1]?.event.timestamp ?? 0;
      if (requests.size <= this.#maxRequests && last >= horizon) return;
      requests.delete(id);
    }
  }
}
