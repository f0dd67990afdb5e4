/** A REST API method as GetResources (`embed=methods`) returns it, reduced to what verification reads. */
export interface RestMethod {
  readonly httpMethod: string;
  /** `NONE`, `AWS_IAM`, `CUSTOM`, `COGNITO_USER_POOLS`. */
  readonly authorizationType: string | null;
  readonly authorizerId: string | null;
  readonly integration: {
    /** `AWS`, `AWS_PROXY`, `HTTP`, `HTTP_PROXY`, `MOCK`. */
    readonly type: string | null;
    readonly uri: string | null;
    /** A role ARN, `arn:aws:iam::*:user/*` (caller credentials) or null (resource-based policy). */
    readonly credentials: string | null;
  } | null;
}

/** A REST API resource with its methods. */
export interface RestResource {
  readonly id: string;
  readonly path: string;
  readonly methods: readonly RestMethod[];
}

/** A REST or HTTP API authorizer. */
export interface ApiAuthorizer {
  readonly id: string;
  readonly name: string | null;
  /** `TOKEN`, `REQUEST`, `COGNITO_USER_POOLS`, `JWT`. */
  readonly type: string | null;
  readonly uri: string | null;
  readonly credentials: string | null;
}

/** An HTTP or WebSocket API route. */
export interface HttpRoute {
  readonly routeKey: string;
  /** `integrations/<IntegrationId>`, or null. */
  readonly target: string | null;
  readonly authorizationType: string | null;
  readonly authorizerId: string | null;
}

/** An HTTP or WebSocket API integration. */
export interface HttpIntegration {
  readonly id: string;
  readonly type: string | null;
  /** A function ARN or an `arn:aws:apigateway:…:lambda:path/…/invocations` URI for Lambda. */
  readonly uri: string | null;
  readonly credentials: string | null;
}

/** A stage: its variables are what `${stageVariables.x}` in an integration URI resolves to. */
export interface ApiStage {
  readonly variables: Readonly<Record<string, string>>;
}

/** An IAM role or user as GetRole / GetUser return it. */
export interface IamPrincipalInfo {
  /** The ARN with its path. */
  readonly arn: string;
  readonly permissionsBoundaryArn: string | null;
  /** Roles only: the trust policy, URL-encoded as IAM returns it. */
  readonly trustPolicy: string | null;
}

/** IAM's policy simulation of one action on one resource (SimulatePrincipalPolicy). */
export interface SimulationResult {
  readonly action: string;
  readonly decision: 'allowed' | 'explicitDeny' | 'implicitDeny';
  /** Policies whose statements matched: inline policy names or managed policy ARNs. */
  readonly matched: readonly { readonly policyId: string; readonly policyType: string | null }[];
  readonly allowedByBoundary: boolean | null;
  readonly allowedByOrganizations: boolean | null;
  readonly missingContextValues: readonly string[];
}

/** One event of CloudTrail event history, as LookupEvents returns it. */
export interface TrailEventSummary {
  readonly eventId: string | null;
  readonly eventName: string;
  /** ISO time. */
  readonly eventTime: string;
  readonly eventSource: string | null;
  /** The full record: a JSON string. */
  readonly cloudTrailEvent: string | null;
}

/** Region-bound parameters. */
interface InRegion {
  readonly region: string;
}

/** A function, optionally one of its versions or aliases. */
interface FunctionTarget extends InRegion {
  /** Name or unqualified ARN. */
  readonly functionName: string;
  readonly qualifier: string | null;
}

/** Roles, users and groups: the three holders of identity-based policies. */
export type IamHolder = 'role' | 'user' | 'group';

/**
 * Every read-only call verification makes, by `service:Operation`, with its parameters and result.
 * A result of `null` is the service's "no such thing" answer (ResourceNotFoundException,
 * NoSuchEntity, NotFoundException), which is an answer, not a failure.
 */
export interface AccountCalls {
  'sts:GetCallerIdentity': {
    params: Record<string, never>;
    result: { readonly account: string; readonly arn: string };
  };
  'lambda:GetPolicy': { params: FunctionTarget; result: { readonly policy: string } | null };
  'lambda:GetFunctionConfiguration': {
    params: FunctionTarget;
    result: { readonly functionArn: string; readonly version: string | null } | null;
  };
  'lambda:GetFunctionUrlConfig': {
    params: FunctionTarget;
    result: { readonly authType: string } | null;
  };
  'apigateway:GetResources': {
    params: InRegion & { readonly restApiId: string };
    result: readonly RestResource[] | null;
  };
  'apigateway:GetStage': {
    params: InRegion & { readonly restApiId: string; readonly stageName: string };
    result: ApiStage | null;
  };
  'apigateway:GetAuthorizers': {
    params: InRegion & { readonly restApiId: string };
    result: readonly ApiAuthorizer[] | null;
  };
  'apigatewayv2:GetRoutes': {
    params: InRegion & { readonly apiId: string };
    result: readonly HttpRoute[] | null;
  };
  'apigatewayv2:GetIntegrations': {
    params: InRegion & { readonly apiId: string };
    result: readonly HttpIntegration[] | null;
  };
  'apigatewayv2:GetAuthorizer': {
    params: InRegion & { readonly apiId: string; readonly authorizerId: string };
    result: ApiAuthorizer | null;
  };
  'apigatewayv2:GetStage': {
    params: InRegion & { readonly apiId: string; readonly stageName: string };
    result: ApiStage | null;
  };
  'iam:GetRole': { params: { readonly roleName: string }; result: IamPrincipalInfo | null };
  'iam:GetUser': { params: { readonly userName: string }; result: IamPrincipalInfo | null };
  'iam:ListGroupsForUser': { params: { readonly userName: string }; result: readonly string[] };
  'iam:ListInlinePolicies': {
    params: { readonly holder: IamHolder; readonly name: string };
    result: readonly string[];
  };
  'iam:GetInlinePolicy': {
    params: { readonly holder: IamHolder; readonly name: string; readonly policyName: string };
    result: { readonly document: string } | null;
  };
  'iam:ListAttachedPolicies': {
    params: { readonly holder: IamHolder; readonly name: string };
    result: readonly string[];
  };
  'iam:GetPolicy': {
    params: { readonly policyArn: string };
    result: { readonly defaultVersionId: string } | null;
  };
  'iam:GetPolicyVersion': {
    params: { readonly policyArn: string; readonly versionId: string };
    result: { readonly document: string } | null;
  };
  'iam:SimulatePrincipalPolicy': {
    params: {
      readonly policySourceArn: string;
      readonly actions: readonly string[];
      readonly resourceArn: string;
      readonly context: Readonly<Record<string, string>>;
    };
    /** One result per action, in the order asked. */
    result: readonly SimulationResult[];
  };
  'cloudtrail:LookupEvents': {
    params: InRegion & {
      /** LookupEvents takes one attribute; verification looks up by resource name. */
      readonly resourceName: string;
      readonly startTime: string;
      readonly endTime: string;
    };
    result: readonly TrailEventSummary[];
  };
}

/** Name of a call, `service:Operation`. */
export type AccountCallName = keyof AccountCalls;

/**
 * Port: read-only access to the account a diagnosis is about. One method, one call per
 * invocation, so that verification can list every call it made. Failures throw AccountReadError
 * (lambda/core/errors.ts) naming the call and the service's error code.
 */
export interface AccountReader {
  call<N extends AccountCallName>(
    name: N,
    params: AccountCalls[N]['params'],
  ): Promise<AccountCalls[N]['result']>;
}
