import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { type RuntimeConfig, runtimeConfig } from '../adapters/runtimeConfig';
import { recordDelivery, type Telemetry, telemetry } from '../adapters/telemetry';
import { InvalidPayloadError } from '../core/errors';
import type { GrantTrust } from '../core/fixes/callerTrust';
import { METRIC } from '../core/metrics';
import type { DiagnosisSink } from '../core/ports/DiagnosisSink';
import { processStreamBatch, type StreamRecord } from '../core/processStreamBatch';
import { buildSink } from './logSubscription';

/** Everything the stream handler composes; each part has a production default. */
export interface StreamHandlerDeps {
  /** Default: {@link runtimeConfig} of process.env, read on the first invocation. */
  readonly config?: RuntimeConfig;
  /** Default: Powertools Logger + Metrics from {@link telemetry}. */
  readonly telemetry?: Telemetry;
  /** Default: {@link buildSink}(config, telemetry): logged, and recorded as incidents. */
  readonly sink?: DiagnosisSink;
  /** Clock for `now` in the engine; default Date.now. */
  readonly now?: () => number;
}

/** The Lambda entry point's type: a Kinesis batch in, the partial batch response out. */
export type StreamHandler = (
  event: KinesisStreamEvent,
  context?: Context,
) => Promise<KinesisStreamBatchResponse>;

/**
 * Builds the central responder's handler, invoked by a Kinesis event source mapping with
 * `ReportBatchItemFailures`: every record is one CloudWatch Logs message a member account's
 * subscription put into the stream through the central destination (processStreamBatch).
 *
 * Failure policy: the handler never fails the batch for one record. An undecodable record, or the
 * records of an account whose incidents could not be stored, are returned in `batchItemFailures`;
 * Lambda retries from the lowest of them (bisecting the batch), and after the mapping's retry limit
 * or maximum record age puts the records' shard and sequence numbers in the failure queue. Records
 * after a failed one are processed again on that retry; the incident store recognises their events
 * and counts them once. Only an event that is not a Kinesis batch at all throws.
 */
export function createHandler(deps: StreamHandlerDeps = {}): StreamHandler {
  let wiring: Wiring | undefined;
  return async (event, context) => {
    wiring ??= wire(deps);
    const { logger, metrics } = wiring.telemetry;
    if (context) logger.addContext(context);
    try {
      return await handle(event, wiring);
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}

/** The Lambda entry point (`index.handler` of the bundled function). */
export const handler: StreamHandler = createHandler();

interface Wiring {
  readonly telemetry: Telemetry;
  readonly sink: DiagnosisSink;
  readonly now: () => number;
  readonly trust: GrantTrust;
}

function wire(deps: StreamHandlerDeps): Wiring {
  const t = deps.telemetry ?? telemetry();
  let config: RuntimeConfig;
  try {
    config = deps.config ?? runtimeConfig();
  } catch (error) {
    t.logger.error('invalid runtime configuration', { error });
    throw error;
  }
  return {
    telemetry: t,
    sink: deps.sink ?? buildSink(config, t),
    now: deps.now ?? Date.now,
    trust: { accounts: config.trustedAccounts, organizationId: config.trustedOrganizationId },
  };
}

async function handle(event: KinesisStreamEvent, w: Wiring): Promise<KinesisStreamBatchResponse> {
  const { logger, metrics } = w.telemetry;
  const records = streamRecords(event);
  const result = await processStreamBatch(records, { sink: w.sink, now: w.now(), trust: w.trust });

  for (const bad of result.bad) {
    logger.error('bad stream record', { ...bad });
  }
  for (const account of result.accounts) {
    if (account.error !== null) {
      logger.error('incidents not stored; the account’s records will be retried', {
        account: account.account,
        records: account.records,
        error: account.error,
      });
    }
  }
  const diagnoses = result.accounts.flatMap((a) => a.diagnoses);
  const eventsScanned = result.accounts.reduce((sum, a) => sum + a.eventsScanned, 0);
  recordDelivery(metrics, { diagnoses, eventsScanned, lookups: 0 });
  if (result.bad.length > 0) {
    metrics.addMetric(METRIC.badPayloads, MetricUnit.Count, result.bad.length);
  }
  if (result.failed.length > 0) {
    metrics.addMetric(METRIC.failedRecords, MetricUnit.Count, result.failed.length);
  }
  logger.info('stream batch processed', {
    records: records.length,
    controlMessages: result.controlMessages,
    accounts: result.accounts.length,
    eventsScanned,
    diagnoses: diagnoses.length,
    failed: result.failed.length,
  });
  return { batchItemFailures: result.failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

// The event is typed by Lambda, not checked by it: anyone allowed to invoke can send anything. A
// record without a sequence number could not be reported alone, so the batch fails instead.
function streamRecords(event: unknown): StreamRecord[] {
  const list = (event as { Records?: unknown } | null | undefined)?.Records;
  if (!Array.isArray(list)) {
    throw new InvalidPayloadError('bad-shape', 'event has no Records array: not a Kinesis batch');
  }
  return list.map((item: unknown, i) => {
    const kinesis = (item as { kinesis?: unknown } | null | undefined)?.kinesis as
      | { data?: unknown; sequenceNumber?: unknown }
      | null
      | undefined;
    const sequenceNumber = kinesis?.sequenceNumber;
    if (typeof sequenceNumber !== 'string' || sequenceNumber === '') {
      throw new InvalidPayloadError(
        'bad-shape',
        `Records[${i}] has no kinesis.sequenceNumber: not a Kinesis record`,
      );
    }
    // A record without data is reported on its own (decoding fails), like any bad record.
    return { sequenceNumber, data: typeof kinesis?.data === 'string' ? kinesis.data : '' };
  });
}
