import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { runtimeConfig } from '../../lambda/adapters/runtimeConfig';
import { decodeAwslogs } from '../../lambda/core/decode/decodeAwslogs';
import { analyzeBatches } from '../../lambda/core/diagnose/analyzeBatches';
import { ConfigError } from '../../lambda/core/errors';
import type { DiagnosisSink } from '../../lambda/core/ports/DiagnosisSink';
import type { Diagnosis } from '../../lambda/core/types';
import { createHandler, type HandlerDeps } from '../../lambda/handlers/logSubscription';
import {
  awslogsEvent,
  awslogsPayload,
  controlMessagePayload,
  eventId,
  restExecutionTrace,
} from '../helpers/awslogsPayload';
import { captureStdout, metricSum, type Record } from '../helpers/capture';
import { TEST_REGION } from '../helpers/moto';
import { motoEndpoint } from '../helpers/motoEndpoint';
import { EVENTS_DIR } from '../helpers/paths';
import { RUNTIME_ENV } from '../helpers/runtimeEnv';

const NOW = 1_700_000_000_000;
const WITHOUT_LOOKUP: HandlerDeps = { config: runtimeConfig({}), lookup: null, now: () => NOW };

function fixture(path: string): string {
  return readFileSync(join(EVENTS_DIR, path), 'utf8');
}

function fixtures(dir: string, ext: string): string[] {
  return readdirSync(join(EVENTS_DIR, dir))
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => `${dir}/${f}`);
}

// Caller-side messages arrive as one event each (a Lambda log record); execution and access logs
// arrive one line per event, as API Gateway writes them.
function eventsOf(path: string): { id: string; timestamp: number; message: string }[] {
  const text = fixture(path);
  const messages =
    path.startsWith('iam-sentence/') || path.startsWith('negative/')
      ? [text]
      : text.split('\n').filter((line) => line.trim() !== '');
  return messages.map((message, i) => ({ id: eventId(NOW, i), timestamp: NOW + i, message }));
}

function logGroupFor(path: string): string {
  if (path.startsWith('rest-execution-log/')) return 'API-Gateway-Execution-Logs_hndlr0fx01/prod';
  if (path.startsWith('http-api-access-log/')) return '/aws/vendedlogs/handler-fixtures-http';
  return '/aws/lambda/handler-fixtures-caller';
}

function diagnosisRecords(logs: readonly Record[]): Record[] {
  return logs.filter((r) => r.message === 'diagnosis');
}

