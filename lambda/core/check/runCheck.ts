/**
 * The rule engine of `invoke-doctor check`: evaluates every caller → function edge of a graph with
 * the shared policy evaluator and turns failures, warnings and every "cannot tell" into findings
 * with a location and the exact fix. Pure: the readers that build graphs live in bin/check.
 */
import { checked } from '../fixes/checked';
import { renderIdentityPolicy } from '../fixes/renderIdentityPolicy';
import { renderTrustPolicy } from '../fixes/renderTrustPolicy';
import type { ResolvedFacts } from '../fixes/resolveFacts';
import type { Fix } from '../types';
import type { Caller, CheckGraph, FunctionRef, SourceLocation } from './CheckGraph';
import { CHECK_RULES, type CheckLevel, type CheckRuleId } from './checkRules';
import { evaluateCaller, GrantIndex } from './evaluateCaller';
import { functionArn, grantStatement } from './grantStatement';
import { type CheckFixText, renderCheckFix } from './renderCheckFix';
import { isUnresolved } from './Unresolved';

/** A related place a finding points at (the function, a grant that almost applies). */
export interface RelatedLocation {
  readonly location: SourceLocation;
  readonly message: string;
}

/** One finding. */
export interface CheckFinding {
  readonly ruleId: CheckRuleId;
  readonly level: CheckLevel;
  /** `fail` for errors and warnings, `cannot-tell` when the outcome depends on what the input does not say. */
  readonly kind: 'fail' | 'cannot-tell';
  readonly message: string;
  readonly location: SourceLocation;
  readonly related: readonly RelatedLocation[];
  readonly fix: Fix | null;
}

/** What one run found. */
export interface CheckReport {
  readonly findings: readonly CheckFinding[];
  readonly counts: {
    readonly callers: number;
    readonly grants: number;
    readonly allowed: number;
    readonly failed: number;
    readonly cannotTell: number;
  };
}

/** Lambda's limit on one function's (or qualifier's) resource-based policy. */
export const POLICY_SIZE_LIMIT = 20_480;

function principalPhrase(caller: Caller): string {
  const p = caller.calls[0]?.principal;
  if (p === undefined) return 'the caller';
  return p.kind === 'service' ? p.service : p.kind === 'anonymous' ? 'public callers' : p.arn;
}

function fnPhrase(graph: CheckGraph, target: FunctionRef): string {
  const label = target.definition?.label;
  const arn = graph.symbols.display(functionArn(target));
  return label
    ? `function ${label}${target.qualifier ? `:${graph.symbols.display(target.qualifier)}` : ''} (${arn})`
    : `function ${arn}`;
}

function whenCondition(caller: Caller): string {
  return caller.onlyIf ? ` (when ${caller.onlyIf})` : '';
}

const FIX_TEXT: Record<string, (caller: Caller) => CheckFixText> = {
  IDC001: (c) => ({
    why: `API Gateway may not invoke the integration of ${c.description}: the function's resource-based policy needs apigateway.amazonaws.com with a source ARN covering the route on every stage.`,
    notes: ["The `*` stage also covers the console's Test button (stage test-invoke-stage)."],
  }),
  IDC002: (c) => ({
    why: `API Gateway may not invoke the Lambda authorizer of ${c.description}.`,
    notes: [
      'Authorizer grants are stage-independent: .../authorizers/<id> (or /authorizers/* for all of the API).',
    ],
  }),
  IDC004: (c) => ({
    why: `The stage variables of ${c.description} point the integration at this function or alias, which has no grant for it: each alias needs its own.`,
    notes: [],
  }),
  IDC005: (c) => ({
    why: `${c.description} may not invoke the function: function URLs need lambda:InvokeFunctionUrl and lambda:InvokeFunction (through the URL).`,
    notes: [],
  }),
  IDC006: (c) => ({
    why: `The ${c.description} may not invoke the function; the service drops the event and the function logs nothing.`,
    notes: [],
  }),
  IDC007: (c) => ({
    why: `The function is not defined in this input, so its owner must add this grant to it (run the command with credentials of the function's account) before ${c.description} can invoke it.`,
    notes: [],
  }),
};

