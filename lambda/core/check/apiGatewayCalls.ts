/**
 * The invocations API Gateway makes, as requests for the policy evaluator: principal
 * `apigateway.amazonaws.com` with the `execute-api` source ARN of the route
 * (`<api>/<stage>/<METHOD>/<path>`, `<api>/<stage>/$default`, `<api>/<stage>/<routeKey>` for
 * WebSocket) or of the authorizer (`<api>/authorizers/<id>`), and the grant a fix should add.
 */
import type { Call, SuggestedGrant } from './CheckGraph';
import type { SymbolTable } from './SymbolTable';

/** Where an API lives. */
export interface ApiScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly apiId: string;
}

/** A stage of an API. */
export interface ApiStage {
  readonly name: string;
  /** The console's test invoke (`test-invoke-stage`). */
  readonly testInvoke?: boolean;
}

/** A request API Gateway makes for a method, and what its path looks like in a source ARN. */
export interface RouteSpec {
  readonly protocol: 'rest' | 'http' | 'websocket';
  /** Upper-case method or `ANY`; for WebSocket and `$default`, the route key. */
  readonly method: string;
  /** `/items/{id}`; ignored for WebSocket and `$default`. */
  readonly path: string;
}

const APIGATEWAY = 'apigateway.amazonaws.com';

/** The methods `ANY` stands for: each must be allowed. */
export const ANY_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

function execArn(scope: ApiScope, resource: string): string {
  return `arn:${scope.partition}:execute-api:${scope.region}:${scope.account}:${scope.apiId}/${resource}`;
}

/** The symbol standing for a path parameter's value in a real request. */
function parameterValue(symbols: SymbolTable): string {
  return symbols.symbol('path-parameter', () => ({
    display: '{parameter}',
    kind: 'name',
    length: 8,
  }));
}

/**
 * A path as it appears in a request's source ARN (no leading slash; a parameter replaced by a
 * value, a greedy one by two segments) or, with `wildcard`, in a grant (`*` for each parameter).
 */
export function arnPath(path: string, symbols: SymbolTable | '*'): string {
  const value = symbols === '*' ? '*' : parameterValue(symbols);
  const trimmed = path.replace(/^\//, '').replace(/(.)\/$/, '$1');
  return trimmed.replace(/\{[^}]*\}/g, (param) =>
    param.endsWith('+}') && symbols !== '*' ? `${value}/${value}` : value,
  );
}

function isRouteKey(route: RouteSpec): boolean {
  return route.protocol === 'websocket' || route.method === '$default';
}

/** Every request a route receives, one per stage (and per method for ANY). */
function routeCalls(
  symbols: SymbolTable,
  scope: ApiScope,
  stages: readonly ApiStage[],
  route: RouteSpec,
): Call[] {
  const calls: Call[] = [];
  const methods = isRouteKey(route)
    ? [route.method]
    : route.method === 'ANY'
      ? ANY_METHODS
      : [route.method];
  for (const stage of stages) {
    for (const method of methods) {
      // REST APIs send the requested path (parameters filled in); HTTP APIs send the route's
      // path template, which is why CDK's HTTP API grants name `{id}` literally.
      const path =
        route.protocol === 'http' ? route.path.replace(/^\//, '') : arnPath(route.path, symbols);
      const resource = isRouteKey(route)
        ? `${stage.name}/${method}`
        : `${stage.name}/${method}/${path}`;
      calls.push({
        label: `stage ${symbols.display(stage.name)}${methods.length > 1 ? ` ${method}` : ''}`,
        principal: { kind: 'service', service: APIGATEWAY },
        action: 'lambda:InvokeFunction',
        context: serviceContext(execArn(scope, resource), scope.account),
        testInvoke: stage.testInvoke,
      });
    }
  }
  return calls;
}

/** The grant that covers a route on every stage. */
function routeGrant(scope: ApiScope, route: RouteSpec): SuggestedGrant {
  const resource = isRouteKey(route)
    ? `*/${route.method}`
    : `*/${route.method === 'ANY' ? '*' : route.method}/${arnPath(route.path, '*')}`;
  return {
    principal: APIGATEWAY,
    principalKind: 'service',
    action: 'lambda:InvokeFunction',
    sourceArn: execArn(scope, resource),
    sourceAccount: null,
    functionUrlAuthType: null,
    label: 'apigateway',
  };
}

/** The request API Gateway makes to run an authorizer. */
function authorizerCall(scope: ApiScope, authorizerId: string): Call {
  return {
    label: 'authorizer',
    principal: { kind: 'service', service: APIGATEWAY },
    action: 'lambda:InvokeFunction',
    context: serviceContext(execArn(scope, `authorizers/${authorizerId}`), scope.account),
  };
}

/** The grant that covers an authorizer (`authorizerId` `*` for every authorizer of the API). */
function authorizerGrant(scope: ApiScope, authorizerId: string): SuggestedGrant {
  return {
    principal: APIGATEWAY,
    principalKind: 'service',
    action: 'lambda:InvokeFunction',
    sourceArn: execArn(scope, `authorizers/${authorizerId}`),
    sourceAccount: null,
    functionUrlAuthType: null,
    label: 'apigateway-authorizer',
  };
}

/**
 * The condition context of a service invoking on behalf of a resource: `aws:SourceArn` and
 * `aws:SourceAccount` are set; the function-URL, event-source-token and organization keys are
 * known to be absent.
 */
export function serviceContext(sourceArn: string | null, sourceAccount: string | null) {
  return {
    'aws:SourceArn': sourceArn,
    'aws:SourceAccount': sourceAccount,
    'aws:PrincipalOrgID': null,
    'aws:PrincipalAccount': null,
    'aws:PrincipalArn': null,
    'lambda:FunctionUrlAuthType': null,
    'lambda:InvokedViaFunctionUrl': null,
    'lambda:EventSourceToken': null,
  } as const;
}

/** Requests and grants of API Gateway callers. */
export const apiGatewayCalls = {
  routeCalls,
  routeGrant,
  authorizerCall,
  authorizerGrant,
  execArn,
} as const;
