/**
 * Builds the check graph from CloudFormation stacks (plain, SAM after expansion, or a CDK cloud
 * assembly with nested stacks): every Lambda integration and authorizer of REST, HTTP and
 * WebSocket APIs (resources and OpenAPI bodies), function URLs and the CloudFront distributions in
 * front of them, service callers, and every `AWS::Lambda::Permission`.
 */
import { type ApiScope, type ApiStage, apiGatewayCalls, type RouteSpec } from './apiGatewayCalls';
import type { CfnStack } from './CfnStack';
import type {
  Call,
  Caller,
  CheckGraph,
  FunctionDefinition,
  FunctionRef,
  Grant,
  RoleNode,
  SourceKind,
  SourceLocation,
  SuggestedGrant,
} from './CheckGraph';
import { isLambdaInvocationUri, parseFunctionTarget } from './parseFunctionTarget';
import { readOpenApiRoutes } from './readOpenApiRoutes';
import type { SymbolTable } from './SymbolTable';
import { type ServiceCallerKind, serviceCaller } from './serviceCallers';
import {
  asList,
  asObject,
  asText,
  firstUnresolved,
  isUnresolved,
  type Resolved,
  Unresolved,
} from './Unresolved';

/** Options of {@link buildCfnGraph}. */
export interface CfnGraphOptions {
  readonly source: SourceKind;
  /** Also model the console's test invoke (`test-invoke-stage`) for REST APIs. */
  readonly testInvoke: boolean;
}

const STAGE_VARIABLE = /\$\{stageVariables\.([A-Za-z0-9_]+)\}/g;

type Located = { readonly stack: CfnStack; readonly logicalId: string };

/** Functions of every stack, found by the parts of their ARN. */
class FunctionIndex {
  readonly #byKey = new Map<string, FunctionDefinition>();

  add(stack: CfnStack, logicalId: string): void {
    const name = stack.ref(logicalId);
    if (typeof name !== 'string') return;
    const key = this.#key(stack.pseudo('AWS::AccountId'), stack.pseudo('AWS::Region'), name);
    this.#byKey.set(key, { location: stack.location(logicalId), label: logicalId });
  }

  find(account: string, region: string, name: string): FunctionDefinition | undefined {
    return this.#byKey.get(this.#key(account, region, name));
  }

  #key(account: string, region: string, name: string): string {
    return `${account}\u0000${region}\u0000${name}`;
  }
}

function onlyIf(stack: CfnStack, logicalId: string): string | undefined {
  const exists = stack.exists(logicalId);
  const condition = stack.resources.get(logicalId)?.Condition;
  return exists === 'unknown' ? `condition ${condition} holds` : undefined;
}

function text(value: Resolved | undefined, what: string): string | Unresolved {
  return asText(value, what);
}

/** Reads a whole graph. */
export function buildCfnGraph(
  stacks: readonly CfnStack[],
  symbols: SymbolTable,
  options: CfnGraphOptions,
): CheckGraph {
  const functions = new FunctionIndex();
  for (const stack of stacks) {
    for (const [logicalId, r] of stack.resources) {
      if (r.Type === 'AWS::Lambda::Function' && stack.exists(logicalId) !== false) {
        functions.add(stack, logicalId);
      }
    }
  }
  const graph = {
    grants: [] as Grant[],
    callers: [] as Caller[],
    roles: [] as RoleNode[],
    unreadable: [] as { location: SourceLocation; reason: string }[],
  };

  /** The function a resolved value names; qualifier from the value unless given. */
  const functionRef = (
    stack: CfnStack,
    value: Resolved | undefined,
    what: string,
    qualifier?: Resolved,
  ): FunctionRef | Unresolved => {
    const name = text(value, what);
    if (isUnresolved(name)) return name;
    const parts = parseFunctionTarget(name);
    if (parts === undefined) return new Unresolved(`${what} does not name a Lambda function`);
    let q = parts.qualifier;
    if (qualifier !== undefined && qualifier !== null) {
      const given = text(qualifier, 'Qualifier');
      if (isUnresolved(given)) return given;
      q = given;
    }
    const account = parts.account ?? stack.pseudo('AWS::AccountId');
    const region = parts.region ?? stack.pseudo('AWS::Region');
    return {
      partition: parts.partition ?? stack.pseudo('AWS::Partition'),
      region,
      account,
      name: parts.name,
      qualifier: q === '$LATEST' ? null : q,
      definition: functions.find(account, region, parts.name),
    };
  };

  for (const stack of stacks) {
    readGrants(stack, graph.grants, functionRef);
    readRoles(stack, graph.roles);
    const context: BuildContext = { stack, symbols, options, functionRef, graph };
    readRestApis(context);
    readV2Apis(context);
    readServiceCallers(context);
    readFunctionUrls(context);
  }
  return { source: options.source, symbols, ...graph, replacements: [] };
}

