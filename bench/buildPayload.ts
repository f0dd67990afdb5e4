import { gzipSync } from 'node:zlib';

/**
 * The three delivery shapes the benchmark measures:
 * - `apigw-info`: a REST API stage's execution log at INFO level, whole requests of 12 lines each,
 *   a fraction of the requests refused with `Invalid permissions on Lambda function`;
 * - `lambda-mixed`: a Lambda function's log group (START / INFO / END / REPORT per invocation), a
 *   fraction of the lines being the runtime's `Invoke Error` line for a lambda:InvokeFunction denial;
 * - `all-denials`: every line a denial (which is also what the subscription filter streams during
 *   an outage: it only lets the failure lines through).
 */
export const PAYLOAD_KINDS = ['apigw-info', 'lambda-mixed', 'all-denials'] as const;

/** One of {@link PAYLOAD_KINDS}. */
export type PayloadKind = (typeof PAYLOAD_KINDS)[number];

/** Default failure ratios: 2% of API requests, 1% of Lambda log lines. */
export const DEFAULT_FAILURE_RATIO: Readonly<Record<PayloadKind, number>> = {
  'apigw-info': 0.02,
  'lambda-mixed': 0.01,
  'all-denials': 1,
};

/**
 * Size of a "near 1 MB" delivery: 1 MiB of uncompressed DATA_MESSAGE JSON, the size of the largest
 * PutLogEvents batch (1,048,576 bytes). Gzipped and base64-encoded it is a few tens of KB, well
 * under the Lambda asynchronous invocation payload limit (1 MB since October 2025, 256 KB before).
 */
export const NEAR_1_MB = 1_048_576;

/** CloudWatch Logs puts at most 10,000 events in one batch. */
export const MAX_EVENTS = 10_000;

/** What to build. */
export interface PayloadOptions {
  /** Upper bound of the uncompressed DATA_MESSAGE JSON in bytes; only whole requests are added. */
  readonly targetBytes: number;
  /** Failed requests / requests (`apigw-info`) or denial lines / lines (`lambda-mixed`). */
  readonly failureRatio?: number;
  /** Seed of the deterministic generator (ids, latencies). */
  readonly seed?: number;
  /** Epoch ms of the first event. */
  readonly startTime?: number;
  /** At most this many events (never more than {@link MAX_EVENTS}). */
  readonly maxEvents?: number;
  /** Account in the DATA_MESSAGE's `owner` (default: the account of the source logs). */
  readonly owner?: string;
}

/** A generated delivery and what it holds. */
export interface BenchPayload {
  readonly kind: PayloadKind;
  /** The Lambda event: `{ awslogs: { data: base64(gzip(DATA_MESSAGE JSON)) } }`. */
  readonly event: { readonly awslogs: { readonly data: string } };
  readonly logGroup: string;
  /** Log events in the delivery. */
  readonly events: number;
  /** Events that are failure lines (`Invalid permissions` / invoke denial). */
  readonly failureEvents: number;
  /** API requests or Lambda invocations written (each denial line counts as one in `all-denials`). */
  readonly units: number;
  /** Units that failed. */
  readonly failedUnits: number;
  /** Bytes of the uncompressed DATA_MESSAGE JSON. */
  readonly dataMessageBytes: number;
  /** Bytes of the gzip stream. */
  readonly gzipBytes: number;
  /** Bytes of the invocation payload (the event as JSON). */
  readonly eventBytes: number;
}

interface Line {
  readonly message: string;
  readonly failure: boolean;
}

interface Unit {
  readonly lines: readonly Line[];
  readonly failed: boolean;
}

interface Source {
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly subscriptionFilters: readonly string[];
  next(failed: boolean, time: number): Unit;
  /**
   * Decides whether the next unit fails, given the counts so far: the first unit of every 1/ratio
   * fails, so even a small (`--quick`) delivery holds a failure and a large one is at the ratio.
   */
  failNext(failedUnits: number, units: number, failureEvents: number, events: number): boolean;
}

// Deterministic PRNG (mulberry32): the same seed gives byte-identical payloads, so runs compare.
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(rand: () => number, digits: number): string {
  let out = '';
  for (let i = 0; i < digits; i++) out += Math.floor(rand() * 16).toString(16);
  return out;
}

