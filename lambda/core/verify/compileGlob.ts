/** A compiled IAM wildcard pattern. */
export type GlobMatcher = (value: string) => boolean;

const STAR = 42; // '*'
const QUESTION = 63; // '?'

/**
 * Matches IAM wildcards: `*` is any run of characters (colons and slashes included), `?` is exactly
 * one. Greedy with a single backtrack point, so the cost is at most pattern × value length: a long
 * value copied from a log cannot make a pattern with many stars blow up as a regex could.
 */
function globMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let mark = 0;
  while (v < value.length) {
    const c = p < pattern.length ? pattern.charCodeAt(p) : -1;
    if (c === QUESTION || (c !== STAR && c === value.charCodeAt(v))) {
      p++;
      v++;
    } else if (c === STAR) {
      star = p++;
      mark = v;
    } else if (star !== -1) {
      p = star + 1;
      v = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === STAR) p++;
  return p === pattern.length;
}

/** Whether a string holds an IAM wildcard. */
export function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}

/**
 * Compiles an IAM wildcard pattern once; patterns without wildcards compare by equality.
 * With `ignoreCase`, both sides are lower-cased (action names are case-insensitive in IAM).
 */
export function compileGlob(pattern: string, ignoreCase = false): GlobMatcher {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  if (!hasWildcard(p)) {
    return ignoreCase ? (value) => value.toLowerCase() === p : (value) => value === p;
  }
  if (p === '*') return () => true;
  return ignoreCase ? (value) => globMatch(p, value.toLowerCase()) : (value) => globMatch(p, value);
}