interface BuildContext {
  readonly stack: CfnStack;
  readonly symbols: SymbolTable;
  readonly options: CfnGraphOptions;
  readonly functionRef: (
    stack: CfnStack,
    value: Resolved | undefined,
    what: string,
    qualifier?: Resolved,
  ) => FunctionRef | Unresolved;
  readonly graph: {
    grants: Grant[];
    callers: Caller[];
    roles: RoleNode[];
    unreadable: { location: SourceLocation; reason: string }[];
  };
}

function ofType(stack: CfnStack, type: string): string[] {
  const out: string[] = [];
  for (const [logicalId, r] of stack.resources) {
    if (r.Type === type && stack.exists(logicalId) !== false) out.push(logicalId);
  }
  return out;
}

function readGrants(
  stack: CfnStack,
  grants: Grant[],
  functionRef: BuildContext['functionRef'],
): void {
  for (const id of ofType(stack, 'AWS::Lambda::Permission')) {
    const p = (name: string) => stack.property(id, name);
    const optional = (name: string) => {
      const v = p(name);
      return v === undefined || v === null ? undefined : text(v, name);
    };
    const via = p('InvokedViaFunctionUrl');
    grants.push({
      location: stack.location(id),
      target: functionRef(stack, p('FunctionName'), 'FunctionName'),
      action: text(p('Action'), 'Action'),
      principal: text(p('Principal'), 'Principal'),
      sourceArn: optional('SourceArn'),
      sourceAccount: optional('SourceAccount'),
      principalOrgId: optional('PrincipalOrgID'),
      eventSourceToken: optional('EventSourceToken'),
      functionUrlAuthType: optional('FunctionUrlAuthType'),
      invokedViaFunctionUrl:
        via === undefined || via === null
          ? undefined
          : isUnresolved(via)
            ? via
            : via === true || via === 'true',
      onlyIf: onlyIf(stack, id),
    });
  }
}

function readRoles(stack: CfnStack, roles: RoleNode[]): void {
  const managed = new Map<string, Resolved | undefined>();
  for (const id of ofType(stack, 'AWS::IAM::ManagedPolicy')) {
    const arn = stack.ref(id);
    if (typeof arn === 'string') managed.set(arn, stack.property(id, 'PolicyDocument'));
  }
  const attached = new Map<string, { name: string; document: Resolved | undefined }[]>();
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const id of ofType(stack, type)) {
      for (const role of asList(stack.property(id, 'Roles')) ?? []) {
        if (typeof role !== 'string') continue;
        attached.set(role, [
          ...(attached.get(role) ?? []),
          { name: id, document: stack.property(id, 'PolicyDocument') },
        ]);
      }
    }
  }
  for (const id of ofType(stack, 'AWS::IAM::Role')) {
    const arn = stack.getAtt(id, 'Arn');
    const name = stack.ref(id);
    if (typeof arn !== 'string') continue;
    const policies: { name: string; document: Resolved | undefined }[] = [];
    for (const [i, policy] of (asList(stack.property(id, 'Policies')) ?? []).entries()) {
      const o = asObject(policy);
      policies.push({
        name: typeof o?.PolicyName === 'string' ? o.PolicyName : `${id} inline #${i}`,
        document: o?.PolicyDocument,
      });
    }
    for (const arnValue of asList(stack.property(id, 'ManagedPolicyArns')) ?? []) {
      const label =
        typeof arnValue === 'string' ? stack.symbols.display(arnValue) : 'a managed policy';
      policies.push({
        name: label,
        document: typeof arnValue === 'string' ? managed.get(arnValue) : undefined,
      });
    }
    if (typeof name === 'string') policies.push(...(attached.get(name) ?? []));
    const boundary = stack.property(id, 'PermissionsBoundary');
    roles.push({
      arn,
      location: stack.location(id),
      trustPolicy: stack.property(id, 'AssumeRolePolicyDocument'),
      policies,
      boundary:
        boundary === undefined || boundary === null
          ? null
          : typeof boundary === 'string' && managed.has(boundary)
            ? (managed.get(boundary) ?? undefined)
            : undefined,
    });
  }
}

/** The stages of an API that invoke: template stages, or one symbol for "any stage". */
function stagesOr(context: BuildContext, apiKey: string, stages: ApiStage[]): ApiStage[] {
  if (stages.length > 0) return stages;
  const { symbols } = context;
  return [
    {
      name: symbols.symbol(`stage:${context.stack.input.id}:${apiKey}`, () => ({
        display: '<stage>',
        kind: 'name',
        free: true,
        length: 16,
      })),
    },
  ];
}