describe('logSubscription handler on real fixtures', () => {
  const positive = [
    ...fixtures('iam-sentence', ''),
    ...fixtures('rest-execution-log', '.log'),
    ...fixtures('http-api-access-log', '.log'),
  ];

  test.each(positive)('%s: every diagnosis is one structured record and counted', async (path) => {
    // Arrange
    const payload = awslogsPayload({ logGroup: logGroupFor(path) }, eventsOf(path));
    const expected = analyzeBatches([decodeAwslogs(payload.awslogs.data)!]).diagnoses;

    // Act
    const out = await captureStdout(() => createHandler(WITHOUT_LOOKUP)(payload));

    // Assert
    expect(out.error).toBeUndefined();
    const records = diagnosisRecords(out.logs);
    expect(out.result).toMatchObject({ status: 'processed', diagnoses: expected.length });
    expect(records.map((r) => r.fingerprint)).toEqual(expected.map((d) => d.fingerprint));
    for (const record of records) {
      expect(record).toMatchObject({ level: 'INFO', service: 'invoke-doctor' });
      const d = record.diagnosis as Diagnosis;
      expect(record.kind).toBe(d.kind);
      expect(record.summary).toBe(d.summary);
      expect(metricSum(out.emf, 'Diagnoses', d.kind)).toBe(
        expected.filter((e) => e.kind === d.kind).length,
      );
    }
    expect(metricSum(out.emf, 'EventsScanned')).toBe(eventsOf(path).length);
  });

  test('every failure fixture yields a diagnosis through the handler', async () => {
    // Guards the table above against passing on fixtures the engine no longer reads.
    const silent: string[] = [];
    for (const path of positive) {
      const payload = awslogsPayload({ logGroup: logGroupFor(path) }, eventsOf(path));
      const out = await captureStdout(() => createHandler(WITHOUT_LOOKUP)(payload));
      if ((out.result?.diagnoses ?? 0) === 0) silent.push(path);
    }
    // The one context-only fixture: a console test trace cut before its failure line.
    expect(silent).toEqual(['rest-execution-log/console-test-source-arn-null.log']);
  });

  test('the access-denied diagnosis record carries principal, function and fix', async () => {
    // Arrange
    const path = 'iam-sentence/no-identity-policy.log';
    const payload = awslogsPayload({ logGroup: logGroupFor(path) }, eventsOf(path));

    // Act
    const out = await captureStdout(() => createHandler(WITHOUT_LOOKUP)(payload));

    // Assert
    const [record] = diagnosisRecords(out.logs);
    const d = record?.diagnosis as Diagnosis;
    expect(record?.kind).toBe('invoke-access-denied');
    expect(d.function.arn).toBe(
      'arn:aws:lambda:eu-central-1:458036673695:function:CdkWorkshopStack-HelloHandler2E4FBA4D-xMvt0Kbw9VKD',
    );
    expect(d.principal.roleName).toBe(
      'CdkWorkshopStack-HelloHitCounterHitCounterHandlerSe-6m8GE1KfO4P6',
    );
    expect(d.fixes.length).toBeGreaterThan(0);
    expect(record?.delivery).toEqual({
      logGroup: '/aws/lambda/handler-fixtures-caller',
      owner: '123456789012',
      receivedAt: NOW,
    });
  });

  test.each(fixtures('negative', '.log'))('%s: no diagnosis', async (path) => {
    const payload = awslogsPayload({ logGroup: logGroupFor(path) }, eventsOf(path));
    const out = await captureStdout(() => createHandler(WITHOUT_LOOKUP)(payload));
    expect(out.result).toMatchObject({ status: 'processed', diagnoses: 0 });
    expect(diagnosisRecords(out.logs)).toEqual([]);
    expect(metricSum(out.emf, 'Diagnoses')).toBe(0);
  });

  test.each(fixtures('awslogs', '.json'))(
    '%s: a real awslogs event decodes and is scanned',
    async (path) => {
      // Arrange
      const event = JSON.parse(fixture(path)) as CloudWatchLogsEvent;
      const batch = decodeAwslogs(event.awslogs.data)!;

      // Act
      const out = await captureStdout(() => createHandler(WITHOUT_LOOKUP)(event));

      // Assert
      expect(out.result).toEqual({
        status: 'processed',
        logGroup: batch.logGroup,
        eventsScanned: batch.events.length,
        diagnoses: 0,
        lookups: 0,
      });
      expect(metricSum(out.emf, 'EventsScanned')).toBe(batch.events.length);
      const emf = out.emf[0]?._aws as { CloudWatchMetrics: { Namespace: string }[] };
      expect(emf.CloudWatchMetrics[0]?.Namespace).toBe('InvokeDoctor');
    },
  );

  test('a CONTROL_MESSAGE is ignored without logs or metrics', async () => {
    const out = await captureStdout(() =>
      createHandler(WITHOUT_LOOKUP)(controlMessagePayload(1600110003794)),
    );
    expect(out.result).toMatchObject({ status: 'control-message', eventsScanned: 0 });
    expect(out.logs.filter((r) => r.level !== 'DEBUG')).toEqual([]);
    expect(out.emf).toEqual([]);
  });
});

