import type { LogLookup, LogLookupQuery } from '../../lambda/core/ports/LogLookup';
import type { LogBatch, LogEvent } from '../../lambda/core/types';
import { fixture } from './fixture';
import { eventId, LAMBDA_DENIAL_LINE, LAMBDA_LOG_GROUP } from './lambdaDenial';

/**
 * REST API execution log group of the storm. API id and function are those of the real console
 * warning in the README troubleshooting notes quoted in docs/formats.md (`d3mcwv9k17`, `arn:aws:lambda:us-west-2:767398066659:function:resumes-api`).
 */
export const API_LOG_GROUP = 'API-Gateway-Execution-Logs_d3mcwv9k17/prod';

// test/events/rest-execution-log/invalid-permissions-info.log: the `(request-id)` lines of one failed request. The author's placeholders are
// filled with the 2.8 API's region, account and function; the request id is swapped per request.
const [SENDING_LINE, FAILED_LINE] = fixture('rest-execution-log/invalid-permissions-info.log')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) =>
    line
      .replaceAll('<REGION>', 'us-west-2')
      .replaceAll('<ACCOUNT_ID>', '767398066659')
      .replace('simple_regex_lambda', 'resumes-api'),
  ) as [string, string];
const FIXTURE_REQUEST_ID = 'd0f70f44-e843-42ff-b628-28384d82a707';

/** A v4-shaped API Gateway request id, unique per n. */
export function requestId(n: number): string {
  const hex = n.toString(16).padStart(20, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(8, 20)}`;
}

/** One subscription delivery and the failing requests it reports. */
export interface StormDelivery {
  readonly batch: LogBatch;
  /** Distinct failing requests (= distinct failure events) in the delivery. */
  readonly requests: number;
}

/**
 * A stand-in for CloudWatch Logs FilterLogEvents on the execution log group: the subscription only
 * streams the failure lines (they match the filter), the `Sending request to` context lines stay in
 * the log group and the engine fetches them by request id.
 */
export class ExecutionLogGroup implements LogLookup {
  private readonly lines = new Map<string, LogEvent>();
  queries = 0;

  add(request: string, event: LogEvent): void {
    this.lines.set(request, event);
  }

  async findRequestLines(query: LogLookupQuery): Promise<readonly LogEvent[]> {
    this.queries += 1;
    return query.requestIds.flatMap((id) => {
      const event = this.lines.get(id);
      const inWindow =
        event &&
        (event.timestamp ?? 0) >= query.startTime &&
        (event.timestamp ?? 0) <= query.endTime;
      return event && query.logGroup === API_LOG_GROUP && inWindow ? [event] : [];
    });
  }
}

/**
 * `requests` failing API Gateway requests between `from` and `from + spanMs`: the failure lines as a
 * subscription delivery, the context lines into `logGroup`. `firstN` numbers requests uniquely.
 */
export function apiGatewayDelivery(
  logGroup: ExecutionLogGroup,
  from: number,
  spanMs: number,
  requests: number,
  firstN: number,
): StormDelivery {
  const events: LogEvent[] = [];
  for (let i = 0; i < requests; i += 1) {
    const n = firstN + i;
    const at = from + Math.floor((i * spanMs) / requests);
    const id = requestId(n);
    logGroup.add(id, {
      id: eventId(at, 2 * n),
      timestamp: at,
      message: SENDING_LINE.replace(FIXTURE_REQUEST_ID, id),
    });
    events.push({
      id: eventId(at + 1, 2 * n + 1),
      timestamp: at + 1,
      message: FAILED_LINE.replace(FIXTURE_REQUEST_ID, id),
    });
  }
  return {
    batch: {
      format: 'awslogs',
      owner: '767398066659',
      logGroup: API_LOG_GROUP,
      logStream: `${requestId(firstN).slice(0, 8)}a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6`,
      policyLevel: null,
      events,
    },
    requests,
  };
}

/** `requests` failed Lambda-to-Lambda invocations (test/events/iam-sentence/no-identity-policy.log) between `from` and `from + spanMs`. */
export function lambdaDelivery(
  from: number,
  spanMs: number,
  requests: number,
  firstN: number,
): StormDelivery {
  const events: LogEvent[] = Array.from({ length: requests }, (_, i) => {
    const at = from + Math.floor((i * spanMs) / requests);
    return { id: eventId(at, 10_000_000 + firstN + i), timestamp: at, message: LAMBDA_DENIAL_LINE };
  });
  return {
    batch: {
      format: 'awslogs',
      owner: '458036673695',
      logGroup: LAMBDA_LOG_GROUP,
      logStream: '2024/05/14/[$LATEST]0f3c5e4e1b2a4c3d9e8f7a6b5c4d3e2f',
      policyLevel: null,
      events,
    },
    requests,
  };
}
