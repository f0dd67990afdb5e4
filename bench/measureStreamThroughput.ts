import { isAscii } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { runtimeConfig } from '../lambda/adapters/runtimeConfig';
import type { DiagnosisSink } from '../lambda/core/ports/DiagnosisSink';
import { createHandler } from '../lambda/handlers/kinesisStream';
import { buildStreamBatch, type StreamBatch, type StreamKind } from './buildStreamBatch';
import { median } from './median';
import { muteStdout } from './muteStdout';
import { timeRounds } from './timeRounds';

/**
 * The ways a stream batch is processed, timed side by side: the central responder's handler; the
 * decode floor (for every record: base64, gunzip, UTF-8, JSON.parse); the floor decoding ASCII as
 * Latin-1 as our decoder does.
 */
export const STREAM_METHODS = ['handler', 'floor', 'floor-ascii'] as const;

/** One of {@link STREAM_METHODS}. */
export type StreamMethod = (typeof STREAM_METHODS)[number];

/** How long and how often to measure. */
export interface StreamThroughputOptions {
  readonly rounds: number;
  readonly timeMs: number;
  readonly warmupMs: number;
  /** Uncompressed bytes of each `stream-info` record. */
  readonly infoRecordBytes: number;
}

/** Timing of one method on one batch. */
export interface StreamMethodTiming {
  /** Median over rounds of each round's median latency (ms per batch). */
  readonly medianMs: number;
  readonly roundMediansMs: readonly number[];
  /** Stream records per second at `medianMs`. */
  readonly recordsPerSecond: number;
  /** Log events per second at `medianMs`. */
  readonly eventsPerSecond: number;
  /** Uncompressed DATA_MESSAGE megabytes (10^6 bytes) per second at `medianMs`. */
  readonly megabytesPerSecond: number;
}

/** Batch facts (without the event itself). */
export type StreamBatchSummary = Omit<StreamBatch, 'event'>;

/** Results for one batch kind. */
export interface StreamThroughputResult {
  readonly kind: StreamKind;
  readonly batch: StreamBatchSummary;
  readonly diagnoses: number;
  readonly methods: Readonly<Record<StreamMethod, StreamMethodTiming>>;
  /** Median over rounds of handler / floor, both timed in the same round. */
  readonly handlerOverFloor: number;
  /** Median over rounds of handler / floor-ascii. */
  readonly handlerOverAsciiFloor: number;
}

// Store and notify are a no-op here, as for the log handler: the engine is timed, not DynamoDB.
const NOOP_SINK: DiagnosisSink = { accept: async () => {} };

const CONTEXT = {
  functionName: 'InvokeDoctorCentral-Responder',
  functionVersion: '$LATEST',
  invokedFunctionArn:
    'arn:aws:lambda:us-east-1:999999999999:function:InvokeDoctorCentral-Responder',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  logGroupName: '/invoke-doctor/InvokeDoctorCentral/responder',
  logStreamName: '2026/01/15/[$LATEST]0123456789abcdef0123456789abcdef',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
} as Context;

type Runner = () => Promise<number>;

function runners(batch: StreamBatch): Record<StreamMethod, Runner> {
  const event = batch.event as unknown as KinesisStreamEvent;
  const datas = batch.event.Records.map((r) => r.kinesis.data);
  const handler = createHandler({
    config: runtimeConfig({}),
    sink: NOOP_SINK,
    now: () => Date.UTC(2026, 0, 15, 10),
  });
  const decodeAll = (ascii: boolean) => {
    let n = 0;
    for (const data of datas) {
      const bytes = gunzipSync(Buffer.from(data, 'base64'));
      const text = ascii && isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
      n += (JSON.parse(text) as { logEvents: unknown[] }).logEvents.length;
    }
    return n;
  };
  return {
    handler: async () => {
      const response = await handler(event, CONTEXT);
      if (response.batchItemFailures.length > 0) throw new Error('a record failed');
      return batch.events;
    },
    floor: async () => decodeAll(false),
    'floor-ascii': async () => decodeAll(true),
  };
}

/**
 * Times the central responder's handler against the decode floor on one 100-record batch, in
 * interleaved rounds (as measureThroughput does for the log handler): ratios are taken per round.
 */
export async function measureStreamThroughput(
  kind: StreamKind,
  options: StreamThroughputOptions,
): Promise<StreamThroughputResult> {
  const batch = buildStreamBatch(kind, { infoRecordBytes: options.infoRecordBytes });
  const { event: _event, ...summary } = batch;
  const run = runners(batch);
  const { result } = await muteStdout(async () => {
    for (const method of STREAM_METHODS) {
      const events = await run[method]();
      if (events !== batch.events) {
        throw new Error(`${method} saw ${events} events of ${kind}, expected ${batch.events}`);
      }
    }
    let diagnoses = 0;
    const counting = createHandler({
      config: runtimeConfig({}),
      sink: {
        accept: async (d) => {
          diagnoses += d.length;
        },
      },
    });
    await counting(batch.event as unknown as KinesisStreamEvent, CONTEXT);
    if (diagnoses === 0) throw new Error(`the handler diagnosed nothing in ${kind}`);
    const timed = await timeRounds(STREAM_METHODS, run, options);
    const rounds = timed.map(
      (round) =>
        Object.fromEntries(STREAM_METHODS.map((m) => [m, round[m].p50])) as Record<
          StreamMethod,
          number
        >,
    );
    return { diagnoses, rounds };
  });
  const methods = {} as Record<StreamMethod, StreamMethodTiming>;
  for (const method of STREAM_METHODS) {
    const medians = result.rounds.map((round) => round[method]);
    const medianMs = median(medians);
    const perSecond = 1000 / medianMs;
    methods[method] = {
      medianMs,
      roundMediansMs: medians,
      recordsPerSecond: batch.records * perSecond,
      eventsPerSecond: batch.events * perSecond,
      megabytesPerSecond: (batch.dataMessageBytes / 1e6) * perSecond,
    };
  }
  return {
    kind,
    batch: summary,
    diagnoses: result.diagnoses,
    methods,
    handlerOverFloor: median(result.rounds.map((round) => round.handler / round.floor)),
    handlerOverAsciiFloor: median(
      result.rounds.map((round) => round.handler / round['floor-ascii']),
    ),
  };
}