describe('logSubscription handler on bad input', () => {
  // the AWS Lambda Developer Guide sample in docs/formats.md: the Lambda guide's sample `data` is base64 of plain JSON, not gzip.
  const plainBase64 = Buffer.from(fixture('data-message/lambda-report-line.json'), 'utf8').toString(
    'base64',
  );

  test.each<[string, unknown, string]>([
    ['not base64', { awslogs: { data: 'this is not base64!' } }, 'bad-base64'],
    ['base64 but not gzip', { awslogs: { data: plainBase64 } }, 'not-gzip'],
    [
      'gzip but not JSON',
      { awslogs: { data: gzipSync('REPORT RequestId: x').toString('base64') } },
      'not-json',
    ],
    ['JSON of the wrong shape', awslogsEvent(JSON.stringify({ logEvents: 'none' })), 'bad-shape'],
    ['no awslogs key', { Records: [] }, 'bad-shape'],
    ['awslogs.data not a string', { awslogs: { data: 42 } }, 'bad-shape'],
    ['null event', null, 'bad-shape'],
  ])(
    '%s: logged with its reason, counted, and the invocation succeeds',
    async (_name, event, reason) => {
      // Act
      const out = await captureStdout(() =>
        createHandler(WITHOUT_LOOKUP)(event as CloudWatchLogsEvent),
      );

      // Assert
      expect(out.error).toBeUndefined();
      expect(out.result).toMatchObject({ status: 'bad-payload', reason });
      const errors = out.logs.filter((r) => r.level === 'ERROR');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ message: 'bad payload dropped', reason });
      expect(metricSum(out.emf, 'BadPayloads')).toBe(1);
    },
  );
});

describe('logSubscription handler failure policy', () => {
  const path = 'iam-sentence/no-identity-policy.log';
  const payload = awslogsPayload({ logGroup: logGroupFor(path) }, eventsOf(path));

  test('a failing sink fails the invocation so Lambda retries and keeps the batch', async () => {
    // Arrange
    const sink: DiagnosisSink = {
      accept: async () => {
        throw new Error('incidents table unavailable');
      },
    };

    // Act
    const out = await captureStdout(() => createHandler({ ...WITHOUT_LOOKUP, sink })(payload));

    // Assert
    expect(out.error).toEqual(new Error('incidents table unavailable'));
    expect(metricSum(out.emf, 'EventsScanned')).toBe(0);
  });

  test('the injected sink receives the diagnoses with the delivery context', async () => {
    // Arrange
    const received: { diagnoses: readonly Diagnosis[]; logGroup: string | null }[] = [];
    const sink: DiagnosisSink = {
      accept: async (diagnoses, context) => {
        received.push({ diagnoses, logGroup: context.logGroup });
      },
    };

    // Act
    const out = await captureStdout(() => createHandler({ ...WITHOUT_LOOKUP, sink })(payload));

    // Assert
    expect(received).toHaveLength(1);
    expect(received[0]?.logGroup).toBe('/aws/lambda/handler-fixtures-caller');
    expect(received[0]?.diagnoses.map((d) => d.kind)).toEqual(['invoke-access-denied']);
    expect(out.result?.diagnoses).toBe(1);
  });

  test('an invalid environment fails the invocation with the variable named', async () => {
    // Arrange
    const before = process.env[RUNTIME_ENV.updateIntervalMinutes];
    process.env[RUNTIME_ENV.updateIntervalMinutes] = 'soon';

    // Act
    const out = await captureStdout(() => createHandler({ lookup: null })(payload));
    if (before === undefined) delete process.env[RUNTIME_ENV.updateIntervalMinutes];
    else process.env[RUNTIME_ENV.updateIntervalMinutes] = before;

    // Assert
    expect(out.error).toBeInstanceOf(ConfigError);
    expect((out.error as ConfigError).field).toBe(RUNTIME_ENV.updateIntervalMinutes);
    expect(out.logs.some((r) => r.message === 'invalid runtime configuration')).toBe(true);
  });
});

