import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { DynamoDbIncidentRepository } from '../../lambda/adapters/DynamoDbIncidentRepository';
import { runtimeConfig } from '../../lambda/adapters/runtimeConfig';
import { FILTER_PATTERN } from '../../lambda/core/constants';
import { accountFingerprint } from '../../lambda/core/incidents/accountFingerprint';
import { IncidentService } from '../../lambda/core/incidents/IncidentService';
import type { Incident } from '../../lambda/core/incidents/incident';
import { createHandler } from '../../lambda/handlers/kinesisStream';
import { cliEnv } from '../helpers/awsCli';
import { awslogsPayload, eventId, restExecutionTrace } from '../helpers/awslogsPayload';
import { captureStdout } from '../helpers/capture';
import { createIncidentsTable, type IncidentsTable } from '../helpers/createIncidentsTable';
import { fixture } from '../helpers/fixture';
import { LAMBDA_DENIAL_LINE } from '../helpers/lambdaDenial';
import { MOTO_ACCOUNT_ID, motoEnv, TEST_REGION } from '../helpers/moto';
import { motoEndpoint } from '../helpers/motoEndpoint';
import { type RecordingNotifier, recordingNotifier } from '../helpers/recordingNotifier';
import { runCli } from '../helpers/runCli';
import { TEST_POLICY } from '../helpers/testPolicy';

const ACCOUNT_A = '111111111111';
const ACCOUNT_B = '222222222222';
const NOW = Date.parse('2026-02-03T04:05:06.000Z');

/** Runs the real AWS CLI against moto and parses its JSON output. */
function aws(args: readonly string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile('aws', [...args, '--output', 'json'], { env: cliEnv() }, (error, stdout, stderr) => {
      if (error) reject(new Error(`aws ${args.join(' ')}\n${stderr}`, { cause: error }));
      else resolve(stdout.trim() === '' ? null : JSON.parse(stdout));
    });
  });
}

interface CliRecord {
  readonly SequenceNumber: string;
  readonly ApproximateArrivalTimestamp: string | number;
  readonly Data: string;
  readonly PartitionKey: string;
}

/**
 * What Lambda's event source mapping passes for records read from a shard: the shape of
 * test/events/kinesis/lambda-docs-sample.json, filled from GetRecords.
 */
