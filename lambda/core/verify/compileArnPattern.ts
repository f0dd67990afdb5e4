import { compileGlob, type GlobMatcher } from './compileGlob';
import type { Tri } from './types';

/** The six colon-separated components of an ARN; `resource` keeps any further colons. */
export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** Splits `arn:partition:service:region:account:resource`; undefined when it is not that shape. */
export function splitArn(value: string): ArnParts | undefined {
  if (!value.startsWith('arn:')) return undefined;
  const cut: number[] = [];
  let from = 4;
  for (let i = 0; i < 4; i++) {
    const at = value.indexOf(':', from);
    if (at === -1) return undefined;
    cut.push(at);
    from = at + 1;
  }
  const [a, b, c, d] = cut as [number, number, number, number];
  return {
    partition: value.slice(4, a),
    service: value.slice(a + 1, b),
    region: value.slice(b + 1, c),
    account: value.slice(c + 1, d),
    resource: value.slice(d + 1),
  };
}

/** A compiled ARN pattern, matched against a split ARN. */
export type ArnMatcher = (arn: ArnParts) => Tri;

const HEAD = ['partition', 'service', 'region', 'account'] as const;

/**
 * Compiles an ARN pattern the way IAM matches ARNs: each of the six components separately, with
 * `*` and `?` inside a component and, in the last one, across further colons and slashes. So
 * `function:my-fn` does not match `function:my-fn:live` while `function:my-fn*` matches both.
 * With `caseOnlyUnknown`, a partition/service/region/account that differs only in case gives
 * unknown instead of false (used for `Resource`, where case handling of those parts is not
 * documented; condition operators are documented as case-sensitive). Undefined when the pattern
 * is not ARN-shaped.
 */
export function compileArnPattern(
  pattern: string,
  caseOnlyUnknown: boolean,
): ArnMatcher | undefined {
  const parts = splitArn(pattern);
  if (parts === undefined) return undefined;
  const head = HEAD.map((name) => ({
    name,
    exact: compileGlob(parts[name]),
    folded: compileGlob(parts[name], true),
  }));
  const resource: GlobMatcher = compileGlob(parts.resource);
  return (arn) => {
    let unknown = false;
    for (const h of head) {
      const value = arn[h.name];
      if (h.exact(value)) continue;
      if (caseOnlyUnknown && h.folded(value)) unknown = true;
      else return false;
    }
    if (!resource(arn.resource)) return false;
    return unknown ? 'unknown' : true;
  };
}
