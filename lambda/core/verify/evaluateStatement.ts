import type { CompiledStatement } from './compilePolicy';
import { kleene } from './kleene';
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
  let any = kleene.or(...s.resource.matchers.map((m) => m(request.resourceArn)));
  const unqualified = request.latestUnqualified;
  if (any === false && unqualified !== undefined) {
    // Lambda takes no policy on $LATEST; whether a grant on the unqualified ARN covers an explicit
    // `:$LATEST` call is not documented.
    const viaUnqualified = kleene.or(...s.resource.matchers.map((m) => m(unqualified)));
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
  const subject = s.principal === undefined ? 'Principal' : negated ? 'NotPrincipal' : 'Principal';
  const expected = s.principal?.entries.map((e) => e.text) ?? [];
  const message =
    result === 'unknown'
      ? `${subject}: ${outcome.reason ?? 'cannot be decided for this caller'}`
      : negated
        ? `NotPrincipal excludes ${request.principalText}`
        : `${request.principalText} is not among ${expected.join(', ')}`;
  return {
    element: outcome.misplaced ? 'statement' : 'principal',
    result,
    subject,
    expected,
    actual: request.principalText,
    message,
  };
}

function actionFinding(
  s: CompiledStatement,
  request: PreparedRequest,
  result: false | 'unknown',
): ElementFinding {
  const subject = s.action.negated ? 'NotAction' : 'Action';
  const expected = s.action.values;
  const message =
    result === 'unknown'
      ? `${subject} holds a pattern IAM does not accept (${expected.join(', ')})`
      : s.action.negated
        ? `NotAction ${expected.join(', ')} covers ${request.action}`
        : `${request.action} is not matched by Action ${expected.join(', ')}`;
  return { element: 'action', result, subject, expected, actual: request.action, message };
}

function resourceFinding(
  s: CompiledStatement,
  request: PreparedRequest,
  result: false | 'unknown',
): ElementFinding {
  if (s.resource === undefined) {
    return {
      element: 'statement',
      result,
      subject: 'Resource',
      expected: [],
      actual: request.resource,
      message: 'the statement has no Resource or NotResource element',
    };
  }
  const subject = s.resource.negated ? 'NotResource' : 'Resource';
  const expected = s.resource.values;
  let message: string;
  if (result === false) {
    message = s.resource.negated
      ? `NotResource ${expected.join(', ')} covers ${request.resource}`
      : `${request.resource} is not matched by Resource ${expected.join(', ')}`;
  } else if (request.latestUnqualified !== undefined) {
    message = `${subject} names the unqualified function; whether that covers an explicit :$LATEST call is not documented`;
  } else if (request.resourceArn === undefined && request.resource !== '*') {
    message = `the request resource ${request.resource} is not an ARN`;
  } else {
    message = `${subject} ${expected.join(', ')} holds a policy variable, a non-ARN pattern or a case-only difference`;
  }
  return { element: 'resource', result, subject, expected, actual: request.resource, message };
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
  const base = { index: s.index, sid: s.sid, effect: s.effect };
  const kinds = s.principal !== undefined || policyType === 'resource';
  if (principal.result === false) {
    return {
      ...base,
      applies: false,
      appliesAs: kinds ? NONE_BY_KIND : undefined,
      finding: principalFinding(s, request, principal, false),
    };
  }
  const action = kleene.or(...s.action.matchers.map((m) => m(request.action)));
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
  return { ...base, applies, appliesAs, finding };
}
