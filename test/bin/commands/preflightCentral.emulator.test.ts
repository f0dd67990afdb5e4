import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchLogsClient,
  PutDestinationCommand,
  PutDestinationPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  StartStreamEncryptionCommand,
} from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { preflightCommand } from '../../../bin/commands/preflight';
import {
  type CentralPreflightClients,
  type CentralTargets,
  runCentralPreflight,
} from '../../../bin/preflight/runCentralPreflight';
import type { CheckResult, PreflightReport } from '../../../bin/preflight/runPreflight';
import {
  CENTRAL_DESTINATION_NAME,
  FILTER_PATTERN,
  ownLogGroupNames,
} from '../../../lambda/core/constants';
import { destinationPolicy } from '../../../lib/constructs/InvokeDoctorCentral';
import { createFunction } from '../../helpers/awsCli';
import { freePort, MOTO_ACCOUNT_ID, TEST_REGION } from '../../helpers/moto';
import { motoEndpoint } from '../../helpers/motoEndpoint';
import { sqs } from '../../helpers/sqs';

const moto = motoEndpoint();
const defaultCredentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const ORG = 'o-a1b2c3d4e5';
const MEMBER = '111111111111';
const DESTINATION_ARN = `arn:aws:logs:${TEST_REGION}:${MOTO_ACCOUNT_ID}:destination:${CENTRAL_DESTINATION_NAME}`;
const OWN = ['InvokeDoctor', 'InvokeDoctorCentral'].flatMap((s) => ownLogGroupNames(s));

/**
 * moto has no CloudWatch Logs account policies: this HTTP server answers DescribeAccountPolicies
 * (and, when a test sets one, DescribeSubscriptionFilters of a log group) with the response shape
 * of the CloudWatch Logs API reference, and forwards every other request to moto unchanged.
 */
