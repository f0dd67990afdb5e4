import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchLogsLookup, filterPatternFor } from '../../lambda/adapters/CloudWatchLogsLookup';
import type { LogLookupQuery } from '../../lambda/core/ports/LogLookup';
import { restExecutionTrace } from '../helpers/awslogsPayload';
import { TEST_REGION } from '../helpers/moto';
import { motoEndpoint } from '../helpers/motoEndpoint';

// Unique per test file: moto is shared by parallel test files.
const API_ID = 'lkup7a9q2z';
const STAGE = 'prod';
const GROUP = `API-Gateway-Execution-Logs_${API_ID}/${STAGE}`;
const STREAM = '072b030ba126b2f4b2374f342be9ed44';
const OTHER_STREAM = 'e369853df766fa44e1ed0ff613f563bd';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:lookup-echo';

function clientFor(endpoint: string): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    endpoint,
    region: TEST_REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    // Our adapter owns the throttling retries; the SDK's would hide them from the tests.
    maxAttempts: 1,
  });
}

const client = clientFor(motoEndpoint());
const now = Date.now();
const failing = [randomUUID(), randomUUID()];
const unrelated = randomUUID();
const elsewhere = randomUUID();

function trace(requestId: string, resourcePath: string): string[] {
  return restExecutionTrace({
    requestId,
    apiId: API_ID,
    stage: STAGE,
    httpMethod: 'GET',
    resourcePath,
    functionArn: FUNCTION_ARN,
    region: 'us-east-1',
  });
}

async function put(stream: string, lines: readonly string[], at: number): Promise<void> {
  await client.send(
    new PutLogEventsCommand({
      logGroupName: GROUP,
      logStreamName: stream,
      logEvents: lines.map((message, i) => ({ timestamp: at + i, message })),
    }),
  );
}

function query(overrides: Partial<LogLookupQuery> = {}): LogLookupQuery {
  return {
    logGroup: GROUP,
    logStream: STREAM,
    requestIds: failing,
    startTime: now - 60_000,
    endTime: now + 60_000,
    ...overrides,
  };
}

beforeAll(async () => {
  await client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
  await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: STREAM }));
  await client.send(
    new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: OTHER_STREAM }),
  );
  await put(STREAM, trace(failing[0]!, '/echo'), now - 1000);
  await put(STREAM, trace(unrelated, '/health'), now - 900);
  await put(STREAM, trace(failing[1]!, '/echo'), now - 800);
  await put(OTHER_STREAM, trace(elsewhere, '/moved'), now - 700);
});

describe('filterPatternFor', () => {
  test.each([
    [['a1b2c3d4'], '"a1b2c3d4"'],
    [['a1b2c3d4', 'e5f6a7b8'], '?"a1b2c3d4" ?"e5f6a7b8"'],
  ])('%j -> %s', (ids, pattern) => {
    expect(filterPatternFor(ids)).toBe(pattern);
  });
});