function roleFix(graph: CheckGraph, caller: Caller, target: FunctionRef, reason: string): Fix {
  const { symbols } = graph;
  const credentials = typeof caller.credentials === 'string' ? caller.credentials : '';
  const known = !symbols.has(credentials);
  const roleName = /:role\/(?:.*\/)?([^/]+)$/.exec(credentials)?.[1] ?? null;
  const fn: ResolvedFacts['fn'] = {
    known: true,
    partition: checked(
      target.partition,
      'partition',
      'the partition',
      '<PARTITION>',
      'a partition',
    ),
    region: checked(target.region, 'region', 'the Region', '<REGION>', 'a Region'),
    accountId: checked(
      target.account,
      'accountId',
      'the account id',
      '<FUNCTION_ACCOUNT_ID>',
      'an account id',
    ),
    name: checked(
      target.name,
      'functionName',
      'the function name',
      '<FUNCTION_NAME>',
      'a function name',
    ),
    qualifier: null,
    arn: checked(
      functionArn({ ...target, qualifier: null }),
      'functionArn',
      'the function ARN',
      '<FUNCTION_ARN>',
      'a function ARN',
    ),
    qualifiedArn: checked(
      functionArn(target),
      'functionArn',
      'the function ARN',
      '<FUNCTION_ARN>',
      'a function ARN',
    ),
  };
  const facts: ResolvedFacts = {
    kind: 'apigw-cannot-assume-role',
    reason: 'no-identity-policy',
    action: 'lambda:InvokeFunction',
    fn,
    principal: {
      type: 'iam-role',
      service: null,
      accountId: fn.accountId,
      roleName: checked(
        known ? roleName : null,
        'iamName',
        'the role name',
        '<ROLE_NAME>',
        'a role name',
      ),
      userName: null,
      iamArn: null,
    },
    api: null,
    denyPolicyArn: null,
    roleArn: known ? credentials : null,
    trigger: null,
  };
  if (reason.includes('does not trust')) return renderTrustPolicy(facts);
  return renderIdentityPolicy(facts, {
    kind: 'role',
    name: facts.principal.roleName as NonNullable<ResolvedFacts['principal']['roleName']>,
    why: `The credentials role of ${caller.description} (${symbols.display(credentials)}) may not invoke the function.`,
    notes: [],
  });
}