interface LogsStub {
  readonly endpoint: string;
  accountPolicies: Record<string, unknown>[];
  readonly subscriptionFilters: Map<string, Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function logsStub(): Promise<LogsStub> {
  const port = await freePort();
  const stub = {
    endpoint: `http://127.0.0.1:${port}`,
    accountPolicies: [] as Record<string, unknown>[],
    subscriptionFilters: new Map<string, Record<string, unknown>[]>(),
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const target = String(req.headers['x-amz-target'] ?? '');
      const reply = (value: unknown) => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(value));
      };
      if (target.endsWith('.DescribeAccountPolicies')) {
        reply({ accountPolicies: stub.accountPolicies });
        return;
      }
      if (target.endsWith('.DescribeSubscriptionFilters')) {
        const group = (JSON.parse(body.toString()) as { logGroupName: string }).logGroupName;
        const filters = stub.subscriptionFilters.get(group);
        if (filters) {
          reply({ subscriptionFilters: filters });
          return;
        }
      }
      const headers = { ...req.headers } as Record<string, string>;
      delete headers.host;
      delete headers['content-length'];
      const forwarded = await fetch(`${moto}${req.url ?? '/'}`, {
        method: req.method ?? 'POST',
        headers,
        body,
      });
      res.writeHead(forwarded.status, {
        'content-type': forwarded.headers.get('content-type') ?? 'application/json',
      });
      res.end(Buffer.from(await forwarded.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  stub.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return stub;
}

/** STS AssumeRole through moto's query API (no STS client is installed); the role's credentials. */
async function assumeRole(
  roleArn: string,
): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }> {
  const res = await fetch(`${moto}/`, {
    method: 'POST',
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${TEST_REGION}/sts/aws4_request, SignedHeaders=host, Signature=0`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: roleArn,
      RoleSessionName: 'preflight',
    }).toString(),
  });
  const xml = await res.text();
  const field = (name: string) => {
    const m = new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml);
    if (!m?.[1]) throw new Error(`AssumeRole: no ${name} in ${xml}`);
    return m[1];
  };
  return {
    accessKeyId: field('AccessKeyId'),
    secretAccessKey: field('SecretAccessKey'),
    sessionToken: field('SessionToken'),
  };
}

function clientsFor(
  logsEndpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
): CentralPreflightClients {
  const common = { region: TEST_REGION, credentials };
  return {
    logs: new CloudWatchLogsClient({ ...common, endpoint: logsEndpoint }),
    // HTTP/1.1 as the CLI uses it (moto speaks no HTTP/2).
    kinesis: new KinesisClient({
      ...common,
      endpoint: moto,
      requestHandler: new NodeHttpHandler(),
    }),
    lambda: new LambdaClient({ ...common, endpoint: moto }),
  };
}

function byCheck(report: PreflightReport, check: CheckResult['check']): CheckResult[] {
  return report.results.filter((r) => r.check === check);
}

function statuses(report: PreflightReport): [string, string][] {
  return report.results.map((r) => [r.check, r.status]);
}

const ORG_TARGETS: CentralTargets = { organizationId: ORG, accountIds: [], memberLogGroups: [] };

describe('invoke-doctor preflight --central', () => {
  let stub: LogsStub;
  let central: CentralPreflightClients;
  let member: CentralPreflightClients;
  let mappingUuid = '';
  let failureQueueArn = '';
  let dir: string;

  beforeAll(async () => {
    // Arrange: the central account's stream, consumer and destination, as the stack makes them.
    stub = await logsStub();
    dir = mkdtempSync(join(tmpdir(), 'preflight-central-'));
    central = clientsFor(stub.endpoint, defaultCredentials);
    const kinesis = central.kinesis as KinesisClient;
    const stream = `invoke-doctor-central-pf-${Date.now()}`;
    await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
    await kinesis.send(
      new StartStreamEncryptionCommand({
        StreamName: stream,
        EncryptionType: 'KMS',
        KeyId: 'alias/aws/kinesis',
      }),
    );
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    const streamArn = summary.StreamDescriptionSummary?.StreamARN as string;
    const functionArn = await createFunction('pf-central-responder', 'pf-central-responder-role');
    const queue = await sqs<{ QueueUrl: string }>('CreateQueue', {
      QueueName: 'pf-central-failures',
    });
    failureQueueArn = `arn:aws:sqs:${TEST_REGION}:${MOTO_ACCOUNT_ID}:${queue.QueueUrl.split('/').pop()}`;
    const mapping = await (central.lambda as LambdaClient).send(
      new CreateEventSourceMappingCommand({
        EventSourceArn: streamArn,
        FunctionName: functionArn,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 5,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 3,
        MaximumRecordAgeInSeconds: 21600,
        DestinationConfig: { OnFailure: { Destination: failureQueueArn } },
      }),
    );
    mappingUuid = mapping.UUID as string;
    const logs = central.logs as CloudWatchLogsClient;
    await logs.send(
      new PutDestinationCommand({
        destinationName: CENTRAL_DESTINATION_NAME,
        targetArn: streamArn,
        roleArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/InvokeDoctorCentral-LogsRole`,
      }),
    );
    await logs.send(
      new PutDestinationPolicyCommand({
        destinationName: CENTRAL_DESTINATION_NAME,
        accessPolicy: JSON.stringify(destinationPolicy({ organizationId: ORG }, DESTINATION_ARN)),
      }),
    );
    // A member account: moto serves requests signed with an assumed role's keys in that account.
    member = clientsFor(
      stub.endpoint,
      await assumeRole(`arn:aws:iam::${MEMBER}:role/OrganizationAccountAccessRole`),
    );
  }, 120_000);

  afterAll(async () => {
    await stub?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    stub.accountPolicies = [];
    stub.subscriptionFilters.clear();
  });

  test('in the central account: destination, policy, stream and consumer are fine; its own logs are not sent', async () => {
    // Act
    const report = await runCentralPreflight(ORG_TARGETS, central);

    // Assert
    expect(report.ok).toBe(true);
    expect(report.mode).toBe('central');
    expect(statuses(report)).toEqual([
      ['central-destination', 'ok'],
      ['central-destination', 'ok'],
      ['central-destination', 'ok'],
      ['central-stream', 'ok'],
      ['central-consumer', 'ok'],
      ['member-subscription', 'note'],
    ]);
    expect(byCheck(report, 'central-destination')[1]?.message).toBe(
      `admits organisation ${ORG} (aws:PrincipalOrgID)`,
    );
    expect(byCheck(report, 'central-consumer')[0]?.message).toContain(
      'partial batch responses, bisection, 3 retries, on-failure destination',
    );
  });

  test('a destination that admits another organisation, or not all listed accounts, is a problem', async () => {
    // Act
    const otherOrg = await runCentralPreflight(
      { ...ORG_TARGETS, organizationId: 'o-zzzzzzzzzz' },
      central,
    );
    const accounts = await runCentralPreflight(
      { accountIds: [MEMBER], memberLogGroups: [] },
      central,
    );

    // Assert
    expect(otherOrg.ok).toBe(false);
    expect(byCheck(otherOrg, 'central-destination')[1]).toMatchObject({
      status: 'problem',
      message: expect.stringContaining('does not admit organisation o-zzzzzzzzzz'),
    });
    expect(byCheck(accounts, 'central-destination')[1]).toMatchObject({
      status: 'problem',
      message: expect.stringContaining(`does not admit ${MEMBER}`),
    });
  });

  test('a consumer without partial batch responses, bisection, retry limit or failure destination is warned about', async () => {
    // Arrange
    const lambda = central.lambda as LambdaClient;
    await lambda.send(
      new UpdateEventSourceMappingCommand({
        UUID: mappingUuid,
        FunctionResponseTypes: [],
        BisectBatchOnFunctionError: false,
        MaximumRetryAttempts: -1,
        DestinationConfig: { OnFailure: {} },
      }),
    );
    try {
      // Act
      const report = await runCentralPreflight(ORG_TARGETS, central);
      // Assert
      const [consumer] = byCheck(report, 'central-consumer');
      expect(consumer?.status).toBe('warning');
      for (const text of [
        'no ReportBatchItemFailures',
        'no BisectBatchOnFunctionError',
        'unlimited retries',
        'no on-failure destination',
      ]) {
        expect(consumer?.message).toContain(text);
      }
    } finally {
      await lambda.send(
        new UpdateEventSourceMappingCommand({
          UUID: mappingUuid,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          BisectBatchOnFunctionError: true,
          MaximumRetryAttempts: 3,
          DestinationConfig: { OnFailure: { Destination: failureQueueArn } },
        }),
      );
    }
  });

  test('in a member account: the account-level policy to the central destination of this Region is fine', async () => {
    // Arrange: what InvokeDoctorSource creates (see test/lib/InvokeDoctorSourceStack.cdk.test.ts).
    stub.accountPolicies = [
      {
        policyName: 'invoke-doctor-central',
        policyType: 'SUBSCRIPTION_FILTER_POLICY',
        scope: 'ALL',
        accountId: MEMBER,
        lastUpdatedTime: 1767225600000,
        selectionCriteria: `LogGroupName NOT IN [${OWN.map((n) => JSON.stringify(n)).join(', ')}]`,
        policyDocument: JSON.stringify({
          DestinationArn: DESTINATION_ARN,
          FilterPattern: FILTER_PATTERN,
          Distribution: 'Random',
          RoleArn: `arn:aws:iam::${MEMBER}:role/InvokeDoctorSource-SubscriptionRole`,
        }),
      },
    ];

    // Act
    const report = await runCentralPreflight({ ...ORG_TARGETS, account: MOTO_ACCOUNT_ID }, member);

    // Assert
    expect(report.ok).toBe(true);
    expect(statuses(report)).toEqual([
      ['central-destination', 'note'],
      ['member-subscription', 'ok'],
    ]);
    expect(byCheck(report, 'member-subscription')[0]?.message).toBe(
      `invoke-doctor-central sends matching lines of every other log group to ${DESTINATION_ARN}`,
    );
  });

  test.each<[string, Record<string, unknown>, string]>([
    [
      'another account-level policy already in place',
      {
        policyName: 'central-logging',
        policyDocument: JSON.stringify({
          DestinationArn: 'arn:aws:logs:us-east-1:222222222222:destination:testFirehoseDestination',
          FilterPattern: '',
        }),
      },
      'CloudWatch Logs allows one per account and Region',
    ],
    [
      'a destination in another Region',
      {
        policyName: 'invoke-doctor-central',
        selectionCriteria: `LogGroupName NOT IN [${OWN.map((n) => JSON.stringify(n)).join(', ')}]`,
        policyDocument: JSON.stringify({
          DestinationArn: DESTINATION_ARN.replace(TEST_REGION, 'eu-west-1'),
          FilterPattern: FILTER_PATTERN,
          RoleArn: 'arn:aws:iam::111111111111:role/r',
        }),
      },
      'a destination in eu-west-1',
    ],
    [
      'no role for an organisation destination',
      {
        policyName: 'invoke-doctor-central',
        selectionCriteria: `LogGroupName NOT IN [${OWN.map((n) => JSON.stringify(n)).join(', ')}]`,
        policyDocument: JSON.stringify({
          DestinationArn: DESTINATION_ARN,
          FilterPattern: FILTER_PATTERN,
        }),
      },
      'it has no RoleArn',
    ],
  ])('in a member account: %s is a problem', async (_case, policy, message) => {
    // Arrange
    stub.accountPolicies = [{ policyType: 'SUBSCRIPTION_FILTER_POLICY', scope: 'ALL', ...policy }];
    // Act
    const report = await runCentralPreflight(ORG_TARGETS, member);
    // Assert
    expect(report.ok).toBe(false);
    expect(byCheck(report, 'member-subscription')[0]).toMatchObject({
      status: 'problem',
      message: expect.stringContaining(message),
    });
  });

  test('in a member account without any subscription: deploy InvokeDoctorSource', async () => {
    const report = await runCentralPreflight(ORG_TARGETS, member);
    expect(byCheck(report, 'member-subscription')[0]).toMatchObject({
      status: 'problem',
      message: expect.stringContaining('deploy the InvokeDoctorSource stack'),
    });
  });

  test('with member log groups: each must carry a filter to the central destination', async () => {
    // Arrange: one subscribed group (as DescribeSubscriptionFilters returns it), one not.
    stub.subscriptionFilters.set('/aws/lambda/orders-api', [
      {
        filterName: 'invoke-doctor-central',
        logGroupName: '/aws/lambda/orders-api',
        filterPattern: FILTER_PATTERN,
        destinationArn: DESTINATION_ARN,
        distribution: 'Random',
        creationTime: 1767225600000,
      },
    ]);
    stub.subscriptionFilters.set('/aws/lambda/billing', []);

    // Act
    const report = await runCentralPreflight(
      { ...ORG_TARGETS, memberLogGroups: ['/aws/lambda/orders-api', '/aws/lambda/billing'] },
      member,
    );

    // Assert
    expect(byCheck(report, 'member-subscription').map((r) => [r.target, r.status])).toEqual([
      ['/aws/lambda/orders-api', 'ok'],
      ['/aws/lambda/billing', 'problem'],
    ]);
  });

  test('the command prints the report and exits 0, or 2 without a central object', async () => {
    // Arrange
    const configured = join(dir, 'central.json');
    writeFileSync(
      configured,
      JSON.stringify({ 'invoke-doctor': { accountWide: true, central: { organizationId: ORG } } }),
    );
    const single = join(dir, 'single.json');
    writeFileSync(single, JSON.stringify({ 'invoke-doctor': { accountWide: true } }));
    const previous = process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS;
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS = stub.endpoint;
    const written: string[] = [];
    const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const errors: string[] = [];
    const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      errors.push(String(chunk));
      return true;
    });
    process.exitCode = undefined;
    try {
      // Act
      await preflightCommand().parseAsync(['--config', configured, '--central'], { from: 'user' });
      const okCode = process.exitCode;
      process.exitCode = undefined;
      await preflightCommand().parseAsync(['--config', single, '--central'], { from: 'user' });
      const badCode = process.exitCode;

      // Assert
      expect(okCode).toBe(0);
      expect(written.join('')).toContain(
        `invoke-doctor preflight: ${TEST_REGION}, organisation (central destination and member subscription)`,
      );
      expect(written.join('')).toContain(`admits organisation ${ORG}`);
      expect(badCode).toBe(2);
      expect(errors.join('')).toContain('--central: the configuration has no "central" object');
    } finally {
      out.mockRestore();
      err.mockRestore();
      process.exitCode = undefined;
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS;
      else process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS = previous;
    }
  });
});
