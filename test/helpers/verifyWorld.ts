/**
 * Builds verification scenarios in moto: functions with versions and aliases, REST APIs with
 * resources, Lambda integrations (stage-variable URIs included), stages with variables and
 * authorizers, HTTP APIs with routes, and IAM roles and users with inline policies. Everything goes
 * through moto's own HTTP APIs, the ones the AWS CLI and SDK use.
 */
import { createFunction, iamApi, lambdaApi, restApi } from './awsCli';
import { MOTO_ACCOUNT_ID, TEST_REGION } from './moto';

/** The account moto serves. */
export const ACCOUNT = MOTO_ACCOUNT_ID;
/** The region every scenario lives in. */
export const REGION = TEST_REGION;

/** Unqualified ARN of a function in moto's account. */
export function functionArn(name: string, account = ACCOUNT): string {
  return `arn:aws:lambda:${REGION}:${account}:function:${name}`;
}

/** The REST integration URI of a function ARN (which may hold `${stageVariables.x}`). */
export function lambdaUri(target: string): string {
  return `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${target}/invocations`;
}

/** Creates a function (version 1 published) and, optionally, aliases on version 1. */
export async function createFunctionWith(
  name: string,
  aliases: readonly string[] = [],
): Promise<string> {
  const arn = await createFunction(name, `${name}-exec`);
  for (const alias of aliases) {
    await lambdaApi('POST', `/functions/${name}/aliases`, { Name: alias, FunctionVersion: '1' });
  }
  return arn;
}

/** Grants API Gateway (or another principal) on a function, as `aws lambda add-permission` does. */
export async function addPermission(
  name: string,
  statement: {
    sid: string;
    principal?: string;
    sourceArn?: string;
    qualifier?: string;
    action?: string;
  },
): Promise<void> {
  const query = statement.qualifier ? `?Qualifier=${encodeURIComponent(statement.qualifier)}` : '';
  await lambdaApi('POST', `/functions/${name}/policy${query}`, {
    StatementId: statement.sid,
    Action: statement.action ?? 'lambda:InvokeFunction',
    Principal: statement.principal ?? 'apigateway.amazonaws.com',
    ...(statement.sourceArn ? { SourceArn: statement.sourceArn } : {}),
  });
}

/** One method of a REST API. */
export interface RestRoute {
  readonly path: string;
  readonly method: string;
  /** Integration URI (see lambdaUri); omitted: a MOCK integration. */
  readonly uri?: string;
  readonly credentials?: string;
  readonly authorizer?: string;
}

/** A REST API as built. */
export interface RestWorld {
  readonly apiId: string;
  readonly authorizerIds: Readonly<Record<string, string>>;
}

/**
 * Creates a REST API with the routes (nested resources created as needed), TOKEN authorizers
 * (name → function URI), and a deployment to each stage with its variables.
 */
export async function createRestApiWith(
  name: string,
  routes: readonly RestRoute[],
  stages: readonly { name: string; variables?: Record<string, string> }[],
  authorizers: Readonly<Record<string, string>> = {},
): Promise<RestWorld> {
  const api = (await restApi('apigateway', 'POST', '/restapis', { name })) as { id: string };
  const resources = (await restApi('apigateway', 'GET', `/restapis/${api.id}/resources`)) as {
    item: { id: string; path: string }[];
  };
  const ids = new Map(resources.item.map((r) => [r.path, r.id]));
  const authorizerIds: Record<string, string> = {};
  for (const [authName, uri] of Object.entries(authorizers)) {
    const a = (await restApi('apigateway', 'POST', `/restapis/${api.id}/authorizers`, {
      name: authName,
      type: 'TOKEN',
      authorizerUri: uri,
      identitySource: 'method.request.header.Authorization',
    })) as { id: string };
    authorizerIds[authName] = a.id;
  }
  for (const route of routes) {
    let parentPath = '/';
    for (const part of route.path.split('/').filter(Boolean)) {
      const path = parentPath === '/' ? `/${part}` : `${parentPath}/${part}`;
      if (!ids.has(path)) {
        const created = (await restApi(
          'apigateway',
          'POST',
          `/restapis/${api.id}/resources/${ids.get(parentPath)}`,
          { pathPart: part },
        )) as { id: string };
        ids.set(path, created.id);
      }
      parentPath = path;
    }
    const method = `/restapis/${api.id}/resources/${ids.get(route.path === '' ? '/' : route.path)}/methods/${route.method}`;
    await restApi('apigateway', 'PUT', method, {
      authorizationType: route.authorizer ? 'CUSTOM' : 'NONE',
      ...(route.authorizer ? { authorizerId: authorizerIds[route.authorizer] } : {}),
    });
    await restApi(
      'apigateway',
      'PUT',
      `${method}/integration`,
      route.uri
        ? {
            type: 'AWS_PROXY',
            httpMethod: 'POST',
            uri: route.uri,
            ...(route.credentials ? { credentials: route.credentials } : {}),
          }
        : { type: 'MOCK' },
    );
  }
  for (const stage of stages) {
    await restApi('apigateway', 'POST', `/restapis/${api.id}/deployments`, {
      stageName: stage.name,
      ...(stage.variables ? { variables: stage.variables } : {}),
    });
  }
  return { apiId: api.id, authorizerIds };
}

