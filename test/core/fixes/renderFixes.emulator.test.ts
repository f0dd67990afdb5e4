/**
 * The suggested commands, run unchanged through `bash -c` with the real AWS CLI against moto, must
 * produce the policy the fix describes. Tests are independent (own functions and roles), so they run
 * concurrently: the AWS CLI's start-up dominates their time.
 */
import type { GrantTrust } from '../../../lambda/core/fixes/callerTrust';
import { renderFixes } from '../../../lambda/core/fixes/renderFixes';
import type { DiagnosisFacts, Fix } from '../../../lambda/core/types';
import {
  createFunction,
  createRestApi,
  createRole,
  functionPolicy,
  iamApi,
  lambdaApi,
  policyDocumentOf,
  runInBash,
} from '../../helpers/awsCli';
import {
  ACCOUNT,
  assumedRole,
  facts,
  fnRef,
  iamUser,
  NO_PRINCIPAL,
  OTHER_ACCOUNT,
  route,
  service,
} from '../../helpers/facts';

// Unique per test file: moto is shared by parallel test files.
const PREFIX = 'rfmoto';

/** The second account, confirmed by the person running the fix (`--trust-account`). */
const CONFIRMED: GrantTrust = { accounts: [OTHER_ACCOUNT], organizationId: null };

function fixOf(
  f: DiagnosisFacts,
  kind: Fix['kind'],
  trust: GrantTrust = CONFIRMED,
): Fix & { command: string } {
  const fix = renderFixes(f, trust).find((x) => x.kind === kind);
  if (!fix?.command) {
    throw new Error(`no runnable ${kind} fix: ${JSON.stringify(renderFixes(f, trust))}`);
  }
  return fix as Fix & { command: string };
}

function statementIdOf(command: string): string {
  const m = /--statement-id '([A-Za-z0-9_-]+)'/.exec(command);
  if (!m?.[1]) throw new Error(`no statement id in ${command}`);
  return m[1];
}

function policyNameOf(command: string): string {
  const m = /--policy-name '([^']+)'/.exec(command);
  if (!m?.[1]) throw new Error(`no policy name in ${command}`);
  return m[1];
}

/** Runs the add-permission fix of `f` on a fresh function and returns the statement it added. */
async function applyPermission(
  name: string,
  f: DiagnosisFacts,
  qualifier?: string,
  trust: GrantTrust = CONFIRMED,
) {
  const fix = fixOf(f, 'add-permission', trust);
  await runInBash(fix.command);
  const statements = await functionPolicy(name, qualifier);
  return statements.find((s) => s.Sid === statementIdOf(fix.command));
}

