import { PATTERNS } from './patterns';

/** An HTTP API (v2) access-log line reporting that API Gateway could not call Lambda. */
export interface HttpApiFailure {
  readonly kind: 'http-api-integration-permissions' | 'http-api-authorizer-permissions';
  readonly requestId: string | null;
  readonly apiId: string | null;
  readonly stage: string | null;
  readonly httpMethod: string | null;
  /** Route key (`$default`, `/pets/{id}`) or path. */
  readonly resourcePath: string | null;
  readonly text: string;
}

const ROWS = PATTERNS.filter((row) => row.family === 'http');
// Default CLF access-log format: ip - - [time] "METHOD routeKey protocol" status length requestId
const CLF = /"([A-Z]+) (.+?) (?:HTTP\/[\d.]+|-)" \d{3} \S+ (\S+)/;

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' && value !== '-' ? value : null;
}

function fromJson(message: string): Omit<HttpApiFailure, 'kind' | 'text'> | null {
  if (message.charCodeAt(0) !== 123 /* { */) return null;
  try {
    const record: unknown = JSON.parse(message);
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return null;
    const fields = record as Record<string, unknown>;
    let route = str(fields.routeKey) ?? str(fields.resourcePath) ?? str(fields.path);
    const method = str(fields.httpMethod);
    if (route !== null && method !== null && route.startsWith(`${method} `)) {
      route = route.slice(method.length + 1);
    }
    return {
      requestId: str(fields.requestId),
      apiId: str(fields.apiId),
      stage: str(fields.stage),
      httpMethod: method,
      resourcePath: route,
    };
  } catch {
    return null;
  }
}

/**
 * Recognises `$context.integrationErrorMessage` / authorizer error text of HTTP APIs (straight or
 * curly apostrophe) and reads method, route and request id from a CLF or JSON access-log line.
 */
export function matchHttpApi(message: string): HttpApiFailure | null {
  const row = ROWS.find((candidate) => message.includes(candidate.marker));
  if (row === undefined) return null;
  const kind =
    row.kind === 'http-api-authorizer-permissions'
      ? 'http-api-authorizer-permissions'
      : 'http-api-integration-permissions';
  const json = fromJson(message);
  if (json !== null) return { kind, ...json, text: message.trim() };
  const clf = CLF.exec(message);
  let route = clf?.[2] ?? null;
  const method = clf?.[1] ?? null;
  // routeKey of a non-default route already starts with the method ("GET GET /pets HTTP/1.1")
  if (route !== null && method !== null && route.startsWith(`${method} `)) {
    route = route.slice(method.length + 1);
  }
  const requestId = clf?.[3] ?? null;
  return {
    kind,
    requestId: requestId === '-' ? null : requestId,
    apiId: null,
    stage: null,
    httpMethod: method,
    resourcePath: route,
    text: message.trim(),
  };
}