/** Creates an HTTP API with Lambda routes and a stage; returns the API id. */
export async function createHttpApiWith(
  name: string,
  routes: readonly { routeKey: string; functionArn: string }[],
  stage: { name: string; variables?: Record<string, string> },
): Promise<string> {
  const api = (await restApi('apigateway', 'POST', '/v2/apis', {
    name,
    protocolType: 'HTTP',
  })) as { apiId: string };
  for (const route of routes) {
    const integration = (await restApi('apigateway', 'POST', `/v2/apis/${api.apiId}/integrations`, {
      integrationType: 'AWS_PROXY',
      integrationUri: route.functionArn,
      payloadFormatVersion: '2.0',
    })) as { integrationId: string };
    await restApi('apigateway', 'POST', `/v2/apis/${api.apiId}/routes`, {
      routeKey: route.routeKey,
      target: `integrations/${integration.integrationId}`,
    });
  }
  await restApi('apigateway', 'POST', `/v2/apis/${api.apiId}/stages`, {
    stageName: stage.name,
    ...(stage.variables ? { stageVariables: stage.variables } : {}),
  });
  return api.apiId;
}

/** Creates a role any principal of the account may assume, with inline policies. */
export async function createRoleWith(
  roleName: string,
  inline: Readonly<Record<string, unknown>> = {},
  trustedService = 'lambda.amazonaws.com',
): Promise<string> {
  const xmlOut = await iamApi({
    Action: 'CreateRole',
    RoleName: roleName,
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: trustedService }, Action: 'sts:AssumeRole' },
      ],
    }),
  });
  for (const [policyName, document] of Object.entries(inline)) {
    await iamApi({
      Action: 'PutRolePolicy',
      RoleName: roleName,
      PolicyName: policyName,
      PolicyDocument: JSON.stringify(document),
    });
  }
  return /<Arn>([^<]+)<\/Arn>/.exec(xmlOut)?.[1] ?? `arn:aws:iam::${ACCOUNT}:role/${roleName}`;
}

/** Creates an IAM user with inline policies; returns its ARN. */
export async function createUserWith(
  userName: string,
  inline: Readonly<Record<string, unknown>> = {},
): Promise<string> {
  const xmlOut = await iamApi({ Action: 'CreateUser', UserName: userName });
  for (const [policyName, document] of Object.entries(inline)) {
    await iamApi({
      Action: 'PutUserPolicy',
      UserName: userName,
      PolicyName: policyName,
      PolicyDocument: JSON.stringify(document),
    });
  }
  return /<Arn>([^<]+)<\/Arn>/.exec(xmlOut)?.[1] ?? `arn:aws:iam::${ACCOUNT}:user/${userName}`;
}

/** Deletes a function (its versions, aliases and policy go with it). */
export async function deleteFunction(name: string): Promise<void> {
  await lambdaApi('DELETE', `/functions/${name}`);
}

/** Creates a function URL config (`AWS_IAM` or `NONE`). */
export async function createFunctionUrl(name: string, authType: 'AWS_IAM' | 'NONE'): Promise<void> {
  await restApi('lambda', 'POST', `/2021-10-31/functions/${name}/url`, { AuthType: authType });
}
