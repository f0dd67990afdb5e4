import { gunzipSync, gzipSync } from 'node:zlib';
import { buildPayload, eventId } from './buildPayload';

/**
 * The two stream batches the benchmark measures, each 100 records (the central responder's default
 * batch size) from 10 member accounts, every record one gzip-compressed DATA_MESSAGE:
 * - `stream-outage`: what member subscriptions put into the stream during an outage. The filter
 *   pattern lets only failure lines through, so each record holds 1 to 10 of them: a REST stage's
 *   `Invalid permissions on Lambda function` lines (ERROR level: nothing else of the request) or a
 *   Lambda function's denial lines, in turn (line shapes of bench/buildPayload.ts);
 * - `stream-info`: records of unfiltered API Gateway INFO execution logs (whole requests, bench/
 *   buildPayload.ts kind `apigw-info`; the first request of every eleventh record fails, 2% of them
 *   at 16 KiB records, one per account), the volume a subscription without the filter would send.
 */
export const STREAM_KINDS = ['stream-outage', 'stream-info'] as const;

/** One of {@link STREAM_KINDS}. */
export type StreamKind = (typeof STREAM_KINDS)[number];

/** Records per batch: the central responder's default batch size. */
export const STREAM_BATCH_RECORDS = 100;

/** Member accounts the records come from. */
export const STREAM_ACCOUNTS = 10;

/** What to build. */
export interface StreamBatchOptions {
  readonly records?: number;
  /** Uncompressed DATA_MESSAGE bytes of each `stream-info` record. */
  readonly infoRecordBytes: number;
  /**
   * Position of the batch in a run of batches: later batches carry later events (new ids and
   * times) from the same sources, as consecutive reads of a shard do.
   * @default 0
   */
  readonly batchIndex?: number;
}

/** A generated Kinesis batch (the event the event source mapping passes) and what it holds. */
export interface StreamBatch {
  readonly kind: StreamKind;
  readonly event: {
    readonly Records: readonly {
      readonly kinesis: { readonly sequenceNumber: string; readonly data: string } & Record<
        string,
        unknown
      >;
    }[];
  };
  readonly records: number;
  readonly accounts: number;
  /** Log events over all records. */
  readonly events: number;
  /** Events that are failure lines. */
  readonly failureEvents: number;
  /** Uncompressed DATA_MESSAGE bytes over all records. */
  readonly dataMessageBytes: number;
  /** gzip bytes over all records (what the stream stores and bills). */
  readonly gzipBytes: number;
  /** Bytes of the invocation payload (the event as JSON). */
  readonly eventBytes: number;
}

const ACCOUNT_BASE = 210_000_000_000;
const START = Date.UTC(2026, 0, 15, 9, 30);

// REST failure line as an ERROR-level stage (or the filter) keeps it: test/events/rest-execution-log/.
function restFailure(requestId: string): string {
  return `(${requestId}) Execution failed due to configuration error: Invalid permissions on Lambda function`;
}

function uuid(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `1cda20c4-a4f5-11e8-a408-${hex}`;
}

function gzipRecord(message: unknown): { data: string; json: number; gzip: number } {
  const json = JSON.stringify(message);
  const gzip = gzipSync(Buffer.from(json, 'utf8'));
  return { data: gzip.toString('base64'), json: Buffer.byteLength(json), gzip: gzip.length };
}

/** Builds a deterministic batch of `kind` (see {@link STREAM_KINDS}). */
export function buildStreamBatch(kind: StreamKind, options: StreamBatchOptions): StreamBatch {
  const count = options.records ?? STREAM_BATCH_RECORDS;
  const batchIndex = options.batchIndex ?? 0;
  const records: StreamBatch['event']['Records'][number][] = [];
  let events = 0;
  let failureEvents = 0;
  let dataMessageBytes = 0;
  let gzipBytes = 0;
  for (let i = 0; i < count; i++) {
    const owner = String(ACCOUNT_BASE + (i % STREAM_ACCOUNTS));
    const time = START + batchIndex * count * 1000 + i * 1000;
    const record = batchIndex * count + i;
    let encoded: { data: string; json: number; gzip: number };
    if (kind === 'stream-info') {
      const payload = buildPayload('apigw-info', {
        targetBytes: options.infoRecordBytes,
        // A 16 KiB record holds 5 requests: one failure in every eleventh record is 2%, and
        // records 0, 11, 22, ... belong to ten different accounts.
        failureRatio: i % 11 === 0 ? 0.02 : 0,
        seed: 0x5eed + record,
        startTime: time,
        owner,
      });
      const data = payload.event.awslogs.data;
      encoded = { data, json: payload.dataMessageBytes, gzip: payload.gzipBytes };
      events += payload.events;
      failureEvents += payload.failureEvents;
    } else {
      const lines = 1 + ((i * 7) % 10);
      let messages: string[];
      let logGroup: string;
      let logStream: string;
      if (i % 2 === 0) {
        logGroup = `API-Gateway-Execution-Logs_k7xw2m9q${String(i % STREAM_ACCOUNTS).padStart(2, '0')}/prod`;
        logStream = '37a749d808e46495a8da1e5352d03cae';
        messages = Array.from({ length: lines }, (_, n) => restFailure(uuid(record * 100 + n)));
      } else {
        const denials = buildPayload('all-denials', {
          targetBytes: 1_048_576,
          maxEvents: lines,
          seed: 0xd3 + record,
          startTime: time,
        });
        // The denial lines of a Lambda log group, re-wrapped for this record's account.
        const decoded = JSON.parse(
          gunzipSync(Buffer.from(denials.event.awslogs.data, 'base64')).toString('utf8'),
        ) as { logGroup: string; logStream: string; logEvents: { message: string }[] };
        logGroup = decoded.logGroup;
        logStream = decoded.logStream;
        messages = decoded.logEvents.map((e) => e.message);
      }
      encoded = gzipRecord({
        messageType: 'DATA_MESSAGE',
        owner,
        logGroup,
        logStream,
        subscriptionFilters: ['invoke-doctor-central'],
        policyLevel: 'ACCOUNT_LEVEL_POLICY',
        logEvents: messages.map((message, n) => ({
          id: eventId(time + n, record * 100 + n),
          timestamp: time + n,
          message,
        })),
      });
      events += messages.length;
      failureEvents += messages.length;
    }
    dataMessageBytes += encoded.json;
    gzipBytes += encoded.gzip;
    const sequenceNumber = `49590338271490256608559692538361571095921575989${String(record).padStart(9, '0')}`;
    records.push({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: `${i}`,
        sequenceNumber,
        data: encoded.data,
        approximateArrivalTimestamp: time / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::999999999999:role/invoke-doctor-central-responder-us-east-1',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:999999999999:stream/InvokeDoctorCentral-Stream',
    } as StreamBatch['event']['Records'][number]);
  }
  const event = { Records: records };
  return {
    kind,
    event,
    records: count,
    accounts: Math.min(count, STREAM_ACCOUNTS),
    events,
    failureEvents,
    dataMessageBytes,
    gzipBytes,
    eventBytes: Buffer.byteLength(JSON.stringify(event)),
  };
}
