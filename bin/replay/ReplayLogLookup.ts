import type { LogLookup, LogLookupQuery } from '../../lambda/core/ports/LogLookup';
import type { LogBatch, LogEvent } from '../../lambda/core/types';

// REST execution-log lines start with `(<request id>) ` (as in CloudWatchLogsLookup).
const LEADING_REQUEST_ID = /^\(([^()\s]{1,128})\) /;

interface Indexed {
  readonly stream: string | null;
  readonly event: LogEvent;
}

/**
 * LogLookup over the replayed input: the stand-in for CloudWatch Logs FilterLogEvents that the
 * Lambda handler calls when a delivery holds an API Gateway failure line without its request's
 * other lines. Same semantics as CloudWatchLogsLookup: the lines of the wanted request ids in the
 * query's log group and time window, narrowed to the failure's stream first and the whole group
 * when that finds nothing. The input is complete and local, so there are no page caps or budgets.
 */
export class ReplayLogLookup implements LogLookup {
  /** Lookups answered so far. */
  calls = 0;
  private readonly groups = new Map<string, Indexed[]>();

  /** `logs`: every event of the input, one batch per log group, in time order. */
  constructor(logs: readonly LogBatch[]) {
    for (const batch of logs) {
      if (batch.logGroup === null) continue;
      const list = this.groups.get(batch.logGroup) ?? [];
      for (const event of batch.events) {
        if (event.timestamp !== null) list.push({ stream: batch.logStream, event });
      }
      this.groups.set(batch.logGroup, list);
    }
    for (const list of this.groups.values()) {
      list.sort((a, b) => (a.event.timestamp ?? 0) - (b.event.timestamp ?? 0));
    }
  }

  async findRequestLines(query: LogLookupQuery): Promise<readonly LogEvent[]> {
    this.calls += 1;
    const wanted = new Set(query.requestIds);
    const list = this.groups.get(query.logGroup) ?? [];
    const inWindow: Indexed[] = [];
    for (let i = firstAtOrAfter(list, query.startTime); i < list.length; i++) {
      const item = list[i] as Indexed;
      if ((item.event.timestamp ?? 0) > query.endTime) break;
      if (mentionsRequest(item.event.message, wanted)) inWindow.push(item);
    }
    const inStream =
      query.logStream === null ? [] : inWindow.filter((item) => item.stream === query.logStream);
    return (inStream.length > 0 ? inStream : inWindow).map((item) => item.event);
  }
}

function firstAtOrAfter(list: readonly Indexed[], time: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (((list[mid] as Indexed).event.timestamp ?? 0) < time) low = mid + 1;
    else high = mid;
  }
  return low;
}

function mentionsRequest(message: string, wanted: ReadonlySet<string>): boolean {
  const leading = LEADING_REQUEST_ID.exec(message);
  if (leading?.[1] !== undefined) return wanted.has(leading[1]);
  // Lines without the `(id) ` prefix (JSON records): an exact JSON string value only.
  for (const id of wanted) if (message.includes(`"${id}"`)) return true;
  return false;
}
