/**
 * Generates the bundled outage sample under samples/outage/ (committed; `replay` never runs this).
 *
 *   npx esbuild scripts/make-sample.ts --bundle --platform=node --log-level=warning | node -
 *
 * (esbuild only strips the types: the script imports nothing from the project.) It writes one
 * JSON file per log stream, `counts.json` (what it generated, which the replay tests hold the
 * product to) and formats them with Biome. Deterministic (seeded PRNG, fixed times): running it
 * again rewrites identical files.
 *
 * The scenario (2026-10-06, UTC): at 13:52 a deploy of the `orders-api` stack loses the Lambda
 * permissions behind two routes of REST API k7xw2m9qpd (stage `prod`). API Gateway answers 500 on
 * GET /orders until 14:18 and on POST /orders until 14:06, while GET /health keeps working. Since
 * 12:41 the `billing-invoice-worker` function's role has lacked lambda:InvokeFunction on
 * `billing-pdf-renderer` (until 14:23), and a service control policy denies `reports-scheduler` the
 * invoke of `reports-exporter` for a few minutes (14:03 to 14:09). Around it: successful requests, a Lambda
 * timeout behind API Gateway, START/END/REPORT lines, a Task timed out line and a dynamodb:Scan
 * denial (which must not be diagnosed).
 *
 * Every line SHAPE is copied from real logs; only ids, timestamps, names and counts vary:
 * - API Gateway REST execution log (INFO, Lambda proxy): the full request trace and the timeout
 *   trace of ericallam/aws-api-gateway-log-parser `__tests__/parse.test.js` and
 *   `__tests__/timeout.test.js` (captured DATA_MESSAGE payloads, 56-digit ids, 32-hex streams);
 *   the failure sequence `Sending request to` -> `Execution failed due to configuration error:
 *   Invalid permissions on Lambda function` -> `Method completed with status: 500` from the AWS
 *   Knowledge Center article api-gateway-rest-api-lambda-integrations (formats notes 2.1, 2.6, 2.8).
 * - Python runtime: `[ERROR] ClientError: An error occurred (AccessDeniedException) when calling
 *   the Invoke operation: User: ... because no identity-based policy allows the
 *   lambda:InvokeFunction action` (formats notes 1.21 and a public SAM write-up); the explicit deny
 *   clause `with an explicit deny in a service control policy` from the IAM user guide's catalogue
 *   (1.14); `START RequestId: ... Version: $LATEST`, `END RequestId:`, `REPORT RequestId: ...`
 *   (3.2, 4.5); `<ISO time> <request id> Task timed out after 3.00 seconds` and the
 *   `dynamodb:Scan` denial from test/events/negative/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OUT = join(process.cwd(), 'samples', 'outage');
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const API_ID = 'k7xw2m9qpd';
const STAGE = 'prod';
const APIGW_GROUP = `API-Gateway-Execution-Logs_${API_ID}/${STAGE}`;
const FILTER_NAME = 'invoke-doctor';
const DAY = '2026-10-06';
const MINUTE = 60_000;

/** Epoch ms of `HH:MM:SS` on the sample day (UTC). */
function at(hms: string): number {
  return Date.parse(`${DAY}T${hms}Z`);
}

