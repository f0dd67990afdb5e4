import { apiGatewayPrincipal } from './apiGatewayPrincipal';
import type {
  FamilyScanner,
  Finding,
  FormatFamily,
  MessagePattern,
  ScannedEvent,
} from './FormatFamily';
import { UNKNOWN_FUNCTION } from './parseFunctionRef';
import { parseJsonRecord } from './parseJsonRecord';

const ROWS: readonly MessagePattern[] = [
  {
    name: 'http-integration-permissions',
    kind: 'http-api-integration-permissions',
    needle: 'have permissions to call the',
    marker: 'have permissions to call the integration',
    regex:
      /The IAM role configured on the integration or API Gateway doesn['’]t have permissions to call the integration/,
    example:
      '64.136.145.109 - - [15/Feb/2023:23:08:37 +0000] "GET $default HTTP/1.1" 500 35 AZzecgvEPHcEPew= The IAM role configured on the integration or API Gateway doesn\'t have permissions to call the integration. Check the permissions and try again.',
    yields: ['requestId', 'httpMethod', 'resourcePath'],
  },
  {
    name: 'http-authorizer-permissions',
    kind: 'http-api-authorizer-permissions',
    needle: 'have permissions to call the',
    marker: 'have permissions to call the authorizer',
    regex:
      /The IAM role configured on the authorizer or API Gateway doesn['’]t have permissions to call the authorizer/,
    example:
      '"authorizerError": "The IAM role configured on the authorizer or API Gateway doesn’t have permissions to call the authorizer. Check the permissions and try again"',
    yields: ['requestId', 'httpMethod', 'resourcePath'],
  },
];

/** An HTTP API (v2) access-log line reporting that API Gateway could not call Lambda. */
export interface HttpApiFailure {
  readonly pattern: string;
  readonly kind: 'http-api-integration-permissions' | 'http-api-authorizer-permissions';
  readonly requestId: string | null;
  readonly apiId: string | null;
  readonly stage: string | null;
  readonly httpMethod: string | null;
  /** Route key (`$default`, `/pets/{id}`) or path. */
  readonly resourcePath: string | null;
  readonly text: string;
}

/** The request fields of a CLF access-log line. */
interface ClfRequest {
  readonly method: string;
  readonly route: string;
  readonly requestId: string;
}

const METHOD = /^[A-Z]+$/;
const PROTOCOL = /^(?:HTTP\/[0-9.]+|-)$/;
const STATUS = /^[0-9]{3}$/;

/** The word of `text` that starts at `from` and ends before the next space (or the end). */
function word(text: string, from: number): { readonly value: string; readonly end: number } {
  const space = text.indexOf(' ', from);
  const end = space === -1 ? text.length : space;
  return { value: text.slice(from, end), end };
}

/**
 * Reads the default CLF access-log format, `ip - - [time] "METHOD routeKey protocol" status length
 * requestId`, with a fixed number of indexOf steps from the first `"` of the line: linear in the
 * line whatever it holds (the regex it replaces backtracked quadratically on a line of quotes).
 */
function parseClf(message: string): ClfRequest | null {
  const open = message.indexOf('"');
  if (open === -1) return null;
  const method = word(message, open + 1);
  if (!METHOD.test(method.value) || method.end === message.length) return null;
  const close = message.indexOf('" ', method.end + 1);
  if (close === -1) return null;
  const request = message.slice(method.end + 1, close);
  const lastSpace = request.lastIndexOf(' ');
  if (lastSpace <= 0 || !PROTOCOL.test(request.slice(lastSpace + 1))) return null;
  const status = word(message, close + 2);
  if (!STATUS.test(status.value)) return null;
  const length = word(message, status.end + 1);
  if (length.value === '') return null;
  const requestId = word(message, length.end + 1);
  if (requestId.value === '') return null;
  return { method: method.value, route: request.slice(0, lastSpace), requestId: requestId.value };
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' && value !== '-' ? value : null;
}

function fromJson(message: string): Omit<HttpApiFailure, 'pattern' | 'kind' | 'text'> | null {
  const fields = parseJsonRecord(message);
  if (fields === null) return null;
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
}

/** The HTTP API failure on one line, or null for any other line. */
function findFailure(message: string): HttpApiFailure | null {
  const row = ROWS.find((candidate) => message.includes(candidate.marker));
  if (row === undefined) return null;
  const kind =
    row.kind === 'http-api-authorizer-permissions'
      ? 'http-api-authorizer-permissions'
      : 'http-api-integration-permissions';
  const json = fromJson(message);
  if (json !== null) return { pattern: row.name, kind, ...json, text: message.trim() };
  const clf = parseClf(message);
  let route = clf?.route ?? null;
  const method = clf?.method ?? null;
  // routeKey of a non-default route already starts with the method ("GET GET /pets HTTP/1.1")
  if (route !== null && method !== null && route.startsWith(`${method} `)) {
    route = route.slice(method.length + 1);
  }
  const requestId = clf?.requestId ?? null;
  return {
    pattern: row.name,
    kind,
    requestId: requestId === '-' ? null : requestId,
    apiId: null,
    stage: null,
    httpMethod: method,
    resourcePath: route,
    text: message.trim(),
  };
}

function scanner(): FamilyScanner {
  const found: Finding[] = [];
  return {
    scan({ batch, event, eventId }: ScannedEvent): void {
      const http = findFailure(event.message);
      if (http === null) return;
      found.push({
        facts: {
          kind: http.kind,
          action: 'lambda:InvokeFunction',
          principal: apiGatewayPrincipal(batch.owner),
          function: UNKNOWN_FUNCTION,
          api: {
            id: http.apiId,
            stage: http.stage,
            httpMethod: http.httpMethod,
            resourcePath: http.resourcePath,
            authorizerId: null,
          },
          reason: 'unspecified',
          denyPolicyArn: null,
          roleArn: null,
        },
        eventId,
        timestamp: event.timestamp,
        requestId: http.requestId,
        text: http.text,
        logGroup: batch.logGroup,
        logStream: batch.logStream,
        owner: batch.owner,
      });
    },
    findings: () => found,
  };
}

/**
 * HTTP API (v2) access logs carrying `$context.integrationErrorMessage` or the authorizer error
 * (straight or curly apostrophe); method, route and request id come from the CLF or JSON line.
 */
export const httpApiAccessLog = {
  name: 'http-api-access-log',
  rows: ROWS,
  find: (message: string): HttpApiFailure[] => {
    const failure = findFailure(message);
    return failure === null ? [] : [failure];
  },
  scanner,
} as const satisfies FormatFamily;
