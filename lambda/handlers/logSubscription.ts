import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import {
  buildIncidentService,
  type IncidentServiceParts,
  IncidentSink,
  recordDigest,
} from '../adapters/buildIncidentService';
import { CloudWatchLogsLookup } from '../adapters/CloudWatchLogsLookup';
import { identityOf } from '../adapters/identityOf';
import { LoggingSink } from '../adapters/LoggingSink';
import { type RuntimeConfig, runtimeConfig } from '../adapters/runtimeConfig';
import type { SystemClock } from '../adapters/SystemClock';
import { recordBadPayload, recordDelivery, type Telemetry, telemetry } from '../adapters/telemetry';
import { decodeAwslogs } from '../core/decode/decodeAwslogs';
import { InvalidPayloadError } from '../core/errors';
import type { GrantTrust } from '../core/fixes/callerTrust';
import type { DiagnosisSink } from '../core/ports/DiagnosisSink';
import type { DiagnosisVerifier } from '../core/ports/DiagnosisVerifier';
import type { IncidentRepository } from '../core/ports/IncidentRepository';
import type { LogLookup, LogLookupQuery } from '../core/ports/LogLookup';
import type { Notifier } from '../core/ports/Notifier';
import { processLogBatch } from '../core/processLogBatch';
import type { LogEvent } from '../core/types';

/** What one invocation did; returned to Lambda (visible in tests and async-invoke destinations). */
export interface HandlerSummary {
  readonly status: 'processed' | 'control-message' | 'bad-payload';
  readonly logGroup: string | null;
  readonly eventsScanned: number;
  readonly diagnoses: number;
  readonly lookups: number;
  /** Events of the delivery skipped as malformed (the rest were still diagnosed). */
  readonly malformedEvents?: number;
  /** InvalidPayloadError reason (`bad-base64`, `not-gzip`, `not-json`, `bad-shape`) for bad payloads. */
  readonly reason?: string;
}

/** Everything the handler composes; each part has a production default. */
export interface HandlerDeps {
  /** Default: {@link runtimeConfig} of process.env, read on the first invocation. */
  readonly config?: RuntimeConfig;
  /** Default: Powertools Logger + Metrics from {@link telemetry}. */
  readonly telemetry?: Telemetry;
  /** Default: {@link buildSink}(config, telemetry). */
  readonly sink?: DiagnosisSink;
  /** Default: DynamoDbIncidentRepository on `config.incidentsTableName` (as in the sweeper's deps). */
  readonly repository?: IncidentRepository;
  /** The incident lifecycle's clock (alert minutes, update intervals); default the system clock. */
  readonly clock?: SystemClock;
  /**
   * Default: a CloudWatchLogsLookup whose SDK client is created on the first lookup. `null` disables
   * lookups (as CONTEXT_LOOKUP=false does).
   */
  readonly lookup?: LogLookup | null;
  /** Clock for `now` in the engine and `receivedAt`; default Date.now. */
  readonly now?: () => number;
  /**
   * Checks new incidents against the live account. Default: with VERIFY on, an AWS verifier in the
   * function's own account (from the Lambda context); null: none.
   */
  readonly verifier?: DiagnosisVerifier | null;
  /** Default: the channels the configuration names (Slack secret, SNS topic). */
  readonly notifiers?: readonly Notifier[];
}

/** The Lambda entry point's type. */
export type LogSubscriptionHandler = (
  event: CloudWatchLogsEvent,
  context?: Context,
) => Promise<HandlerSummary>;

/**
 * Chooses where diagnoses go: with an incidents table configured, every diagnosis is logged and
 * recorded as an incident (alerts on Slack/SNS); without one, every diagnosis is one structured log
 * record. SDK clients are created here, once per container, on the first invocation.
 */
export function buildSink(
  config: RuntimeConfig,
  t: Telemetry,
  parts: Pick<
    IncidentServiceParts,
    'verifier' | 'identity' | 'notifiers' | 'repository' | 'clock'
  > = {},
): DiagnosisSink {
  const log = new LoggingSink(t.logger);
  const service = buildIncidentService(config, {
    ...parts,
    onDigest: (digest, sends) => recordDigest(digest, sends, t),
  });
  return service === null ? log : new IncidentSink(service, log, t);
}

/**
 * Builds the CloudWatch Logs subscription handler: decode `awslogs.data`, skip CONTROL_MESSAGE, run
 * the engine (with at most one FilterLogEvents lookup for API Gateway context), hand diagnoses to the
 * sink, publish EMF metrics, return a summary.
 *
 * Failure policy (async invocation: Lambda retries a thrown error, then sends the event to the
 * on-failure SQS destination):
 * - an undecodable payload is logged with its reason, counted in `BadPayloads` and dropped —
 *   retrying a poison payload cannot succeed;
 * - a failed lookup is logged as a warning and the batch is diagnosed without the extra context;
 * - a failed sink is rethrown, so the retry and then the failure queue keep the batch. The price:
 *   a retry logs (and, with incidents, counts) the diagnoses of that batch again, which the
 *   incident store's de-duplication by event id absorbs.
 */