// mulberry32: small, seeded, good enough to vary ids and timings reproducibly.
let seed = 0x1d0c7042;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
function int(min: number, max: number): number {
  const low = Math.ceil(min);
  return low + Math.floor(random() * (Math.floor(max) - low + 1));
}
function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}
function chars(alphabet: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}
const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
function uuid(): string {
  const h = chars(HEX, 32);
  const variant = HEX[8 + Math.floor(random() * 4)];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`;
}
const traceId = (ms: number): string => `1-${Math.floor(ms / 1000).toString(16)}-${chars(HEX, 24)}`;

interface Event {
  readonly timestamp: number;
  readonly message: string;
}

/** One log stream: its events, in the order they were written. */
class Stream {
  readonly events: Event[] = [];
  constructor(
    readonly group: string,
    readonly name: string,
  ) {}
  add(timestamp: number, message: string): void {
    this.events.push({ timestamp, message });
  }
}

// ---------------------------------------------------------------------------------------------
// API Gateway REST execution logs (INFO level, full request/response data)

interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly fn: string;
  readonly body: string;
  readonly response: string;
}

const ROUTES = {
  listOrders: {
    method: 'GET',
    path: '/orders',
    fn: 'orders-api-ListOrdersFunction-Q1W2E3R4T5Y6',
    body: '',
    response:
      '{"orders":[{"id":"ord_7Hx2","status":"SHIPPED"},{"id":"ord_7Hx9","status":"PENDING"}]}',
  },
  createOrder: {
    method: 'POST',
    path: '/orders',
    fn: 'orders-api-CreateOrderFunction-Z9X8C7V6B5N4',
    body: '{"sku":"TSHIRT-M-BLUE","quantity":2}',
    response: '{"id":"ord_8Ka1","status":"PENDING"}',
  },
  health: {
    method: 'GET',
    path: '/health',
    fn: 'orders-api-HealthFunction-P0O9I8U7Y6T5',
    body: '',
    response: '{"ok":true}',
  },
} as const satisfies Record<string, Route>;

const CLIENTS = [
  { agent: 'python-requests/2.32.3', ip: '18.130.162.42' },
  { agent: 'okhttp/4.12.0', ip: '52.46.38.85' },
  {
    agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15',
    ip: '62.254.81.74',
  },
] as const;

const apigwStreams = Array.from({ length: 4 }, () => new Stream(APIGW_GROUP, chars(HEX, 32)));

function invokeUrl(fn: string): string {
  return `https://lambda.${REGION}.amazonaws.com/2015-03-31/functions/arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}/invocations`;
}

/** Standard execution logs cut each event at 1 KB and mark the cut. */
function truncated(text: string): string {
  return text.length > 1024 ? `${text.slice(0, 1024)} [TRUNCATED]` : text;
}

function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

type Outcome = 'ok' | 'denied' | 'timeout';