/** Callers for one Lambda integration, expanding stage variables per stage. */
function integrationCallers(
  context: BuildContext,
  base: {
    readonly location: SourceLocation;
    readonly description: string;
    readonly scope: ApiScope;
    readonly stages: readonly (ApiStage & { readonly variables?: Resolved | undefined })[];
    readonly route: RouteSpec;
    readonly uri: Resolved | undefined;
    readonly credentials: Resolved | undefined;
    readonly onlyIf: string | undefined;
  },
): void {
  const { stack, symbols, graph } = context;
  const uri = text(base.uri, 'the integration URI');
  const credentials =
    base.credentials === undefined || base.credentials === null
      ? undefined
      : text(base.credentials, 'Credentials');
  const common = {
    location: base.location,
    credentials,
    suggested: apiGatewayCalls.routeGrant(base.scope, base.route),
    onlyIf: base.onlyIf,
  };
  if (isUnresolved(uri)) {
    graph.callers.push({
      ...common,
      rule: 'IDC001',
      description: base.description,
      target: uri,
      calls: apiGatewayCalls.routeCalls(symbols, base.scope, base.stages, base.route),
    });
    return;
  }
  if (!isLambdaInvocationUri(uri) && !/^arn:[^:]+:lambda:/.test(uri)) return;
  const variables = [...uri.matchAll(STAGE_VARIABLE)].map((m) => m[1] as string);
  if (variables.length === 0) {
    graph.callers.push({
      ...common,
      rule: 'IDC001',
      description: base.description,
      target: context.functionRef(stack, uri, 'the integration URI'),
      calls: apiGatewayCalls.routeCalls(symbols, base.scope, base.stages, base.route),
    });
    return;
  }
  for (const stage of base.stages) {
    // The console's test invoke takes stage variables from the tester, not from a stage.
    if (stage.testInvoke) continue;
    const values = asObject(stage.variables) ?? {};
    let target: FunctionRef | Unresolved | undefined;
    const resolved = uri.replace(STAGE_VARIABLE, (whole, name: string) => {
      const value = values[name];
      if (value === undefined || value === null) {
        target ??= new Unresolved(
          `stage ${symbols.display(stage.name)} does not set stage variable ${name}`,
        );
        return whole;
      }
      const t = text(value, `stage variable ${name}`);
      if (isUnresolved(t)) {
        target ??= t;
        return whole;
      }
      return t;
    });
    graph.callers.push({
      ...common,
      rule: 'IDC004',
      description: `${base.description} (stage ${symbols.display(stage.name)}, URI ${uri.replace(/^.*functions\//, '').replace(/\/invocations$/, '')})`,
      target: target ?? context.functionRef(stack, resolved, 'the integration URI'),
      calls: apiGatewayCalls.routeCalls(symbols, base.scope, [stage], base.route),
    });
  }
}

function authorizerCaller(
  context: BuildContext,
  base: {
    readonly location: SourceLocation;
    readonly description: string;
    readonly scope: ApiScope;
    readonly authorizerId: string;
    readonly fixId: string;
    readonly uri: Resolved | undefined;
    readonly credentials: Resolved | undefined;
    readonly onlyIf: string | undefined;
  },
): void {
  const uri = text(base.uri, 'the authorizer URI');
  if (!isUnresolved(uri) && !isLambdaInvocationUri(uri) && !/^arn:[^:]+:lambda:/.test(uri)) return;
  context.graph.callers.push({
    rule: 'IDC002',
    location: base.location,
    description: base.description,
    target: isUnresolved(uri) ? uri : context.functionRef(context.stack, uri, 'the authorizer URI'),
    calls: [apiGatewayCalls.authorizerCall(base.scope, base.authorizerId)],
    credentials:
      base.credentials === undefined || base.credentials === null
        ? undefined
        : text(base.credentials, 'authorizer credentials'),
    suggested: apiGatewayCalls.authorizerGrant(base.scope, base.fixId),
    onlyIf: base.onlyIf,
  });
}

function scopeOf(stack: CfnStack, apiId: string): ApiScope {
  return {
    partition: stack.pseudo('AWS::Partition'),
    region: stack.pseudo('AWS::Region'),
    account: stack.pseudo('AWS::AccountId'),
    apiId,
  };
}

/**
 * The APIs a stack defines, and those its methods, routes or authorizers attach to without
 * defining them (an API from a parameter or another stack), named by their id.
 */
function apisOf(
  stack: CfnStack,
  apiType: string,
  members: readonly (readonly [string, string])[],
): { apiId: string; apiLogicalId: string }[] {
  const out = new Map<string, string>();
  for (const id of ofType(stack, apiType)) {
    const ref = stack.ref(id);
    if (typeof ref === 'string') out.set(ref, id);
  }
  for (const [type, property] of members) {
    for (const id of ofType(stack, type)) {
      const api = stack.property(id, property);
      if (typeof api === 'string' && !out.has(api)) out.set(api, stack.symbols.display(api));
    }
  }
  return [...out].map(([apiId, apiLogicalId]) => ({ apiId, apiLogicalId }));
}