describe('add-permission commands against moto', () => {
  test.concurrent('API Gateway route: apigateway.amazonaws.com with the route source ARN', async () => {
    // Arrange
    const name = `${PREFIX}-route`;
    await createFunction(name, `${PREFIX}-route-role`);
    const f = facts({
      kind: 'apigw-invalid-permissions',
      function: fnRef(name),
      api: route('kl1s049j9c', 'GET', '/users/{id}'),
    });
    // Act
    const st = await applyPermission(name, f);
    // Assert
    expect(st).toMatchObject({
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Principal: { Service: 'apigateway.amazonaws.com' },
      Condition: {
        ArnLike: {
          'AWS:SourceArn': `arn:aws:execute-api:us-east-1:${ACCOUNT}:kl1s049j9c/*/GET/users/{id}`,
        },
      },
    });
  });

  test.concurrent('REST authorizer: source ARN names the API authorizers', async () => {
    // Arrange
    const name = `${PREFIX}-authz`;
    await createFunction(name, `${PREFIX}-authz-role`);
    const f = facts({
      kind: 'apigw-authorizer-invalid-permissions',
      function: fnRef(name),
      api: route('aaiiuxs4r8', 'GET', '/registrations'),
    });
    // Act
    const st = await applyPermission(name, f);
    // Assert
    expect(st?.Principal).toEqual({ Service: 'apigateway.amazonaws.com' });
    expect(st?.Condition?.ArnLike?.['AWS:SourceArn']).toBe(
      `arn:aws:execute-api:us-east-1:${ACCOUNT}:aaiiuxs4r8/authorizers/*`,
    );
  });

  test.concurrent('alias qualifier and ANY {proxy+} route: the statement is on the alias', async () => {
    // Arrange
    const name = `${PREFIX}-alias`;
    await createFunction(name, `${PREFIX}-alias-role`);
    await lambdaApi('POST', `/functions/${name}/aliases`, { Name: 'live', FunctionVersion: '1' });
    const f = facts({
      kind: 'apigw-invalid-permissions',
      function: fnRef(name, { qualifier: 'live' }),
      api: route('oo8kadh853', 'ANY', '/{resource+}', 'Test'),
    });
    // Act
    const st = await applyPermission(name, f, 'live');
    // Assert
    expect(st?.Resource).toBe(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}:live`);
    expect(st?.Condition?.ArnLike?.['AWS:SourceArn']).toBe(
      `arn:aws:execute-api:us-east-1:${ACCOUNT}:oo8kadh853/*/*/{resource+}`,
    );
  });

  test.concurrent('version qualifier: the statement is on the version', async () => {
    // Arrange
    const name = `${PREFIX}-version`;
    await createFunction(name, `${PREFIX}-version-role`);
    const f = facts({
      principal: service('sns.amazonaws.com'),
      function: fnRef(name, { qualifier: '1' }),
    });
    // Act
    const st = await applyPermission(name, f, '1');
    // Assert
    expect(st).toMatchObject({
      Principal: { Service: 'sns.amazonaws.com' },
      Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}:1`,
    });
  });

  test.concurrent('S3 service principal carries the source account', async () => {
    // Arrange
    const name = `${PREFIX}-s3`;
    await createFunction(name, `${PREFIX}-s3-role`);
    const f = facts({
      principal: service('s3.amazonaws.com'),
      function: fnRef(name),
      reason: 'no-resource-policy',
    });
    // Act
    const st = await applyPermission(name, f);
    // Assert
    expect(st?.Principal).toEqual({ Service: 's3.amazonaws.com' });
    expect(st?.Condition?.StringEquals?.['AWS:SourceAccount']).toBe(ACCOUNT);
  });

  test.concurrent('cross-account caller: the other account is the principal', async () => {
    // Arrange
    const name = `${PREFIX}-xacct`;
    await createFunction(name, `${PREFIX}-xacct-role`);
    const f = facts({
      principal: assumedRole('CallerRole', OTHER_ACCOUNT),
      function: fnRef(name),
      reason: 'no-resource-policy',
    });
    // Act
    const st = await applyPermission(name, f);
    // Assert
    expect(st?.Action).toBe('lambda:InvokeFunction');
    expect(JSON.stringify(st?.Principal)).toContain(OTHER_ACCOUNT);
  });

  test.concurrent('caller trusted through the organization only: the statement requires it', async () => {
    // Arrange
    const name = `${PREFIX}-org`;
    await createFunction(name, `${PREFIX}-org-role`);
    const f = facts({
      principal: assumedRole('CallerRole', OTHER_ACCOUNT),
      function: fnRef(name),
      reason: 'no-resource-policy',
    });
    // Act
    const st = await applyPermission(name, f, undefined, {
      accounts: [],
      organizationId: 'o-abcdefghij',
    });
    // Assert: the grant only holds for principals of the organization
    expect(JSON.stringify(st?.Principal)).toContain(OTHER_ACCOUNT);
    expect(st?.Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } });
  });

  test.concurrent('SNS caller: the statement carries the source account', async () => {
    // Arrange
    const name = `${PREFIX}-sns-source`;
    await createFunction(name, `${PREFIX}-sns-source-role`);
    const f = facts({
      principal: service('sns.amazonaws.com'),
      function: fnRef(name),
      reason: 'no-resource-policy',
    });
    // Act
    const st = await applyPermission(name, f);
    // Assert
    expect(st?.Principal).toEqual({ Service: 'sns.amazonaws.com' });
    expect(st?.Condition?.StringEquals?.['AWS:SourceAccount']).toBe(ACCOUNT);
  });

  test.concurrent('function URL: the URL statement and the via-URL invoke statement', async () => {
    // Arrange
    const name = `${PREFIX}-furl`;
    await createFunction(name, `${PREFIX}-furl-role`);
    const fix = fixOf(
      facts({
        action: 'lambda:InvokeFunctionUrl',
        principal: assumedRole('CallerRole', OTHER_ACCOUNT),
        function: fnRef(name),
        reason: 'no-resource-policy',
      }),
      'add-permission',
    );
    // Act
    await runInBash(fix.command);
    // Assert: both statements, one per action
    const statements = await functionPolicy(name);
    const sid = statementIdOf(fix.command);
    const byId = new Map(statements.map((st) => [st.Sid, st]));
    expect(byId.get(sid)?.Action).toBe('lambda:InvokeFunctionUrl');
    expect(byId.get(`${sid}-via-url`)?.Action).toBe('lambda:InvokeFunction');
  });

  test.concurrent('HTTP API with a known function: $default route source ARN', async () => {
    // Arrange
    const name = `${PREFIX}-httpapi`;
    await createFunction(name, `${PREFIX}-httpapi-role`);
    const f = facts({
      kind: 'http-api-integration-permissions',
      function: fnRef(name),
      api: route('a1b2c3d4e5', 'GET', '$default', null),
    });
    // Act
    const st = await applyPermission(name, f);
    // Assert
    expect(st?.Condition?.ArnLike?.['AWS:SourceArn']).toBe(
      `arn:aws:execute-api:us-east-1:${ACCOUNT}:a1b2c3d4e5/*/$default`,
    );
  });
});