describe('logSubscription handler with the FilterLogEvents lookup (moto)', () => {
  // Unique per test file: moto is shared by parallel test files.
  const API_ID = 'hndlr7k2qa';
  const STAGE = 'prod';
  const GROUP = `API-Gateway-Execution-Logs_${API_ID}/${STAGE}`;
  const STREAM = 'e369853df766fa44e1ed0ff613f563bd';
  const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:handler-echo';
  const client = new CloudWatchLogsClient({
    endpoint: motoEndpoint(),
    region: TEST_REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const now = Date.now();
  const requestId = randomUUID();
  const neighbour = randomUUID();
  const trace = (id: string, resourcePath: string, functionArn: string) =>
    restExecutionTrace({
      requestId: id,
      apiId: API_ID,
      stage: STAGE,
      httpMethod: 'GET',
      resourcePath,
      functionArn,
      region: 'us-east-1',
    });
  const failureLine = trace(requestId, '/echo', FUNCTION_ARN).find((l) =>
    l.includes('Invalid permissions'),
  )!;
  const failureAt = now - 500;

  // Only the failure line is streamed: it is all the subscription filter lets through.
  const delivery = awslogsPayload({ logGroup: GROUP, logStream: STREAM }, [
    { id: eventId(failureAt, 1), timestamp: failureAt, message: failureLine },
  ]);

  beforeAll(async () => {
    await client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: STREAM }));
    // Another failing request's lines sit right beside them and must not leak in.
    const lines = [
      ...trace(neighbour, '/other', 'arn:aws:lambda:us-east-1:123456789012:function:handler-other'),
      ...trace(requestId, '/echo', FUNCTION_ARN),
    ];
    await client.send(
      new PutLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: STREAM,
        logEvents: lines.map((message, i) => ({ timestamp: now - 2000 + i, message })),
      }),
    );
  });

  test('the streamed failure line comes back as a complete diagnosis', async () => {
    // Arrange: production wiring; the SDK client is created lazily from the moto environment
    const handler = createHandler({ config: runtimeConfig({}) });

    // Act
    const out = await captureStdout(() => handler(delivery));

    // Assert
    expect(out.result).toMatchObject({ status: 'processed', diagnoses: 1, lookups: 1 });
    const d = diagnosisRecords(out.logs)[0]?.diagnosis as Diagnosis;
    expect(d.kind).toBe('apigw-invalid-permissions');
    expect(d.function.arn).toBe(FUNCTION_ARN);
    expect(d.api).toEqual({
      id: API_ID,
      stage: STAGE,
      httpMethod: 'GET',
      resourcePath: '/echo',
      authorizerId: null,
    });
    expect(d.requestIds).toEqual([requestId]);
    expect(metricSum(out.emf, 'Lookups')).toBe(1);
    expect(metricSum(out.emf, 'Diagnoses', 'apigw-invalid-permissions')).toBe(1);
  });

  test('CONTEXT_LOOKUP=false: no lookup, the function is reported unknown', async () => {
    // Arrange
    const handler = createHandler({
      config: runtimeConfig({ [RUNTIME_ENV.contextLookup]: 'false' }),
    });

    // Act
    const out = await captureStdout(() => handler(delivery));

    // Assert
    expect(out.result).toMatchObject({ status: 'processed', diagnoses: 1, lookups: 0 });
    const d = diagnosisRecords(out.logs)[0]?.diagnosis as Diagnosis;
    expect(d.function.arn).toBeNull();
    expect(d.api?.id).toBe(API_ID);
  });

  test('a failing lookup is a warning and the diagnosis still goes out', async () => {
    // Arrange: the same failure line, delivered from a log group moto does not have
    const missing = awslogsPayload(
      { logGroup: 'API-Gateway-Execution-Logs_hndlrgone0/prod', logStream: STREAM },
      [{ id: eventId(failureAt, 2), timestamp: failureAt, message: failureLine }],
    );
    const handler = createHandler({ config: runtimeConfig({}) });

    // Act
    const out = await captureStdout(() => handler(missing));

    // Assert
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ status: 'processed', diagnoses: 1, lookups: 1 });
    const warning = out.logs.find(
      (r) => r.message === 'context lookup failed; diagnosing without it',
    );
    expect(warning).toMatchObject({
      level: 'WARN',
      logGroup: 'API-Gateway-Execution-Logs_hndlrgone0/prod',
    });
    const d = diagnosisRecords(out.logs)[0]?.diagnosis as Diagnosis | undefined;
    expect(d?.kind).toBe('apigw-invalid-permissions');
    expect(d?.function.arn).toBeNull();
  });
});
