import type {
  CloudWatchLogsClient,
  FilteredLogEvent,
  FilterLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import { FILTER_PATTERN } from '../../lambda/core/constants';
import { prefilter } from '../../lambda/core/diagnose/prefilter';
import { InvokeDoctorError } from '../../lambda/core/errors';

/** One search: a log group and a time window. */
export interface FailureQuery {
  readonly logGroup: string;
  readonly startTime: number;
  readonly endTime: number;
}

/** How hard to try when CloudWatch Logs throttles. */
export interface SearchOptions {
  /** Events asked for per page (the API maximum is 10,000). */
  readonly pageSize?: number;
  /** Retries of one page after ThrottlingException (default 8). */
  readonly maxThrottleRetries?: number;
  /** First backoff ceiling in ms; doubles per retry, full jitter, capped at 10 s (default 250). */
  readonly backoffBaseMs?: number;
  /** Called before each retry, for the progress line. */
  readonly onThrottle?: (attempt: number, delayMs: number) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** One page of the search: the failure lines it held (possibly none, with more to come). */
export interface FailurePage {
  readonly events: readonly FilteredLogEvent[];
  /** Events CloudWatch returned, before the client-side check. */
  readonly returned: number;
}

const MAX_BACKOFF_MS = 10_000;

function isThrottling(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; $retryable?: { throttling?: boolean } };
  return e.name === 'ThrottlingException' || e.$retryable?.throttling === true;
}

/**
 * Step one of the search the deployed responder makes: FilterLogEvents over the window with the
 * stack's own subscription filter pattern, page by page (a page may be empty while more follow),
 * retrying a throttled page with full-jitter exponential backoff. Each returned line is checked
 * against the filter terms client-side as well (emulators ignore `?` OR patterns). A page still
 * throttled after the retries is an InvokeDoctorError; the pages before it stand.
 */
export async function* searchFailures(
  client: CloudWatchLogsClient,
  query: FailureQuery,
  options: SearchOptions = {},
): AsyncGenerator<FailurePage> {
  const { FilterLogEventsCommand } =
    require('@aws-sdk/client-cloudwatch-logs') as typeof import('@aws-sdk/client-cloudwatch-logs');
  const retries = options.maxThrottleRetries ?? 8;
  const base = options.backoffBaseMs ?? 250;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  let nextToken: string | undefined;
  do {
    let page: FilterLogEventsCommandOutput | undefined;
    for (let attempt = 0; page === undefined; attempt++) {
      try {
        page = await client.send(
          new FilterLogEventsCommand({
            logGroupName: query.logGroup,
            startTime: query.startTime,
            endTime: query.endTime,
            filterPattern: FILTER_PATTERN,
            limit: options.pageSize ?? 10_000,
            ...(nextToken ? { nextToken } : {}),
          }),
        );
      } catch (error) {
        if (!isThrottling(error)) throw error;
        if (attempt >= retries) {
          throw new InvokeDoctorError(
            `CloudWatch Logs kept throttling FilterLogEvents on ${query.logGroup} after ${retries} retries: the 5 requests/s quota of this account and Region is shared with every other caller; try again in a minute, or narrow --since`,
            { cause: error },
          );
        }
        const delay = Math.floor(random() * Math.min(MAX_BACKOFF_MS, base * 2 ** attempt));
        options.onThrottle?.(attempt + 1, delay);
        await sleep(delay);
      }
    }
    const events = (page.events ?? []).filter((event) => prefilter(event.message ?? ''));
    yield { events, returned: page.events?.length ?? 0 };
    nextToken = page.nextToken;
  } while (nextToken);
}
