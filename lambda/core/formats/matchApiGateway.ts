import { parseApiGatewayLine } from './parseApiGatewayLine';
import { PATTERNS } from './patterns';

/** An API Gateway REST failure line (execution log, console test or JSON access log). */
export interface ApiGatewayFailure {
  readonly kind:
    | 'apigw-invalid-permissions'
    | 'apigw-authorizer-invalid-permissions'
    | 'apigw-cannot-assume-role';
  readonly requestId: string | null;
  readonly consoleTime: number | null;
  /** Role API Gateway could not assume. */
  readonly roleArn: string | null;
  /** Route fields carried by a JSON access-log record, when the line is one. */
  readonly apiId: string | null;
  readonly stage: string | null;
  readonly httpMethod: string | null;
  readonly resourcePath: string | null;
  readonly text: string;
}

const INVALID = PATTERNS.find((row) => row.name === 'rest-invalid-permissions')!;
const ASSUME = PATTERNS.find((row) => row.name === 'rest-cannot-assume-role')!;
const AUTHORIZER_MARKERS = ['AUTHORIZER_CONFIGURATION_ERROR', 'Authorizer error'] as const;

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' && value !== '-' ? value : null;
}

interface AccessRecord {
  readonly requestId: string | null;
  readonly apiId: string | null;
  readonly stage: string | null;
  readonly httpMethod: string | null;
  readonly resourcePath: string | null;
  readonly authorizer: boolean;
}

/** Reads a REST access-log record in JSON (`$context.integration.error`, `$context.authorizer.error`). */
function readAccessRecord(text: string): AccessRecord | null {
  if (text.charCodeAt(0) !== 123 /* { */) return null;
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return null;
  const fields = record as Record<string, unknown>;
  let authorizer = false;
  for (const [key, value] of Object.entries(fields)) {
    if (/authori[sz]er/i.test(key) && typeof value === 'string' && value.includes(INVALID.marker)) {
      authorizer = true;
    }
  }
  return {
    requestId: str(fields.requestId) ?? str(fields.extendedRequestId),
    apiId: str(fields.apiId),
    stage: str(fields.stage),
    httpMethod: str(fields.httpMethod),
    resourcePath: str(fields.resourcePath) ?? str(fields.routeKey),
    authorizer,
  };
}

/**
 * Recognises API Gateway REST failures that mean "cannot invoke the Lambda function": `Invalid
 * permissions on Lambda function` (integration or authorizer) and `does not have permission to
 * assume the provided role`. Returns null for any other line.
 */
export function matchApiGateway(message: string): ApiGatewayFailure | null {
  const invalid = message.includes(INVALID.marker);
  const assume = !invalid && message.includes(ASSUME.marker);
  if (!invalid && !assume) return null;
  const line = parseApiGatewayLine(message);
  const record = readAccessRecord(line.text);
  const onLine = AUTHORIZER_MARKERS.some((marker) => message.includes(marker));
  let roleArn: string | null = null;
  if (assume) roleArn = ASSUME.regex.exec(message)?.[1] ?? null;
  const kind = assume
    ? 'apigw-cannot-assume-role'
    : record?.authorizer === true || onLine
      ? 'apigw-authorizer-invalid-permissions'
      : 'apigw-invalid-permissions';
  return {
    kind,
    requestId: line.requestId ?? record?.requestId ?? null,
    consoleTime: line.consoleTime,
    roleArn,
    apiId: record?.apiId ?? null,
    stage: record?.stage ?? null,
    httpMethod: record?.httpMethod ?? null,
    resourcePath: record?.resourcePath ?? null,
    text: line.text.trim(),
  };
}
