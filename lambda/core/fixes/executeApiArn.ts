/**
 * `execute-api` source ARNs for API Gateway permissions, built from checked parts only:
 * `arn:<partition>:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>` for routes,
 * `.../<api>/<stage>/<routeKey>` for route keys without a method (`$default`, WebSocket routes) and
 * `.../<api>/authorizers/<id>` for authorizers.
 */
import { AWS_FORMATS } from '../awsFormats';
import { type Checked, composite, invalid, valid } from './checked';
import type { ResolvedFacts } from './resolveFacts';

/** Which source ARN to build. */
export type ExecuteApiScope = 'route-any-stage' | 'route-this-stage' | 'authorizer' | 'whole-api';

/**
 * The path part of a route source ARN: AWS writes the resource path without its leading slash
 * (`/echo` -> `echo`, `/` -> empty, `/{proxy+}` -> `{proxy+}`); unknown -> `*`.
 */
function pathPart(path: Checked | null): Checked {
  if (path === null) return valid('*');
  if (!path.ok) return path;
  return valid(path.value.replace(/^\//, ''));
}

/** Method part: the method, or `*` when unknown or ANY (which matches any verb). */
function methodPart(method: Checked | null): Checked {
  if (method === null) return valid('*');
  if (!method.ok) return method;
  return valid(method.value === 'ANY' ? '*' : method.value);
}

/**
 * Whether the route is a route key without a method (an HTTP API's `$default`, any WebSocket API
 * route): its source ARN is `<api>/<stage>/<routeKey>`, with no method or path part.
 */
export function isRouteKey(r: ResolvedFacts): boolean {
  const path = r.api?.resourcePath;
  if (!path) return false;
  return path.ok
    ? path.value === '$default' || (r.api?.method === null && !path.value.startsWith('/'))
    : false;
}

/** Builds the source ARN for `scope`; invalid with the reasons when any part failed its check. */
export function executeApiArn(r: ResolvedFacts, scope: ExecuteApiScope): Checked {
  const { fn, api } = r;
  // The API is assumed to live in the function's account and region, as API Gateway integrations do
  // unless deliberately built cross-account.
  const apiId = api ? api.id : invalid('<API_ID>', 'the API id is unknown: fill in <API_ID>');
  let tail: Checked[];
  if (scope === 'authorizer') {
    tail = [valid('authorizers'), api?.authorizerId ?? valid('*')];
  } else if (scope === 'whole-api') {
    tail = [valid('*'), valid('*'), valid('*')];
  } else {
    const stage =
      scope === 'route-this-stage'
        ? (api?.stage ?? invalid('<STAGE>', 'the stage is unknown: fill in <STAGE>'))
        : valid('*');
    const path = api?.resourcePath ?? null;
    if (path?.ok && isRouteKey(r)) {
      // `<stage>/<routeKey>`: an HTTP API's `$default`, a WebSocket API's `$connect` or `sendMessage`.
      tail = [stage, path];
    } else {
      tail = [stage, methodPart(api?.method ?? null), pathPart(path)];
    }
  }
  const built = composite(
    [fn.partition, fn.region, fn.accountId, apiId, ...tail],
    ([partition, region, account, id, ...rest]) =>
      `arn:${partition}:execute-api:${region}:${account}:${id}/${rest.join('/')}`,
    '<SOURCE_ARN>',
  );
  if (!built.ok) return built;
  const arn = built.value;
  return AWS_FORMATS.executeApiArn.test(arn)
    ? valid(arn)
    : invalid('<SOURCE_ARN>', 'the API route could not be turned into a source ARN');
}
