/**
 * Largest JSON access-log record parsed, in characters. Access-log formats are a few `$context`
 * variables, well under a kilobyte per request; a larger `{...}` line is not a record we read, and
 * parsing megabytes of JSON per line is where a hostile line would spend the responder's time
 * (V8's JSON.parse gets slower per byte on megabyte objects).
 */
export const MAX_JSON_RECORD_CHARS = 64 * 1024;

/** Parses a one-line JSON access-log record (an object); null for anything else or a larger line. */
export function parseJsonRecord(text: string): Record<string, unknown> | null {
  if (text.charCodeAt(0) !== 123 /* { */ || text.length > MAX_JSON_RECORD_CHARS) return null;
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return null;
  return record as Record<string, unknown>;
}