/** Writes one request's execution-log lines to a random stream, as API Gateway does at INFO. */
function request(route: Route, start: number, outcome: Outcome): void {
  const stream = pick(apigwStreams);
  const id = uuid();
  const client = pick(CLIENTS);
  const trace = traceId(start);
  const parent = chars(HEX, 16);
  const line = (ms: number, text: string) => stream.add(ms, `(${id}) ${text}`);
  const key = `${route.method} ${route.path}`;
  const resourcePath = route.path.slice(1);
  const host = `${API_ID}.execute-api.${REGION}.amazonaws.com`;
  let t = start;
  line(t, `Extended Request Id: ${chars(B64URL, 15)}=`);
  t += int(0, 1);
  line(t, `Verifying Usage Plan for request: ${id}. API Key: API Stage: ${API_ID}/${STAGE}`);
  line(
    t,
    `API Key authorized because method '${key}' does not require API Key. Request will not contribute to throttle or quota limits`,
  );
  line(t, `Usage Plan check succeeded for API Key and API Stage ${API_ID}/${STAGE}`);
  t += int(0, 1);
  line(t, `Starting execution for request: ${id}`);
  line(t, `HTTP Method: ${route.method}, Resource Path: ${route.path}`);
  line(t, 'Method request path: {}');
  line(t, 'Method request query string: {}');
  const contentType = route.body ? ', Content-Type=application/json' : '';
  line(
    t,
    `Method request headers: {Accept=application/json, User-Agent=${client.agent}, X-Forwarded-Proto=https, X-Forwarded-For=${client.ip}, Host=${host}, X-Forwarded-Port=443, X-Amzn-Trace-Id=Root=${trace}${contentType}}`,
  );
  line(t, `Method request body before transformations: ${route.body}`);
  line(t, `Endpoint request URI: ${invokeUrl(route.fn)}`);
  line(
    t,
    truncated(
      `Endpoint request headers: {x-amzn-lambda-integration-tag=${id}, Authorization=${'*'.repeat(400)}${chars(HEX, 6)}, X-Amz-Date=${amzDate(t)}, x-amzn-apigateway-api-id=${API_ID}, X-Amz-Source-Arn=arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/${STAGE}/${route.method}/${resourcePath}, Accept=application/json, User-Agent=AmazonAPIGateway_${API_ID}, X-Amz-Security-Token=${chars(B64, 900)}`,
    ),
  );
  const headers: Record<string, string> = {
    Accept: 'application/json',
    ...(route.body ? { 'Content-Type': 'application/json' } : {}),
    Host: host,
    'User-Agent': client.agent,
    'X-Amzn-Trace-Id': `Root=${trace}`,
    'X-Forwarded-For': client.ip,
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
  };
  const multi = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
  line(
    t,
    truncated(
      `Endpoint request body after transformations: ${JSON.stringify({
        resource: route.path,
        path: route.path,
        httpMethod: route.method,
        headers,
        multiValueHeaders: multi,
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        pathParameters: null,
        stageVariables: null,
        requestContext: {
          resourceId: chars('abcdefghijklmnopqrstuvwxyz0123456789', 6),
          resourcePath: route.path,
          httpMethod: route.method,
          extendedRequestId: `${chars(B64URL, 15)}=`,
          requestTime: httpDate(t),
          path: `/${STAGE}${route.path}`,
          accountId: ACCOUNT,
          protocol: 'HTTP/1.1',
          stage: STAGE,
          requestId: id,
          apiId: API_ID,
        },
        body: route.body || null,
        isBase64Encoded: false,
      })}`,
    ),
  );
  line(t, `Sending request to ${invokeUrl(route.fn)}`);
  if (outcome === 'denied') {
    t += int(1, 4);
    line(t, 'Execution failed due to configuration error: Invalid permissions on Lambda function');
    line(t, 'Method completed with status: 500');
    return;
  }
  const lambdaRequestId = uuid();
  if (outcome === 'timeout') {
    t += 10_000 + int(20, 60);
    const errorAt = new Date(t - 2).toISOString();
    const message = `${errorAt} ${lambdaRequestId} Task timed out after 10.00 seconds`;
    line(t, `Received response. Integration latency: ${t - start} ms`);
    line(t, `Endpoint response body before transformations: {"errorMessage":"${message}"}`);
    line(
      t,
      `Endpoint response headers: {Date=${httpDate(t)}, Content-Type=application/json, Content-Length=${message.length + 19}, Connection=keep-alive, x-amzn-RequestId=${lambdaRequestId}, X-Amz-Function-Error=Unhandled, x-amzn-Remapped-Content-Length=0, X-Amz-Executed-Version=$LATEST, X-Amzn-Trace-Id=root=${trace};sampled=1}`,
    );
    line(
      t,
      `Lambda execution failed with status 200 due to customer function error: ${message}. Lambda request id: ${lambdaRequestId}`,
    );
    line(t, 'Method completed with status: 502');
    line(t, `AWS Integration Endpoint RequestId : ${lambdaRequestId}`);
    line(t, `X-ray Tracing ID : ${trace}`);
    return;
  }
  const latency = int(18, 140);
  t += latency;
  const status = route.method === 'POST' ? 201 : 200;
  const proxyResponse = JSON.stringify({
    statusCode: status,
    headers: { 'Content-Type': 'application/json' },
    body: route.response,
  });
  line(t, `Received response. Integration latency: ${latency} ms`);
  line(t, `Endpoint response body before transformations: ${proxyResponse}`);
  line(
    t,
    `Endpoint response headers: {Date=${httpDate(t)}, Content-Type=application/json, Content-Length=${proxyResponse.length}, Connection=keep-alive, x-amzn-RequestId=${lambdaRequestId}, x-amzn-Remapped-Content-Length=0, X-Amz-Executed-Version=$LATEST, X-Amzn-Trace-Id=root=${trace};parent=${parent};sampled=1}`,
  );
  line(t, `Method response body after transformations: ${route.response}`);
  line(
    t,
    `Method response headers: {Content-Type=application/json, X-Amzn-Trace-Id=Root=${trace};Parent=${parent};Sampled=1}`,
  );
  line(t, 'Successfully completed execution');
  line(t, `Method completed with status: ${status}`);
  line(t, `AWS Integration Endpoint RequestId : ${lambdaRequestId}`);
  line(t, `X-ray Tracing ID : ${trace}`);
}

