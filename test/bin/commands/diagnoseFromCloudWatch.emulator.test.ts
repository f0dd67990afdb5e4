/**
 * `diagnose --from-cloudwatch` against moto's CloudWatch Logs: the two-step search (failure lines,
 * then the failing requests' other lines), pagination, the hard cap, a missing log group beside a
 * good one; and, through a local HTTP server in front of moto, FilterLogEvents throttling
 * (`ThrottlingException`, HTTP 400, "Rate exceeded", as CloudWatch Logs answers it).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { RateGate } from '../../../bin/cloudwatch/RateGate';
import { searchFailures } from '../../../bin/cloudwatch/searchFailures';
import { InvokeDoctorError } from '../../../lambda/core/errors';
import { restExecutionTrace } from '../../helpers/awslogsPayload';
import { motoEnv, TEST_REGION } from '../../helpers/moto';
import { motoEndpoint } from '../../helpers/motoEndpoint';
import { EVENTS_DIR } from '../../helpers/paths';
import { CLI, type CliResult, runCli } from '../../helpers/runCli';

// Unique per test file: moto is shared by parallel test files.
const API_ID = 'fcw7a9q2zz';
const REST_GROUP = `API-Gateway-Execution-Logs_${API_ID}/prod`;
const LAMBDA_GROUP = '/aws/lambda/fcw-hit-counter';
const BULK_GROUP = '/aws/lambda/fcw-bulk-caller';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:fcw-orders-list';
const DENIAL = readFileSync(
  join(EVENTS_DIR, 'iam-sentence', 'no-identity-policy.log'),
  'utf8',
).trim();
const BULK = 10_050;

const client = new CloudWatchLogsClient({
  endpoint: motoEndpoint(),
  region: TEST_REGION,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});
const now = Date.now();

async function put(group: string, stream: string, lines: readonly string[], at: number) {
  for (let i = 0; i < lines.length; i += 10_000) {
    await client.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: stream,
        logEvents: lines
          .slice(i, i + 10_000)
          .map((message, j) => ({ timestamp: at + i + j, message })),
      }),
    );
  }
}

async function group(name: string, stream: string): Promise<void> {
  await client.send(new CreateLogGroupCommand({ logGroupName: name }));
  await client.send(new CreateLogStreamCommand({ logGroupName: name, logStreamName: stream }));
}

const trace = (requestId: string, resourcePath: string) =>
  restExecutionTrace({
    requestId,
    apiId: API_ID,
    stage: 'prod',
    httpMethod: 'GET',
    resourcePath,
    functionArn: FUNCTION_ARN,
    region: 'us-east-1',
  });

beforeAll(async () => {
  await group(REST_GROUP, 'exec');
  await group(LAMBDA_GROUP, '2026/10/06/[$LATEST]abc');
  await group(BULK_GROUP, '2026/10/06/[$LATEST]def');
  // two failing requests and a healthy one, twenty minutes ago
  const ok = trace(randomUUID(), '/health').filter((line) => !line.includes('Execution failed'));
  await put(
    REST_GROUP,
    'exec',
    [...trace(randomUUID(), '/orders'), ...ok, ...trace(randomUUID(), '/orders')],
    now - 20 * 60_000,
  );
  await put(
    LAMBDA_GROUP,
    '2026/10/06/[$LATEST]abc',
    [DENIAL, 'END RequestId: x'],
    now - 10 * 60_000,
  );
  await put(
    BULK_GROUP,
    '2026/10/06/[$LATEST]def',
    Array.from({ length: BULK }, () => DENIAL),
    now - 30 * 60_000,
  );
});

const env = () => motoEnv(motoEndpoint());

/** The fields of a `--json` record these tests read. */
interface DiagnosisRecord {
  readonly kind: string;
  readonly function: Record<string, unknown>;
  readonly api: Record<string, unknown> | null;
  readonly occurrences: number;
  readonly fixes: ReadonlyArray<{ readonly command: string | null }>;
}

function records(result: CliResult): DiagnosisRecord[] {
  return result.stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as DiagnosisRecord);
}