describe('identity-policy commands against moto', () => {
  test.concurrent('assumed role: put-role-policy grants the function and its qualifiers', async () => {
    // Arrange
    const name = `${PREFIX}-idrole-target`;
    const callerRole = `${PREFIX}-idrole-caller`;
    await createFunction(name, callerRole);
    const fix = fixOf(
      facts({
        principal: assumedRole(callerRole),
        function: fnRef(name),
        reason: 'no-identity-policy',
      }),
      'identity-policy',
    );
    // Act
    await runInBash(fix.command);
    // Assert
    const xml = await iamApi({
      Action: 'GetRolePolicy',
      RoleName: callerRole,
      PolicyName: policyNameOf(fix.command),
    });
    const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
    expect(policyDocumentOf(xml)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'InvokeDoctorAllowInvoke',
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: [arn, `${arn}:*`],
        },
      ],
    });
  });

  test.concurrent('IAM user with a path: put-user-policy on the user name', async () => {
    // Arrange
    const name = `${PREFIX}-iduser-target`;
    const user = `${PREFIX}-iduser`;
    await createFunction(name, `${PREFIX}-iduser-role`);
    await iamApi({ Action: 'CreateUser', UserName: user, Path: '/support/' });
    const fix = fixOf(
      facts({
        principal: iamUser(user, ACCOUNT, '/support/'),
        function: fnRef(name),
        reason: 'no-identity-policy',
        action: 'lambda:InvokeFunctionUrl',
      }),
      'identity-policy',
    );
    // Act
    await runInBash(fix.command);
    // Assert
    const xml = await iamApi({
      Action: 'GetUserPolicy',
      UserName: user,
      PolicyName: policyNameOf(fix.command),
    });
    const doc = policyDocumentOf(xml) as {
      Statement: { Action: string; Resource: string[]; Condition?: unknown }[];
    };
    expect(doc.Statement[0]?.Action).toBe('lambda:InvokeFunctionUrl');
    expect(doc.Statement[1]).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } },
    });
    expect(doc.Statement[0]?.Resource[0]).toBe(
      `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`,
    );
  });
});

describe('read-only commands against moto', () => {
  test.concurrent('trust-policy: get-role prints the trust policy of the role in the log', async () => {
    // Arrange
    const role = `${PREFIX}-trust`;
    await createRole(role);
    const fix = fixOf(
      facts({
        kind: 'apigw-cannot-assume-role',
        roleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
        principal: NO_PRINCIPAL,
      }),
      'trust-policy',
    );
    // Act
    const out = JSON.parse(await runInBash(`${fix.command} --output json`));
    // Assert
    expect(out.Statement[0].Principal).toEqual({ Service: 'lambda.amazonaws.com' });
  });

  test.concurrent('remove-explicit-deny on a resource policy: get-policy prints the function policy', async () => {
    // Arrange
    const name = `${PREFIX}-deny`;
    await createFunction(name, `${PREFIX}-deny-role`);
    await lambdaApi('POST', `/functions/${name}/policy`, {
      StatementId: 'existing',
      Action: 'lambda:InvokeFunction',
      Principal: 'sns.amazonaws.com',
    });
    const fix = fixOf(
      facts({
        principal: assumedRole('Caller'),
        function: fnRef(name),
        reason: 'explicit-deny-resource-policy',
      }),
      'remove-explicit-deny',
    );
    // Act
    const out = JSON.parse(await runInBash(`${fix.command} --output json`));
    // Assert
    expect(JSON.parse(out.Policy).Statement[0].Sid).toBe('existing');
  });

  test.concurrent('locate-function: get-resources prints the integration URI of the route', async () => {
    // Arrange
    const fnArn = await createFunction(`${PREFIX}-locate`, `${PREFIX}-locate-role`);
    const apiId = await createRestApi(`${PREFIX}-locate-api`, 'echo', fnArn);
    const fix = fixOf(
      facts({ kind: 'apigw-invalid-permissions', api: route(apiId, 'GET', '/echo', 'Prod') }),
      'locate-function',
    );
    // Act
    const out = JSON.parse(await runInBash(`${fix.command} --output json`));
    // Assert
    expect(out).toEqual([
      {
        id: expect.any(String),
        path: '/echo',
        integrations: [
          `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fnArn}/invocations`,
        ],
      },
    ]);
  });
});