// Request ids: REST execution logs of the sources are v1 (time-based) UUIDs, Lambda's are v4.
function uuid(rand: () => number, version: 1 | 4): string {
  const variant = (8 + Math.floor(rand() * 4)).toString(16);
  return `${hex(rand, 8)}-${hex(rand, 4)}-${version}${hex(rand, 3)}-${variant}${hex(rand, 3)}-${hex(rand, 12)}`;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64Id(rand: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE64_ALPHABET[Math.floor(rand() * 64)];
  return `${out}=`;
}

/** 56-digit CloudWatch event id (real ids are 56-digit decimal strings), unique per `seq`. */
export function eventId(timestamp: number, seq: number): string {
  return `${String(timestamp).padStart(20, '0')}${String(seq).padStart(36, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// (a) REST execution log at INFO level. Line shapes, all with the `(<request id>) ` prefix:
// - `Extended Request Id`, `Usage Plan check succeeded for API Key and API Stage`, `Received
//   response. Integration latency: 40 ms`, `Successfully completed execution`, `Method completed
//   with status: 200`: a real execution-log subscription batch in a public log-shipper test
//   (API-Gateway-Execution-Logs_h733q2j6gb/Prod, eu-west-2, 2019), whose API, account and function
//   are reused here; the success lines also appear in the public jazz/Splunk API Gateway execution-log batch in docs/formats.md (jazz).
// - `Verifying Usage Plan ... API Key:  API Stage:` and `API Key  authorized because method ...`
//   (double spaces as logged): the public jazz/Splunk API Gateway execution-log batch in docs/formats.md.
// - `HTTP Method`, `Method request path/query string/headers/body`, `Endpoint request URI`:
//   the console test traces under test/events/rest-execution-log/; `Sending request to` + `Execution failed due to configuration error:
//   Invalid permissions on Lambda function` + `Method completed with status: 500`: 2.1, 2.6, 2.8.
// The failing trace is the one test/helpers/awslogsPayload.ts (restExecutionTrace) builds.

const REST = {
  owner: '958845080241',
  region: 'eu-west-2',
  apiId: 'h733q2j6gb',
  stage: 'Prod',
  logStream: '37a749d808e46495a8da1e5352d03cae',
  subscriptionFilters: ['invoke-doctor'],
  ok: {
    method: 'POST',
    path: '/verifyReceipt',
    functionArn:
      'arn:aws:lambda:eu-west-2:958845080241:function:mock-receipt-api-2-25-VerifyReceiptFunction-8K5LT90CVKH6',
  },
  // The route whose function lost its API Gateway permission (names from test/events/rest-execution-log/console-test-source-arn-null.log).
  broken: {
    method: 'GET',
    path: '/users',
    functionArn: 'arn:aws:lambda:eu-west-2:958845080241:function:hexaville-test-app-function',
  },
} as const;

function invokeUri(functionArn: string): string {
  return `https://lambda.${REST.region}.amazonaws.com/2015-03-31/functions/${functionArn}/invocations`;
}

function restSource(rand: () => number, ratio: number): Source {
  const stage = `${REST.apiId}/${REST.stage}`;
  return {
    owner: REST.owner,
    logGroup: `API-Gateway-Execution-Logs_${stage}`,
    logStream: REST.logStream,
    subscriptionFilters: REST.subscriptionFilters,
    failNext: (failedUnits, units) => failedUnits < Math.ceil(ratio * (units + 1) - 1e-9),
    next(failed) {
      const id = uuid(rand, 1);
      const p = `(${id}) `;
      if (failed) {
        const uri = invokeUri(REST.broken.functionArn);
        const lines = [
          `${p}Verifying Usage Plan for request: ${id}. API Key:  API Stage: ${stage}`,
          `${p}API Key  authorized because method '${REST.broken.method} ${REST.broken.path}' does not require API Key. Request will not contribute to throttle or quota limits`,
          `${p}Starting execution for request: ${id}`,
          `${p}HTTP Method: ${REST.broken.method}, Resource Path: ${REST.broken.path}`,
          `${p}Method request path: {}`,
          `${p}Method request query string: {}`,
          `${p}Method request headers: {}`,
          `${p}Method request body before transformations: `,
          `${p}Endpoint request URI: ${uri}`,
          `${p}Sending request to ${uri}`,
          `${p}Execution failed due to configuration error: Invalid permissions on Lambda function`,
          `${p}Method completed with status: 500`,
        ];
        return {
          failed,
          lines: lines.map((message) => ({
            message,
            failure: message.includes('Invalid permissions on Lambda function'),
          })),
        };
      }
      const uri = invokeUri(REST.ok.functionArn);
      const lines = [
        `${p}Extended Request Id: ${base64Id(rand, 15)}`,
        `${p}Verifying Usage Plan for request: ${id}. API Key:  API Stage: ${stage}`,
        `${p}API Key  authorized because method '${REST.ok.method} ${REST.ok.path}' does not require API Key. Request will not contribute to throttle or quota limits`,
        `${p}Usage Plan check succeeded for API Key and API Stage ${stage}`,
        `${p}Starting execution for request: ${id}`,
        `${p}HTTP Method: ${REST.ok.method}, Resource Path: ${REST.ok.path}`,
        `${p}Method request path: {}`,
        `${p}Endpoint request URI: ${uri}`,
        `${p}Sending request to ${uri}`,
        `${p}Received response. Integration latency: ${20 + Math.floor(rand() * 200)} ms`,
        `${p}Successfully completed execution`,
        `${p}Method completed with status: 200`,
      ];
      return { failed, lines: lines.map((message) => ({ message, failure: false })) };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// (b) Lambda log group, TEXT log format. Line shapes:
// - `START RequestId: <id> Version: $LATEST\n`, `END RequestId: <id>\n`: the Lambda runtime invocation block in docs/formats.md;
// - `REPORT RequestId: <id>\tDuration: … ms\tBilled Duration: … ms\tMemory Size: 128 MB\tMax Memory
//   Used: … MB\t\n`: the AWS Lambda Developer Guide sample in docs/formats.md, with the spacing of a 2023 capture (no space after `Billed
//   Duration: … ms`) found in a public Logs Insights export;
// - `<ISO time>\t<id>\tINFO\t<text>\n`: the Node.js runtime log format in docs/formats.md (TEXT format) with application texts from
//   public captures of Lambda log groups;
// - the denial: the Node runtime's `Invoke Error` line (the Node.js runtime interface client's `Invoke Error` (docs/formats.md): `ERROR\tInvoke Error ` + TAB
//   + JSON.stringify(err)) with the SDK v2 error fields of 4.3 around the real sentence of 1.11 — the
//   caller function of 1.11 is the log group.

const CALLER = {
  owner: '458036673695',
  logGroup: '/aws/lambda/CdkWorkshopStack-HelloHitCounterHitCounterHandlerD-GbRYSkrqPIYV',
  logStream: '2019/03/13/[$LATEST]94fa867e5374431291a7fc14e2f56ae7',
  subscriptionFilters: ['invoke-doctor'],
} as const;

const DENIAL_SENTENCE =
  'User: arn:aws:sts::458036673695:assumed-role/CdkWorkshopStack-HelloHitCounterHitCounterHandlerSe-6m8GE1KfO4P6/CdkWorkshopStack-HelloHitCounterHitCounterHandlerD-GbRYSkrqPIYV is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:eu-central-1:458036673695:function:CdkWorkshopStack-HelloHandler2E4FBA4D-xMvt0Kbw9VKD because no identity-based policy allows the lambda:InvokeFunction action';

const APP_TEXTS = [
  'Status is  ProcessingComplete',
  ' a picture just got uploaded to the S3 original-dinner-time-images bucket!',
] as const;

function iso(time: number): string {
  return new Date(time).toISOString();
}

function invokeErrorLine(time: number, requestId: string, sdkRequestId: string): string {
  const error = {
    errorType: 'AccessDeniedException',
    errorMessage: DENIAL_SENTENCE,
    code: 'AccessDeniedException',
    message: DENIAL_SENTENCE,
    time: iso(time),
    requestId: sdkRequestId,
    statusCode: 403,
    retryable: false,
    retryDelay: 59.52802560907495,
    stack: [
      `AccessDeniedException: ${DENIAL_SENTENCE}`,
      '    at Object.extractError (/var/runtime/node_modules/aws-sdk/lib/protocol/json.js:48:27)',
      '    at Request.extractError (/var/runtime/node_modules/aws-sdk/lib/protocol/rest_json.js:52:8)',
    ],
  };
  return `${iso(time)}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(error)}\n`;
}

function lambdaSource(rand: () => number, ratio: number): Source {
  return {
    ...CALLER,
    failNext: (_failedUnits, _units, failureEvents, events) =>
      failureEvents < Math.ceil(ratio * (events + 5) - 1e-9),
    next(failed, time) {
      const id = uuid(rand, 4);
      const duration = 2 + rand() * 120;
      const app = (n: number) =>
        `${iso(time + n)}\t${id}\tINFO\t${APP_TEXTS[Math.floor(rand() * APP_TEXTS.length)]}\n`;
      const lines: Line[] = [
        { message: `START RequestId: ${id} Version: $LATEST\n`, failure: false },
        { message: app(1), failure: false },
        failed
          ? { message: invokeErrorLine(time + 2, id, uuid(rand, 4)), failure: true }
          : { message: app(2), failure: false },
        { message: `END RequestId: ${id}\n`, failure: false },
        {
          message: `REPORT RequestId: ${id}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.ceil(duration)} ms\tMemory Size: 128 MB\tMax Memory Used: ${60 + Math.floor(rand() * 20)} MB\t\n`,
          failure: false,
        },
      ];
      return { failed, lines };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// (c) Every line a denial: the Node `Invoke Error` line above (the sentence three times, the
// longest), and the shortest real shapes, verbatim from test/events/iam-sentence/:
// python-clienterror-10-digit-account.log and app-wrapper-prefix.log (test/events/iam-sentence/).

const SHORT_DENIALS = [
  '[ERROR] ClientError: An error occurred (AccessDeniedException) when calling the Invoke operation: User: arn:aws:sts::1234567890:assumed-role/LambdaExecutionRole/watcher is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:eu-west-2:1234567890:function:registrar',
  'Failed to start diet plan generation: An error occurred (AccessDeniedException) when calling the Invoke operation: User: arn:aws:sts::985539754737:assumed-role/demo-chef-services-backend-DietPlanFunctionRole-IYbVKrVaeQNV/demo-chef-services-backend-diet-plan is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:985539754737:function:chef-services-backend-diet-plan-worker because no identity-based policy allows the lambda:InvokeFunction action',
] as const;

function denialSource(rand: () => number): Source {
  let n = 0;
  return {
    ...CALLER,
    failNext: () => true,
    next(_failed, time) {
      const pick = n++ % 3;
      const message =
        pick === 0
          ? invokeErrorLine(time, uuid(rand, 4), uuid(rand, 4))
          : (SHORT_DENIALS[pick - 1] as string);
      return { failed: true, lines: [{ message, failure: true }] };
    },
  };
}

function source(kind: PayloadKind, rand: () => number, ratio: number): Source {
  switch (kind) {
    case 'apigw-info':
      return restSource(rand, ratio);
    case 'lambda-mixed':
      return lambdaSource(rand, ratio);
    case 'all-denials':
      return denialSource(rand);
  }
}

interface GeneratedUnit {
  readonly failed: boolean;
  readonly time: number;
  readonly lines: readonly Line[];
}

/**
 * The units (requests / invocations) of a source, endlessly. The counts behind `failNext` are
 * updated when the next unit is asked for, so a unit the caller looks at and rejects (it did not
 * fit) changes nothing: the output up to it is the same whatever the caller's size limit.
 */
function* unitsOf(src: Source, rand: () => number, start: number): Generator<GeneratedUnit> {
  let time = start;
  let units = 0;
  let failedUnits = 0;
  let failureEvents = 0;
  let events = 0;
  for (;;) {
    const failed = src.failNext(failedUnits, units, failureEvents, events);
    const unit = src.next(failed, time);
    yield { failed: unit.failed, time, lines: unit.lines };
    units++;
    if (unit.failed) failedUnits++;
    failureEvents += unit.lines.filter((line) => line.failure).length;
    events += unit.lines.length;
    time += unit.lines.length + Math.floor(rand() * 40);
  }
}

const DEFAULT_SEED = 0x1d0c;
const DEFAULT_START = Date.UTC(2026, 0, 15, 9, 30);

/**
 * Builds a CloudWatch Logs subscription delivery of `kind` whose uncompressed DATA_MESSAGE JSON is
 * as large as possible without exceeding `targetBytes` (and `maxEvents`), from whole
 * requests / invocations. Deterministic for a given seed. Key order as in real payloads
 * (test/events/awslogs/lambda-invoke-error-real.json).
 */
export function buildPayload(kind: PayloadKind, options: PayloadOptions): BenchPayload {
  const rand = random(options.seed ?? DEFAULT_SEED);
  const src = source(kind, rand, options.failureRatio ?? DEFAULT_FAILURE_RATIO[kind]);
  const header = {
    messageType: 'DATA_MESSAGE',
    owner: options.owner ?? src.owner,
    logGroup: src.logGroup,
    logStream: src.logStream,
    subscriptionFilters: src.subscriptionFilters,
  };
  // `{...header,"logEvents":[` + `]}`
  let bytes = Buffer.byteLength(JSON.stringify({ ...header, logEvents: [] }));
  const events: Array<{ id: string; timestamp: number; message: string }> = [];
  let units = 0;
  let failedUnits = 0;
  let failureEvents = 0;
  const maxEvents = Math.min(options.maxEvents ?? MAX_EVENTS, MAX_EVENTS);
  for (const unit of unitsOf(src, rand, options.startTime ?? DEFAULT_START)) {
    const batch = unit.lines.map((line, i) => ({
      id: eventId(unit.time + i, events.length + i),
      timestamp: unit.time + i,
      message: line.message,
    }));
    const added = batch.reduce(
      (sum, event) => sum + Buffer.byteLength(JSON.stringify(event)) + 1,
      0,
    );
    // the first event has no separating comma
    const extra = events.length === 0 ? added - 1 : added;
    if (bytes + extra > options.targetBytes || events.length + batch.length > maxEvents) break;
    bytes += extra;
    events.push(...batch);
    units++;
    if (unit.failed) failedUnits++;
    failureEvents += unit.lines.filter((line) => line.failure).length;
  }
  const json = JSON.stringify({ ...header, logEvents: events });
  const gzip = gzipSync(Buffer.from(json, 'utf8'));
  const event = { awslogs: { data: gzip.toString('base64') } };
  return {
    kind,
    event,
    logGroup: src.logGroup,
    events: events.length,
    failureEvents,
    units,
    failedUnits,
    dataMessageBytes: Buffer.byteLength(json),
    gzipBytes: gzip.length,
    eventBytes: Buffer.byteLength(JSON.stringify(event)),
  };
}

/** What a text log of {@link textLog} holds. */
export interface TextLogSummary {
  readonly kind: PayloadKind;
  readonly logGroup: string;
  /** Lines written. */
  readonly lines: number;
  readonly failureLines: number;
  readonly units: number;
  readonly failedUnits: number;
  readonly bytes: number;
}

/**
 * The log of `kind` as plain text, one message a line (what `aws logs filter-log-events --query
 * 'events[].message' --output text`-style exports and pastes give the CLI), in chunks of about
 * `chunkBytes`, until the next whole unit would pass `targetBytes`. Streams: a log of any size is
 * written without being held. Returns what it wrote. Deterministic for a given seed.
 */
export function* textLog(
  kind: PayloadKind,
  options: Omit<PayloadOptions, 'maxEvents'> & { readonly chunkBytes?: number },
): Generator<string, TextLogSummary> {
  const rand = random(options.seed ?? DEFAULT_SEED);
  const src = source(kind, rand, options.failureRatio ?? DEFAULT_FAILURE_RATIO[kind]);
  const chunkBytes = options.chunkBytes ?? 1024 * 1024;
  let chunk: string[] = [];
  let chunkSize = 0;
  let bytes = 0;
  let lines = 0;
  let failureLines = 0;
  let units = 0;
  let failedUnits = 0;
  for (const unit of unitsOf(src, rand, options.startTime ?? DEFAULT_START)) {
    // Lambda messages end with their own line break; a text line has one
    const text = unit.lines.map((line) => `${line.message.replace(/\n$/, '')}\n`);
    const size = text.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
    if (bytes + size > options.targetBytes) break;
    bytes += size;
    lines += text.length;
    failureLines += unit.lines.filter((line) => line.failure).length;
    units++;
    if (unit.failed) failedUnits++;
    chunk.push(...text);
    chunkSize += size;
    if (chunkSize >= chunkBytes) {
      yield chunk.join('');
      chunk = [];
      chunkSize = 0;
    }
  }
  if (chunk.length > 0) yield chunk.join('');
  return { kind, logGroup: src.logGroup, lines, failureLines, units, failedUnits, bytes };
}