/** Evaluates every caller of a graph and reports what fails or cannot be told. */
export function runCheck(graph: CheckGraph): CheckReport {
  const { symbols } = graph;
  const index = new GrantIndex(graph.grants, symbols);
  const findings: CheckFinding[] = [];
  let allowed = 0;
  let failed = 0;
  let cannotTell = 0;

  for (const caller of graph.callers) {
    const verdict = evaluateCaller(caller, index, graph.roles, symbols);
    if (verdict.verdict === 'allow') {
      allowed++;
      continue;
    }
    const target = isUnresolved(caller.target) ? undefined : caller.target;
    const viaRole = caller.credentials !== undefined;
    const rule: CheckRuleId = viaRole ? 'IDC003' : caller.rule;
    const related: RelatedLocation[] = [];
    if (target?.definition) {
      related.push({ location: target.definition.location, message: 'the function' });
    }
    if (verdict.verdict === 'cannot-tell') {
      cannotTell++;
      const reasons = [
        ...new Set(verdict.outcomes.filter((o) => o.verdict !== 'allow').map((o) => o.reason)),
      ];
      findings.push({
        ruleId: rule,
        level: 'note',
        kind: 'cannot-tell',
        message: `Cannot tell whether ${principalPhrase(caller)} may invoke ${target ? fnPhrase(graph, target) : 'the function'} for ${caller.description}${whenCondition(caller)}: ${symbols.display(reasons.join('; '))}.`,
        location: caller.location,
        related,
        fix: null,
      });
      continue;
    }
    failed++;
    const denied = verdict.outcomes.filter((o) => o.verdict === 'deny');
    const target_ = target as FunctionRef;
    for (const miss of verdict.nearMisses) {
      related.push({ location: miss.grant, message: `grant that does not apply: ${miss.why}` });
    }
    if (viaRole) {
      const reason = denied[0]?.reason ?? 'the role may not invoke';
      findings.push({
        ruleId: 'IDC003',
        level: CHECK_RULES.IDC003.level,
        kind: 'fail',
        message: `${caller.description}${whenCondition(caller)} invokes ${fnPhrase(graph, target_)} with a credentials role, and ${reason}.`,
        location: caller.location,
        related,
        fix: roleFix(graph, caller, target_, reason),
      });
      continue;
    }
    const external = target_.definition === undefined && !verdict.anyGrant;
    const ruleId: CheckRuleId = external ? 'IDC007' : rule;
    const labels = denied.map((o) => o.call.label);
    const which =
      caller.calls.length === 1
        ? ''
        : ` (${labels.length === caller.calls.length ? 'every call' : labels.join(', ')})`;
    const misses = verdict.nearMisses
      .map(
        (m) =>
          ` ${m.grant.resource}${m.grant.line ? ` (line ${m.grant.line})` : ''} does not apply: ${m.why}.`,
      )
      .join('');
    const message = external
      ? `${caller.description}${whenCondition(caller)} invokes ${fnPhrase(graph, target_)}, which this input does not define, and no grant here allows ${principalPhrase(caller)} to: the function's owner must add the grant below.`
      : `${principalPhrase(caller)} may not invoke ${fnPhrase(graph, target_)} for ${caller.description}${whenCondition(caller)}${which}: no grant allows it.${misses}`;
    const text = (FIX_TEXT[ruleId] ?? FIX_TEXT.IDC001)!(caller);
    findings.push({
      ruleId,
      level: CHECK_RULES[ruleId].level,
      kind: 'fail',
      message,
      location: caller.location,
      related,
      fix: renderCheckFix(graph, target_, caller.suggested, text),
    });
  }

  for (const r of graph.replacements) {
    findings.push({
      ruleId: 'IDC009',
      level: CHECK_RULES.IDC009.level,
      kind: 'fail',
      message: `Function ${r.function.label} is replaced by this deploy while its grant ${r.grant.resource} is not: ${r.why}.`,
      location: r.grant,
      related: [{ location: r.function.location, message: 'the replaced function' }],
      fix: null,
    });
  }

  findings.push(...policySizeFindings(graph));

  for (const u of graph.unreadable) {
    findings.push({
      ruleId: 'IDC010',
      level: 'note',
      kind: 'cannot-tell',
      message: `Not checked: ${symbols.display(u.reason)}.`,
      location: u.location,
      related: [],
      fix: null,
    });
  }

  findings.sort(
    (a, b) =>
      a.location.file.localeCompare(b.location.file) ||
      (a.location.line ?? 0) - (b.location.line ?? 0) ||
      a.ruleId.localeCompare(b.ruleId),
  );
  return {
    findings,
    counts: {
      callers: graph.callers.length,
      grants: graph.grants.length,
      allowed,
      failed,
      cannotTell,
    },
  };
}

/** Estimates each function's (and qualifier's) policy from its grants, as Lambda stores them. */
function policySizeFindings(graph: CheckGraph): CheckFinding[] {
  const { symbols } = graph;
  const groups = new Map<
    string,
    { target: FunctionRef; size: number; count: number; first: SourceLocation }
  >();
  for (const g of graph.grants) {
    if (isUnresolved(g.target)) continue;
    const key = functionArn(g.target);
    // Lambda's statement ids for template grants are about as long as the stack and logical id.
    const sid = `${g.location.stack ?? ''}-${g.location.resource}-XXXXXXXXXXXX`;
    const statement = grantStatement(g, 'upper', sid);
    const size = symbols.estimatedLength(JSON.stringify(statement)) + 1;
    const group = groups.get(key) ?? { target: g.target, size: 50, count: 0, first: g.location };
    group.size += size;
    group.count++;
    groups.set(key, group);
  }
  const out: CheckFinding[] = [];
  for (const group of groups.values()) {
    if (group.size <= POLICY_SIZE_LIMIT) continue;
    out.push({
      ruleId: 'IDC008',
      level: CHECK_RULES.IDC008.level,
      kind: 'fail',
      message: `The resource-based policy of ${fnPhrase(graph, group.target)} is estimated at ${group.size.toLocaleString('en-US')} bytes from its ${group.count} grants, above Lambda's ${POLICY_SIZE_LIMIT.toLocaleString('en-US')}: the deploy that adds the grant over the limit fails. Replace per-route grants with one grant per API (source ARN .../<api-id>/*).`,
      location: group.first,
      related: group.target.definition
        ? [{ location: group.target.definition.location, message: 'the function' }]
        : [],
      fix: null,
    });
  }
  return out;
}
