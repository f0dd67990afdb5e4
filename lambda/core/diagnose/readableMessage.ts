import { parseApiGatewayLine } from '../formats/parseApiGatewayLine';

/**
 * Longest part of one log message the matchers read: 256 KiB of text, CloudWatch Logs' classic
 * maximum event size. Every matcher is linear (a test checks each regex), so this bounds the work
 * of a hostile 1 MiB event rather than rescuing a slow pattern. A longer message is cut at the last
 * whitespace before the limit, so a token (a function name, an ARN) is never read in part: a
 * denial past the first 256 KiB of one event is not diagnosed.
 */
export const MAX_MATCHED_CHARS = 256 * 1024;

/**
 * Labels of API Gateway execution-log lines that carry request or response data rather than API
 * Gateway's own messages: their text (a path, a query string, a header, a body) is written by
 * whoever calls the API, so it is never read as a denial.
 */
export const REQUEST_DATA_LABELS = [
  'Method request path: ',
  'Method request query string: ',
  'Method request headers: ',
  'Method request body before transformations: ',
  'Endpoint request URI: ',
  'Endpoint request headers: ',
  'Endpoint request body after transformations: ',
  'Endpoint response headers: ',
  'Endpoint response body before transformations: ',
  'Method response body after transformations: ',
  'Method response headers: ',
] as const;

// Cheap gate: every label contains one of these.
const LABEL_HINTS = [
  'Method request ',
  'Endpoint request ',
  'Endpoint response ',
  'Method response ',
];

function isRequestData(line: string): boolean {
  const text = parseApiGatewayLine(line).text;
  return REQUEST_DATA_LABELS.some((label) => text.startsWith(label));
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** Cuts a message longer than {@link MAX_MATCHED_CHARS} at the last whitespace before the limit. */
function bounded(message: string): string | null {
  if (message.length <= MAX_MATCHED_CHARS) return message;
  let end = MAX_MATCHED_CHARS;
  while (end > 0 && !isSpace(message.charCodeAt(end))) end--;
  return end > 0 ? message.slice(0, end) : null;
}

/**
 * The part of a prefiltered message the matchers may read, or null when nothing is: the message
 * bounded to {@link MAX_MATCHED_CHARS}, without the request- and response-data lines of API Gateway
 * execution logs (a console test trace pasted as one event holds several lines).
 */
export function readableMessage(message: string): string | null {
  const text = bounded(message);
  if (text === null) return null;
  if (!LABEL_HINTS.some((hint) => text.includes(hint))) return text;
  if (!text.includes('\n')) return isRequestData(text) ? null : text;
  const kept = text.split('\n').filter((line) => !isRequestData(line));
  return kept.length === 0 ? null : kept.join('\n');
}
