import { isAscii } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { CloudWatchLogsSchema } from '@aws-lambda-powertools/parser/schemas/cloudwatch';
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { runtimeConfig } from '../lambda/adapters/runtimeConfig';
import type { DiagnosisSink } from '../lambda/core/ports/DiagnosisSink';
import { createHandler } from '../lambda/handlers/logSubscription';
import { type BenchPayload, buildPayload, type PayloadKind } from './buildPayload';
import { median } from './median';
import { muteStdout } from './muteStdout';
import { type RoundOptions, type RoundTiming, timeRounds } from './timeRounds';

/**
 * The ways a delivery is processed, timed side by side: our handler; the floor (gunzip,
 * UTF-8 decode, JSON.parse); the same floor decoding ASCII as Latin-1 like our decoder does (the
 * least any decoder must do); and the Powertools CloudWatch Logs schema.
 */
export const METHODS = ['handler', 'floor', 'floor-ascii', 'powertools'] as const;

/** One of {@link METHODS}. */
export type Method = (typeof METHODS)[number];

/** How long and how often to measure. */
export interface ThroughputOptions extends RoundOptions {
  /** Size of the uncompressed DATA_MESSAGE (bytes). */
  readonly targetBytes: number;
}

/** Timing of one method on one payload. */
export interface MethodTiming {
  /** Median over rounds of each round's median latency (ms per delivery). */
  readonly medianMs: number;
  /** Best round median (ms). */
  readonly bestMs: number;
  readonly roundMediansMs: readonly number[];
  /** Log events per second at `medianMs`. */
  readonly eventsPerSecond: number;
  /** Input megabytes (10^6 bytes; a delivery's uncompressed DATA_MESSAGE) per second at `medianMs`. */
  readonly megabytesPerSecond: number;
  /** Iterations measured over all rounds. */
  readonly samples: number;
}

/** Payload facts (without the event itself). */
export type PayloadSummary = Omit<BenchPayload, 'event'>;

/** Results for one payload kind. */
export interface ThroughputResult {
  readonly kind: PayloadKind;
  readonly payload: PayloadSummary;
  readonly diagnoses: number;
  readonly methods: Readonly<Record<Method, MethodTiming>>;
  /** Median over rounds of handler / floor, both timed in the same round. */
  readonly handlerOverFloor: number;
  /** Median over rounds of handler / powertools. */
  readonly handlerOverPowertools: number;
  /** Median over rounds of handler / floor-ascii: our cost beyond the least possible decode. */
  readonly handlerOverAsciiFloor: number;
}

// Store/notify stubbed to a no-op: the benchmark times the engine, not DynamoDB or Slack.
const NOOP_SINK: DiagnosisSink = { accept: async () => {} };

// What Lambda passes; the handler adds it to every log record.
const CONTEXT = {
  functionName: 'invoke-doctor-responder',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:invoke-doctor-responder',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  logGroupName: '/aws/lambda/invoke-doctor-responder',
  logStreamName: '2026/01/15/[$LATEST]0123456789abcdef0123456789abcdef',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
} as Context;

type Runner = () => Promise<number>;

// Each runner returns the number of log events it saw, checked once before timing.
function runners(payload: BenchPayload): Record<Method, Runner> {
  const event = payload.event as CloudWatchLogsEvent;
  const data = payload.event.awslogs.data;
  // The real handler export, composed with the production Powertools Logger and Metrics; lookup
  // disabled (every payload carries its own context) and the sink a no-op.
  const handler = createHandler({
    config: runtimeConfig({}),
    sink: NOOP_SINK,
    lookup: null,
    now: () => Date.UTC(2026, 0, 15, 10),
  });
  return {
    handler: async () => (await handler(event, CONTEXT)).eventsScanned,
    // The floor: what any consumer must do with a subscription delivery.
    floor: async () => {
      const message = JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as {
        logEvents: unknown[];
      };
      return message.logEvents.length;
    },
    // The floor with the one shortcut our decoder takes: ASCII bytes decoded as Latin-1 (identical
    // string, no UTF-8 decoding); gunzip and JSON.parse as above.
    'floor-ascii': async () => {
      const bytes = gunzipSync(Buffer.from(data, 'base64'));
      const text = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
      return (JSON.parse(text) as { logEvents: unknown[] }).logEvents.length;
    },
    // The decoder most users reach for: Powertools parser's CloudWatch Logs schema (zod), which
    // validates the base64, gunzips, parses and validates every event.
    powertools: async () => CloudWatchLogsSchema.parse(event).awslogs.data.logEvents.length,
  };
}

async function checkRunners(payload: BenchPayload, run: Record<Method, Runner>): Promise<number> {
  for (const method of METHODS) {
    const events = await run[method]();
    if (events !== payload.events) {
      throw new Error(
        `${method} saw ${events} events of ${payload.kind}, expected ${payload.events}`,
      );
    }
  }
  const handler = createHandler({
    config: runtimeConfig({}),
    sink: NOOP_SINK,
    lookup: null,
  });
  const summary = await handler(payload.event as CloudWatchLogsEvent, CONTEXT);
  if (summary.status !== 'processed' || summary.diagnoses === 0) {
    throw new Error(`handler did not diagnose ${payload.kind}: ${JSON.stringify(summary)}`);
  }
  return summary.diagnoses;
}

/** The timing of `method` over `rounds`, with rates for `events` events in `bytes` bytes. */
export function methodTiming<M extends string>(
  rounds: ReadonlyArray<Readonly<Record<M, RoundTiming>>>,
  method: M,
  events: number,
  bytes: number,
): MethodTiming {
  const medians = rounds.map((round) => round[method].p50);
  const medianMs = median(medians);
  return {
    medianMs,
    bestMs: Math.min(...medians),
    roundMediansMs: medians,
    eventsPerSecond: events / (medianMs / 1000),
    megabytesPerSecond: bytes / 1e6 / (medianMs / 1000),
    samples: rounds.reduce((sum, round) => sum + round[method].samples, 0),
  };
}

/**
 * Times the full handler path, the floor (gunzip + JSON.parse) and the Powertools CloudWatch Logs
 * schema on the same payload, interleaved: every round runs all three (rotating which goes first),
 * so machine load hits them alike, and the ratios are taken per round before the median.
 */
export async function measureThroughput(
  kind: PayloadKind,
  options: ThroughputOptions,
): Promise<ThroughputResult> {
  const payload = buildPayload(kind, { targetBytes: options.targetBytes });
  const { event: _event, ...summary } = payload;
  const run = runners(payload);
  const { result } = await muteStdout(async () => {
    const diagnoses = await checkRunners(payload, run);
    const rounds = await timeRounds(METHODS, run, options);
    return { diagnoses, rounds };
  });
  const methods = {} as Record<Method, MethodTiming>;
  for (const method of METHODS) {
    methods[method] = methodTiming(result.rounds, method, payload.events, payload.dataMessageBytes);
  }
  return {
    kind,
    payload: summary,
    diagnoses: result.diagnoses,
    methods,
    handlerOverFloor: median(result.rounds.map((round) => round.handler.p50 / round.floor.p50)),
    handlerOverPowertools: median(
      result.rounds.map((round) => round.handler.p50 / round.powertools.p50),
    ),
    handlerOverAsciiFloor: median(
      result.rounds.map((round) => round.handler.p50 / round['floor-ascii'].p50),
    ),
  };
}