/** Resources of `type` whose `property` resolves to `value`. */
function belongingTo(stack: CfnStack, type: string, property: string, value: string): string[] {
  return ofType(stack, type).filter((id) => stack.property(id, property) === value);
}

function readRestApis(context: BuildContext): void {
  const { stack, options } = context;
  const resourcePaths = new Map<string, string>();
  for (const id of ofType(stack, 'AWS::ApiGateway::Resource')) {
    const ref = stack.ref(id);
    if (typeof ref === 'string') resourcePaths.set(ref, id);
  }
  // A resource path the template does not fully say (a parent from a parameter or another stack)
  // keeps what it does say, with a free symbol for the rest.
  const pathOf = (resourceId: Resolved | undefined, root: Resolved, depth = 0): string => {
    if (resourceId === root) return '/';
    const id =
      typeof resourceId === 'string' && depth < 50 ? resourcePaths.get(resourceId) : undefined;
    if (id === undefined) {
      const known = typeof resourceId === 'string' ? stack.symbols.display(resourceId) : undefined;
      const unknown = context.symbols.symbol(
        `resource-path:${stack.input.id}:${known ?? JSON.stringify(resourceId)}`,
        () => ({
          display: `{path of ${known ?? 'an unknown resource'}}`,
          kind: 'opaque',
          free: true,
          length: 20,
        }),
      );
      return `/${unknown}`;
    }
    const parent = pathOf(stack.property(id, 'ParentId'), root, depth + 1);
    const part = text(stack.property(id, 'PathPart'), 'PathPart');
    return `${parent === '/' ? '' : parent}/${isUnresolved(part) ? '{unknown}' : part}`;
  };

  for (const { apiId, apiLogicalId } of apisOf(stack, 'AWS::ApiGateway::RestApi', [
    ['AWS::ApiGateway::Method', 'RestApiId'],
    ['AWS::ApiGateway::Authorizer', 'RestApiId'],
  ])) {
    const scope = scopeOf(stack, apiId);
    const stages: (ApiStage & { variables?: Resolved | undefined })[] = [];
    for (const id of belongingTo(stack, 'AWS::ApiGateway::Stage', 'RestApiId', apiId)) {
      const name = text(stack.property(id, 'StageName'), 'StageName');
      if (!isUnresolved(name)) stages.push({ name, variables: stack.property(id, 'Variables') });
    }
    for (const id of belongingTo(stack, 'AWS::ApiGateway::Deployment', 'RestApiId', apiId)) {
      const name = stack.property(id, 'StageName');
      if (typeof name === 'string' && !stages.some((s) => s.name === name)) {
        stages.push({
          name,
          variables: asObject(stack.property(id, 'StageDescription'))?.Variables,
        });
      }
    }
    const allStages = stagesOr(context, apiLogicalId, stages);
    if (options.testInvoke) allStages.push({ name: 'test-invoke-stage', testInvoke: true });
    const root = stack.getAtt(apiLogicalId, 'RootResourceId');
    const apiOnlyIf = onlyIf(stack, apiLogicalId);

    for (const id of belongingTo(stack, 'AWS::ApiGateway::Method', 'RestApiId', apiId)) {
      const integration = asObject(stack.property(id, 'Integration'));
      const type = integration?.Type;
      if (type !== 'AWS' && type !== 'AWS_PROXY') continue;
      const method = text(stack.property(id, 'HttpMethod'), 'HttpMethod');
      const path = pathOf(stack.property(id, 'ResourceId'), root);
      const methodName = isUnresolved(method) ? 'ANY' : method.toUpperCase();
      integrationCallers(context, {
        location: stack.location(id),
        description: `REST API ${apiLogicalId}: ${methodName} ${stack.symbols.display(path)}`,
        scope,
        stages: allStages,
        route: { protocol: 'rest', method: methodName, path },
        uri: integration?.Uri,
        credentials: integration?.Credentials,
        onlyIf: onlyIf(stack, id) ?? apiOnlyIf,
      });
    }
    for (const id of belongingTo(stack, 'AWS::ApiGateway::Authorizer', 'RestApiId', apiId)) {
      const type = stack.property(id, 'Type');
      if (type !== 'TOKEN' && type !== 'REQUEST') continue;
      const ref = stack.ref(id);
      if (typeof ref !== 'string') continue;
      authorizerCaller(context, {
        location: stack.location(id),
        description: `REST API ${apiLogicalId}: authorizer ${id}`,
        scope,
        authorizerId: ref,
        fixId: ref,
        uri: stack.property(id, 'AuthorizerUri'),
        credentials: stack.property(id, 'AuthorizerCredentials'),
        onlyIf: onlyIf(stack, id) ?? apiOnlyIf,
      });
    }
    readBody(context, {
      apiLogicalId,
      scope,
      stages: allStages,
      protocol: 'rest',
      body: stack.property(apiLogicalId, 'Body'),
      s3: stack.property(apiLogicalId, 'BodyS3Location'),
    });
  }
}