describe('CloudWatchLogsLookup against moto', () => {
  test('returns every line of the requested requests and nothing of the others', async () => {
    // Arrange
    const lookup = new CloudWatchLogsLookup(client);

    // Act
    const lines = await lookup.findRequestLines(query());

    // Assert
    const messages = lines.map((l) => l.message);
    expect(messages).toHaveLength(2 * trace(failing[0]!, '/echo').length);
    expect(messages).toContain(
      `(${failing[0]}) Endpoint request URI: https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/${FUNCTION_ARN}/invocations`,
    );
    expect(messages).toContain(`(${failing[1]}) HTTP Method: GET, Resource Path: /echo`);
    expect(messages.some((m) => m.includes(unrelated))).toBe(false);
    expect(lines.every((l) => typeof l.id === 'string' && typeof l.timestamp === 'number')).toBe(
      true,
    );
  });

  test('one request id uses a plain quoted term and finds its lines', async () => {
    const lookup = new CloudWatchLogsLookup(client);
    const lines = await lookup.findRequestLines(query({ requestIds: [failing[1]!] }));
    expect(lines.map((l) => l.message)).toEqual(trace(failing[1]!, '/echo'));
  });

  test('lines outside the time window are not returned', async () => {
    const lookup = new CloudWatchLogsLookup(client);
    const lines = await lookup.findRequestLines(
      query({ startTime: now + 10_000, endTime: now + 20_000 }),
    );
    expect(lines).toEqual([]);
  });

  test('searches the whole group when the named stream holds none of the lines', async () => {
    // Arrange
    const lookup = new CloudWatchLogsLookup(client);

    // Act
    const lines = await lookup.findRequestLines(query({ requestIds: [elsewhere] }));

    // Assert
    expect(lines.map((l) => l.message)).toContain(
      `(${elsewhere}) HTTP Method: GET, Resource Path: /moved`,
    );
    expect(lookup.stats.calls).toBe(2);
  });

  test('a repeated query is answered from the cache', async () => {
    // Arrange
    const lookup = new CloudWatchLogsLookup(client);
    const first = await lookup.findRequestLines(query());
    const callsAfterFirst = lookup.stats.calls;

    // Act
    const second = await lookup.findRequestLines(query({ requestIds: [...failing].reverse() }));

    // Assert
    expect(second).toEqual(first);
    expect(lookup.stats.calls).toBe(callsAfterFirst);
    expect(lookup.stats.cacheHits).toBe(1);
  });

  test('the cache evicts the least recently used query', async () => {
    // Arrange
    const lookup = new CloudWatchLogsLookup(client, { cacheSize: 1 });
    await lookup.findRequestLines(query({ requestIds: [failing[0]!] }));
    await lookup.findRequestLines(query({ requestIds: [failing[1]!] }));
    const calls = lookup.stats.calls;

    // Act
    await lookup.findRequestLines(query({ requestIds: [failing[0]!] }));

    // Assert
    expect(lookup.stats.calls).toBe(calls + 1);
    expect(lookup.stats.cacheHits).toBe(0);
  });

  test('paginates, and stops at the page cap with a warning', async () => {
    // Arrange
    const warnings: string[] = [];
    const all = new CloudWatchLogsLookup(client, { pageSize: 5, maxPages: 50 });
    const capped = new CloudWatchLogsLookup(client, {
      pageSize: 5,
      maxPages: 2,
      onWarning: (message) => warnings.push(message),
    });

    // Act
    const complete = await all.findRequestLines(query());
    const partial = await capped.findRequestLines(query());

    // Assert
    expect(complete).toHaveLength(2 * trace(failing[0]!, '/echo').length);
    expect(all.stats.calls).toBeGreaterThan(2);
    expect(capped.stats.calls).toBe(2);
    expect(partial.length).toBeLessThan(complete.length);
    expect(warnings).toEqual(['context lookup stopped at the page cap']);
  });

  test('request ids that are not API Gateway ids never reach the filter pattern', async () => {
    const lookup = new CloudWatchLogsLookup(client);
    const lines = await lookup.findRequestLines(query({ requestIds: ['x" ?"', 'a b'] }));
    expect(lines).toEqual([]);
    expect(lookup.stats.calls).toBe(0);
  });

  test('a missing log group is an error for the caller to handle', async () => {
    const lookup = new CloudWatchLogsLookup(client);
    await expect(
      lookup.findRequestLines(query({ logGroup: 'API-Gateway-Execution-Logs_nosuchapi0/prod' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('CloudWatchLogsLookup under throttling', () => {
  // A local HTTP endpoint that answers the first `throttled` calls the way CloudWatch Logs does when
  // the FilterLogEvents quota is exceeded, and forwards the rest to moto.
  let server: Server;
  let throttled = 0;
  let endpoint = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        if (throttled > 0) {
          throttled -= 1;
          res.writeHead(400, {
            'content-type': 'application/x-amz-json-1.1',
            'x-amzn-errortype': 'ThrottlingException',
          });
          res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
          return;
        }
        const upstream = await fetch(`${motoEndpoint()}${req.url ?? '/'}`, {
          method: req.method ?? 'POST',
          headers: {
            'content-type': String(req.headers['content-type'] ?? ''),
            'x-amz-target': String(req.headers['x-amz-target'] ?? ''),
            authorization: String(req.headers.authorization ?? ''),
          },
          body: Buffer.concat(chunks),
        });
        res.writeHead(upstream.status, {
          'content-type': upstream.headers.get('content-type') ?? 'application/json',
        });
        res.end(Buffer.from(await upstream.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('backs off with jitter and then returns the lines', async () => {
    // Arrange
    throttled = 2;
    const delays: number[] = [];
    const lookup = new CloudWatchLogsLookup(clientFor(endpoint), {
      backoffBaseMs: 100,
      random: () => 0.5,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });

    // Act
    const lines = await lookup.findRequestLines(query());

    // Assert
    expect(lines).toHaveLength(2 * trace(failing[0]!, '/echo').length);
    expect(lookup.stats.throttles).toBe(2);
    expect(delays).toEqual([50, 100]);
  });

  test('gives up after the retry limit with a warning and no lines', async () => {
    // Arrange
    throttled = 100;
    const warnings: string[] = [];
    const lookup = new CloudWatchLogsLookup(clientFor(endpoint), {
      maxThrottleRetries: 3,
      sleep: async () => {},
      onWarning: (message) => warnings.push(message),
    });

    // Act
    const lines = await lookup.findRequestLines(query());

    // Assert
    expect(lines).toEqual([]);
    expect(lookup.stats.calls).toBe(4);
    expect(warnings).toEqual(['context lookup still throttled after retries']);
    throttled = 0;
  });

  test('a call that never answers is cut off at the time budget', async () => {
    // Arrange: an endpoint that accepts the connection and never responds
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const warnings: string[] = [];
    const lookup = new CloudWatchLogsLookup(
      clientFor(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`),
      { timeBudgetMs: 300, onWarning: (message) => warnings.push(message) },
    );

    // Act
    const lines = await lookup.findRequestLines(query());
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));

    // Assert
    expect(lines).toEqual([]);
    expect(warnings).toEqual(['context lookup ran out of time']);
  });

  test('stops when the time budget is spent', async () => {
    // Arrange: a clock that jumps past the budget while backing off
    throttled = 100;
    let clock = 0;
    const warnings: string[] = [];
    const lookup = new CloudWatchLogsLookup(clientFor(endpoint), {
      timeBudgetMs: 1000,
      maxThrottleRetries: 50,
      now: () => clock,
      sleep: async () => {
        clock += 600;
      },
      random: () => 0.99,
      backoffBaseMs: 1000,
      onWarning: (message) => warnings.push(message),
    });

    // Act
    const lines = await lookup.findRequestLines(query());

    // Assert
    expect(lines).toEqual([]);
    expect(lookup.stats.calls).toBe(2);
    expect(warnings).toEqual(['context lookup ran out of time']);
    throttled = 0;
  });
});