function toLambdaRecord(
  record: CliRecord,
  shardId: string,
  streamArn: string,
): KinesisStreamRecord {
  const arrival =
    typeof record.ApproximateArrivalTimestamp === 'number'
      ? record.ApproximateArrivalTimestamp
      : Date.parse(record.ApproximateArrivalTimestamp) / 1000;
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey,
      sequenceNumber: record.SequenceNumber,
      data: record.Data,
      approximateArrivalTimestamp: arrival,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${record.SequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/invoke-doctor-central-responder-${TEST_REGION}`,
    awsRegion: TEST_REGION,
    eventSourceARN: streamArn,
  };
}

describe('central responder on a Kinesis stream (moto)', () => {
  const stream = `invoke-doctor-central-${randomUUID().slice(0, 8)}`;
  const logGroup = `/aws/lambda/orders-worker-${randomUUID().slice(0, 8)}`;
  let dir: string;
  let table: IncidentsTable;
  let repository: DynamoDbIncidentRepository;
  let slack: RecordingNotifier;
  let event: KinesisStreamEvent;
  let corruptSequence: string;
  let response: unknown;

  beforeAll(async () => {
    // Arrange: the stream, and what member accounts' subscriptions put into it.
    dir = mkdtempSync(join(tmpdir(), 'invoke-doctor-kinesis-'));
    await aws(['kinesis', 'create-stream', '--stream-name', stream, '--shard-count', '1']);
    const summary = (await aws([
      'kinesis',
      'describe-stream-summary',
      '--stream-name',
      stream,
    ])) as { StreamDescriptionSummary: { StreamARN: string } };
    const streamArn = summary.StreamDescriptionSummary.StreamARN;
    let n = 0;
    const put = async (bytes: Buffer): Promise<string> => {
      const file = join(dir, `record-${n++}.bin`);
      writeFileSync(file, bytes);
      const out = (await aws([
        'kinesis',
        'put-record',
        '--stream-name',
        stream,
        '--partition-key',
        randomUUID(),
        '--data',
        `fileb://${file}`,
      ])) as { SequenceNumber: string };
      return out.SequenceNumber;
    };
    const gzipOf = (data: string) => Buffer.from(data, 'base64');
    // Account A: a function's own denial, in two deliveries of the same log group.
    for (const firstN of [0, 1]) {
      await put(
        gzipOf(
          awslogsPayload(
            {
              owner: ACCOUNT_A,
              logGroup: '/aws/lambda/hit-counter',
              subscriptionFilters: ['invoke-doctor-InvokeDoctorSource'],
            },
            [{ id: eventId(NOW, firstN), timestamp: NOW + firstN, message: LAMBDA_DENIAL_LINE }],
          ).awslogs.data,
        ),
      );
    }
    // Account B: a REST stage refusing one request, and the same function-side denial as A.
    const trace = restExecutionTrace({
      requestId: 'd0f70f44-e843-42ff-b628-28384d82a707',
      apiId: 'k7xw2m9qpd',
      stage: 'prod',
      httpMethod: 'GET',
      resourcePath: '/orders',
      functionArn: `arn:aws:lambda:${TEST_REGION}:${ACCOUNT_B}:function:orders-api`,
      region: TEST_REGION,
    });
    await put(
      gzipOf(
        awslogsPayload(
          { owner: ACCOUNT_B, logGroup: 'API-Gateway-Execution-Logs_k7xw2m9qpd/prod' },
          trace.map((message, i) => ({ id: eventId(NOW, 100 + i), timestamp: NOW + i, message })),
        ).awslogs.data,
      ),
    );
    corruptSequence = await put(
      gzipSync('{"messageType":"DATA_MESSAGE","logEvents":[').subarray(0, 20),
    );
    await put(
      gzipOf(
        awslogsPayload({ owner: ACCOUNT_B, logGroup: '/aws/lambda/hit-counter' }, [
          { id: eventId(NOW, 200), timestamp: NOW + 200, message: LAMBDA_DENIAL_LINE },
        ]).awslogs.data,
      ),
    );
    // The CONTROL_MESSAGE CloudWatch Logs sends when a subscription is created.
    await put(gzipSync(Buffer.from(fixture('data-message/control-message.json'))));
    // moto's own CloudWatch Logs delivers a subscription of the emulator's account to the stream.
    await aws(['logs', 'create-log-group', '--log-group-name', logGroup]);
    await aws([
      'logs',
      'create-log-stream',
      '--log-group-name',
      logGroup,
      '--log-stream-name',
      's1',
    ]);
    await aws([
      'logs',
      'put-subscription-filter',
      '--log-group-name',
      logGroup,
      '--filter-name',
      'invoke-doctor',
      '--filter-pattern',
      FILTER_PATTERN,
      '--destination-arn',
      streamArn,
      '--role-arn',
      `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/CWLtoKinesisRole`,
    ]);
    await aws([
      'logs',
      'put-log-events',
      '--log-group-name',
      logGroup,
      '--log-stream-name',
      's1',
      '--log-events',
      // CloudWatch Logs (and moto) refuse events older than 14 days: this one is from now.
      JSON.stringify([{ timestamp: Date.now(), message: LAMBDA_DENIAL_LINE }]),
    ]);

    // Read the shard back as the event source mapping does.
    const shards = (await aws(['kinesis', 'list-shards', '--stream-name', stream])) as {
      Shards: { ShardId: string }[];
    };
    const shardId = shards.Shards[0]!.ShardId;
    const iterator = (await aws([
      'kinesis',
      'get-shard-iterator',
      '--stream-name',
      stream,
      '--shard-id',
      shardId,
      '--shard-iterator-type',
      'TRIM_HORIZON',
    ])) as { ShardIterator: string };
    const records = (await aws([
      'kinesis',
      'get-records',
      '--shard-iterator',
      iterator.ShardIterator,
      '--limit',
      '100',
    ])) as { Records: CliRecord[] };
    event = { Records: records.Records.map((r) => toLambdaRecord(r, shardId, streamArn)) };

    table = await createIncidentsTable('moto', 'kinesis');
    repository = new DynamoDbIncidentRepository({
      client: table.client,
      tableName: table.tableName,
    });
    slack = recordingNotifier('slack');
    const service = new IncidentService({
      repository,
      notifiers: [slack],
      clock: { now: () => NOW + 60_000 },
      policy: TEST_POLICY,
    });
    const handler = createHandler({
      config: runtimeConfig({}),
      sink: service,
      now: () => NOW + 60_000,
    });

    // Act
    response = (await captureStdout(() => handler(event))).result;
  }, 120_000);

  afterAll(async () => {
    await table?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await aws(['kinesis', 'delete-stream', '--stream-name', stream]).catch(() => undefined);
    await aws(['logs', 'delete-log-group', '--log-group-name', logGroup]).catch(() => undefined);
  });

  test('the records read back carry gzip CloudWatch Logs messages in the event source mapping shape', () => {
    expect(event.Records).toHaveLength(7);
    for (const record of event.Records) {
      expect(record.kinesis.sequenceNumber).toMatch(/^\d+$/);
      expect(record.eventID).toBe(`shardId-000000000000:${record.kinesis.sequenceNumber}`);
    }
    const fromMoto = Buffer.from(event.Records[6]!.kinesis.data, 'base64');
    expect([fromMoto[0], fromMoto[1]]).toEqual([0x1f, 0x8b]);
  });

  test('reports only the corrupt record as a batch item failure', () => {
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: corruptSequence }] });
  });

  test('records incidents per account, the same finding in two accounts being two incidents', async () => {
    // Act
    const incidents = await repository.listIncidents({});
    const byAccount = (account: string) =>
      incidents
        .filter((i) => i.account === account)
        .map((i) => [i.diagnosis.kind, i.diagnosis.function.name, i.occurrences]);

    // Assert
    expect(byAccount(ACCOUNT_A)).toEqual([
      ['invoke-access-denied', 'CdkWorkshopStack-HelloHandler2E4FBA4D-xMvt0Kbw9VKD', 2],
    ]);
    expect(byAccount(ACCOUNT_B).sort()).toEqual(
      [
        ['apigw-invalid-permissions', 'orders-api', 1],
        ['invoke-access-denied', 'CdkWorkshopStack-HelloHandler2E4FBA4D-xMvt0Kbw9VKD', 1],
      ].sort(),
    );
    expect(byAccount(MOTO_ACCOUNT_ID)).toEqual([
      ['invoke-access-denied', 'CdkWorkshopStack-HelloHandler2E4FBA4D-xMvt0Kbw9VKD', 1],
    ]);
    expect(incidents).toHaveLength(4);
    const denialA = incidents.find((i) => i.account === ACCOUNT_A)!;
    const denialB = incidents.find(
      (i) => i.account === ACCOUNT_B && i.diagnosis.kind === 'invoke-access-denied',
    )!;
    expect(denialA.fingerprint).toBe(accountFingerprint(ACCOUNT_A, denialA.diagnosis.fingerprint));
    expect(denialB.fingerprint).not.toBe(denialA.fingerprint);
  });

  test('alerts name the account', () => {
    const headlines = slack.sent.map((n) => [n.kind, n.incident.account]);
    expect(headlines.sort()).toEqual(
      [
        ['opened', ACCOUNT_A],
        ['opened', ACCOUNT_B],
        ['opened', ACCOUNT_B],
        ['opened', MOTO_ACCOUNT_ID],
      ].sort(),
    );
  });

  test('invoke-doctor incidents --account lists one account’s incidents from the table', () => {
    // Act
    const result = runCli(
      ['incidents', '--table', table.tableName, '--account', ACCOUNT_B, '--json'],
      { env: motoEnv(motoEndpoint()) },
    );
    const tableView = runCli(['incidents', '--table', table.tableName], {
      env: motoEnv(motoEndpoint()),
    });

    // Assert
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const listed = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Incident);
    expect(listed.map((i) => i.account)).toEqual([ACCOUNT_B, ACCOUNT_B]);
    expect(tableView.stdout).toMatch(/^ID +ACCOUNT +STATUS/m);
    expect(tableView.stdout).toContain(ACCOUNT_A);
  });

  test('invoke-doctor incidents --account refuses a malformed id before any AWS call', () => {
    const result = runCli(['incidents', '--table', 'none', '--account', '95**********'], {
      env: motoEnv(motoEndpoint()),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--account: expected a 12-digit AWS account id');
  });
});
