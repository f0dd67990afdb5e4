import type {
  ApiAuthorizer,
  HttpIntegration,
  HttpRoute,
  RestResource,
} from '../ports/AccountReader';
import { type IntegrationTarget, parseIntegrationUri } from './parseIntegrationUri';

/** A Lambda integration or authorizer of an API stage that a failing request may have hit. */
export interface ApiCandidate {
  readonly kind: 'integration' | 'authorizer';
  /** `GET /orders`, `ANY /{proxy+}`, `$default`, `authorizer a1b2c3`. */
  readonly route: string;
  /** HTTP method of the route (`ANY` included); null for authorizers. */
  readonly httpMethod: string | null;
  /** Resource path template or HTTP route path (`$default`); null for authorizers. */
  readonly resourcePath: string | null;
  readonly authorizerId: string | null;
  readonly target: IntegrationTarget;
  /** Credentials role (or caller credentials) the integration calls with; null: resource policy. */
  readonly credentials: string | null;
}

/** Where an API lives and which stage the failure came from. */
export interface ApiScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
  /** Null when the log did not say. */
  readonly stage: string | null;
}

/** The HTTP verbs an `ANY` route answers; the source ARN carries the request's own verb. */
export const HTTP_VERBS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;

/**
 * The `aws:SourceArn` values of requests that reach a candidate: the request's verb and the
 * resource path template (`…/{apiId}/{stage}/GET/users/{id}`), `…/{stage}/$default` for an HTTP API's
 * default route, `…/{apiId}/authorizers/{id}` for an authorizer. An `ANY` route is reached with any
 * verb, so one ARN per verb unless the log named the verb. Empty when the stage is unknown.
 */
export function sourceArnsOf(
  candidate: ApiCandidate,
  scope: ApiScope,
  loggedMethod: string | null,
): string[] {
  const base = `arn:${scope.partition}:execute-api:${scope.region}:${scope.accountId}:${scope.apiId}`;
  if (candidate.kind === 'authorizer') return [`${base}/authorizers/${candidate.authorizerId}`];
  if (scope.stage === null) return [];
  const path = candidate.resourcePath ?? '';
  if (path === '$default') return [`${base}/${scope.stage}/$default`];
  const method = candidate.httpMethod ?? 'ANY';
  const verbs =
    method === 'ANY'
      ? loggedMethod && loggedMethod !== 'ANY'
        ? [loggedMethod]
        : [...HTTP_VERBS]
      : [method];
  return verbs.map((verb) => `${base}/${scope.stage}/${verb}/${path.replace(/^\//, '')}`);
}

/** Whether a concrete request path (or the template itself) falls under a resource path template. */
export function matchesTemplate(template: string, path: string): boolean {
  if (template === path) return true;
  const t = template.split('/').filter(Boolean);
  const p = path.split('/').filter(Boolean);
  for (let i = 0; i < t.length; i++) {
    const part = t[i]!;
    if (/^\{[^}]+\+\}$/.test(part)) return p.length > i;
    if (i >= p.length) return false;
    if (/^\{[^}]+\}$/.test(part)) continue;
    if (part !== p[i]) return false;
  }
  return t.length === p.length;
}

/** How specific a template is: literal segments first, greedy ones last (API Gateway's order). */
function specificity(template: string): number {
  const parts = template.split('/').filter(Boolean);
  let score = parts.length * 10;
  for (const part of parts) {
    if (/^\{[^}]+\+\}$/.test(part)) score -= 9;
    else if (/^\{[^}]+\}$/.test(part)) score -= 5;
  }
  return score;
}

/** What the log tells about the failing request. */
export interface LoggedRoute {
  readonly httpMethod: string | null;
  readonly resourcePath: string | null;
  readonly authorizerId: string | null;
  /** Unqualified function ARN or name the log named, if any. */
  readonly functionName: string | null;
  readonly authorizer: boolean;
}

/** The candidates and how the log narrowed them. */
export interface CandidateSet {
  /** `route`: the log named the route (or authorizer); `function`: only the function; `all`: neither. */
  readonly narrowedBy: 'route' | 'function' | 'all';
  readonly candidates: readonly ApiCandidate[];
}

function authorizerCandidate(a: ApiAuthorizer, variables: Record<string, string> | null) {
  const target = parseIntegrationUri(a.uri, variables);
  if (target === null) return null;
  return {
    kind: 'authorizer',
    route: `authorizer ${a.id}`,
    httpMethod: null,
    resourcePath: null,
    authorizerId: a.id,
    target,
    credentials: a.credentials,
  } satisfies ApiCandidate;
}

function callsFunction(c: ApiCandidate, name: string | null): boolean {
  if (name === null || c.target.kind !== 'function') return false;
  return c.target.functionArn === name || c.target.name === name;
}

