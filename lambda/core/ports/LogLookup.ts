import type { LogEvent } from '../types';

/** A request for the lines of some API Gateway requests that were not in the delivered batch. */
export interface LogLookupQuery {
  readonly logGroup: string;
  /** Narrows the search when known (execution-log streams are per request batch). */
  readonly logStream: string | null;
  readonly requestIds: readonly string[];
  /** Epoch ms window around the failure lines. */
  readonly startTime: number;
  readonly endTime: number;
}

/** Port: fetch more log lines for correlation (CloudWatch Logs FilterLogEvents in AWS). */
export interface LogLookup {
  findRequestLines(query: LogLookupQuery): Promise<readonly LogEvent[]>;
}
