import { AWS_FORMATS } from '../awsFormats';
import { APIGW_EXECUTION_LOG_PREFIX } from '../constants';
import { isMasked } from '../decode/isMasked';
import type { FunctionRef } from '../types';
import { parseApiGatewayLine } from './parseApiGatewayLine';
import { parseFunctionRef, UNKNOWN_FUNCTION } from './parseFunctionRef';

/** What the other lines of a failed request tell about it. */
export interface RequestContext {
  /** Key the lines were joined on: `id:<requestId>`, or a console-test / bare-text run. */
  readonly key: string;
  readonly requestId: string | null;
  readonly function: FunctionRef;
  readonly apiId: string | null;
  readonly stage: string | null;
  readonly httpMethod: string | null;
  readonly resourcePath: string | null;
  /** Account from `X-Amz-Source-Arn`. */
  readonly accountId: string | null;
  /** The request also logged `Authorizer error` / `AUTHORIZER_CONFIGURATION_ERROR`. */
  readonly authorizer: boolean;
  /** Id from `Starting authorizer: <id> for request: ...`, when logged. */
  readonly authorizerId: string | null;
}

interface Gathered {
  uris: Array<{ readonly at: number; readonly ref: FunctionRef }>;
  apiId: string | null;
  stage: string | null;
  httpMethod: string | null;
  resourcePath: string | null;
  accountId: string | null;
  authorizer: boolean;
  authorizerId: string | null;
}

const HTTP_METHOD = 'HTTP Method: ';
const METHOD_LINE = /^HTTP Method: ([A-Za-z]+), Resource Path: (\S*)/;
const URI_PREFIXES = ['Endpoint request URI: ', 'Sending request to '] as const;
const HEADERS = 'Endpoint request headers: ';
const API_STAGE = /API Stage: ([A-Za-z0-9]+)\/([A-Za-z0-9_-]+)/;
const API_ID_HEADER = 'x-amzn-apigateway-api-id=';
const SOURCE_ARN_HEADER = 'X-Amz-Source-Arn=';
const AUTHORIZER_MARKERS = ['Authorizer error', 'AUTHORIZER_CONFIGURATION_ERROR'] as const;
const RUN_START = 'Starting execution for request';
// INFO-level REST logs: `Starting authorizer: 4hugyv for request: <id>` (console: `... : Starting ...`)
const AUTHORIZER_START = /^Starting authorizer: ([a-z0-9]+) for request/;
const RUN_HEAD = 'Extended Request Id';

/**
 * Whether a line can tell correlation something about its request: the lines `absorb` reads (route,
 * function URI, headers, API stage, authorizer) and the lines that start a run. The streaming
 * analysis keeps these from one window for the next; checked with prefix tests only.
 */
export function isContextLine(message: string): boolean {
  let at = 0;
  const first = message.charCodeAt(0);
  if (first === 40 /* ( */) {
    const close = message.indexOf(') ', 1);
    if (close > 0 && close <= 65) at = close + 2;
  } else if (first !== 72 && first !== 69 && first !== 83 && first !== 86) {
    // not H/E/S/V: a console trace line (`Thu Apr 05 ... UTC 2018 : `) or leading spaces
    const line = parseApiGatewayLine(message);
    at = message.length - line.text.length;
  }
  switch (message.charCodeAt(at)) {
    case 72 /* H */:
      return message.startsWith(HTTP_METHOD, at);
    case 69 /* E */:
      return (
        message.startsWith('Endpoint request ', at) ||
        message.startsWith(RUN_HEAD, at) ||
        message.startsWith('Execution failed', at)
      );
    case 83 /* S */:
      return message.startsWith('Sending request to ', at) || message.startsWith('Starting ', at);
    case 86 /* V */:
      return message.startsWith('Verifying Usage Plan', at);
    default:
      return false;
  }
}

