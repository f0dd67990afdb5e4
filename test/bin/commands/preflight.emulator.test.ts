import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutMethodCommand,
  UpdateAccountCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateStageCommand as CreateHttpStageCommand,
} from '@aws-sdk/client-apigatewayv2';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  PutSubscriptionFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { preflightCommand } from '../../../bin/commands/preflight';
import type { CheckResult, PreflightReport } from '../../../bin/preflight/runPreflight';
import { FILTER_PATTERN } from '../../../lambda/core/constants';
import { MOTO_ACCOUNT_ID, TEST_REGION } from '../../helpers/moto';
import { motoEndpoint } from '../../helpers/motoEndpoint';

const endpoint = motoEndpoint();
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const logs = new CloudWatchLogsClient({ endpoint, region: TEST_REGION, credentials });
const apigw = new APIGatewayClient({ endpoint, region: TEST_REGION, credentials });
const apigwv2 = new ApiGatewayV2Client({ endpoint, region: TEST_REGION, credentials });
const dir = mkdtempSync(join(tmpdir(), 'preflight-'));

// Unique names per test file: moto is shared by parallel test files.
const FN_OK = 'pf-ok-fn';
const FN_MISSING = 'pf-missing-fn';
const FN_BUSY = 'pf-busy-fn';
const FN_OURS = 'pf-ours-fn';
const HTTP_GOOD_GROUP = '/aws/vendedlogs/pf-http-good';
const HTTP_BAD_GROUP = '/aws/vendedlogs/pf-http-bad';
const HTTP_JSON_GROUP = '/aws/vendedlogs/pf-http-json';
const SINK_GROUP = 'pf-sink';
let restApiId = '';
let httpGoodApi = '';
let httpBadApi = '';
let httpJsonApi = '';
let httpUnloggedApi = '';

// test/events/http-api-access-log/integration-permissions-clf.log: HTTP API CLF with $context.integrationErrorMessage appended.
const CLF_WITH_ERROR =
  '$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey $context.protocol" $context.status $context.responseLength $context.requestId $context.integrationErrorMessage';
const CLF_WITHOUT_ERROR =
  '$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey $context.protocol" $context.status $context.responseLength $context.requestId';
const JSON_WITHOUT_ERROR = '{ "requestId":"$context.requestId", "status":"$context.status" }';

const logGroupArn = (name: string) =>
  `arn:aws:logs:${TEST_REGION}:${MOTO_ACCOUNT_ID}:log-group:${name}`;

async function createGroup(name: string): Promise<void> {
  await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
}

async function subscribe(group: string, filterName: string): Promise<void> {
  // moto only accepts destinations it holds; a log group stands in for any destination here.
  await logs.send(
    new PutSubscriptionFilterCommand({
      logGroupName: group,
      filterName,
      filterPattern: FILTER_PATTERN,
      destinationArn: `${logGroupArn(SINK_GROUP)}:*`,
    }),
  );
}

async function httpApi(name: string, group: string, format: string): Promise<string> {
  const api = await apigwv2.send(new CreateApiCommand({ Name: name, ProtocolType: 'HTTP' }));
  await apigwv2.send(
    new CreateHttpStageCommand({
      ApiId: api.ApiId!,
      StageName: '$default',
      AccessLogSettings: { DestinationArn: logGroupArn(group), Format: format },
    }),
  );
  return api.ApiId!;
}

