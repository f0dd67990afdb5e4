import { prefilter } from '../diagnose/prefilter';

/** Longest JSON text parsed to look for traces (a test-invoke-method answer is a few KB). */
const MAX_JSON = 4 * 1024 * 1024;
/** Nesting read, and string values kept, at most: a pasted record is shallow and small. */
const MAX_DEPTH = 32;
const MAX_LEAVES = 10_000;
/**
 * API Gateway cuts long trace lines with `[TRUNCATED]`; a copy that dropped the line break after
 * it glues the next line on (`{}[TRUNCATED]Thu Apr 05 11:07:54 UTC 2018 : Sending request ...`).
 */
const GLUED_AFTER_TRUNCATED = /\[TRUNCATED\](?=\S)/g;

/** String values of a parsed JSON value in document order, bounded in depth and count. */
function stringLeaves(value: unknown, depth: number, out: string[]): void {
  if (out.length >= MAX_LEAVES || depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) stringLeaves(item, depth + 1, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) stringLeaves(item, depth + 1, out);
  }
}

/** Where the JSON value of a pasted event starts: its first character, or a line that opens one. */
function jsonStart(message: string): number {
  const first = message.trimStart().charCodeAt(0);
  if (first === 123 /* { */ || first === 91 /* [ */)
    return message.length - message.trimStart().length;
  const brace = message.search(/\n[ \t]*[{[]/);
  return brace === -1 ? -1 : brace + 1;
}

/**
 * The lines of the traces that a pasted JSON value carries in its string fields, or null when it
 * carries none. `aws apigateway test-invoke-method` prints the whole execution trace in one `log`
 * field with `\n` escapes; Lambda error records carry tracebacks in `errorMessage`, Step Functions
 * in `cause`. Each multi-line string becomes its lines (so API Gateway's lines can be read one by
 * one, as in an execution log); a one-line string that holds a failure is kept whole; everything
 * else in the record (status, latency, headers) is dropped. A command line pasted before the JSON
 * is dropped too. Only JSON that holds a failure and an escaped line break is parsed.
 */
export function expandJsonTraces(message: string): string[] | null {
  if (message.length > MAX_JSON || !message.includes('\\n') || !prefilter(message)) return null;
  const start = jsonStart(message);
  if (start === -1) return null;
  let value: unknown;
  try {
    value = JSON.parse(message.slice(start));
  } catch {
    // not JSON after all (or nested too deep for the parser): the event stays as it is
    return null;
  }
  const leaves: string[] = [];
  stringLeaves(value, 0, leaves);
  if (!leaves.some((leaf) => leaf.includes('\n'))) return null;
  const lines: string[] = [];
  for (const leaf of leaves) {
    if (leaf.includes('\n')) {
      for (const raw of leaf.replace(GLUED_AFTER_TRUNCATED, '[TRUNCATED]\n').split('\n')) {
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (line.trim() !== '') lines.push(line);
      }
    } else if (prefilter(leaf)) {
      lines.push(leaf);
    }
  }
  return lines;
}
