import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { STSClient } from '@aws-sdk/client-sts';
import { AccountReadError } from '../core/errors';
import type {
  AccountCallName,
  AccountCalls,
  AccountReader,
  ApiAuthorizer,
  HttpIntegration,
  HttpRoute,
  IamHolder,
  RestResource,
} from '../core/ports/AccountReader';
import { awsSdk } from './awsSdk';

/** How the reader reaches AWS. */
export interface AwsAccountReaderOptions {
  /** Region of regional clients when a call names none, and of STS. */
  readonly region?: string | undefined;
  /** Named profile of the shared config files (the CLI's --profile). */
  readonly profile?: string | undefined;
  /**
   * The account and partition the credentials belong to, when the caller knows them (the Lambda
   * context's function ARN): GetCallerIdentity is then answered without a call.
   */
  readonly identity?: { readonly account: string; readonly partition: string } | undefined;
  /** SDK attempts per call (default 2: one retry; verification has a time budget). */
  readonly maxAttempts?: number;
  /**
   * Endpoint per service (`lambda`, `apigateway`, `apigatewayv2`, `iam`, `cloudtrail`, `sts`), for
   * VPC interface endpoints or emulators; otherwise the SDK's (AWS_ENDPOINT_URL_* included).
   */
  readonly endpoints?: Readonly<Record<string, string>> | undefined;
  /** Called once per SDK request sent, for the benchmark and `--verbose`. */
  readonly onRequest?: ((call: AccountCallName) => void) | undefined;
}

/** Per-call options the port does not know about. */
export interface CallOptions {
  /** Aborts the in-flight request (the verification's time budget). */
  readonly abortSignal?: AbortSignal | undefined;
}

const MAX_PAGES = 10;

type Handler<N extends AccountCallName> = (
  params: AccountCalls[N]['params'],
  send: Sender,
) => Promise<AccountCalls[N]['result']>;

/** Sends one SDK command with the call's abort signal, counting it. */
type Sender = <T>(
  client: { send(command: never, options?: unknown): Promise<T> },
  command: unknown,
) => Promise<T>;

const NOT_FOUND = new Set([
  'ResourceNotFoundException',
  'NotFoundException',
  'NoSuchEntityException',
  'NoSuchEntity',
]);

/**
 * The verification's AccountReader on the AWS SDK: one read-only call per port call (lists are
 * paged, at most ten pages), a "not found" answer returned as null, every other error thrown as
 * AccountReadError with the service's error code. Regional clients are created per Region on first
 * use, with the standard credential chain (or the named profile) and AWS_ENDPOINT_URL* honoured,
 * so the same code runs against moto and a local CloudTrail stand-in in tests.
 */
export class AwsAccountReader implements AccountReader {
  private readonly lambdaClients = new Map<string, LambdaClient>();
  private readonly restClients = new Map<string, APIGatewayClient>();
  private readonly httpClients = new Map<string, ApiGatewayV2Client>();
  private readonly trailClients = new Map<string, CloudTrailClient>();
  private iamClient: IAMClient | undefined;
  private simulatorClient: IAMClient | undefined;
  private stsClient: STSClient | undefined;
  private identity: Promise<{ account: string; arn: string }> | undefined;

  constructor(private readonly options: AwsAccountReaderOptions = {}) {
    if (options.identity) {
      const { account, partition } = options.identity;
      this.identity = Promise.resolve({ account, arn: `arn:${partition}:iam::${account}:root` });
    }
  }

  async call<N extends AccountCallName>(
    name: N,
    params: AccountCalls[N]['params'],
    options: CallOptions = {},
  ): Promise<AccountCalls[N]['result']> {
    const send: Sender = async (client, command) => {
      this.options.onRequest?.(name);
      return client.send(command as never, { abortSignal: options.abortSignal });
    };
    try {
      return await (HANDLERS[name] as Handler<N>).call(this, params, send);
    } catch (error) {
      if (error instanceof AccountReadError) throw error;
      const code = errorCode(error);
      if (NOT_FOUND.has(code) && NULL_ON_NOT_FOUND.has(name)) {
        return null as AccountCalls[N]['result'];
      }
      const message = error instanceof Error ? error.message : String(error);
      throw new AccountReadError(name, code, oneLine(message), { cause: error });
    }
  }