/** Picks candidates by what the log names; `rank` scores a route match (lower is better, null: no match). */
function narrow(
  all: readonly ApiCandidate[],
  logged: LoggedRoute,
  rank: (c: ApiCandidate) => number | null,
): CandidateSet {
  const wanted = all.filter((c) => (logged.authorizer ? c.kind === 'authorizer' : true));
  if (logged.authorizer && logged.authorizerId !== null) {
    return {
      narrowedBy: 'route',
      candidates: wanted.filter((c) => c.authorizerId === logged.authorizerId),
    };
  }
  if (!logged.authorizer && logged.resourcePath !== null) {
    let best: { score: number; candidate: ApiCandidate } | null = null;
    for (const c of wanted) {
      const score = c.kind === 'integration' ? rank(c) : null;
      if (score !== null && (best === null || score < best.score)) best = { score, candidate: c };
    }
    return { narrowedBy: 'route', candidates: best ? [best.candidate] : [] };
  }
  if (logged.functionName !== null) {
    return {
      narrowedBy: 'function',
      candidates: wanted.filter((c) => callsFunction(c, logged.functionName)),
    };
  }
  return { narrowedBy: 'all', candidates: wanted };
}

/**
 * A REST API's Lambda integrations and authorizers that a failing request may have hit, narrowed
 * by what the log says: the route (method and path) when logged, else the function, else every
 * Lambda integration and authorizer of the API. Only Lambda targets are candidates; integrations
 * of other types cannot fail with "Invalid permissions on Lambda function".
 */
export function restCandidates(
  resources: readonly RestResource[],
  authorizers: readonly ApiAuthorizer[],
  variables: Record<string, string> | null,
  logged: LoggedRoute,
): CandidateSet {
  const all: ApiCandidate[] = [];
  const ordered = [...resources].sort((a, b) => specificity(b.path) - specificity(a.path));
  for (const resource of ordered) {
    for (const method of resource.methods) {
      const target = parseIntegrationUri(method.integration?.uri, variables);
      if (target === null) continue;
      all.push({
        kind: 'integration',
        route: `${method.httpMethod} ${resource.path}`,
        httpMethod: method.httpMethod,
        resourcePath: resource.path,
        authorizerId: null,
        target,
        credentials: method.integration?.credentials ?? null,
      });
    }
  }
  for (const a of authorizers) {
    const c = authorizerCandidate(a, variables);
    if (c) all.push(c);
  }
  const method = logged.httpMethod?.toUpperCase() ?? null;
  const path = logged.resourcePath;
  return narrow(all, logged, (c) => {
    if (path === null || c.resourcePath === null || !matchesTemplate(c.resourcePath, path)) {
      return null;
    }
    // The exact method beats ANY on the same resource; a literal path beats a template.
    const methodScore =
      method === null || c.httpMethod === method ? 0 : c.httpMethod === 'ANY' ? 1 : null;
    if (methodScore === null) return null;
    return (1000 - specificity(c.resourcePath)) * 2 + methodScore;
  });
}

/**
 * An HTTP API's Lambda integrations (through its routes) and authorizers that a failing request
 * may have hit, narrowed like {@link restCandidates}: the route key first (`GET /pets`, then
 * `ANY /pets`, then `$default`), else the function, else all of them.
 */
export function httpCandidates(
  routes: readonly HttpRoute[],
  integrations: readonly HttpIntegration[],
  authorizers: readonly ApiAuthorizer[],
  variables: Record<string, string> | null,
  logged: LoggedRoute,
): CandidateSet {
  const byId = new Map(integrations.map((i) => [i.id, i]));
  const all: ApiCandidate[] = [];
  for (const route of routes) {
    const id = route.target?.startsWith('integrations/') ? route.target.slice(13) : null;
    const integration = id === null ? undefined : byId.get(id);
    const target = parseIntegrationUri(integration?.uri, variables);
    if (!integration || target === null) continue;
    const space = route.routeKey.indexOf(' ');
    all.push({
      kind: 'integration',
      route: route.routeKey,
      httpMethod: space === -1 ? null : route.routeKey.slice(0, space),
      resourcePath: space === -1 ? route.routeKey : route.routeKey.slice(space + 1),
      authorizerId: null,
      target,
      credentials: integration.credentials,
    });
  }
  for (const a of authorizers) {
    const c = authorizerCandidate(a, variables);
    if (c) all.push(c);
  }
  const method = logged.httpMethod?.toUpperCase() ?? null;
  const path = logged.resourcePath;
  // API Gateway picks the route `METHOD path`, then `ANY path`, then `$default`.
  const keys =
    path === '$default' ? ['$default'] : [`${method} ${path}`, `ANY ${path}`, '$default'];
  return narrow(all, logged, (c) => {
    if (path === null) return null;
    const key =
      c.httpMethod === null ? (c.resourcePath ?? '') : `${c.httpMethod} ${c.resourcePath}`;
    const at = keys.indexOf(key);
    return at === -1 ? null : at;
  });
}