/** Requests on one route every `everyMs` (jittered) in [from, to), denied inside the outage. */
function traffic(
  route: Route,
  from: number,
  to: number,
  everyMs: number,
  outage: { from: number; to: number } | null,
  counts: Record<Outcome, number>,
): void {
  for (let t = from + int(0, everyMs); t < to; t += everyMs + int(-everyMs / 3, everyMs / 3)) {
    const denied = outage !== null && t >= outage.from && t < outage.to;
    const outcome: Outcome = denied ? 'denied' : 'ok';
    request(route, t, outcome);
    counts[outcome] += 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Lambda function logs (Python runtime)

function lambdaStream(fn: string): Stream {
  return new Stream(`/aws/lambda/${fn}`, `${DAY.replace(/-/g, '/')}/[$LATEST]${chars(HEX, 32)}`);
}

/** One invocation: START, the function's own lines, END, REPORT. */
function invocation(
  stream: Stream,
  start: number,
  body: (t: number, requestId: string) => readonly string[],
  durationMs: number,
): void {
  const id = uuid();
  stream.add(start, `START RequestId: ${id} Version: $LATEST\n`);
  for (const message of body(start, id)) stream.add(start + Math.round(durationMs * 0.9), message);
  const end = start + Math.ceil(durationMs);
  stream.add(end, `END RequestId: ${id}\n`);
  const duration = durationMs.toFixed(2);
  stream.add(
    end,
    `REPORT RequestId: ${id}\tDuration: ${duration} ms\tBilled Duration: ${Math.ceil(durationMs)} ms\tMemory Size: 256 MB\tMax Memory Used: ${int(71, 96)} MB\t\n`,
  );
}

function invokeDenied(caller: string, target: string, clause: string): string {
  return `[ERROR] ClientError: An error occurred (AccessDeniedException) when calling the Invoke operation: User: arn:aws:sts::${ACCOUNT}:assumed-role/${caller}-role/${caller} is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${target} ${clause}`;
}

// ---------------------------------------------------------------------------------------------
// The scenario

const TRAFFIC_FROM = at('13:50:00');
const TRAFFIC_TO = at('14:27:00');
const OUTAGES = {
  listOrders: { from: at('13:52:40'), to: at('14:18:10') },
  createOrder: { from: at('13:54:10'), to: at('14:06:40') },
};

const apiCounts = {
  listOrders: { ok: 0, denied: 0, timeout: 0 },
  createOrder: { ok: 0, denied: 0, timeout: 0 },
  health: { ok: 0, denied: 0, timeout: 0 },
};
// Outside the outage most traffic is quiet; during it clients retry hard (many requests).
traffic(
  ROUTES.listOrders,
  TRAFFIC_FROM,
  OUTAGES.listOrders.from,
  40_000,
  null,
  apiCounts.listOrders,
);
traffic(
  ROUTES.listOrders,
  OUTAGES.listOrders.from,
  OUTAGES.listOrders.to,
  12_000,
  OUTAGES.listOrders,
  apiCounts.listOrders,
);
traffic(ROUTES.listOrders, OUTAGES.listOrders.to, TRAFFIC_TO, 60_000, null, apiCounts.listOrders);
traffic(
  ROUTES.createOrder,
  TRAFFIC_FROM,
  OUTAGES.createOrder.from,
  60_000,
  null,
  apiCounts.createOrder,
);
traffic(
  ROUTES.createOrder,
  OUTAGES.createOrder.from,
  OUTAGES.createOrder.to,
  12_000,
  OUTAGES.createOrder,
  apiCounts.createOrder,
);
traffic(
  ROUTES.createOrder,
  OUTAGES.createOrder.to,
  TRAFFIC_TO,
  90_000,
  null,
  apiCounts.createOrder,
);
traffic(ROUTES.health, TRAFFIC_FROM, TRAFFIC_TO, 120_000, null, apiCounts.health);
// One slow GET /orders before the outage: a 502 from a Lambda timeout (other errors are noise).
request(ROUTES.listOrders, at('13:51:12.400'), 'timeout');
apiCounts.listOrders.timeout += 1;

const billingStreams = [
  lambdaStream('billing-invoice-worker'),
  lambdaStream('billing-invoice-worker'),
];
const billingOutage = { from: at('12:41:00'), to: at('14:23:30') };
let billingDenied = 0;
let billingInvocations = 0;
for (let t = at('12:30:20'); t < at('14:30:00'); t += 180_000 + int(-30_000, 30_000)) {
  const stream = billingStreams[billingInvocations % 2 === 0 ? 0 : 1] as Stream;
  billingInvocations += 1;
  if (t >= billingOutage.from && t < billingOutage.to) {
    billingDenied += 1;
    invocation(
      stream,
      t,
      () => [
        invokeDenied(
          'billing-invoice-worker',
          'billing-pdf-renderer',
          'because no identity-based policy allows the lambda:InvokeFunction action',
        ),
      ],
      int(180, 420) + random(),
    );
  } else if (billingInvocations === 2) {
    // Unrelated denial (DynamoDB, not Lambda): streamed by nobody, diagnosed by nobody.
    invocation(
      stream,
      t,
      () => [
        `[ERROR] ClientError: An error occurred (AccessDeniedException) when calling the Scan operation: User: arn:aws:sts::${ACCOUNT}:assumed-role/billing-invoice-worker-role/billing-invoice-worker is not authorized to perform: dynamodb:Scan on resource: arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/billing-invoices because no identity-based policy allows the dynamodb:Scan action`,
      ],
      int(60, 140) + random(),
    );
  } else {
    invocation(stream, t, () => [], int(300, 900) + random());
  }
}

const reportsStream = lambdaStream('reports-scheduler');
const reportsOutage = { from: at('14:03:00'), to: at('14:09:30') };
let reportsDenied = 0;
for (let minute = at('13:50:00'); minute < at('14:30:00'); minute += MINUTE) {
  const t = minute + int(30, 900);
  if (t >= reportsOutage.from && t < reportsOutage.to) {
    reportsDenied += 1;
    invocation(
      reportsStream,
      t,
      () => [
        invokeDenied(
          'reports-scheduler',
          'reports-exporter',
          'with an explicit deny in a service control policy',
        ),
      ],
      int(90, 200) + random(),
    );
  } else if (minute === at('14:14:00')) {
    invocation(
      reportsStream,
      t,
      (start, id) => [
        `${new Date(start + 3002).toISOString()} ${id} Task timed out after 3.00 seconds`,
      ],
      3002.4,
    );
  } else {
    invocation(reportsStream, t, () => [], int(40, 120) + random());
  }
}

// ---------------------------------------------------------------------------------------------
// Output: per stream, the DATA_MESSAGE payloads CloudWatch Logs would deliver (one per minute)

/** CloudWatch event ids: 56 digits, the timestamp in the high bits, unique per stream. */
function eventIds(events: readonly Event[], streamIndex: number): string[] {
  let seq = 0;
  return events.map((e) => {
    seq += 1;
    return ((BigInt(e.timestamp) << 144n) + (BigInt(streamIndex) << 64n) + BigInt(seq)).toString();
  });
}

function payloads(stream: Stream, streamIndex: number): unknown[] {
  const sorted = stream.events
    .map((event, order) => ({ event, order }))
    .sort((a, b) => a.event.timestamp - b.event.timestamp || a.order - b.order)
    .map((x) => x.event);
  const ids = eventIds(sorted, streamIndex);
  const byMinute = new Map<number, { id: string; timestamp: number; message: string }[]>();
  sorted.forEach((event, i) => {
    const minute = Math.floor(event.timestamp / MINUTE);
    const list = byMinute.get(minute) ?? [];
    list.push({ id: ids[i] as string, timestamp: event.timestamp, message: event.message });
    byMinute.set(minute, list);
  });
  return [...byMinute.values()].map((logEvents) => ({
    messageType: 'DATA_MESSAGE',
    owner: ACCOUNT,
    logGroup: stream.group,
    logStream: stream.name,
    subscriptionFilters: [FILTER_NAME],
    logEvents,
  }));
}

// Old stream files go (stream names are generated); README.md stays.
mkdirSync(OUT, { recursive: true });
for (const entry of readdirSync(OUT, { withFileTypes: true })) {
  if (entry.isDirectory()) rmSync(join(OUT, entry.name), { recursive: true, force: true });
}
const files: { path: string; events: number }[] = [];
const streams = [...apigwStreams, ...billingStreams, reportsStream];
streams.forEach((stream, index) => {
  const dir = join(OUT, stream.group.replace(/^\/aws\/lambda\//, 'lambda-').replace(/\//g, '-'));
  mkdirSync(dir, { recursive: true });
  const name = stream.name.replace(/^.*\]/, '');
  const path = join(dir, `${name}.json`);
  writeFileSync(path, `${JSON.stringify(payloads(stream, index + 1), null, 2)}\n`);
  files.push({ path: path.slice(process.cwd().length + 1), events: stream.events.length });
});

const summary = {
  apiGateway: apiCounts,
  billingInvoiceWorker: { invocations: billingInvocations, denied: billingDenied },
  reportsScheduler: { denied: reportsDenied },
  files,
};
writeFileSync(join(OUT, 'counts.json'), `${JSON.stringify(summary, null, 2)}\n`);
execFileSync('npx', ['biome', 'format', '--write', OUT], { stdio: 'inherit' });
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