  /** Releases the SDK clients' sockets (the CLI calls it before exiting). */
  destroy(): void {
    for (const map of [this.lambdaClients, this.restClients, this.httpClients, this.trailClients]) {
      for (const client of map.values()) client.destroy();
      map.clear();
    }
    this.iamClient?.destroy();
    this.simulatorClient?.destroy();
    this.stsClient?.destroy();
  }

  /** @internal */
  clientConfig(region: string | undefined, service: string): Record<string, unknown> {
    const endpoint = this.options.endpoints?.[service];
    return {
      maxAttempts: this.options.maxAttempts ?? 2,
      ...(endpoint ? { endpoint } : {}),
      ...(region ? { region } : {}),
      ...(this.options.profile ? { profile: this.options.profile } : {}),
    };
  }

  /** @internal */
  lambda(region: string): LambdaClient {
    return cached(
      this.lambdaClients,
      region,
      () => new (awsSdk.lambda().LambdaClient)(this.clientConfig(region, 'lambda')),
    );
  }
  /** @internal */
  rest(region: string): APIGatewayClient {
    return cached(
      this.restClients,
      region,
      () => new (awsSdk.apigateway().APIGatewayClient)(this.clientConfig(region, 'apigateway')),
    );
  }
  /** @internal */
  http(region: string): ApiGatewayV2Client {
    return cached(
      this.httpClients,
      region,
      () =>
        new (awsSdk.apigatewayv2().ApiGatewayV2Client)(this.clientConfig(region, 'apigatewayv2')),
    );
  }
  /** @internal */
  trail(region: string): CloudTrailClient {
    return cached(
      this.trailClients,
      region,
      () => new (awsSdk.cloudtrail().CloudTrailClient)(this.clientConfig(region, 'cloudtrail')),
    );
  }
  /** @internal IAM is global; its endpoint takes the partition's signing Region. */
  iam(): IAMClient {
    this.iamClient ??= new (awsSdk.iam().IAMClient)(
      this.clientConfig(this.options.region ?? 'us-east-1', 'iam'),
    );
    return this.iamClient;
  }
  /**
   * @internal The simulation is optional (local evaluation is the fallback), so it gets one
   * attempt: a retry would spend the time budget on what the policies themselves can answer.
   */
  simulator(): IAMClient {
    this.simulatorClient ??= new (awsSdk.iam().IAMClient)({
      ...this.clientConfig(this.options.region ?? 'us-east-1', 'iam'),
      maxAttempts: 1,
    });
    return this.simulatorClient;
  }
  /** @internal */
  sts(): STSClient {
    this.stsClient ??= new (awsSdk.sts().STSClient)(this.clientConfig(this.options.region, 'sts'));
    return this.stsClient;
  }
  /** @internal The caller identity, asked once per reader. */
  whoAmI(send: Sender): Promise<{ account: string; arn: string }> {
    this.identity ??= send(this.sts(), new (awsSdk.sts().GetCallerIdentityCommand)({})).then(
      (out) => {
        const o = out as { Account?: string; Arn?: string };
        return { account: o.Account ?? '', arn: o.Arn ?? '' };
      },
    );
    this.identity.catch(() => {
      this.identity = undefined;
    });
    return this.identity;
  }
}