function readBody(
  context: BuildContext,
  api: {
    readonly apiLogicalId: string;
    readonly scope: ApiScope;
    readonly stages: readonly (ApiStage & { variables?: Resolved | undefined })[];
    readonly protocol: 'rest' | 'http';
    readonly body: Resolved | undefined;
    readonly s3: Resolved | undefined;
  },
): void {
  const { stack, symbols, graph } = context;
  const location = stack.location(api.apiLogicalId);
  const noun = api.protocol === 'rest' ? 'REST API' : 'HTTP API';
  if (api.s3 !== undefined && api.s3 !== null) {
    graph.unreadable.push({
      location,
      reason: `${noun} ${api.apiLogicalId} imports its definition from S3, which the check does not read: its routes are not checked`,
    });
  }
  if (api.body === undefined || api.body === null) return;
  const broken = firstUnresolved(api.body);
  const definition = readOpenApiRoutes(api.body);
  if (definition.routes.length === 0 && broken) {
    graph.unreadable.push({
      location,
      reason: `the definition of ${noun} ${api.apiLogicalId} cannot be read: ${broken.reason}`,
    });
  }
  const apiOnlyIf = onlyIf(stack, api.apiLogicalId);
  for (const route of definition.routes) {
    if (route.type !== 'aws' && route.type !== 'aws_proxy') continue;
    integrationCallers(context, {
      location,
      description: `${noun} ${api.apiLogicalId}: ${route.method === '$default' ? '$default' : `${route.method} ${route.path}`} (OpenAPI body)`,
      scope: api.scope,
      stages: api.stages,
      route: { protocol: api.protocol, method: route.method, path: route.path },
      uri: route.uri,
      credentials: route.credentials,
      onlyIf: apiOnlyIf,
    });
  }
  for (const authorizer of definition.authorizers) {
    if (authorizer.type !== 'token' && authorizer.type !== 'request') continue;
    const authorizerId = symbols.symbol(
      `body-authorizer:${stack.input.id}:${api.apiLogicalId}:${authorizer.name}`,
      () => ({ display: `<id of authorizer ${authorizer.name}>`, kind: 'id', length: 6 }),
    );
    authorizerCaller(context, {
      location,
      description: `${noun} ${api.apiLogicalId}: authorizer ${authorizer.name} (OpenAPI body)`,
      scope: api.scope,
      authorizerId,
      fixId: '*',
      uri: authorizer.uri,
      credentials: authorizer.credentials,
      onlyIf: apiOnlyIf,
    });
  }
}

