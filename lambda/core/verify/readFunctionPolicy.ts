import type { CallRecorder } from './CallRecorder';

/** A function (and qualifier) to read, every part already validated. */
export interface FunctionToRead {
  /** Unqualified function ARN. */
  readonly functionArn: string;
  readonly qualifier: string | null;
  readonly region: string;
}

/** What the live account says about a function's resource-based policy. */
export type FunctionPolicy =
  | {
      readonly exists: true;
      /** GetPolicy for the function's own qualifier; null: it has none. */
      readonly policy: string | null;
      /** For a qualified function: the unqualified function's policy, read when the first denies. */
      readonly unqualified: () => Promise<string | null>;
    }
  | { readonly exists: false; readonly missing: 'function' | 'qualifier' };

/**
 * Reads a function's resource-based policy for its qualifier. GetPolicy answers
 * ResourceNotFoundException both for "no policy" and for "no such function", so only then is
 * GetFunctionConfiguration asked which it is (and, for a qualifier, whether the function itself is
 * there), unless another answer already showed it exists. A grant lives on one qualifier: the
 * unqualified policy is read only when asked.
 */
export async function readFunctionPolicy(
  rec: CallRecorder,
  fn: FunctionToRead,
  options: { readonly knownToExist?: boolean } = {},
): Promise<FunctionPolicy> {
  const target = { region: fn.region, functionName: fn.functionArn, qualifier: fn.qualifier };
  const found = await rec.call('lambda:GetPolicy', target);
  if (found === null && options.knownToExist !== true) {
    const config = await rec.call('lambda:GetFunctionConfiguration', target);
    if (config === null) {
      if (fn.qualifier === null) return { exists: false, missing: 'function' };
      const base = await rec.call('lambda:GetFunctionConfiguration', {
        ...target,
        qualifier: null,
      });
      return { exists: false, missing: base === null ? 'function' : 'qualifier' };
    }
  }
  const unqualified = async () => {
    if (fn.qualifier === null) return found?.policy ?? null;
    const out = await rec.call('lambda:GetPolicy', { ...target, qualifier: null });
    return out?.policy ?? null;
  };
  return { exists: true, policy: found?.policy ?? null, unqualified };
}
