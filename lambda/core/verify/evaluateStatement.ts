import type { CompiledStatement } from './compilePolicy';
import { kleene } from './kleene';
import { lazyFinding } from './lazyFinding';
import { matchPrincipal, type PrincipalOutcome } from './matchPrincipal';
import type { PreparedRequest } from './prepareRequest';
import type { ElementFinding, PolicyType, PrincipalMatchKind, StatementResult, Tri } from './types';

const NONE_BY_KIND = { exact: false, wildcard: false, parent: false, account: false } as const;

function principalOutcome(
  s: CompiledStatement,
  request: PreparedRequest,
  policyType: PolicyType | undefined,
): PrincipalOutcome & { readonly misplaced?: true } {
  if (s.principal === undefined) {
    return policyType === 'resource'
      ? {
          result: 'unknown',
          byKind: undefined,
          reason: 'a resource-based policy statement must name a Principal or NotPrincipal',
          misplaced: true,
        }
      : { result: true, byKind: undefined, reason: undefined };
  }
  if (policyType === 'identity') {
    return {
      result: 'unknown',
      byKind: undefined,
      reason: 'an identity-based policy statement cannot name a Principal or NotPrincipal',
      misplaced: true,
    };
  }
  if (s.principal.negated && s.effect === 'Allow') {
    return {
      result: 'unknown',
      byKind: undefined,
      reason: 'IAM does not support NotPrincipal with "Effect": "Allow"',
    };
  }
  return matchPrincipal(s.principal.entries, s.principal.negated, request.identity);
}

function resourceResult(s: CompiledStatement, request: PreparedRequest): Tri {
  if (s.resource === undefined) return 'unknown';
  let any = anyMatch(s.resource.matchers, request.resourceArn);
  const unqualified = request.latestUnqualified;
  if (any === false && unqualified !== undefined) {
    // Lambda takes no policy on $LATEST; whether a grant on the unqualified ARN covers an explicit
    // `:$LATEST` call is not documented.
    const viaUnqualified = anyMatch(s.resource.matchers, unqualified);
    if (viaUnqualified !== false) any = 'unknown';
  }
  return s.resource.negated ? kleene.not(any) : any;
}

function principalFinding(
  s: CompiledStatement,
  request: PreparedRequest,
  outcome: PrincipalOutcome & { readonly misplaced?: true },
  result: false | 'unknown',
): ElementFinding {
  const negated = s.principal?.negated === true;
  const subject = negated ? 'NotPrincipal' : 'Principal';
  const expected = s.principal?.values ?? [];
  const caller = request.principalText;
  return lazyFinding(
    outcome.misplaced ? 'statement' : 'principal',
    result,
    subject,
    expected,
    caller,
    () =>
      result === 'unknown'
        ? `${subject}: ${outcome.reason ?? 'cannot be decided for this caller'}`
        : negated
          ? `NotPrincipal excludes ${caller}`
          : `${caller} is not among ${expected.join(', ')}`,
  );
}

function actionFinding(
  s: CompiledStatement,
  request: PreparedRequest,
  result: false | 'unknown',
): ElementFinding {
  const subject = s.action.negated ? 'NotAction' : 'Action';
  const expected = s.action.values;
  const action = request.action;
  return lazyFinding('action', result, subject, expected, action, () =>
    result === 'unknown'
      ? `${subject} holds a pattern IAM does not accept (${expected.join(', ')})`
      : s.action.negated
        ? `NotAction ${expected.join(', ')} covers ${action}`
        : `${action} is not matched by Action ${expected.join(', ')}`,
  );
}

function resourceFinding(
  s: CompiledStatement,
  request: PreparedRequest,
  result: false | 'unknown',
): ElementFinding {
  const resource = request.resource;
  if (s.resource === undefined) {
    return lazyFinding(
      'statement',
      result,
      'Resource',
      [],
      resource,
      () => 'the statement has no Resource or NotResource element',
    );
  }
  const negated = s.resource.negated;
  const subject = negated ? 'NotResource' : 'Resource';
  const expected = s.resource.values;
  return lazyFinding('resource', result, subject, expected, resource, () => {
    if (result === false) {
      return negated
        ? `NotResource ${expected.join(', ')} covers ${resource}`
        : `${resource} is not matched by Resource ${expected.join(', ')}`;
    }
    if (request.latestUnqualified !== undefined) {
      return `${subject} names the unqualified function; whether that covers an explicit :$LATEST call is not documented`;
    }
    if (request.resourceArn === undefined && resource !== '*') {
      return `the request resource ${resource} is not an ARN`;
    }
    return `${subject} ${expected.join(', ')} holds a policy variable, a non-ARN pattern or a case-only difference`;
  });
}

/** OR of the matchers over one value, without building an array. */
function anyMatch<T>(matchers: readonly ((value: T) => Tri)[], value: T): Tri {
  let unknown = false;
  for (const m of matchers) {
    const r = m(value);
    if (r === true) return true;
    if (r === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : false;
}

/**
 * Evaluates one compiled statement: principal, action, resource and conditions are ANDed in
 * three-valued logic, so a statement that cannot apply for a known reason simply does not apply
 * even if another element is undecided. The finding names the first failing element, or the
 * first undecided one.
 */
export function evaluateStatement(
  s: CompiledStatement,
  request: PreparedRequest,
  policyType: PolicyType | undefined,
): StatementResult {
  const principal = principalOutcome(s, request, policyType);
  const kinds = s.principal !== undefined || policyType === 'resource';
  if (principal.result === false) {
    return {
      index: s.index,
      sid: s.sid,
      effect: s.effect,
      applies: false,
      appliesAs: kinds ? NONE_BY_KIND : undefined,
      finding: principalFinding(s, request, principal, false),
    };
  }
  const action = anyMatch(s.action.matchers, request.action);
  const actionTri = s.action.negated ? kleene.not(action) : action;
  const resource = actionTri === false ? false : resourceResult(s, request);
  const conditionResults: Tri[] = [];
  if (actionTri !== false && resource !== false) {
    for (const c of s.conditions) {
      const r = c.evaluate(request.context);
      conditionResults.push(r);
      if (r === false) break;
    }
  }
  const condition = kleene.and(...conditionResults);
  const rest = kleene.and(actionTri, resource, condition);
  const applies = kleene.and(principal.result, rest);

  let appliesAs: Record<PrincipalMatchKind, Tri> | undefined;
  if (kinds) {
    const byKind = principal.byKind ?? { ...NONE_BY_KIND, exact: principal.result };
    appliesAs = {
      exact: kleene.and(byKind.exact, rest),
      wildcard: kleene.and(byKind.wildcard, rest),
      parent: kleene.and(byKind.parent, rest),
      account: kleene.and(byKind.account, rest),
    };
  }

  let finding: ElementFinding | undefined;
  if (applies !== true) {
    // Elements in document order: principal, action, resource, condition.
    const wanted = applies === false ? false : 'unknown';
    if (principal.result === wanted) finding = principalFinding(s, request, principal, wanted);
    else if (actionTri === wanted) finding = actionFinding(s, request, wanted);
    else if (resource === wanted) finding = resourceFinding(s, request, wanted);
    else {
      const at = conditionResults.indexOf(wanted);
      finding = s.conditions[at]!.explain(request.context, wanted);
    }
  }
  // A literal, not a spread: object spread is the slow path in V8's hot loop here.
  return { index: s.index, sid: s.sid, effect: s.effect, applies, appliesAs, finding };
}
