import type { Tri } from './types';

/**
 * Kleene's strong three-valued logic. A definite answer from these is the answer under every
 * resolution of the unknowns, which is what lets the evaluator say "cannot tell" instead of guessing.
 */
export const kleene = {
  /** False if any is false, else unknown if any is unknown, else true. */
  and(...values: readonly Tri[]): Tri {
    let unknown = false;
    for (const v of values) {
      if (v === false) return false;
      if (v === 'unknown') unknown = true;
    }
    return unknown ? 'unknown' : true;
  },
  /** True if any is true, else unknown if any is unknown, else false. */
  or(...values: readonly Tri[]): Tri {
    let unknown = false;
    for (const v of values) {
      if (v === true) return true;
      if (v === 'unknown') unknown = true;
    }
    return unknown ? 'unknown' : false;
  },
  /** Negation; unknown stays unknown. */
  not(value: Tri): Tri {
    return value === 'unknown' ? 'unknown' : !value;
  },
  /** The common value of two outcomes, or unknown when they differ. */
  merge(a: Tri, b: Tri): Tri {
    return a === b ? a : 'unknown';
  },
} as const;