function readV2Apis(context: BuildContext): void {
  const { stack, graph } = context;
  const integrations = new Map<string, string>();
  for (const id of ofType(stack, 'AWS::ApiGatewayV2::Integration')) {
    const ref = stack.ref(id);
    if (typeof ref === 'string') integrations.set(ref, id);
  }
  for (const { apiId, apiLogicalId } of apisOf(stack, 'AWS::ApiGatewayV2::Api', [
    ['AWS::ApiGatewayV2::Route', 'ApiId'],
    ['AWS::ApiGatewayV2::Authorizer', 'ApiId'],
  ])) {
    const protocolType = stack.property(apiLogicalId, 'ProtocolType');
    const protocol = protocolType === 'WEBSOCKET' ? 'websocket' : 'http';
    const scope = scopeOf(stack, apiId);
    const stages: (ApiStage & { variables?: Resolved | undefined })[] = [];
    for (const id of belongingTo(stack, 'AWS::ApiGatewayV2::Stage', 'ApiId', apiId)) {
      const name = text(stack.property(id, 'StageName'), 'StageName');
      if (!isUnresolved(name))
        stages.push({ name, variables: stack.property(id, 'StageVariables') });
    }
    const quickTarget = stack.property(apiLogicalId, 'Target');
    // Quick create makes a `$default` stage (and route) of its own.
    if (quickTarget !== undefined && !stages.some((s) => s.name === '$default')) {
      stages.push({ name: '$default' });
    }
    const allStages = stagesOr(context, apiLogicalId, stages);
    const apiOnlyIf = onlyIf(stack, apiLogicalId);
    const noun = protocol === 'websocket' ? 'WebSocket API' : 'HTTP API';
    const routeSpec = (routeKey: string): RouteSpec => {
      if (protocol === 'websocket' || routeKey === '$default') {
        return { protocol, method: routeKey, path: '' };
      }
      const [method = 'ANY', path = '/'] = routeKey.split(' ');
      return { protocol, method: method.toUpperCase(), path };
    };
    if (quickTarget !== undefined) {
      const routeKey = stack.property(apiLogicalId, 'RouteKey');
      integrationCallers(context, {
        location: stack.location(apiLogicalId),
        description: `${noun} ${apiLogicalId}: ${typeof routeKey === 'string' ? routeKey : '$default'} (quick create)`,
        scope,
        stages: allStages,
        route: routeSpec(typeof routeKey === 'string' ? routeKey : '$default'),
        uri: quickTarget,
        credentials: stack.property(apiLogicalId, 'CredentialsArn'),
        onlyIf: apiOnlyIf,
      });
    }
    for (const id of belongingTo(stack, 'AWS::ApiGatewayV2::Route', 'ApiId', apiId)) {
      const routeKey = text(stack.property(id, 'RouteKey'), 'RouteKey');
      const target = stack.property(id, 'Target');
      if (target === undefined || target === null) continue;
      const targetText = text(target, 'Target');
      const integrationId = isUnresolved(targetText)
        ? undefined
        : integrations.get(targetText.replace(/^integrations\//, ''));
      const location = stack.location(id);
      const description = `${noun} ${apiLogicalId}: ${isUnresolved(routeKey) ? '<unknown route>' : routeKey}`;
      if (integrationId === undefined) {
        graph.unreadable.push({
          location,
          reason: `the integration of ${description} is not in this template`,
        });
        continue;
      }
      const type = stack.property(integrationId, 'IntegrationType');
      if (type !== 'AWS_PROXY' && type !== 'AWS') continue;
      if (stack.property(integrationId, 'IntegrationSubtype') !== undefined) continue;
      integrationCallers(context, {
        location,
        description,
        scope,
        stages: allStages,
        route: routeSpec(isUnresolved(routeKey) ? '$default' : routeKey),
        uri: isUnresolved(routeKey) ? routeKey : stack.property(integrationId, 'IntegrationUri'),
        credentials: stack.property(integrationId, 'CredentialsArn'),
        onlyIf: onlyIf(stack, id) ?? apiOnlyIf,
      });
    }
    for (const id of belongingTo(stack, 'AWS::ApiGatewayV2::Authorizer', 'ApiId', apiId)) {
      if (stack.property(id, 'AuthorizerType') !== 'REQUEST') continue;
      const ref = stack.ref(id);
      if (typeof ref !== 'string') continue;
      authorizerCaller(context, {
        location: stack.location(id),
        description: `${noun} ${apiLogicalId}: authorizer ${id}`,
        scope,
        authorizerId: ref,
        fixId: ref,
        uri: stack.property(id, 'AuthorizerUri'),
        credentials: stack.property(id, 'AuthorizerCredentialsArn'),
        onlyIf: onlyIf(stack, id) ?? apiOnlyIf,
      });
    }
    if (protocol === 'http') {
      readBody(context, {
        apiLogicalId,
        scope,
        stages: allStages,
        protocol: 'http',
        body: stack.property(apiLogicalId, 'Body'),
        s3: stack.property(apiLogicalId, 'BodyS3Location'),
      });
    }
  }
}

const COGNITO_TRIGGERS = [
  'CreateAuthChallenge',
  'CustomMessage',
  'DefineAuthChallenge',
  'PostAuthentication',
  'PostConfirmation',
  'PreAuthentication',
  'PreSignUp',
  'PreTokenGeneration',
  'UserMigration',
  'VerifyAuthChallengeResponse',
];

function readServiceCallers(context: BuildContext): void {
  const { stack, graph, functionRef } = context;
  const account = stack.pseudo('AWS::AccountId');
  const add = (
    kind: ServiceCallerKind,
    located: Located,
    what: string,
    fn: Resolved | undefined,
    sourceArn: Resolved,
  ) => {
    const name = text(fn, 'the function');
    if (typeof name === 'string' && parseFunctionTarget(name) === undefined) return;
    if (typeof name === 'string' && name.startsWith('arn:') && !/^arn:[^:]+:lambda:/.test(name)) {
      return;
    }
    const arn = text(sourceArn, 'the source ARN');
    if (isUnresolved(arn)) {
      graph.unreadable.push({
        location: located.stack.location(located.logicalId),
        reason: `the ${kind} source of ${what} cannot be resolved: ${arn.reason}`,
      });
      return;
    }
    graph.callers.push(
      serviceCaller({
        kind,
        location: located.stack.location(located.logicalId),
        what,
        target: functionRef(stack, fn, 'the function'),
        sourceArn: arn,
        sourceAccount: account,
        onlyIf: onlyIf(located.stack, located.logicalId),
      }),
    );
  };
  for (const id of ofType(stack, 'AWS::Events::Rule')) {
    for (const target of asList(stack.property(id, 'Targets')) ?? []) {
      const t = asObject(target);
      if (t?.RoleArn !== undefined) continue;
      add('eventbridge', { stack, logicalId: id }, id, t?.Arn, stack.getAtt(id, 'Arn'));
    }
  }
  for (const id of ofType(stack, 'AWS::SNS::Subscription')) {
    if (stack.property(id, 'Protocol') !== 'lambda') continue;
    add(
      'sns',
      { stack, logicalId: id },
      id,
      stack.property(id, 'Endpoint'),
      stack.property(id, 'TopicArn') ?? null,
    );
  }
  for (const id of ofType(stack, 'AWS::SNS::Topic')) {
    for (const sub of asList(stack.property(id, 'Subscription')) ?? []) {
      const s = asObject(sub);
      if (s?.Protocol !== 'lambda') continue;
      add('sns', { stack, logicalId: id }, id, s.Endpoint, stack.ref(id));
    }
  }
  for (const id of ofType(stack, 'AWS::S3::Bucket')) {
    const config = asObject(stack.property(id, 'NotificationConfiguration'));
    for (const c of asList(config?.LambdaConfigurations) ?? []) {
      const o = asObject(c);
      add(
        's3',
        { stack, logicalId: id },
        `${id} (${String(o?.Event ?? 'event')})`,
        o?.Function,
        stack.getAtt(id, 'Arn'),
      );
    }
  }
  for (const id of ofType(stack, 'Custom::S3BucketNotifications')) {
    const bucket = text(stack.property(id, 'BucketName'), 'BucketName');
    const config = asObject(stack.property(id, 'NotificationConfiguration'));
    for (const c of asList(config?.LambdaFunctionConfigurations) ?? []) {
      const o = asObject(c);
      const events = asList(o?.Events)?.join(', ') ?? 'event';
      add(
        's3',
        { stack, logicalId: id },
        `${id} (${events})`,
        o?.LambdaFunctionArn,
        isUnresolved(bucket) ? bucket : `arn:${stack.pseudo('AWS::Partition')}:s3:::${bucket}`,
      );
    }
  }
  for (const id of ofType(stack, 'AWS::Cognito::UserPool')) {
    const config = asObject(stack.property(id, 'LambdaConfig')) ?? {};
    for (const [trigger, value] of Object.entries(config)) {
      const fn = COGNITO_TRIGGERS.includes(trigger) ? value : asObject(value)?.LambdaArn;
      if (fn === undefined) continue;
      add('cognito', { stack, logicalId: id }, `${id} (${trigger})`, fn, stack.getAtt(id, 'Arn'));
    }
  }
  for (const id of ofType(stack, 'AWS::Logs::SubscriptionFilter')) {
    const group = text(stack.property(id, 'LogGroupName'), 'LogGroupName');
    add(
      'logs',
      { stack, logicalId: id },
      `${id} (${isUnresolved(group) ? 'log group' : stack.symbols.display(group)})`,
      stack.property(id, 'DestinationArn'),
      isUnresolved(group)
        ? group
        : `arn:${stack.pseudo('AWS::Partition')}:logs:${stack.pseudo('AWS::Region')}:${account}:log-group:${group}:*`,
    );
  }
  for (const id of ofType(stack, 'AWS::Logs::AccountPolicy')) {
    if (stack.property(id, 'PolicyType') !== 'SUBSCRIPTION_FILTER_POLICY') continue;
    const doc = stack.property(id, 'PolicyDocument');
    let destination: Resolved | undefined;
    if (typeof doc === 'string' && !stack.symbols.has(doc.replace(/\u27e6\d+\u27e7/g, 'x'))) {
      try {
        destination = (JSON.parse(doc) as { DestinationArn?: string }).DestinationArn;
      } catch {
        destination = undefined;
      }
    } else if (typeof doc === 'string') {
      destination = /"DestinationArn"\s*:\s*"([^"]*)"/.exec(doc)?.[1];
    }
    if (destination === undefined) continue;
    const anyGroup = stack.symbols.symbol('any-log-group', () => ({
      display: '<any log group>',
      kind: 'opaque',
      length: 40,
    }));
    add(
      'logs',
      { stack, logicalId: id },
      `${id} (account-wide)`,
      destination,
      `arn:${stack.pseudo('AWS::Partition')}:logs:${stack.pseudo('AWS::Region')}:${account}:log-group:${anyGroup}:*`,
    );
  }
  for (const id of ofType(stack, 'AWS::IoT::TopicRule')) {
    const payload = asObject(stack.property(id, 'TopicRulePayload'));
    const actions = [...(asList(payload?.Actions) ?? []), payload?.ErrorAction ?? null];
    for (const action of actions) {
      const fn = asObject(asObject(action)?.Lambda)?.FunctionArn;
      if (fn !== undefined) add('iot', { stack, logicalId: id }, id, fn, stack.getAtt(id, 'Arn'));
    }
  }
}