beforeAll(async () => {
  for (const name of [SINK_GROUP, HTTP_GOOD_GROUP, HTTP_BAD_GROUP, HTTP_JSON_GROUP])
    await createGroup(name);
  for (const fn of [FN_OK, FN_BUSY, FN_OURS]) await createGroup(`/aws/lambda/${fn}`);
  await subscribe(`/aws/lambda/${FN_BUSY}`, 'datadog-forwarder');
  await subscribe(`/aws/lambda/${FN_BUSY}`, 'splunk-forwarder');
  await subscribe(`/aws/lambda/${FN_OURS}`, 'datadog-forwarder');
  await subscribe(`/aws/lambda/${FN_OURS}`, 'InvokeDoctor-InvokeDoctorSubscription0A1B2C3D');

  // A REST API with a Lambda proxy method and three stages: INFO, ERROR (+ one method off), none.
  const api = await apigw.send(new CreateRestApiCommand({ name: 'pf-rest' }));
  restApiId = api.id!;
  const resources = await apigw.send(new GetResourcesCommand({ restApiId }));
  const rootId = resources.items!.find((r) => r.path === '/')!.id!;
  await apigw.send(
    new PutMethodCommand({
      restApiId,
      resourceId: rootId,
      httpMethod: 'GET',
      authorizationType: 'NONE',
    }),
  );
  await apigw.send(
    new PutIntegrationCommand({
      restApiId,
      resourceId: rootId,
      httpMethod: 'GET',
      type: 'AWS_PROXY',
      integrationHttpMethod: 'POST',
      uri: `arn:aws:apigateway:${TEST_REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:${TEST_REGION}:${MOTO_ACCOUNT_ID}:function:${FN_OK}/invocations`,
    }),
  );
  const deployment = await apigw.send(new CreateDeploymentCommand({ restApiId }));
  for (const stageName of ['prod', 'err', 'dev', 'fixme']) {
    await apigw.send(
      new CreateStageCommand({ restApiId, stageName, deploymentId: deployment.id! }),
    );
  }
  const setLevel = (stageName: string, path: string, value: string) =>
    apigw.send(
      new UpdateStageCommand({
        restApiId,
        stageName,
        patchOperations: [{ op: 'replace', path, value }],
      }),
    );
  await setLevel('prod', '/*/*/logging/loglevel', 'INFO');
  await setLevel('err', '/*/*/logging/loglevel', 'ERROR');
  await setLevel('err', '/~1/GET/logging/loglevel', 'OFF');
  // API Gateway creates the execution-log group once it logs; the dev stage never has.
  await createGroup(`API-Gateway-Execution-Logs_${restApiId}/prod`);
  await createGroup(`API-Gateway-Execution-Logs_${restApiId}/err`);
  await createGroup(`API-Gateway-Execution-Logs_${restApiId}/fixme`);

  httpGoodApi = await httpApi('pf-http-good', HTTP_GOOD_GROUP, CLF_WITH_ERROR);
  httpBadApi = await httpApi('pf-http-bad', HTTP_BAD_GROUP, CLF_WITHOUT_ERROR);
  httpJsonApi = await httpApi('pf-http-json', HTTP_JSON_GROUP, JSON_WITHOUT_ERROR);
  const unlogged = await apigwv2.send(
    new CreateApiCommand({ Name: 'pf-http-unlogged', ProtocolType: 'HTTP' }),
  );
  httpUnloggedApi = unlogged.ApiId!;
  await apigwv2.send(new CreateHttpStageCommand({ ApiId: httpUnloggedApi, StageName: '$default' }));
});

// Runs suggested commands in a POSIX shell, the AWS CLI pointed at moto. Commands after
// `printArgs` print their argument words instead of running (for calls moto does not implement),
// which shows exactly what the shell made of the quoting.
function sh(lines: readonly string[], printFrom = lines.length): string {
  const script = [
    ...lines.slice(0, printFrom),
    'aws() { for a in "$@"; do printf \'%s\\n\' "$a"; done; }',
    ...lines.slice(printFrom),
  ].join('\n');
  return execFileSync('sh', ['-c', script], {
    env: { ...process.env, AWS_ENDPOINT_URL: endpoint },
    stdio: 'pipe',
  }).toString();
}

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

// Runs `invoke-doctor preflight ARGS` in-process, the SDK pointed at moto by the test environment.
async function preflight(config: unknown, ...args: string[]): Promise<Run> {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    stderr += String(chunk);
    return true;
  });
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await preflightCommand().parseAsync(['--config', file, ...args], { from: 'user' });
    return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = before;
    out.mockRestore();
    err.mockRestore();
  }
}

async function report(config: unknown): Promise<{ run: Run; report: PreflightReport }> {
  const run = await preflight(config, '--json');
  return { run, report: JSON.parse(run.stdout) as PreflightReport };
}

function resultsFor(r: PreflightReport, target: string): CheckResult[] {
  return r.results.filter((x) => x.target === target);
}

