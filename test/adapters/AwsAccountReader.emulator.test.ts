/**
 * The verification reader against moto (Lambda, API Gateway REST and HTTP, IAM, STS) and, for what
 * moto does not implement, a local server answering with the AWS API reference's shapes: CloudTrail
 * LookupEvents (the CLI documentation's output and a real AddPermission record) and IAM
 * SimulatePrincipalPolicy (the CLI documentation's outputs). Failures keep the service's code.
 */
import { AwsAccountReader } from '../../lambda/adapters/AwsAccountReader';
import { buildVerifier } from '../../lambda/adapters/buildVerifier';
import { decodeInput } from '../../lambda/core/decode/decodeInput';
import { analyzeBatches } from '../../lambda/core/diagnose/analyzeBatches';
import { AccountReadError } from '../../lambda/core/errors';
import { type AwsStub, jsonAnswer, restJsonError, startAwsStub } from '../helpers/awsStub';
import { simulateHandler } from '../helpers/cloudTrail';
import { fixture } from '../helpers/fixture';
import { roleDenied } from '../helpers/scenarioLogs';
import {
  ACCOUNT,
  addPermission,
  createFunctionUrl,
  createFunctionWith,
  createHttpApiWith,
  createRestApiWith,
  createRoleWith,
  functionArn,
  lambdaUri,
  REGION,
} from '../helpers/verifyWorld';

const P = 'aar';
let stub: AwsStub;

beforeAll(async () => {
  stub = await startAwsStub({ forward: false });
});

afterAll(async () => {
  await stub.close();
});

function reader(endpoints: Record<string, string> = {}) {
  return new AwsAccountReader({ region: REGION, endpoints, maxAttempts: 1 });
}

