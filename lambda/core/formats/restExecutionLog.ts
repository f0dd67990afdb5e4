import { isMasked } from '../decode/isMasked';
import { trimDecoration } from '../decode/trimDecoration';
import type { DiagnosisFacts, LogBatch } from '../types';
import { apiGatewayPrincipal } from './apiGatewayPrincipal';
import { correlateApiGateway } from './correlateApiGateway';
import type {
  FamilyScanner,
  Finding,
  FormatFamily,
  MessagePattern,
  ScannedEvent,
} from './FormatFamily';
import { parseApiGatewayLine } from './parseApiGatewayLine';
import { UNKNOWN_FUNCTION } from './parseFunctionRef';
import { parseJsonRecord } from './parseJsonRecord';

const INVALID: MessagePattern = {
  name: 'rest-invalid-permissions',
  kind: 'apigw-invalid-permissions',
  needle: 'Invalid permissions on Lambda function',
  marker: 'Invalid permissions on Lambda function',
  regex: /Execution failed due to configuration error: Invalid permissions on Lambda function/,
  example:
    '(f3ce6e03-582b-11e8-8f3a-cfe9e4701f18) Execution failed due to configuration error: Invalid permissions on Lambda function',
  yields: ['requestId'],
};

const ASSUME: MessagePattern = {
  name: 'rest-cannot-assume-role',
  kind: 'apigw-cannot-assume-role',
  needle: 'does not have permission to assume the provided role',
  marker: 'does not have permission to assume the provided role',
  regex:
    /does not have permission to assume the provided role(?: ([`"'(]*arn:aws[a-z-]*:iam::[^\s"'\\)\]},;]+))?/,
  example:
    'Wed Jun 07 17:58:56 UTC 2023 : Execution failed due to configuration error: API Gateway does not have permission to assume the provided role arn:aws:iam::770646514888:role/lambda_execution_role_Authorize-Registrations-Lambda',
  yields: ['requestId', 'roleArn'],
};

/** An API Gateway REST failure line (execution log, console test or JSON access log). */
export interface ApiGatewayFailure {
  readonly pattern: string;
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

const AUTHORIZER_MARKERS = ['AUTHORIZER_CONFIGURATION_ERROR', 'Authorizer error'] as const;

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' && value !== '-' && !isMasked(value)
    ? value
    : null;
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
  const fields = parseJsonRecord(text);
  if (fields === null) return null;
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

/** The REST failure on one line, or null for any other line. */
function findFailure(message: string): ApiGatewayFailure | null {
  const invalid = message.includes(INVALID.marker);
  const assume = !invalid && message.includes(ASSUME.marker);
  if (!invalid && !assume) return null;
  const line = parseApiGatewayLine(message);
  const record = readAccessRecord(line.text);
  const onLine = AUTHORIZER_MARKERS.some((marker) => message.includes(marker));
  let roleArn: string | null = null;
  if (assume) {
    const found = ASSUME.regex.exec(message)?.[1];
    roleArn = found === undefined ? null : trimDecoration(found);
    if (roleArn === '' || roleArn?.split(/[:/]/).some(isMasked)) roleArn = null;
  }
  const kind = assume
    ? 'apigw-cannot-assume-role'
    : record?.authorizer === true || onLine
      ? 'apigw-authorizer-invalid-permissions'
      : 'apigw-invalid-permissions';
  return {
    pattern: assume ? ASSUME.name : INVALID.name,
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

interface RestFailure {
  readonly scanned: ScannedEvent;
  readonly failure: ApiGatewayFailure;
}

function scopeKey(batch: LogBatch, index: number): string {
  return batch.logGroup ?? `\u0000batch:${index}`;
}

/**
 * A failure line names neither function nor route: they come from the other lines of the same
 * request (correlateApiGateway), read per log group across every batch of the analysis.
 */
function correlate(batches: readonly LogBatch[], failures: readonly RestFailure[]): Finding[] {
  const byScope = new Map<string, RestFailure[]>();
  for (const item of failures) {
    const key = scopeKey(item.scanned.batch, item.scanned.batchIndex);
    const list = byScope.get(key) ?? [];
    list.push(item);
    byScope.set(key, list);
  }
  const findings: Finding[] = [];
  for (const list of byScope.values()) {
    const first = list[0]!.scanned;
    const key = scopeKey(first.batch, first.batchIndex);
    // the scope's messages in order, across every batch of the same log group
    const messages: string[] = [];
    const offsets = new Map<number, number>();
    batches.forEach((batch, b) => {
      if (scopeKey(batch, b) !== key) return;
      offsets.set(b, messages.length);
      for (const event of batch.events) messages.push(event.message);
    });
    const indices = list.map((item) => offsets.get(item.scanned.batchIndex)! + item.scanned.index);
    const contexts = correlateApiGateway(messages, indices, first.batch.logGroup);
    list.forEach((item, n) => {
      const { batch, event, eventId } = item.scanned;
      const context = contexts.get(indices[n]!)!;
      const failure = item.failure;
      const kind =
        failure.kind === 'apigw-invalid-permissions' && context.authorizer
          ? 'apigw-authorizer-invalid-permissions'
          : failure.kind;
      const fn = failure.kind === 'apigw-cannot-assume-role' ? UNKNOWN_FUNCTION : context.function;
      const facts: DiagnosisFacts = {
        kind,
        action: kind === 'apigw-cannot-assume-role' ? null : 'lambda:InvokeFunction',
        principal: apiGatewayPrincipal(context.accountId ?? batch.owner),
        function: fn,
        api: {
          id: failure.apiId ?? context.apiId,
          stage: failure.stage ?? context.stage,
          httpMethod: failure.httpMethod ?? context.httpMethod,
          resourcePath: failure.resourcePath ?? context.resourcePath,
          authorizerId:
            kind === 'apigw-authorizer-invalid-permissions' ? context.authorizerId : null,
        },
        // API Gateway only says "Invalid permissions": the function policy lacks API Gateway
        reason: kind === 'apigw-cannot-assume-role' ? 'unspecified' : 'no-resource-policy',
        denyPolicyArn: null,
        roleArn: failure.roleArn,
      };
      findings.push({
        facts,
        eventId,
        timestamp: event.timestamp ?? failure.consoleTime,
        requestId: failure.requestId ?? context.requestId,
        text: failure.text,
        logGroup: batch.logGroup,
        logStream: batch.logStream,
        owner: batch.owner,
        // the function is in the request's other lines, which a lookup by request id can fetch
        lookup: kind !== 'apigw-cannot-assume-role' && fn.arn === null && fn.name === null,
      });
    });
  }
  return findings;
}

function scanner(): FamilyScanner {
  const failures: RestFailure[] = [];
  return {
    scan(scanned: ScannedEvent): void {
      const failure = findFailure(scanned.event.message);
      if (failure !== null) failures.push({ scanned, failure });
    },
    findings: (batches) => (failures.length > 0 ? correlate(batches, failures) : []),
  };
}

/**
 * API Gateway REST failures that mean "cannot invoke the Lambda function": `Invalid permissions on
 * Lambda function` (integration or authorizer) and `does not have permission to assume the
 * provided role`, in execution logs, console test traces and JSON access logs.
 */
export const restExecutionLog = {
  name: 'rest-execution-log',
  rows: [INVALID, ASSUME],
  find: (message: string): ApiGatewayFailure[] => {
    const failure = findFailure(message);
    return failure === null ? [] : [failure];
  },
  scanner,
} as const satisfies FormatFamily;