describe('invoke-doctor preflight against moto', () => {
  // First: moto starts without an API Gateway CloudWatch role, and later tests need one.
  test('the API Gateway CloudWatch role is checked once for REST targets', async () => {
    // Arrange: moto starts without a role; set one to see both answers
    const { report: without } = await report({ restApis: [{ id: restApiId, stages: ['prod'] }] });
    await apigw.send(
      new UpdateAccountCommand({
        patchOperations: [
          {
            op: 'replace',
            path: '/cloudwatchRoleArn',
            value: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/pf-apigw-logs`,
          },
        ],
      }),
    );

    // Act
    const { report: withRole } = await report({ restApis: [{ id: restApiId, stages: ['prod'] }] });

    // Assert
    expect(resultsFor(without, 'account')).toEqual([
      expect.objectContaining({ check: 'apigateway-account', status: 'problem' }),
    ]);
    expect(resultsFor(withRole, 'account')).toEqual([
      expect.objectContaining({ check: 'apigateway-account', status: 'ok' }),
    ]);
  });

  test('exit 0 when nothing blocks detection, in a cdk.json context key', async () => {
    // Arrange
    const cdkJson = {
      app: 'npx tsx bin/app.ts',
      context: {
        'invoke-doctor': {
          functions: [FN_OK],
          restApis: [{ id: restApiId, stages: ['prod'] }],
          logGroups: [HTTP_GOOD_GROUP],
        },
      },
    };

    // Act
    const { run, report: r } = await report(cdkJson);

    // Assert
    expect(run.exitCode).toBe(0);
    expect(r).toMatchObject({ ok: true, region: TEST_REGION, mode: 'per-group' });
    expect(r.results.filter((x) => x.status === 'problem' || x.status === 'warning')).toEqual([]);
    expect(resultsFor(r, `REST API ${restApiId} stage prod`)).toEqual([
      expect.objectContaining({
        check: 'rest-logging',
        status: 'ok',
        message: 'execution logging at INFO',
      }),
    ]);
    expect(resultsFor(r, `HTTP API ${httpGoodApi} stage $default`)[0]).toMatchObject({
      check: 'http-access-log',
      status: 'ok',
    });
  });

  test('a missing log group is a problem with the command that creates it', async () => {
    const { run, report: r } = await report({ functions: [FN_MISSING] });
    expect(run.exitCode).toBe(1);
    expect(resultsFor(r, `/aws/lambda/${FN_MISSING}`)).toEqual([
      expect.objectContaining({
        check: 'log-group',
        status: 'problem',
        fix: [
          `aws logs create-log-group --region 'us-east-1' --log-group-name '/aws/lambda/${FN_MISSING}'`,
        ],
      }),
    ]);
  });

  test('REST stage logging: OFF is a problem, ERROR a note, a method override OFF a warning', async () => {
    // Act
    const { run, report: r } = await report({
      restApis: [{ id: restApiId, stages: ['dev', 'err'] }],
    });

    // Assert
    expect(run.exitCode).toBe(1);
    const dev = resultsFor(r, `REST API ${restApiId} stage dev`);
    expect(dev).toEqual([expect.objectContaining({ check: 'rest-logging', status: 'problem' })]);
    expect(dev[0]?.fix[0]).toBe(
      `aws apigateway update-stage --region 'us-east-1' --rest-api-id '${restApiId}' --stage-name 'dev' --patch-operations 'op=replace,path=/*/*/logging/loglevel,value=ERROR'`,
    );
    expect(resultsFor(r, `API-Gateway-Execution-Logs_${restApiId}/dev`)[0]).toMatchObject({
      check: 'log-group',
      status: 'problem',
    });
    const err = resultsFor(r, `REST API ${restApiId} stage err`);
    expect(err.map((x) => x.status)).toEqual(['note', 'warning']);
    expect(err[1]?.message).toContain('GET /');
    expect(err[1]?.fix[0]).toContain(`'op=replace,path=/~1/GET/logging/loglevel,value=ERROR'`);
  });

  test('an unknown REST stage is a problem naming the config', async () => {
    const { report: r } = await report({ restApis: [{ id: restApiId, stages: ['nosuchstage'] }] });
    expect(resultsFor(r, `REST API ${restApiId} stage nosuchstage`)[0]).toMatchObject({
      status: 'problem',
      message: expect.stringContaining('invoke-doctor.restApis'),
    });
  });

  test('subscription filters: others are counted, ours is recognised', async () => {
    // Act
    const { run, report: r } = await report({ functions: [FN_BUSY, FN_OURS] });

    // Assert: a warning does not fail the run
    expect(run.exitCode).toBe(0);
    const busy = resultsFor(r, `/aws/lambda/${FN_BUSY}`).find(
      (x) => x.check === 'subscription-filters',
    );
    expect(busy).toMatchObject({ status: 'warning' });
    expect(busy?.message).toMatch(
      /^2 other subscription filters \(datadog-forwarder, splunk-forwarder\)/,
    );
    expect(busy?.message).toContain('LimitExceededException');
    expect(busy?.fix).toContain(
      `aws logs delete-subscription-filter --region 'us-east-1' --log-group-name '/aws/lambda/${FN_BUSY}' --filter-name 'splunk-forwarder'`,
    );
    const ours = resultsFor(r, `/aws/lambda/${FN_OURS}`).find(
      (x) => x.check === 'subscription-filters',
    );
    expect(ours).toMatchObject({ status: 'ok' });
    expect(ours?.message).toContain('InvokeDoctor-InvokeDoctorSubscription0A1B2C3D');
  });

  test('HTTP API access-log formats without $context.integrationErrorMessage get a fixed format', async () => {
    // Act
    const { run, report: r } = await report({ logGroups: [HTTP_BAD_GROUP, HTTP_JSON_GROUP] });

    // Assert
    expect(run.exitCode).toBe(1);
    const clf = resultsFor(r, `HTTP API ${httpBadApi} stage $default`)[0];
    expect(clf).toMatchObject({ check: 'http-access-log', status: 'problem' });
    const settings = JSON.stringify({
      DestinationArn: logGroupArn(HTTP_BAD_GROUP),
      Format: `${CLF_WITHOUT_ERROR} $context.integrationErrorMessage`,
    });
    expect(clf?.fix).toEqual([
      `aws apigatewayv2 update-stage --region 'us-east-1' --api-id '${httpBadApi}' --stage-name '$default' --access-log-settings '${settings}'`,
    ]);
    const json = resultsFor(r, `HTTP API ${httpJsonApi} stage $default`)[0];
    const fixed = /--access-log-settings '(.*)'$/.exec(json?.fix[0] ?? '')?.[1] ?? '{}';
    expect(JSON.parse(JSON.parse(fixed).Format)).toEqual({
      requestId: '$context.requestId',
      status: '$context.status',
      integrationErrorMessage: '$context.integrationErrorMessage',
    });
  });

  test('the REST fix command runs as printed and makes the check pass', async () => {
    // Arrange
    const target = `REST API ${restApiId} stage fixme`;
    const { report: before } = await report({ restApis: [{ id: restApiId, stages: ['fixme'] }] });
    const fix = resultsFor(before, target)[0]?.fix[0] ?? '';

    // Act: paste the command into a shell, as a user would
    sh([fix]);
    const { run, report: after } = await report({
      restApis: [{ id: restApiId, stages: ['fixme'] }],
    });

    // Assert
    expect(resultsFor(before, target)[0]?.status).toBe('problem');
    expect(run.exitCode).toBe(0);
    expect(resultsFor(after, target)[0]).toMatchObject({ check: 'rest-logging', status: 'note' });
  });

  test('the HTTP fix command passes the settings JSON to the CLI as one word', async () => {
    // Arrange (moto has no apigatewayv2 UpdateStage, so the shell prints the words instead)
    const { report: r } = await report({ logGroups: [HTTP_BAD_GROUP] });
    const fix = resultsFor(r, `HTTP API ${httpBadApi} stage $default`)[0]?.fix ?? [];

    // Act
    const words = sh(fix, 0).trimEnd().split('\n');

    // Assert
    expect(words.slice(0, 8)).toEqual([
      'apigatewayv2',
      'update-stage',
      '--region',
      'us-east-1',
      '--api-id',
      httpBadApi,
      '--stage-name',
      '$default',
    ]);
    expect(words[8]).toBe('--access-log-settings');
    expect(JSON.parse(words.slice(9).join('\n'))).toEqual({
      DestinationArn: logGroupArn(HTTP_BAD_GROUP),
      Format: `${CLF_WITHOUT_ERROR} $context.integrationErrorMessage`,
    });
  });

  test('account-wide mode checks every REST stage and HTTP API stage in the region', async () => {
    // Act
    const { run, report: r } = await report({ accountWide: true });

    // Assert
    expect(run.exitCode).toBe(1);
    expect(r.mode).toBe('account-wide');
    expect(resultsFor(r, `REST API ${restApiId} stage prod`)[0]).toMatchObject({ status: 'ok' });
    expect(resultsFor(r, `REST API ${restApiId} stage dev`)[0]).toMatchObject({
      status: 'problem',
    });
    expect(resultsFor(r, `HTTP API ${httpGoodApi} stage $default`)[0]).toMatchObject({
      status: 'ok',
    });
    expect(resultsFor(r, `HTTP API ${httpJsonApi} stage $default`)[0]).toMatchObject({
      status: 'problem',
    });
    const unlogged = resultsFor(r, `HTTP API ${httpUnloggedApi} stage $default`)[0];
    expect(unlogged).toMatchObject({
      status: 'problem',
      message: expect.stringMatching(/^no access logging/),
    });

    // The account id comes from STS (run for real); the other two commands print their words.
    const all = sh(unlogged?.fix ?? [], 1)
      .trimEnd()
      .split('\n');
    expect(all.slice(0, 6)).toEqual([
      'logs',
      'create-log-group',
      '--region',
      'us-east-1',
      '--log-group-name',
      `/aws/apigateway/${httpUnloggedApi}/$default`,
    ]);
    const words = all.slice(6);
    expect(words.slice(0, 9)).toEqual([
      'apigatewayv2',
      'update-stage',
      '--region',
      'us-east-1',
      '--api-id',
      httpUnloggedApi,
      '--stage-name',
      '$default',
      '--access-log-settings',
    ]);
    expect(JSON.parse(words.slice(9).join('\n'))).toEqual({
      DestinationArn: logGroupArn(`/aws/apigateway/${httpUnloggedApi}/$default`),
      Format: CLF_WITH_ERROR,
    });
  });

  test('the text report lists each target with its fixes and a verdict', async () => {
    // Act
    const run = await preflight({ functions: [FN_MISSING, FN_OK] });

    // Assert
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('invoke-doctor preflight: us-east-1, per-log-group mode');
    expect(run.stdout).toContain(`/aws/lambda/${FN_MISSING}\n  PROBLEM  log group does not exist`);
    expect(run.stdout).toContain(
      `             aws logs create-log-group --region 'us-east-1' --log-group-name '/aws/lambda/${FN_MISSING}'`,
    );
    expect(run.stdout).toContain(`/aws/lambda/${FN_OK}\n  ok       log group exists`);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(
      '1 problem would stop detection: run the commands above, then preflight again.',
    );
  });
});

describe('invoke-doctor preflight with a bad configuration', () => {
  test.each<[string, unknown, RegExp]>([
    [
      'a REST API id that is not one',
      { restApis: [{ id: 'not-an-id', stages: ['prod'] }] },
      /invoke-doctor\.restApis\[0\]\.id: /,
    ],
    ['an unknown key', { functionz: ['x'] }, /invoke-doctor\.functionz: unknown setting/],
    ['nothing to watch', {}, /invoke-doctor: nothing to watch/],
    ['a cdk.json without the context key', { app: 'x', context: {} }, /invoke-doctor: missing/],
    ['not JSON', '{ functions: [', /--config: .* is not valid JSON/],
  ])('%s: exit 2 with one line naming the field', async (_name, config, message) => {
    // Act
    const run = await preflight(config);

    // Assert
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  test('a missing config file: exit 2', async () => {
    // Arrange
    let stderr = '';
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      stderr += String(chunk);
      return true;
    });
    const before = process.exitCode;

    // Act
    await preflightCommand().parseAsync(['--config', join(dir, 'nope.json')], { from: 'user' });
    const exitCode = process.exitCode;
    process.exitCode = before;
    spy.mockRestore();

    // Assert
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/--config: cannot read .*nope\.json \(ENOENT\)/);
  });
});
