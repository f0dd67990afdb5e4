/**
 * The verification scenarios end to end through the built CLI: each scenario is built in moto
 * (functions, aliases, REST and HTTP APIs with integrations, stage variables, IAM roles and users),
 * its real log lines (names replaced, test/helpers/scenarioLogs.ts) go through
 * `invoke-doctor diagnose --verify`, pointed at moto with AWS_ENDPOINT_URL and dummy credentials,
 * and the verdict is checked. CloudTrail LookupEvents (and, where a scenario says so, IAM's policy
 * simulation) are answered by a local stand-in (moto has neither). For each confirmed scenario the
 * suggested command is run unchanged with the real AWS CLI, and the re-check must say `fixed`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fix, Verification } from '../../lambda/core/types';
import { functionPolicy, runInBash } from '../helpers/awsCli';
import { type AwsStub, restJsonError, startAwsStub } from '../helpers/awsStub';
import { iamEvent, lambdaEvent, lookupEventsHandler, simulateHandler } from '../helpers/cloudTrail';
import { runCliAsync } from '../helpers/runCli';
import {
  executionLogGroup,
  functionUrlDenied,
  restErrorLevel,
  restInfoLevel,
  roleDenied,
  roleExplicitlyDenied,
} from '../helpers/scenarioLogs';
import {
  ACCOUNT,
  addPermission,
  createFunctionUrl,
  createFunctionWith,
  createRestApiWith,
  createRoleWith,
  createUserWith,
  deleteFunction,
  functionArn,
  lambdaUri,
} from '../helpers/verifyWorld';

// Unique per test file: moto is shared by parallel test files.
const P = 'vsc';
const OTHER_ACCOUNT = '210987654321';
const DEPLOYER = { account: ACCOUNT, userName: 'deployer' };
const HOUR = 3_600_000;

type Record_ = Record<string, unknown> & {
  verification: Verification;
  fixes: Fix[];
  function: { arn: string | null; name: string | null; qualifier: string | null };
  api: { id: string | null; httpMethod: string | null; resourcePath: string | null } | null;
  summary: string;
};

let stub: AwsStub;
const history: ReturnType<typeof lambdaEvent>[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'invoke-doctor-verify-'));

beforeAll(async () => {
  stub = await startAwsStub();
  stub.use(lookupEventsHandler(() => history));
});

afterAll(async () => {
  await stub.close();
});

let files = 0;

/** `invoke-doctor diagnose --verify --json` on log text, as a user runs it. */
async function diagnoseVerify(
  text: string,
  options: { logGroup?: string; env?: Record<string, string>; verbose?: boolean } = {},
): Promise<Record_[]> {
  const file = join(scratch, `log-${++files}.log`);
  writeFileSync(file, text);
  const args = ['diagnose', '--verify', '--json', file];
  if (options.logGroup) args.push('--log-group', options.logGroup);
  const result = await runCliAsync(args, {
    env: { AWS_ENDPOINT_URL_CLOUDTRAIL: stub.endpoint, ...options.env },
  });
  if (result.code !== 0) throw new Error(`diagnose --verify failed: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record_);
}

async function one(text: string, options: Parameters<typeof diagnoseVerify>[1] = {}) {
  const records = await diagnoseVerify(text, options);
  expect(records).toHaveLength(1);
  return records[0]!;
}

function runnable(record: Record_, kind: Fix['kind']): string {
  const fix = record.fixes.find((f) => f.kind === kind && f.command !== null);
  if (!fix?.command) throw new Error(`no runnable ${kind} fix in ${JSON.stringify(record.fixes)}`);
  return fix.command;
}

function calls(v: Verification): string[] {
  return v.evidence.map((e) => e.call.split(' ')[0]!);
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe('1: no permission at all', () => {
  const fn = `${P}1-orders`;
  let apiId: string;

  beforeAll(async () => {
    await createFunctionWith(fn);
    ({ apiId } = await createRestApiWith(
      `${P}1`,
      [{ path: '/orders', method: 'GET', uri: lambdaUri(functionArn(fn)) }],
      [{ name: 'prod' }],
    ));
    // The function was replaced two hours ago: a new function starts with an empty policy.
    history.push(lambdaEvent('CreateFunction20150331', fn, ago(2 * HOUR), DEPLOYER));
  });

  test('ERROR level: the function is found from the integration, the grant is runnable', async () => {
    // Act
    const record = await one(restErrorLevel(), { logGroup: executionLogGroup(apiId, 'prod') });

    // Assert
    const v = record.verification;
    expect(v).toMatchObject({ status: 'confirmed', rootCause: 'permission-missing' });
    expect(record.function).toMatchObject({ arn: functionArn(fn), qualifier: null });
    expect(record.api).toMatchObject({ id: apiId, httpMethod: 'GET', resourcePath: '/orders' });
    expect(record.fixes.map((f) => f.kind)).toEqual(['add-permission']);
    expect(v.change).toMatchObject({
      event: 'CreateFunction20150331',
      actor: `arn:aws:iam::${ACCOUNT}:user/deployer`,
    });
    expect(calls(v)).toEqual(
      expect.arrayContaining([
        'apigateway:GetStage',
        'apigateway:GetResources',
        'lambda:GetPolicy',
        'lambda:GetFunctionConfiguration',
        'cloudtrail:LookupEvents',
      ]),
    );
  });

  test('INFO level, then the suggested grant run unchanged makes it fixed', async () => {
    // Arrange
    const group = executionLogGroup(apiId, 'prod');
    const info = await one(restInfoLevel(functionArn(fn)), { logGroup: group });
    expect(info.verification).toMatchObject({
      status: 'confirmed',
      rootCause: 'permission-missing',
    });

    // Act
    await runInBash(runnable(info, 'add-permission'));
    history.push(lambdaEvent('AddPermission20150331v2', fn, ago(60_000), DEPLOYER));
    const error = await one(restErrorLevel(), { logGroup: group });
    const again = await one(restInfoLevel(functionArn(fn)), { logGroup: group });

    // Assert
    for (const r of [error, again]) {
      expect(r.verification.status).toBe('fixed');
      expect(r.verification.change).toMatchObject({ event: 'AddPermission20150331v2' });
    }
  });
});

describe('2: a permission for another stage, and for another API id', () => {
  test.each([
    [
      'another stage',
      (api: string) => `arn:aws:execute-api:us-east-1:${ACCOUNT}:${api}/beta/GET/orders`,
    ],
    ['another API id', () => `arn:aws:execute-api:us-east-1:${ACCOUNT}:a1b2c3d4e5/*/GET/orders`],
  ])(
    '%s: the stale statement is named; the right grant is added, its removal offered',
    async (label, arn) => {
      // Arrange
      const fn = `${P}2-${label.replace(/\W+/g, '-')}`;
      await createFunctionWith(fn);
      const { apiId } = await createRestApiWith(
        `${P}2-${label}`,
        [{ path: '/orders', method: 'GET', uri: lambdaUri(functionArn(fn)) }],
        [{ name: 'prod' }],
      );
      await addPermission(fn, { sid: 'stale-grant', sourceArn: arn(apiId) });
      const group = executionLogGroup(apiId, 'prod');

      // Act
      const error = await one(restErrorLevel(), { logGroup: group });
      const info = await one(restInfoLevel(functionArn(fn)), { logGroup: group });

      // Assert
      for (const r of [error, info]) {
        expect(r.verification).toMatchObject({
          status: 'confirmed',
          rootCause: 'source-arn-mismatch',
          statement: {
            sid: 'stale-grant',
            subject: 'ArnLike AWS:SourceArn',
            expected: [arn(apiId)],
            actual: `arn:aws:execute-api:us-east-1:${ACCOUNT}:${apiId}/prod/GET/orders`,
          },
        });
        expect(r.fixes.map((f) => f.kind)).toEqual(['add-permission', 'remove-permission']);
        expect(runnable(r, 'remove-permission')).toContain("--statement-id 'stale-grant'");
      }

      // Act: the grant, unchanged
      await runInBash(runnable(error, 'add-permission'));
      const after = await one(restErrorLevel(), { logGroup: group });

      // Assert
      expect(after.verification.status).toBe('fixed');

      // Act: the optional clean-up, unchanged
      await runInBash(runnable(error, 'remove-permission'));

      // Assert: the stale statement is gone and the request is still allowed
      expect((await functionPolicy(fn)).map((st) => st.Sid)).not.toContain('stale-grant');
      expect((await one(restErrorLevel(), { logGroup: group })).verification.status).toBe('fixed');
    },
  );
});

describe('3: an alias through a stage variable, the permission on the unqualified function', () => {
  test('ERROR and INFO level: qualifier-mismatch; the grant with --qualifier fixes it', async () => {
    // Arrange
    const fn = `${P}3-orders`;
    await createFunctionWith(fn, ['live']);
    const { apiId } = await createRestApiWith(
      `${P}3`,
      [
        {
          path: '/orders',
          method: 'GET',
          uri: lambdaUri(`${functionArn(fn)}:\${stageVariables.alias}`),
        },
      ],
      [{ name: 'prod', variables: { alias: 'live' } }],
    );
    await addPermission(fn, {
      sid: 'unqualified',
      sourceArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:${apiId}/*/GET/orders`,
    });
    const group = executionLogGroup(apiId, 'prod');

    // Act
    const error = await one(restErrorLevel(), { logGroup: group });
    const info = await one(restInfoLevel(`${functionArn(fn)}:live`), { logGroup: group });

    // Assert
    for (const r of [error, info]) {
      expect(r.verification).toMatchObject({
        status: 'confirmed',
        rootCause: 'qualifier-mismatch',
        statement: { sid: 'unqualified', subject: 'Resource', actual: `${functionArn(fn)}:live` },
      });
      expect(r.function).toMatchObject({ name: fn, qualifier: 'live' });
      expect(runnable(r, 'add-permission')).toContain("--qualifier 'live'");
    }

    // Act: the grant, unchanged
    await runInBash(runnable(error, 'add-permission'));

    // Assert
    expect((await one(restErrorLevel(), { logGroup: group })).verification.status).toBe('fixed');
  });
});

describe('4: the stage variable is missing on the stage', () => {
  test('stage-variable-unresolved; once defined, the alias still needs its grant, then fixed', async () => {
    // Arrange
    const fn = `${P}4-orders`;
    await createFunctionWith(fn, ['live']);
    const { apiId } = await createRestApiWith(
      `${P}4`,
      [
        {
          path: '/orders',
          method: 'GET',
          uri: lambdaUri(`${functionArn(fn)}:\${stageVariables.alias}`),
        },
      ],
      [{ name: 'prod' }],
    );
    const group = executionLogGroup(apiId, 'prod');

    // Act
    const first = await one(restErrorLevel(), { logGroup: group });

    // Assert: the fix is a template, because the value is a choice
    expect(first.verification).toMatchObject({
      status: 'confirmed',
      rootCause: 'stage-variable-unresolved',
      statement: { subject: 'Stage variable', expected: ['stageVariables.alias'] },
    });
    const fix = first.fixes[0]!;
    expect(fix).toMatchObject({ kind: 'set-stage-variable', command: null });
    const template = /Template: (aws apigateway update-stage .*)$/.exec(fix.description)?.[1];
    expect(template).toBe(
      `aws apigateway update-stage --region us-east-1 --rest-api-id ${apiId} --stage-name prod --patch-operations 'op=replace,path=/variables/alias,value=<VALUE>'`,
    );

    // Act: fill in the value, as the fix says, and check again
    await runInBash(template!.replace('<VALUE>', 'live'));
    const second = await one(restErrorLevel(), { logGroup: group });

    // Assert: now the alias it names has no grant
    expect(second.verification).toMatchObject({
      status: 'confirmed',
      rootCause: 'permission-missing',
    });
    expect(second.function).toMatchObject({ name: fn, qualifier: 'live' });

    // Act: the grant, unchanged
    await runInBash(runnable(second, 'add-permission'));

    // Assert
    expect((await one(restErrorLevel(), { logGroup: group })).verification.status).toBe('fixed');
  });
});

describe('5: the function was deleted', () => {
  test('function-not-found, with who deleted it from CloudTrail', async () => {
    // Arrange
    const fn = `${P}5-gone`;
    await createFunctionWith(fn);
    const { apiId } = await createRestApiWith(
      `${P}5`,
      [{ path: '/orders', method: 'GET', uri: lambdaUri(functionArn(fn)) }],
      [{ name: 'prod' }],
    );
    await deleteFunction(fn);
    history.push(lambdaEvent('DeleteFunction20150331', fn, ago(30 * 60_000), DEPLOYER));
    const group = executionLogGroup(apiId, 'prod');

    // Act
    const error = await one(restErrorLevel(), { logGroup: group });
    const info = await one(restInfoLevel(functionArn(fn)), { logGroup: group });

    // Assert
    for (const r of [error, info]) {
      expect(r.verification).toMatchObject({
        status: 'confirmed',
        rootCause: 'function-not-found',
        change: { event: 'DeleteFunction20150331', actor: `arn:aws:iam::${ACCOUNT}:user/deployer` },
      });
      expect(r.fixes.every((f) => f.command === null)).toBe(true);
    }
  });
});

describe('6: a function in another account, without credentials there', () => {
  test('unverifiable, saying which account and why; the log-based diagnosis stays as it was', async () => {
    // Arrange
    const remote = `arn:aws:lambda:us-east-1:${OTHER_ACCOUNT}:function:${P}6-remote`;
    const { apiId } = await createRestApiWith(
      `${P}6`,
      [{ path: '/orders', method: 'GET', uri: lambdaUri(remote) }],
      [{ name: 'prod' }],
    );
    const group = executionLogGroup(apiId, 'prod');

    // Act
    const error = await one(restErrorLevel(), { logGroup: group });
    const info = await one(restInfoLevel(remote), { logGroup: group });

    // Assert
    for (const r of [error, info]) {
      expect(r.verification.status).toBe('unverifiable');
      expect(r.verification.reason).toContain(`account ${OTHER_ACCOUNT}`);
      expect(r.verification.reason).toContain('no credentials');
      expect(calls(r.verification)).not.toContain('lambda:GetPolicy');
    }
    expect(error.function.arn).toBeNull();
    expect(error.fixes.map((f) => f.kind)).toEqual(['locate-function', 'add-permission']);
  });
});

describe('7: a role caller without an identity policy, and with an explicit deny', () => {
  test('no identity policy: identity-policy-missing; the put-role-policy fixes it', async () => {
    // Arrange
    const role = `${P}7-caller`;
    const target = `${P}7-target`;
    await createFunctionWith(target);
    await createRoleWith(role, {});
    const log = roleDenied(role, `${P}7-caller-session`, target);

    // Act
    const record = await one(log);

    // Assert: moto has no policy simulation, so the role's policies were read and evaluated
    const v = record.verification;
    expect(v).toMatchObject({ status: 'confirmed', rootCause: 'identity-policy-missing' });
    expect(calls(v)).toEqual(
      expect.arrayContaining([
        'iam:GetRole',
        'iam:SimulatePrincipalPolicy',
        'iam:ListRolePolicies',
      ]),
    );
    expect(v.reason).toContain('simulation was not available');

    // Act: the identity policy, unchanged
    await runInBash(runnable(record, 'identity-policy'));
    history.push(iamEvent('PutRolePolicy', role, ago(60_000), DEPLOYER));
    const after = await one(log);

    // Assert
    expect(after.verification).toMatchObject({
      status: 'fixed',
      change: { event: 'PutRolePolicy', actor: `arn:aws:iam::${ACCOUNT}:user/deployer` },
    });
  });

  test('explicit deny in an inline policy: names the policy and statement; removing it fixes it', async () => {
    // Arrange
    const role = `${P}7-denied`;
    const target = `${P}7-guarded`;
    await createFunctionWith(target);
    await createRoleWith(role, {
      invoke: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: functionArn(target) },
        ],
      },
      guardrail: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'NoInvoke', Effect: 'Deny', Action: 'lambda:Invoke*', Resource: '*' },
          { Sid: 'ReadLogs', Effect: 'Allow', Action: 'logs:GetLogEvents', Resource: '*' },
        ],
      },
    });
    const log = roleExplicitlyDenied(role, `${P}7-denied-session`, target);

    // Act
    const record = await one(log);

    // Assert
    expect(record.verification).toMatchObject({
      status: 'confirmed',
      rootCause: 'explicit-deny',
      statement: {
        sid: 'NoInvoke',
        policy: 'guardrail',
        subject: 'Deny',
        expected: ['lambda:Invoke*'],
      },
    });
    const command = runnable(record, 'remove-explicit-deny');
    expect(command).toContain('put-role-policy');
    expect(command).toContain('ReadLogs');
    expect(command).not.toContain('NoInvoke');

    // Act: the fix, unchanged
    await runInBash(command);

    // Assert
    expect((await one(log)).verification.status).toBe('fixed');
  });

  test("where IAM's policy simulation answers, its decision is used", async () => {
    // Arrange: IAM calls go through the stand-in, which simulates and forwards the rest to moto
    const role = `${P}7-simulated`;
    const target = `${P}7-simtarget`;
    await createFunctionWith(target);
    await createRoleWith(role, {});
    stub.use(
      lookupEventsHandler(() => history),
      simulateHandler(() => ({ decision: 'implicitDeny', matched: [] })),
    );

    // Act
    const record = await one(roleDenied(role, `${P}7-simulated-session`, target), {
      env: { AWS_ENDPOINT_URL_IAM: stub.endpoint },
    });
    stub.use(lookupEventsHandler(() => history));

    // Assert
    const v = record.verification;
    expect(v).toMatchObject({ status: 'confirmed', rootCause: 'identity-policy-missing' });
    expect(v.reason).toContain("IAM's policy simulation");
    expect(calls(v)).not.toContain('iam:ListRolePolicies');
    expect(v.evidence.find((e) => e.call.startsWith('iam:SimulatePrincipalPolicy'))?.result).toBe(
      'implicitDeny',
    );
  });
});

describe('8: a Function URL with only one of the two statements', () => {
  test('function-url-needs-both; the identity policy with both actions fixes it', async () => {
    // Arrange: the user may call lambda:InvokeFunctionUrl, not lambda:InvokeFunction
    const user = `${P}8-user`;
    const target = `${P}8-url`;
    await createFunctionWith(target);
    await createFunctionUrl(target, 'AWS_IAM');
    await createUserWith(user, {
      url: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'UrlOnly',
            Effect: 'Allow',
            Action: 'lambda:InvokeFunctionUrl',
            Resource: functionArn(target),
          },
        ],
      },
    });
    const log = functionUrlDenied(user, target);

    // Act
    const record = await one(log);

    // Assert
    expect(record.verification).toMatchObject({
      status: 'confirmed',
      rootCause: 'function-url-needs-both',
      statement: { policy: 'url', actual: 'lambda:InvokeFunction' },
    });
    expect(calls(record.verification)).toContain('lambda:GetFunctionUrlConfig');

    // Act: the fix, unchanged
    await runInBash(runnable(record, 'identity-policy'));

    // Assert
    expect((await one(log)).verification.status).toBe('fixed');
  });
});

describe('9: the read calls are denied', () => {
  let denying: AwsStub;

  beforeAll(async () => {
    // Lambda answers every call with AccessDeniedException, as it does without lambda:GetPolicy.
    denying = await startAwsStub({ forward: false });
    denying.use(() =>
      restJsonError(
        403,
        'AccessDeniedException',
        `User: arn:aws:iam::${ACCOUNT}:user/moto is not authorized to perform: lambda:GetPolicy on resource: arn:aws:lambda:us-east-1:${ACCOUNT}:function:${P}9-orders`,
      ),
    );
  });

  afterAll(async () => {
    await denying.close();
  });

  test('unverifiable, naming the call and the error; the diagnosis is delivered unchanged', async () => {
    // Arrange
    const fn = `${P}9-orders`;
    await createFunctionWith(fn);
    const { apiId } = await createRestApiWith(
      `${P}9`,
      [{ path: '/orders', method: 'GET', uri: lambdaUri(functionArn(fn)) }],
      [{ name: 'prod' }],
    );
    const group = executionLogGroup(apiId, 'prod');
    const file = join(scratch, 'denied.log');
    writeFileSync(file, restInfoLevel(functionArn(fn)));
    const plain = await runCliAsync(['diagnose', '--json', '--log-group', group, file]);

    // Act
    const record = await one(restInfoLevel(functionArn(fn)), {
      logGroup: group,
      env: { AWS_ENDPOINT_URL_LAMBDA: denying.endpoint },
    });

    // Assert
    expect(record.verification.status).toBe('unverifiable');
    expect(record.verification.reason).toMatch(
      /^lambda:GetPolicy failed \(AccessDeniedException\)/,
    );
    expect(record.verification.evidence.at(-1)).toMatchObject({
      call: expect.stringMatching(/^lambda:GetPolicy /),
      result: expect.stringMatching(
        /^failed: AccessDeniedException: User: .* is not authorized to perform: lambda:GetPolicy/,
      ),
    });
    const { verification: _verdict, ...diagnosis } = record;
    expect(diagnosis).toEqual({ ...JSON.parse(plain.stdout), verification: undefined });
  });
});
