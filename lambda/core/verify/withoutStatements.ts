import { isCompiledPolicy, type PolicyInput } from './compilePolicy';
import { decodePolicyDocument } from './decodePolicyDocument';

/**
 * A policy document without the statements at `indices`, as compact JSON; null when no statement
 * would be left, undefined when the document cannot be read. The remaining statements are kept
 * exactly as written.
 */
export function withoutStatements(
  document: PolicyInput,
  indices: readonly number[],
): string | null | undefined {
  if (isCompiledPolicy(document)) return undefined;
  let raw: unknown = document;
  if (typeof document === 'string') {
    try {
      raw = JSON.parse(decodePolicyDocument(document));
    } catch {
      return undefined;
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const doc = raw as Record<string, unknown>;
  const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const kept = list.filter((_, i) => !indices.includes(i));
  if (kept.length === 0) return null;
  return JSON.stringify({ ...doc, Statement: kept });
}
