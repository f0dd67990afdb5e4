/**
 * Routes and Lambda authorizers of an OpenAPI (3) or Swagger (2) definition with API Gateway's
 * extensions, as `SpecRestApi`, SAM and `Body` properties import them:
 * `x-amazon-apigateway-integration` on each operation (`x-amazon-apigateway-any-method` for ANY,
 * path `$default` for an HTTP API's default route) and `x-amazon-apigateway-authorizer` in the
 * security schemes.
 */
import { asList, asObject, type Resolved } from './Unresolved';

/** One operation with its integration. */
export interface OpenApiRoute {
  /** Upper-case method, `ANY`, or `$default` for the HTTP API default route. */
  readonly method: string;
  /** The path as written, e.g. `/items/{id}`; `$default` for the default route. */
  readonly path: string;
  /** `aws`, `aws_proxy`, `http`, ... (lower-case), undefined when missing. */
  readonly type: string | undefined;
  readonly uri: Resolved | undefined;
  readonly credentials: Resolved | undefined;
  /** Security requirement names of the operation (or the document default). */
  readonly security: readonly string[];
}

/** One Lambda (token or request) authorizer. */
export interface OpenApiAuthorizer {
  readonly name: string;
  readonly type: string;
  readonly uri: Resolved | undefined;
  readonly credentials: Resolved | undefined;
}

/** What a definition declares. */
export interface OpenApiDefinition {
  readonly routes: readonly OpenApiRoute[];
  readonly authorizers: readonly OpenApiAuthorizer[];
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch']);
const ANY = 'x-amazon-apigateway-any-method';

function securityNames(value: Resolved | undefined): string[] | undefined {
  const list = asList(value);
  if (list === undefined) return undefined;
  return list.flatMap((entry) => Object.keys(asObject(entry) ?? {}));
}

/** Reads the routes and authorizers; parts it cannot read are left out. */
export function readOpenApiRoutes(body: Resolved | undefined): OpenApiDefinition {
  const doc = asObject(body);
  if (doc === undefined) return { routes: [], authorizers: [] };
  const defaultSecurity = securityNames(doc.security) ?? [];
  const routes: OpenApiRoute[] = [];
  for (const [path, item] of Object.entries(asObject(doc.paths) ?? {})) {
    for (const [key, operation] of Object.entries(asObject(item) ?? {})) {
      const lower = key.toLowerCase();
      if (!METHODS.has(lower) && lower !== ANY) continue;
      const op = asObject(operation);
      const integration = asObject(op?.['x-amazon-apigateway-integration']);
      if (op === undefined || integration === undefined) continue;
      const type = integration.type;
      routes.push({
        method: path === '$default' ? '$default' : lower === ANY ? 'ANY' : lower.toUpperCase(),
        path,
        type: typeof type === 'string' ? type.toLowerCase() : undefined,
        uri: integration.uri,
        credentials: integration.credentials,
        security: securityNames(op.security) ?? defaultSecurity,
      });
    }
  }
  const schemes = {
    ...asObject(doc.securityDefinitions),
    ...asObject(asObject(doc.components)?.securitySchemes),
  };
  const authorizers: OpenApiAuthorizer[] = [];
  for (const [name, scheme] of Object.entries(schemes)) {
    const authorizer = asObject(asObject(scheme)?.['x-amazon-apigateway-authorizer']);
    if (authorizer === undefined) continue;
    const type = typeof authorizer.type === 'string' ? authorizer.type.toLowerCase() : 'token';
    if (authorizer.authorizerUri === undefined) continue;
    authorizers.push({
      name,
      type,
      uri: authorizer.authorizerUri,
      credentials: authorizer.authorizerCredentials,
    });
  }
  return { routes, authorizers };
}
