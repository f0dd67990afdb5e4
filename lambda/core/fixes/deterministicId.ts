/**
 * Deterministic ids for statements, policies and snippet resources: the same diagnosis always yields
 * the same id, so running a fix twice makes AWS reject the duplicate instead of piling up statements.
 */
import { createHash } from 'node:crypto';

/** First `length` hex characters of the SHA-256 of the JSON of `parts`. */
export function deterministicId(parts: readonly unknown[], length = 16): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, length);
}

/** Strips leading and trailing `-` with index arithmetic (a `-+$` regex is quadratic on dashes). */
function trimDashes(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) === 45) start++;
  while (end > start && text.charCodeAt(end - 1) === 45) end--;
  return text.slice(start, end);
}

/** `invoke-doctor-<label>-<hash>`, always matching `^[A-Za-z0-9_-]{1,100}$`. */
export function statementIdFor(label: string, parts: readonly unknown[]): string {
  const safeLabel = trimDashes(label.replace(/[^A-Za-z0-9_-]+/g, '-')).slice(0, 40);
  const hash = deterministicId(parts);
  return safeLabel ? `invoke-doctor-${safeLabel}-${hash}` : `invoke-doctor-${hash}`;
}
