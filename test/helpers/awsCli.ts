/**
 * Emulator plumbing for fix tests: suggested commands run through the real AWS CLI (v1) against the
 * moto server of jest's global setup; setup and assertions talk to moto's HTTP API directly, which is
 * much faster than one CLI process per call.
 */
import { execFile } from 'node:child_process';
import { motoEnv } from './moto';
import { motoEndpoint } from './motoEndpoint';

/** Environment for child processes: moto endpoint, dummy credentials, no real AWS. */
export function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...motoEnv(motoEndpoint()) };
  // A profile would point the CLI at config that motoEnv deliberately hides.
  delete env.AWS_PROFILE;
  return env;
}

/** Runs a suggested command exactly as a user would paste it: unchanged, through `bash -c`. */
export function runInBash(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['-c', command],
      { env: cliEnv(), encoding: 'utf8' },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${command}\n${stderr}`, { cause: error })) : resolve(stdout),
    );
  });
}

/** moto routes requests by the service in the SigV4 credential scope; it does not check signatures. */
function authorization(service: string): string {
  return `AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;
}

/** Calls a JSON REST API of moto (`service` as in the SigV4 scope) and returns the parsed body. */
export async function restApi(
  service: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${motoEndpoint()}${path}`, {
    method,
    headers: { authorization: authorization(service), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${service} ${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Calls moto's Lambda REST API (paths below `/2015-03-31`). */
export function lambdaApi(method: string, path: string, body?: unknown): Promise<unknown> {
  return restApi('lambda', method, `/2015-03-31${path}`, body);
}

/** Calls moto's IAM query API and returns the XML body (throws on HTTP errors). */
export async function iamApi(params: Record<string, string>): Promise<string> {
  const res = await fetch(`${motoEndpoint()}/`, {
    method: 'POST',
    headers: {
      authorization: authorization('iam'),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ ...params, Version: '2010-05-08' }).toString(),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`iam ${params.Action}: ${res.status} ${text}`);
  return text;
}

/** The URL-encoded policy document of an IAM response (`<PolicyDocument>`), parsed. */
export function policyDocumentOf(xml: string, element = 'PolicyDocument'): unknown {
  const m = new RegExp(`<${element}>([^<]*)</${element}>`).exec(xml);
  if (!m?.[1]) throw new Error(`no ${element} in ${xml}`);
  return JSON.parse(decodeURIComponent(m[1]));
}

/** An empty but valid zip archive (end-of-central-directory record only): moto only stores it. */
const EMPTY_ZIP = (() => {
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  return eocd.toString('base64');
})();

/** Creates a role trusted by Lambda. */
export async function createRole(roleName: string): Promise<void> {
  await iamApi({
    Action: 'CreateRole',
    RoleName: roleName,
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ],
    }),
  });
}

/** Creates an execution role and a function with version 1 published; returns the function ARN. */
export async function createFunction(name: string, roleName: string): Promise<string> {
  await createRole(roleName);
  const fn = (await lambdaApi('POST', '/functions', {
    FunctionName: name,
    Runtime: 'nodejs20.x',
    Handler: 'index.handler',
    Role: `arn:aws:iam::123456789012:role/${roleName}`,
    Code: { ZipFile: EMPTY_ZIP },
    Publish: true,
  })) as { FunctionArn: string };
  return fn.FunctionArn;
}

/** One statement of a function policy as Lambda returns it. */
export interface PolicyStatement {
  Sid: string;
  Effect: string;
  Action: string;
  Principal: unknown;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

/** The statements of the function's resource-based policy (optionally of one qualifier). */
export async function functionPolicy(name: string, qualifier?: string): Promise<PolicyStatement[]> {
  const query = qualifier ? `?Qualifier=${encodeURIComponent(qualifier)}` : '';
  const out = (await lambdaApi('GET', `/functions/${name}/policy${query}`)) as { Policy: string };
  return (JSON.parse(out.Policy) as { Statement: PolicyStatement[] }).Statement;
}

/** Creates a REST API with `GET <path>` integrated with `functionArn`; returns the API id. */
export async function createRestApi(
  name: string,
  pathPart: string,
  functionArn: string,
): Promise<string> {
  const api = (await restApi('apigateway', 'POST', '/restapis', { name })) as { id: string };
  const resources = (await restApi('apigateway', 'GET', `/restapis/${api.id}/resources`)) as {
    item: { id: string; path: string }[];
  };
  const root = resources.item.find((r) => r.path === '/');
  if (!root) throw new Error('moto created no root resource');
  const resource = (await restApi(
    'apigateway',
    'POST',
    `/restapis/${api.id}/resources/${root.id}`,
    {
      pathPart,
    },
  )) as { id: string };
  const method = `/restapis/${api.id}/resources/${resource.id}/methods/GET`;
  await restApi('apigateway', 'PUT', method, { authorizationType: 'NONE' });
  await restApi('apigateway', 'PUT', `${method}/integration`, {
    type: 'AWS_PROXY',
    httpMethod: 'POST',
    uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${functionArn}/invocations`,
  });
  return api.id;
}
