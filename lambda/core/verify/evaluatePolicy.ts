import { compilePolicy, type PolicyInput } from './compilePolicy';
import { evaluateStatement } from './evaluateStatement';
import { kleene } from './kleene';
import { type PreparedRequest, prepareRequest } from './prepareRequest';
import type { AccessRequest, PolicyEvaluation, PolicyType, StatementResult } from './types';

/** Options of {@link evaluatePolicy}. */
export interface EvaluatePolicyOptions {
  /**
   * `resource` requires every statement to name a principal, `identity` forbids it; by default
   * a statement with a `Principal` is read as resource-based and one without as identity-based.
   */
  readonly policyType?: PolicyType | undefined;
}

/** The decision of one document from its statement results. */
function decide(statements: readonly StatementResult[]): PolicyEvaluation['decision'] {
  const deny = kleene.or(...statements.filter((s) => s.effect === 'Deny').map((s) => s.applies));
  if (deny === true) return 'explicit-deny';
  if (deny === 'unknown') return 'cannot-tell';
  const allow = kleene.or(...statements.filter((s) => s.effect === 'Allow').map((s) => s.applies));
  return allow === true ? 'allow' : allow === false ? 'no-match' : 'cannot-tell';
}

/** {@link evaluatePolicy} for a request already prepared, to share the work across documents. */
export function evaluatePreparedPolicy(
  document: PolicyInput,
  request: PreparedRequest,
  policyType: PolicyType | undefined,
): PolicyEvaluation {
  const compiled = compilePolicy(document);
  if (compiled.invalid !== undefined) {
    return { decision: 'cannot-tell', statements: [], invalid: compiled.invalid };
  }
  const statements = compiled.statements.map((s) => evaluateStatement(s, request, policyType));
  return { decision: decide(statements), statements };
}

/**
 * Evaluates one policy document against one request. `allow` means an Allow statement applies and
 * no Deny does; whether that suffices depends on the other policy layers (see
 * evaluateInvokeAccess), e.g. an Allow that names the caller's account only delegates to the
 * account's identity-based policies. Anything not modelled (condition keys and operators,
 * policy variables, principal forms) makes the affected statements `unknown` and the decision
 * `cannot-tell` whenever they could change it. Never throws for a malformed document.
 */
export function evaluatePolicy(
  document: PolicyInput,
  request: AccessRequest,
  options: EvaluatePolicyOptions = {},
): PolicyEvaluation {
  return evaluatePreparedPolicy(document, prepareRequest(request), options.policyType);
}
