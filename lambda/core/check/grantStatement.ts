/**
 * Turns one template grant into the statement Lambda stores for it (as `AddPermission` writes
 * them: `Principal`, `Action`, the function or qualified ARN as `Resource`, `ArnLike
 * AWS:SourceArn`, `StringEquals AWS:SourceAccount`, ...), so the policy evaluator decides
 * template grants exactly as it decides a live policy.
 *
 * A grant with a value that cannot be resolved has two readings: the `lower` one leaves it out
 * (what is certainly granted) and the `upper` one widens the unknown value to `*` (what might be
 * granted). A caller allowed by the lower reading is allowed; one denied by the upper reading is
 * denied; anything between is "cannot tell".
 */
import type { FunctionRef, Grant } from './CheckGraph';
import { isUnresolved, type Unresolved } from './Unresolved';

/** Which reading of unresolved values to build. */
export type Bound = 'lower' | 'upper';

/** A statement as JSON, ready for the evaluator. */
export type StatementJson = Record<string, unknown>;

/** The ARN a resource-based policy statement names for a function or qualifier. */
export function functionArn(ref: FunctionRef): string {
  const base = `arn:${ref.partition}:lambda:${ref.region}:${ref.account}:function:${ref.name}`;
  return ref.qualifier === null ? base : `${base}:${ref.qualifier}`;
}

/** The `Principal` element `AddPermission` writes for a principal string. */
function principalElement(principal: string, partition: string): unknown {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal) || /^\u27e6\d+\u27e7$/.test(principal)) {
    return { AWS: `arn:${partition}:iam::${principal}:root` };
  }
  if (principal.startsWith('arn:')) return { AWS: principal };
  return { Service: principal };
}

/**
 * The statement of `grant` under `bound`; null when the lower reading leaves it out (a value it
 * cannot resolve, or a condition that may not hold).
 */
export function grantStatement(grant: Grant, bound: Bound, sid: string): StatementJson | null {
  const unknown = (v: unknown): v is Unresolved => isUnresolved(v);
  const risky = [
    grant.target,
    grant.action,
    grant.principal,
    grant.sourceArn,
    grant.sourceAccount,
    grant.principalOrgId,
    grant.eventSourceToken,
    grant.functionUrlAuthType,
    grant.invokedViaFunctionUrl,
  ].some(unknown);
  if (bound === 'lower' && (risky || grant.onlyIf !== undefined)) return null;
  const partition = unknown(grant.target) ? 'aws' : grant.target.partition;
  const statement: StatementJson = {
    Sid: sid,
    Effect: 'Allow',
    Principal: unknown(grant.principal) ? '*' : principalElement(grant.principal, partition),
    Action: unknown(grant.action) ? 'lambda:*' : grant.action,
    Resource: unknown(grant.target) ? '*' : functionArn(grant.target),
  };
  const condition: Record<string, Record<string, string>> = {};
  const put = (operator: string, key: string, value: string | Unresolved | undefined) => {
    if (value === undefined || unknown(value)) return;
    condition[operator] ??= {};
    (condition[operator] as Record<string, string>)[key] = value;
  };
  put('ArnLike', 'AWS:SourceArn', grant.sourceArn);
  put('StringEquals', 'AWS:SourceAccount', grant.sourceAccount);
  put('StringEquals', 'aws:PrincipalOrgID', grant.principalOrgId);
  put('StringEquals', 'lambda:EventSourceToken', grant.eventSourceToken);
  put('StringEquals', 'lambda:FunctionUrlAuthType', grant.functionUrlAuthType);
  if (grant.invokedViaFunctionUrl === true) put('Bool', 'lambda:InvokedViaFunctionUrl', 'true');
  if (Object.keys(condition).length > 0) statement.Condition = condition;
  return statement;
}