export function createHandler(deps: HandlerDeps = {}): LogSubscriptionHandler {
  let wiring: Wiring | undefined;

  return async (event, context) => {
    wiring ??= wire(deps, context);
    const { logger, metrics } = wiring.telemetry;
    if (context) logger.addContext(context);
    try {
      return await handle(event, wiring);
    } finally {
      // A control message stores none; publishing nothing would only log a Powertools warning.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}

/** The Lambda entry point (`index.handler` of the bundled function). */
export const handler: LogSubscriptionHandler = createHandler();

interface Wiring {
  readonly telemetry: Telemetry;
  readonly trust: GrantTrust;
  readonly sink: DiagnosisSink;
  readonly lookup: LogLookup | undefined;
  readonly now: () => number;
}

// Runs once per container, on the first invocation (so a bad environment fails that invocation
// loudly instead of failing the module load without a log line).
function wire(deps: HandlerDeps, context: Context | undefined): Wiring {
  const t = deps.telemetry ?? telemetry();
  let config: RuntimeConfig;
  try {
    config = deps.config ?? runtimeConfig();
  } catch (error) {
    t.logger.error('invalid runtime configuration', { error });
    throw error;
  }
  const inner =
    deps.lookup === undefined
      ? config.contextLookup
        ? lazyCloudWatchLogsLookup(t.logger)
        : null
      : deps.lookup;
  return {
    telemetry: t,
    trust: { accounts: config.trustedAccounts, organizationId: config.trustedOrganizationId },
    sink:
      deps.sink ??
      buildSink(config, t, {
        verifier: deps.verifier,
        identity: identityOf(context),
        notifiers: deps.notifiers,
        repository: deps.repository,
        clock: deps.clock,
      }),
    lookup: inner ? guarded(inner, t.logger) : undefined,
    now: deps.now ?? Date.now,
  };
}

async function handle(event: CloudWatchLogsEvent, w: Wiring): Promise<HandlerSummary> {
  const { logger, metrics } = w.telemetry;
  let batch: ReturnType<typeof decodeAwslogs>;
  try {
    batch = decodeAwslogs(awslogsData(event));
  } catch (error) {
    if (!(error instanceof InvalidPayloadError)) throw error;
    // Dropped on purpose: see createHandler. The reason says which decoding step failed.
    logger.error('bad payload dropped', { reason: error.reason, error: error.message });
    recordBadPayload(metrics);
    return { ...EMPTY, status: 'bad-payload', reason: error.reason };
  }
  if (batch === null) {
    logger.debug('control message ignored');
    return { ...EMPTY, status: 'control-message' };
  }

  if (batch.malformed) {
    logger.warn('malformed events skipped', { logGroup: batch.logGroup, count: batch.malformed });
  }
  const receivedAt = w.now();
  const result = await processLogBatch([batch], {
    ...(w.lookup ? { lookup: w.lookup } : {}),
    sink: w.sink,
    now: receivedAt,
    trust: w.trust,
  });
  recordDelivery(metrics, result);
  logger.info('delivery processed', {
    logGroup: batch.logGroup,
    eventsScanned: result.eventsScanned,
    diagnoses: result.diagnoses.length,
    lookups: result.lookups,
  });
  return {
    status: 'processed',
    logGroup: batch.logGroup,
    eventsScanned: result.eventsScanned,
    diagnoses: result.diagnoses.length,
    lookups: result.lookups,
    ...(batch.malformed ? { malformedEvents: batch.malformed } : {}),
  };
}

const EMPTY = { logGroup: null, eventsScanned: 0, diagnoses: 0, lookups: 0 } as const;

// The event is typed by Lambda, not checked by it: anyone can invoke the function with anything.
function awslogsData(event: unknown): string {
  const awslogs = (event as { awslogs?: unknown } | null | undefined)?.awslogs;
  const data = (awslogs as { data?: unknown } | null | undefined)?.data;
  if (typeof data !== 'string') {
    throw new InvalidPayloadError(
      'bad-shape',
      'event has no awslogs.data string: not a CloudWatch Logs subscription delivery',
    );
  }
  return data;
}

// A lookup that never fails the batch: on error the diagnosis goes out without the extra context.
function guarded(inner: LogLookup, logger: Telemetry['logger']): LogLookup {
  return {
    async findRequestLines(query: LogLookupQuery): Promise<readonly LogEvent[]> {
      try {
        return await inner.findRequestLines(query);
      } catch (error) {
        logger.warn('context lookup failed; diagnosing without it', {
          logGroup: query.logGroup,
          requestIds: query.requestIds.length,
          error,
        });
        return [];
      }
    },
  };
}

// Module scope: one SDK client and one lookup cache per container, created on the first lookup so
// deliveries that need none (most of them) never load the SDK.
let cloudWatchLogsLookup: Promise<CloudWatchLogsLookup> | undefined;

function lazyCloudWatchLogsLookup(logger: Telemetry['logger']): LogLookup {
  return {
    async findRequestLines(query) {
      cloudWatchLogsLookup ??= import('@aws-sdk/client-cloudwatch-logs').then(
        ({ CloudWatchLogsClient }) =>
          // One SDK retry for transient errors; past that, throttling is the lookup's own jittered
          // backoff within its time budget, not SDK retries stacked on it (5 requests/s quota).
          new CloudWatchLogsLookup(new CloudWatchLogsClient({ maxAttempts: 2 }), {
            onWarning: (message, details) => logger.warn(message, details),
          }),
      );
      const lookup = await cloudWatchLogsLookup.catch((error: unknown) => {
        cloudWatchLogsLookup = undefined;
        throw error;
      });
      return lookup.findRequestLines(query);
    },
  };
}