function readFunctionUrls(context: BuildContext): void {
  const { stack, graph, functionRef } = context;
  const urls: { id: string; host: string; target: FunctionRef | Unresolved; authType: string }[] =
    [];
  for (const id of ofType(stack, 'AWS::Lambda::Url')) {
    const target = functionRef(
      stack,
      stack.property(id, 'TargetFunctionArn'),
      'TargetFunctionArn',
      stack.property(id, 'Qualifier'),
    );
    const authType = text(stack.property(id, 'AuthType'), 'AuthType');
    const url = stack.getAtt(id, 'FunctionUrl');
    const host = typeof url === 'string' ? url.replace(/^https:\/\//, '').replace(/\/$/, '') : '';
    if (isUnresolved(authType)) continue;
    urls.push({ id, host, target, authType });
    if (authType !== 'NONE') continue;
    graph.callers.push({
      rule: 'IDC005',
      location: stack.location(id),
      description: `function URL ${id} (AuthType NONE)`,
      target,
      calls: urlCalls('public callers', { kind: 'anonymous' }, 'NONE', null, null),
      suggested: urlGrant('*', 'any', 'NONE', null, 'function-url'),
      onlyIf: onlyIf(stack, id),
    });
  }
  if (urls.length === 0) return;
  const oacs = new Set<string>();
  for (const id of ofType(stack, 'AWS::CloudFront::OriginAccessControl')) {
    const config = asObject(stack.property(id, 'OriginAccessControlConfig'));
    const ref = stack.ref(id);
    if (config?.OriginAccessControlOriginType === 'lambda' && typeof ref === 'string')
      oacs.add(ref);
  }
  for (const id of ofType(stack, 'AWS::CloudFront::Distribution')) {
    const config = asObject(stack.property(id, 'DistributionConfig'));
    for (const origin of asList(config?.Origins) ?? []) {
      const o = asObject(origin);
      const domain = o?.DomainName;
      const oac = o?.OriginAccessControlId;
      if (typeof domain !== 'string' || typeof oac !== 'string' || !oacs.has(oac)) continue;
      const url = urls.find((u) => u.host === domain);
      if (url === undefined) continue;
      const distribution = stack.ref(id);
      if (typeof distribution !== 'string') continue;
      const sourceArn = `arn:${stack.pseudo('AWS::Partition')}:cloudfront::${stack.pseudo('AWS::AccountId')}:distribution/${distribution}`;
      const principal = { kind: 'service', service: 'cloudfront.amazonaws.com' } as const;
      graph.callers.push({
        rule: 'IDC005',
        location: stack.location(id),
        description: `CloudFront distribution ${id} (origin access control) to function URL ${url.id}`,
        target: url.target,
        calls: urlCalls(
          'CloudFront',
          principal,
          url.authType,
          sourceArn,
          stack.pseudo('AWS::AccountId'),
        ),
        suggested: urlGrant(
          'cloudfront.amazonaws.com',
          'service',
          url.authType,
          sourceArn,
          'cloudfront',
        ),
        onlyIf: onlyIf(stack, id),
      });
    }
  }
}

/** The two requests behind one function-URL call (URL action, then invoke through the URL). */
export function urlCalls(
  label: string,
  principal: Call['principal'],
  authType: string,
  sourceArn: string | null,
  sourceAccount: string | null,
): Call[] {
  const context = {
    'aws:SourceArn': sourceArn,
    'aws:SourceAccount': sourceAccount,
    'aws:PrincipalOrgID': null,
    'aws:PrincipalAccount': null,
    'aws:PrincipalArn': null,
    'lambda:FunctionUrlAuthType': authType,
    'lambda:EventSourceToken': null,
  };
  return [
    {
      label: `${label}: lambda:InvokeFunctionUrl`,
      principal,
      action: 'lambda:InvokeFunctionUrl',
      context: { ...context, 'lambda:InvokedViaFunctionUrl': null },
    },
    {
      label: `${label}: lambda:InvokeFunction through the URL`,
      principal,
      action: 'lambda:InvokeFunction',
      context: { ...context, 'lambda:InvokedViaFunctionUrl': true },
    },
  ];
}

/** The grant a function URL caller needs (the snippets add the second, through-the-URL statement). */
export function urlGrant(
  principal: string,
  principalKind: 'service' | 'any',
  authType: string,
  sourceArn: string | null,
  label: string,
): SuggestedGrant {
  return {
    principal,
    principalKind,
    action: 'lambda:InvokeFunctionUrl',
    sourceArn,
    sourceAccount: null,
    functionUrlAuthType: authType,
    label,
  };
}