describe('diagnose --from-cloudwatch against moto', () => {
  test('the failure lines, then the failing requests’ other lines: the function and route named', () => {
    // Act
    const result = runCli(
      [
        'diagnose',
        '--from-cloudwatch',
        '--log-group',
        REST_GROUP,
        '--log-group',
        LAMBDA_GROUP,
        '--since',
        '1h',
        '--json',
      ],
      { env: env() },
    );
    // Assert
    expect(result.code).toBe(0);
    const found = records(result);
    expect(found.map((d) => d.kind).sort()).toEqual([
      'apigw-invalid-permissions',
      'invoke-access-denied',
    ]);
    const rest = found.find((d) => d.kind === 'apigw-invalid-permissions');
    expect(rest?.function).toMatchObject({ arn: FUNCTION_ARN, name: 'fcw-orders-list' });
    expect(rest?.api).toMatchObject({
      id: API_ID,
      stage: 'prod',
      httpMethod: 'GET',
      resourcePath: '/orders',
    });
    expect(rest?.occurrences).toBe(2);
    expect(rest?.fixes[0]?.command).toContain('aws lambda add-permission');
    // the search summary goes to stderr with --json, so stdout stays JSON Lines
    expect(result.stderr).toMatch(
      /Searched 2 log groups .*: 3 failure lines in 2 pages, 1 context lookup for 2 failing requests/,
    );
  });

  test('reads every page: more failure lines than one page holds are all counted', () => {
    const result = runCli(['diagnose', '--from-cloudwatch', '--log-group', BULK_GROUP, '--json'], {
      env: env(),
    });
    expect(result.code).toBe(0);
    const [d] = records(result);
    expect(d?.occurrences).toBe(BULK);
    expect(result.stderr).toMatch(/10,050 failure lines in 2 pages/);
  });

  test('the hard cap stops the search with a note that says what it covers, exit 0', () => {
    const result = runCli(
      ['diagnose', '--from-cloudwatch', '--log-group', BULK_GROUP, '--max-events', '100', '--json'],
      { env: env() },
    );
    expect(result.code).toBe(0);
    expect(records(result)[0]?.occurrences).toBe(100);
    expect(result.stderr).toMatch(
      /note: stopped at 100 failure lines \(--max-events\).*narrow it with --since\/--start\/--end, or raise --max-events/,
    );
  });

  test('a log group that does not exist beside one that does: the good one is diagnosed, exit 1 naming the other', () => {
    const result = runCli(
      [
        'diagnose',
        '--from-cloudwatch',
        '--log-group',
        '/aws/lambda/fcw-no-such-group',
        '--log-group',
        LAMBDA_GROUP,
        '--json',
      ],
      { env: env() },
    );
    expect(result.code).toBe(1);
    expect(records(result).map((d) => d.kind)).toEqual(['invoke-access-denied']);
    expect(result.stderr).toMatch(
      /log group \/aws\/lambda\/fcw-no-such-group not found: check the name and --region/,
    );
  });

  test('a window before the failures finds none, and says what it searched', () => {
    const result = runCli(
      [
        'diagnose',
        '--from-cloudwatch',
        '--log-group',
        LAMBDA_GROUP,
        '--start',
        '3h',
        '--end',
        '2h',
      ],
      { env: env() },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No Lambda invoke permission failures found.');
    expect(result.stdout).toMatch(/Searched 1 log group from .* UTC: 0 failure lines/);
  });
});

/** A server in front of moto that throttles the first `throttled` FilterLogEvents calls. */
async function throttlingProxy(
  throttled: number,
): Promise<{ server: Server; url: string; calls: () => number }> {
  let calls = 0;
  const target = motoEndpoint();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      if (req.headers['x-amz-target'] === 'Logs_20140328.FilterLogEvents') {
        calls += 1;
        if (calls <= throttled) {
          // CloudWatch Logs' throttling answer: HTTP 400, ThrottlingException, "Rate exceeded"
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
          return;
        }
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([key]) => key !== 'host' && key !== 'content-length'),
      ) as Record<string, string>;
      const answer = await fetch(`${target}${req.url ?? '/'}`, {
        method: req.method ?? 'POST',
        headers,
        body,
      });
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, calls: () => calls };
}

/** runCli blocks the event loop; the in-process proxy needs it free. */
function runCliAsync(args: readonly string[], extra: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('FilterLogEvents throttling', () => {
  test('throttled pages are backed off and retried: the same diagnoses as without throttling', async () => {
    // Arrange
    const proxy = await throttlingProxy(2);
    try {
      const args = ['diagnose', '--from-cloudwatch', '--log-group', LAMBDA_GROUP, '--json'];
      // Act
      const throttled = await runCliAsync(args, { ...env(), AWS_ENDPOINT_URL: proxy.url });
      const direct = runCli(args, { env: env() });
      // Assert
      expect(throttled.code).toBe(0);
      expect(proxy.calls()).toBe(3);
      expect(throttled.stdout).toBe(direct.stdout);
      expect(records(throttled)[0]?.occurrences).toBe(1);
    } finally {
      proxy.server.close();
    }
  });

  test('throttled on every retry: a typed one-line error, after the retries', async () => {
    // Arrange: every call throttled; no real waiting
    const proxy = await throttlingProxy(Number.POSITIVE_INFINITY);
    const throttledClient = new CloudWatchLogsClient({
      endpoint: proxy.url,
      region: TEST_REGION,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 1,
    });
    const delays: number[] = [];
    try {
      // Act
      let caught: unknown;
      try {
        for await (const _page of searchFailures(
          throttledClient,
          { logGroup: LAMBDA_GROUP, startTime: now - 3_600_000, endTime: now },
          {
            maxThrottleRetries: 3,
            backoffBaseMs: 100,
            random: () => 0.999,
            sleep: async (ms) => void delays.push(ms),
          },
        )) {
          // no page is ever read
        }
      } catch (error) {
        caught = error;
      }
      // Assert
      expect(caught).toBeInstanceOf(InvokeDoctorError);
      expect((caught as Error).message).toMatch(
        /kept throttling FilterLogEvents on .* after 3 retries/,
      );
      expect((caught as Error).message).not.toContain('\n');
      expect(proxy.calls()).toBe(4);
      // full jitter under a ceiling that doubles: 100, 200, 400 ms
      expect(delays).toEqual([99, 199, 399]);
    } finally {
      throttledClient.destroy();
      proxy.server.close();
    }
  });
});

describe('RateGate', () => {
  test('spaces calls at least the interval apart, and lets the first one through at once', async () => {
    // Arrange: a clock that only the gate's waits move
    let clock = 1_000;
    const waits: number[] = [];
    const gate = new RateGate(250, {
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    // Act
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      await gate.pass();
      times.push(clock);
    }
    // Assert
    expect(waits).toEqual([250, 250, 250]);
    expect(times).toEqual([1_000, 1_250, 1_500, 1_750]);
  });
});