/** Reads `{apiId}/{stage}` from an execution log group name. */
export function apiFromLogGroup(logGroup: string | null): { id: string; stage: string } | null {
  if (logGroup === null || !logGroup.startsWith(APIGW_EXECUTION_LOG_PREFIX)) return null;
  const rest = logGroup.slice(APIGW_EXECUTION_LOG_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return null;
  return { id: rest.slice(0, slash), stage: rest.slice(slash + 1) };
}

function known(value: string | undefined): string | null {
  return value === undefined || value === '' || isMasked(value) ? null : value;
}

function headerValue(text: string, name: string): string | null {
  const at = text.indexOf(name);
  if (at === -1) return null;
  const start = at + name.length;
  // Complete values end with ', ' (next header) or the map's closing '}'; a value cut by
  // [TRUNCATED] is not trusted. A '}' inside the value ({proxy+} paths) is part of it.
  const comma = text.indexOf(', ', start);
  const end = comma !== -1 ? comma : text.lastIndexOf('}');
  if (end <= start) return null;
  const value = text.slice(start, end).trim();
  return value === '' || value.includes(' ') ? null : value;
}

function functionFromUri(text: string): FunctionRef | null {
  const start = text.indexOf('/functions/');
  const end = text.indexOf('/invocations', start);
  if (start === -1 || end === -1) return null;
  let arn = text.slice(start + '/functions/'.length, end);
  if (arn.includes('%3A')) {
    try {
      arn = decodeURIComponent(arn);
    } catch {
      return null;
    }
  }
  return parseFunctionRef(arn);
}

function absorb(into: Gathered, text: string, at: number): void {
  if (text.startsWith(HTTP_METHOD)) {
    const match = METHOD_LINE.exec(text);
    if (match !== null) {
      into.httpMethod ??= match[1] ?? null;
      into.resourcePath ??= match[2] || null;
    }
    return;
  }
  for (const prefix of URI_PREFIXES) {
    if (text.startsWith(prefix)) {
      const ref = functionFromUri(text);
      if (ref !== null) into.uris.push({ at, ref });
      return;
    }
  }
  if (text.startsWith(HEADERS)) {
    const sourceArn = headerValue(text, SOURCE_ARN_HEADER);
    if (sourceArn?.startsWith('arn:')) {
      // arn:partition:execute-api:region:account:apiId/stage/METHOD/path...
      const parts = sourceArn.split(':');
      const route = parts.slice(5).join(':').split('/');
      // a masked part of the source ARN is unknown: it neither fills nor overrides a field
      const account = parts[4] ?? '';
      if (AWS_FORMATS.accountId.test(account)) into.accountId = account;
      into.apiId = known(route[0]) ?? into.apiId;
      const stage = known(route[1]);
      if (stage !== null && stage !== 'null') into.stage = stage;
      if (known(route[2])) into.httpMethod = route[2] ?? null;
      if (route.length > 3) into.resourcePath = `/${route.slice(3).join('/')}`;
    }
    into.apiId ??= headerValue(text, API_ID_HEADER);
    return;
  }
  if (text.includes('API Stage: ')) {
    const match = API_STAGE.exec(text);
    if (match !== null) {
      into.apiId ??= match[1] ?? null;
      into.stage ??= match[2] ?? null;
    }
  }
  if (AUTHORIZER_MARKERS.some((marker) => text.includes(marker))) into.authorizer = true;
  if (text.startsWith('Starting authorizer: ')) {
    into.authorizerId = AUTHORIZER_START.exec(text)?.[1] ?? into.authorizerId;
  }
}

/**
 * Joins API Gateway lines by request to find the function and route behind each failure. Lines with
 * a `(<requestId>)` prefix join on the id; console-test lines (`<date> : ...`) and unprefixed text
 * join per run (a run starts at `Extended Request Id` / `Starting execution for request`). Only the
 * lines of failed requests are read beyond a prefix check.
 *
 * @param messages every message of the scope (one log group), in order
 * @param failures indices of failure lines in `messages`
 * @param logGroup the scope's log group (execution-log names carry api id and stage)
 * @returns context per failure index
 */
export function correlateApiGateway(
  messages: readonly string[],
  failures: readonly number[],
  logGroup: string | null,
): Map<number, RequestContext> {
  const keys: Array<string | null> = new Array(messages.length).fill(null);
  const failureSet = new Set(failures);
  const needRuns = failures.some((i) => messages[i]?.charCodeAt(0) !== 40);
  let run = 0;
  let runHasStart = false;
  let wasConsole = false;
  // A request's lines come together: a line that starts with the previous line's `(<id>) ` prefix
  // has that id (ids contain neither `)` nor a space), without parsing it again.
  let lastPrefix: string | null = null;
  let lastKey: string | null = null;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] ?? '';
    if (message.charCodeAt(0) === 40 /* ( */ || needRuns || failureSet.has(i)) {
      if (lastPrefix !== null && message.startsWith(lastPrefix)) {
        keys[i] = lastKey;
        continue;
      }
      const line = parseApiGatewayLine(message);
      if (line.requestId !== null) {
        lastKey = `id:${line.requestId}`;
        lastPrefix = `(${line.requestId}) `;
        keys[i] = lastKey;
        continue;
      }
      const isConsole = line.consoleTime !== null;
      const text = line.text;
      if (text.startsWith(RUN_HEAD)) {
        run++;
        runHasStart = false;
      } else if (text.startsWith(RUN_START)) {
        if (runHasStart) run++;
        runHasStart = true;
      } else if (isConsole !== wasConsole) {
        run++;
        runHasStart = false;
      }
      wasConsole = isConsole;
      keys[i] = `${isConsole ? 'console' : 'text'}:${run}`;
    }
  }
  const failedKeys = new Set<string>();
  for (const i of failures) {
    const key = keys[i];
    if (key !== null && key !== undefined) failedKeys.add(key);
  }
  const gathered = new Map<string, Gathered>();
  for (const key of failedKeys) {
    gathered.set(key, {
      uris: [],
      apiId: null,
      stage: null,
      httpMethod: null,
      resourcePath: null,
      accountId: null,
      authorizer: false,
      authorizerId: null,
    });
  }
  for (let i = 0; i < messages.length; i++) {
    const key = keys[i];
    if (key === null || key === undefined) continue;
    const into = gathered.get(key);
    if (into === undefined) continue;
    absorb(into, parseApiGatewayLine(messages[i] ?? '').text, i);
  }
  const fromGroup = apiFromLogGroup(logGroup);
  const result = new Map<number, RequestContext>();
  for (const i of failures) {
    const key = keys[i] ?? `event:${i}`;
    const info = gathered.get(key);
    const before = info?.uris.filter((uri) => uri.at < i) ?? [];
    const chosen = before[before.length - 1] ?? info?.uris[0];
    result.set(i, {
      key,
      requestId: key.startsWith('id:') ? key.slice(3) : null,
      function: chosen?.ref ?? UNKNOWN_FUNCTION,
      apiId: info?.apiId ?? fromGroup?.id ?? null,
      stage: info?.stage ?? fromGroup?.stage ?? null,
      httpMethod: info?.httpMethod ?? null,
      resourcePath: info?.resourcePath ?? null,
      accountId: info?.accountId ?? null,
      authorizer: info?.authorizer ?? false,
      authorizerId: info?.authorizerId ?? null,
    });
  }
  return result;
}
