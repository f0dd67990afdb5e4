/**
 * Deterministic ids for statements, policies and snippet resources: the same diagnosis always yields
 * the same id, so running a fix twice makes AWS reject the duplicate instead of piling up statements.
 */
import { createHash } from 'node:crypto';

/** First `length` hex characters of the SHA-256 of the JSON of `parts`. */
export function deterministicId(parts: readonly unknown[], length = 16): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, length);
}

/** `invoke-doctor-<label>-<hash>`, always matching `^[A-Za-z0-9_-]{1,100}$`. */
export function statementIdFor(label: string, parts: readonly unknown[]): string {
  const safeLabel = label
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  const hash = deterministicId(parts);
  return safeLabel ? `invoke-doctor-${safeLabel}-${hash}` : `invoke-doctor-${hash}`;
}