describe('AwsAccountReader against moto', () => {
  const r = reader();
  afterAll(() => r.destroy());

  test('Lambda: the policy per qualifier, a missing policy or function as null, the URL config', async () => {
    // Arrange
    const fn = `${P}-fn`;
    await createFunctionWith(fn, ['live']);
    await createFunctionUrl(fn, 'AWS_IAM');
    await addPermission(fn, {
      sid: 'on-live',
      qualifier: 'live',
      sourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:a1b2c3d4e5/*/GET/x`,
    });
    const target = { region: REGION, functionName: functionArn(fn), qualifier: 'live' };

    // Act
    const policy = await r.call('lambda:GetPolicy', target);
    const missing = await r.call('lambda:GetPolicy', {
      ...target,
      functionName: functionArn(`${P}-none`),
    });
    const config = await r.call('lambda:GetFunctionConfiguration', target);
    const gone = await r.call('lambda:GetFunctionConfiguration', { ...target, qualifier: 'nope' });
    const url = await r.call('lambda:GetFunctionUrlConfig', { ...target, qualifier: null });

    // Assert
    expect(JSON.parse(policy!.policy).Statement[0]).toMatchObject({
      Sid: 'on-live',
      Resource: `${functionArn(fn)}:live`,
    });
    expect(missing).toBeNull();
    expect(config).toEqual({ functionArn: `${functionArn(fn)}:1`, version: '1' });
    expect(gone).toBeNull();
    expect(url).toEqual({ authType: 'AWS_IAM' });
  });

  test('REST: resources with their integrations, stage variables, authorizers', async () => {
    // Arrange
    const uri = lambdaUri(`${functionArn(`${P}-rest`)}:\${stageVariables.alias}`);
    const authUri = lambdaUri(functionArn(`${P}-auth`));
    const { apiId, authorizerIds } = await createRestApiWith(
      `${P}-rest`,
      [{ path: '/orders/{id}', method: 'GET', uri, authorizer: 'token' }],
      [{ name: 'prod', variables: { alias: 'live' } }],
      { token: authUri },
    );

    // Act
    const resources = await r.call('apigateway:GetResources', { region: REGION, restApiId: apiId });
    const stage = await r.call('apigateway:GetStage', {
      region: REGION,
      restApiId: apiId,
      stageName: 'prod',
    });
    const noStage = await r.call('apigateway:GetStage', {
      region: REGION,
      restApiId: apiId,
      stageName: 'beta',
    });
    const authorizers = await r.call('apigateway:GetAuthorizers', {
      region: REGION,
      restApiId: apiId,
    });

    // Assert
    const method = resources?.find((x) => x.path === '/orders/{id}')?.methods[0];
    expect(method).toEqual({
      httpMethod: 'GET',
      authorizationType: 'CUSTOM',
      authorizerId: authorizerIds.token,
      integration: { type: 'AWS_PROXY', uri, credentials: null },
    });
    expect(stage).toEqual({ variables: { alias: 'live' } });
    expect(noStage).toBeNull();
    expect(authorizers).toEqual([
      { id: authorizerIds.token, name: 'token', type: 'TOKEN', uri: authUri, credentials: null },
    ]);
  });

  test('HTTP: routes, integrations, stage variables', async () => {
    const apiId = await createHttpApiWith(
      `${P}-http`,
      [{ routeKey: 'GET /pets', functionArn: functionArn(`${P}-pets`) }],
      { name: 'prod', variables: { fn: 'pets' } },
    );
    const routes = await r.call('apigatewayv2:GetRoutes', { region: REGION, apiId });
    const integrations = await r.call('apigatewayv2:GetIntegrations', { region: REGION, apiId });
    const stage = await r.call('apigatewayv2:GetStage', {
      region: REGION,
      apiId,
      stageName: 'prod',
    });
    expect(routes).toEqual([
      {
        routeKey: 'GET /pets',
        target: `integrations/${integrations![0]!.id}`,
        authorizationType: 'NONE',
        authorizerId: null,
      },
    ]);
    expect(integrations![0]).toMatchObject({ type: 'AWS_PROXY', uri: functionArn(`${P}-pets`) });
    expect(stage).toEqual({ variables: { fn: 'pets' } });
  });

  test('IAM: role with path and trust, inline policies; an unknown role is null', async () => {
    await createRoleWith(`${P}-role`, {
      invoke: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }],
      },
    });
    const role = await r.call('iam:GetRole', { roleName: `${P}-role` });
    const names = await r.call('iam:ListInlinePolicies', { holder: 'role', name: `${P}-role` });
    const doc = await r.call('iam:GetInlinePolicy', {
      holder: 'role',
      name: `${P}-role`,
      policyName: 'invoke',
    });
    const attached = await r.call('iam:ListAttachedPolicies', {
      holder: 'role',
      name: `${P}-role`,
    });
    expect(role).toMatchObject({
      arn: `arn:aws:iam::${ACCOUNT}:role/${P}-role`,
      permissionsBoundaryArn: null,
    });
    expect(decodeURIComponent(role!.trustPolicy!)).toContain('lambda.amazonaws.com');
    expect(names).toEqual(['invoke']);
    expect(decodeURIComponent(doc!.document)).toContain('lambda:InvokeFunction');
    expect(attached).toEqual([]);
    expect(await r.call('iam:GetRole', { roleName: `${P}-nobody` })).toBeNull();
  });

  test("STS: the credentials' account", async () => {
    expect(await r.call('sts:GetCallerIdentity', {})).toMatchObject({ account: ACCOUNT });
  });
});

describe('AwsAccountReader: CloudTrail and IAM simulation in the API reference shapes', () => {
  test('LookupEvents: the CLI documentation output, CloudTrailEvent kept as the JSON string', async () => {
    // Arrange: the documented output, EventTime as the wire's epoch seconds
    const doc = JSON.parse(fixture('cloudtrail/lookup-events-cli-example.json')) as {
      Events: Record<string, unknown>[];
    };
    const events = doc.Events.map((e) => ({
      ...e,
      EventTime: Date.parse(String(e.EventTime)) / 1000,
    }));
    stub.use((req) =>
      req.operation === 'LookupEvents' ? jsonAnswer({ Events: events }) : undefined,
    );
    const r = reader({ cloudtrail: stub.endpoint });

    // Act
    const out = await r.call('cloudtrail:LookupEvents', {
      region: REGION,
      resourceName: 'my-role',
      startTime: '2021-11-18T00:00:00Z',
      endTime: '2021-11-19T00:00:00Z',
    });
    r.destroy();

    // Assert: the request carried one ResourceName attribute
    expect(stub.answered.at(-1)?.body).toMatchObject({
      LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'my-role' }],
      MaxResults: 50,
    });
    expect(out).toEqual([
      {
        eventId: '654ccbc0-ba0d-486a-9076-dbf7274677a7',
        eventName: 'ConsoleLogin',
        eventTime: '2021-11-18T17:41:02.000Z',
        eventSource: null,
        cloudTrailEvent: doc.Events[0]!.CloudTrailEvent,
      },
    ]);
  });

  test('SimulatePrincipalPolicy: one result per action with the matched policy', async () => {
    stub.use(
      simulateHandler((action) =>
        action === 'lambda:InvokeFunctionUrl'
          ? {
              decision: 'allowed',
              matched: [{ policyId: 'Grant-Access-To-CodeCommit-ListRepo', policyType: 'user' }],
            }
          : { decision: 'implicitDeny', matched: [] },
      ),
    );
    const r = reader({ iam: stub.endpoint });
    const out = await r.call('iam:SimulatePrincipalPolicy', {
      policySourceArn: `arn:aws:iam::${ACCOUNT}:user/alejandro`,
      actions: ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'],
      resourceArn: functionArn('my-function'),
      context: { 'lambda:FunctionUrlAuthType': 'AWS_IAM', 'lambda:InvokedViaFunctionUrl': 'true' },
    });
    r.destroy();
    expect(out).toEqual([
      {
        action: 'lambda:InvokeFunctionUrl',
        decision: 'allowed',
        matched: [{ policyId: 'Grant-Access-To-CodeCommit-ListRepo', policyType: 'user' }],
        allowedByBoundary: null,
        allowedByOrganizations: null,
        missingContextValues: [],
      },
      {
        action: 'lambda:InvokeFunction',
        decision: 'implicitDeny',
        matched: [],
        allowedByBoundary: null,
        allowedByOrganizations: null,
        missingContextValues: [],
      },
    ]);
    // The context keys went as typed entries.
    expect(stub.answered.at(-1)?.body).toMatchObject({
      'ContextEntries.member.2.ContextKeyName': 'lambda:InvokedViaFunctionUrl',
      'ContextEntries.member.2.ContextKeyType': 'boolean',
    });
  });

  test.each([
    [403, 'AccessDeniedException'],
    [429, 'TooManyRequestsException'],
  ])('a %s %s is thrown with the call and the code', async (status, code) => {
    stub.use(() =>
      restJsonError(
        status,
        code,
        'User: arn:aws:iam::123456789012:user/x is not authorized to perform: lambda:GetPolicy',
      ),
    );
    const r = reader({ lambda: stub.endpoint });
    const failure = await r
      .call('lambda:GetPolicy', { region: REGION, functionName: 'orders', qualifier: null })
      .catch((e: unknown) => e);
    r.destroy();
    expect(failure).toBeInstanceOf(AccountReadError);
    expect(failure).toMatchObject({ call: 'lambda:GetPolicy', code });
  });
});

describe('buildVerifier: the time budget', () => {
  test('calls that do not answer within the budget end in unverifiable, naming the call', async () => {
    // Arrange: Lambda accepts the request and never answers; the budget is 300 ms
    let release: () => void = () => {};
    const hang = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await startHangingServer(hang);
    const verifier = buildVerifier({
      region: REGION,
      endpoints: { lambda: server.endpoint },
      budgetMs: 300,
    });
    const [batch] = decodeInput(roleDenied(`${P}-role`, `${P}-session`, `${P}-slow`));
    const [diagnosis] = analyzeBatches([batch!]).diagnoses;

    // Act
    const verified = await verifier.verify(diagnosis!);
    release();
    await server.close();

    // Assert
    expect(verified.verification?.status).toBe('unverifiable');
    expect(verified.verification?.reason).toMatch(/did not answer within the time budget/);
    expect(verified.fixes).toEqual(diagnosis!.fixes);
  });
});

/** A server that accepts requests and answers none until `until` settles. */
async function startHangingServer(until: Promise<void>) {
  const { createServer } = await import('node:http');
  const server = createServer((_req, res) => {
    void until.then(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