function cached<T>(map: Map<string, T>, key: string, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** Calls whose "no such resource" error is an answer (null), not a failure. */
const NULL_ON_NOT_FOUND = new Set<AccountCallName>([
  'lambda:GetPolicy',
  'lambda:GetFunctionConfiguration',
  'lambda:GetFunctionUrlConfig',
  'apigateway:GetResources',
  'apigateway:GetStage',
  'apigateway:GetAuthorizers',
  'apigatewayv2:GetRoutes',
  'apigatewayv2:GetIntegrations',
  'apigatewayv2:GetAuthorizer',
  'apigatewayv2:GetStage',
  'iam:GetRole',
  'iam:GetUser',
  'iam:GetInlinePolicy',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
]);

function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'Error';
  const e = error as {
    name?: unknown;
    Code?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const name = typeof e.name === 'string' ? e.name : typeof e.Code === 'string' ? e.Code : 'Error';
  // An error body the SDK cannot parse (an emulator's HTML 500) still has a status.
  if ((name === 'Error' || name === 'Unknown') && e.$metadata?.httpStatusCode) {
    return `HTTP${e.$metadata.httpStatusCode}`;
  }
  return name;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The IAM commands of one holder kind (role, user, group), which differ only in name. */
interface HolderApi {
  readonly key: 'RoleName' | 'UserName' | 'GroupName';
  readonly listInline: new (input: never) => unknown;
  readonly getInline: new (input: never) => unknown;
  readonly listAttached: new (input: never) => unknown;
}

function holderApi(holder: IamHolder): HolderApi {
  const iam = awsSdk.iam();
  switch (holder) {
    case 'role':
      return {
        key: 'RoleName',
        listInline: iam.ListRolePoliciesCommand,
        getInline: iam.GetRolePolicyCommand,
        listAttached: iam.ListAttachedRolePoliciesCommand,
      };
    case 'user':
      return {
        key: 'UserName',
        listInline: iam.ListUserPoliciesCommand,
        getInline: iam.GetUserPolicyCommand,
        listAttached: iam.ListAttachedUserPoliciesCommand,
      };
    default:
      return {
        key: 'GroupName',
        listInline: iam.ListGroupPoliciesCommand,
        getInline: iam.GetGroupPolicyCommand,
        listAttached: iam.ListAttachedGroupPoliciesCommand,
      };
  }
}

/** Pages through a list with `marker` → `next` until the end or {@link MAX_PAGES}. */
async function pages<T>(
  fetch: (token: string | undefined) => Promise<{ items: T[]; next: string | undefined }>,
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { items, next } = await fetch(token);
    out.push(...items);
    if (!next) break;
    token = next;
  }
  return out;
}

type Handlers = {
  [N in AccountCallName]: (
    this: AwsAccountReader,
    params: AccountCalls[N]['params'],
    send: Sender,
  ) => Promise<AccountCalls[N]['result']>;
};

const HANDLERS: Handlers = {
  async 'sts:GetCallerIdentity'(_params, send) {
    return this.whoAmI(send);
  },
  async 'lambda:GetPolicy'(p, send) {
    const out = (await send(
      this.lambda(p.region),
      new (awsSdk.lambda().GetPolicyCommand)({
        FunctionName: p.functionName,
        ...(p.qualifier ? { Qualifier: p.qualifier } : {}),
      }),
    )) as { Policy?: string };
    return out.Policy ? { policy: out.Policy } : null;
  },
  async 'lambda:GetFunctionConfiguration'(p, send) {
    const out = (await send(
      this.lambda(p.region),
      new (awsSdk.lambda().GetFunctionConfigurationCommand)({
        FunctionName: p.functionName,
        ...(p.qualifier ? { Qualifier: p.qualifier } : {}),
      }),
    )) as { FunctionArn?: string; Version?: string };
    return { functionArn: out.FunctionArn ?? p.functionName, version: str(out.Version) };
  },
  async 'lambda:GetFunctionUrlConfig'(p, send) {
    const out = (await send(
      this.lambda(p.region),
      new (awsSdk.lambda().GetFunctionUrlConfigCommand)({
        FunctionName: p.functionName,
        ...(p.qualifier ? { Qualifier: p.qualifier } : {}),
      }),
    )) as { AuthType?: string };
    return { authType: out.AuthType ?? 'AWS_IAM' };
  },
  async 'apigateway:GetResources'(p, send) {
    const sdk = awsSdk.apigateway();
    const items = await pages(async (position) => {
      const out = (await send(
        this.rest(p.region),
        new sdk.GetResourcesCommand({
          restApiId: p.restApiId,
          embed: ['methods'],
          limit: 500,
          position,
        }),
      )) as { items?: unknown[]; position?: string };
      return { items: out.items ?? [], next: out.position };
    });
    return items.map((raw): RestResource => {
      const r = raw as {
        id?: string;
        path?: string;
        resourceMethods?: Record<string, Record<string, unknown>>;
      };
      return {
        id: r.id ?? '',
        path: r.path ?? '',
        methods: Object.entries(r.resourceMethods ?? {}).map(([verb, m]) => {
          const integration = m.methodIntegration as Record<string, unknown> | undefined;
          return {
            httpMethod: str(m.httpMethod) ?? verb,
            authorizationType: str(m.authorizationType),
            authorizerId: str(m.authorizerId),
            integration: integration
              ? {
                  type: str(integration.type),
                  uri: str(integration.uri),
                  credentials: str(integration.credentials),
                }
              : null,
          };
        }),
      };
    });
  },
  async 'apigateway:GetStage'(p, send) {
    const out = (await send(
      this.rest(p.region),
      new (awsSdk.apigateway().GetStageCommand)({ restApiId: p.restApiId, stageName: p.stageName }),
    )) as { variables?: Record<string, string> };
    return { variables: out.variables ?? {} };
  },
  async 'apigateway:GetAuthorizers'(p, send) {
    const sdk = awsSdk.apigateway();
    const items = await pages(async (position) => {
      const out = (await send(
        this.rest(p.region),
        new sdk.GetAuthorizersCommand({ restApiId: p.restApiId, limit: 500, position }),
      )) as { items?: Record<string, unknown>[]; position?: string };
      return { items: out.items ?? [], next: out.position };
    });
    return items.map(
      (a): ApiAuthorizer => ({
        id: str(a.id) ?? '',
        name: str(a.name),
        type: str(a.type),
        uri: str(a.authorizerUri),
        credentials: str(a.authorizerCredentials),
      }),
    );
  },
  async 'apigatewayv2:GetRoutes'(p, send) {
    const sdk = awsSdk.apigatewayv2();
    const items = await pages(async (token) => {
      const out = (await send(
        this.http(p.region),
        new sdk.GetRoutesCommand({ ApiId: p.apiId, MaxResults: '500', NextToken: token }),
      )) as { Items?: Record<string, unknown>[]; NextToken?: string };
      return { items: out.Items ?? [], next: out.NextToken };
    });
    return items.map(
      (r): HttpRoute => ({
        routeKey: str(r.RouteKey) ?? '',
        target: str(r.Target),
        authorizationType: str(r.AuthorizationType),
        authorizerId: str(r.AuthorizerId),
      }),
    );
  },
  async 'apigatewayv2:GetIntegrations'(p, send) {
    const sdk = awsSdk.apigatewayv2();
    const items = await pages(async (token) => {
      const out = (await send(
        this.http(p.region),
        new sdk.GetIntegrationsCommand({ ApiId: p.apiId, MaxResults: '500', NextToken: token }),
      )) as { Items?: Record<string, unknown>[]; NextToken?: string };
      return { items: out.Items ?? [], next: out.NextToken };
    });
    return items.map(
      (i): HttpIntegration => ({
        id: str(i.IntegrationId) ?? '',
        type: str(i.IntegrationType),
        uri: str(i.IntegrationUri),
        credentials: str(i.CredentialsArn),
      }),
    );
  },
  async 'apigatewayv2:GetAuthorizer'(p, send) {
    const out = (await send(
      this.http(p.region),
      new (awsSdk.apigatewayv2().GetAuthorizerCommand)({
        ApiId: p.apiId,
        AuthorizerId: p.authorizerId,
      }),
    )) as Record<string, unknown>;
    return {
      id: str(out.AuthorizerId) ?? p.authorizerId,
      name: str(out.Name),
      type: str(out.AuthorizerType),
      uri: str(out.AuthorizerUri),
      credentials: str(out.AuthorizerCredentialsArn),
    };
  },
  async 'apigatewayv2:GetStage'(p, send) {
    const out = (await send(
      this.http(p.region),
      new (awsSdk.apigatewayv2().GetStageCommand)({ ApiId: p.apiId, StageName: p.stageName }),
    )) as { StageVariables?: Record<string, string> };
    return { variables: out.StageVariables ?? {} };
  },
  async 'iam:GetRole'(p, send) {
    const out = (await send(
      this.iam(),
      new (awsSdk.iam().GetRoleCommand)({ RoleName: p.roleName }),
    )) as {
      Role?: {
        Arn?: string;
        AssumeRolePolicyDocument?: string;
        PermissionsBoundary?: { PermissionsBoundaryArn?: string };
      };
    };
    if (!out.Role?.Arn) return null;
    return {
      arn: out.Role.Arn,
      permissionsBoundaryArn: str(out.Role.PermissionsBoundary?.PermissionsBoundaryArn),
      trustPolicy: str(out.Role.AssumeRolePolicyDocument),
    };
  },
  async 'iam:GetUser'(p, send) {
    const out = (await send(
      this.iam(),
      new (awsSdk.iam().GetUserCommand)({ UserName: p.userName }),
    )) as {
      User?: { Arn?: string; PermissionsBoundary?: { PermissionsBoundaryArn?: string } };
    };
    if (!out.User?.Arn) return null;
    return {
      arn: out.User.Arn,
      permissionsBoundaryArn: str(out.User.PermissionsBoundary?.PermissionsBoundaryArn),
      trustPolicy: null,
    };
  },
  async 'iam:ListGroupsForUser'(p, send) {
    const groups = await pages(async (marker) => {
      const out = (await send(
        this.iam(),
        new (awsSdk.iam().ListGroupsForUserCommand)({ UserName: p.userName, Marker: marker }),
      )) as { Groups?: { GroupName?: string }[]; IsTruncated?: boolean; Marker?: string };
      return { items: out.Groups ?? [], next: out.IsTruncated ? out.Marker : undefined };
    });
    return groups.map((g) => g.GroupName ?? '').filter(Boolean);
  },
  async 'iam:ListInlinePolicies'(p, send) {
    const api = holderApi(p.holder);
    return pages(async (marker) => {
      const out = (await send(
        this.iam(),
        new api.listInline({ [api.key]: p.name, Marker: marker } as never),
      )) as { PolicyNames?: string[]; IsTruncated?: boolean; Marker?: string };
      return { items: out.PolicyNames ?? [], next: out.IsTruncated ? out.Marker : undefined };
    });
  },
  async 'iam:GetInlinePolicy'(p, send) {
    const api = holderApi(p.holder);
    const out = (await send(
      this.iam(),
      new api.getInline({ [api.key]: p.name, PolicyName: p.policyName } as never),
    )) as { PolicyDocument?: string };
    return out.PolicyDocument ? { document: out.PolicyDocument } : null;
  },
  async 'iam:ListAttachedPolicies'(p, send) {
    const api = holderApi(p.holder);
    const attached = await pages(async (marker) => {
      const out = (await send(
        this.iam(),
        new api.listAttached({ [api.key]: p.name, Marker: marker } as never),
      )) as { AttachedPolicies?: { PolicyArn?: string }[]; IsTruncated?: boolean; Marker?: string };
      return { items: out.AttachedPolicies ?? [], next: out.IsTruncated ? out.Marker : undefined };
    });
    return attached.map((a) => a.PolicyArn ?? '').filter(Boolean);
  },
  async 'iam:GetPolicy'(p, send) {
    const out = (await send(
      this.iam(),
      new (awsSdk.iam().GetPolicyCommand)({ PolicyArn: p.policyArn }),
    )) as {
      Policy?: { DefaultVersionId?: string };
    };
    return out.Policy?.DefaultVersionId ? { defaultVersionId: out.Policy.DefaultVersionId } : null;
  },
  async 'iam:GetPolicyVersion'(p, send) {
    const out = (await send(
      this.iam(),
      new (awsSdk.iam().GetPolicyVersionCommand)({
        PolicyArn: p.policyArn,
        VersionId: p.versionId,
      }),
    )) as { PolicyVersion?: { Document?: string } };
    return out.PolicyVersion?.Document ? { document: out.PolicyVersion.Document } : null;
  },
  async 'iam:SimulatePrincipalPolicy'(p, send) {
    const out = (await send(
      this.simulator(),
      new (awsSdk.iam().SimulatePrincipalPolicyCommand)({
        PolicySourceArn: p.policySourceArn,
        ActionNames: [...p.actions],
        ResourceArns: [p.resourceArn],
        ContextEntries: Object.entries(p.context).map(([key, value]) => ({
          ContextKeyName: key,
          ContextKeyValues: [value],
          ContextKeyType: value === 'true' || value === 'false' ? 'boolean' : 'string',
        })),
      }),
    )) as { EvaluationResults?: Record<string, unknown>[] };
    return p.actions.map((action) => {
      const result = out.EvaluationResults?.find((r) => r.EvalActionName === action);
      const decision = str(result?.EvalDecision);
      if (
        !result ||
        (decision !== 'allowed' && decision !== 'explicitDeny' && decision !== 'implicitDeny')
      ) {
        throw new AccountReadError(
          'iam:SimulatePrincipalPolicy',
          'UnexpectedResponse',
          `no evaluation result for ${action}`,
        );
      }
      const matched = ((result.MatchedStatements as Record<string, unknown>[] | undefined) ?? [])
        .map((m) => ({
          policyId: str(m.SourcePolicyId) ?? '',
          policyType: str(m.SourcePolicyType),
        }))
        .filter((m) => m.policyId !== '');
      const boundary = result.PermissionsBoundaryDecisionDetail as
        | { AllowedByPermissionsBoundary?: boolean }
        | undefined;
      const org = result.OrganizationsDecisionDetail as
        | { AllowedByOrganizations?: boolean }
        | undefined;
      return {
        action,
        decision,
        matched,
        allowedByBoundary: boundary?.AllowedByPermissionsBoundary ?? null,
        allowedByOrganizations: org?.AllowedByOrganizations ?? null,
        missingContextValues: ((result.MissingContextValues as string[] | undefined) ?? []).slice(
          0,
          20,
        ),
      };
    });
  },
  async 'cloudtrail:LookupEvents'(p, send) {
    const out = (await send(
      this.trail(p.region),
      new (awsSdk.cloudtrail().LookupEventsCommand)({
        LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: p.resourceName }],
        StartTime: new Date(p.startTime),
        EndTime: new Date(p.endTime),
        MaxResults: 50,
      }),
    )) as { Events?: Record<string, unknown>[] };
    return (out.Events ?? []).flatMap((e) => {
      const name = str(e.EventName);
      const time = e.EventTime instanceof Date ? e.EventTime.toISOString() : str(e.EventTime);
      if (name === null || time === null) return [];
      return [
        {
          eventId: str(e.EventId),
          eventName: name,
          eventTime: time,
          eventSource: str(e.EventSource),
          cloudTrailEvent: str(e.CloudTrailEvent),
        },
      ];
    });
  },
};
