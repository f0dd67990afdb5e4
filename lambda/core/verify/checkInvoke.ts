import type { ResolvedFacts } from '../fixes/resolveFacts';
import type { DiagnosisFacts, Reason } from '../types';
import {
  type CheckOutcome,
  type FixPlan,
  type TrailQuery,
  unverifiable,
  type VerifyContext,
} from './CheckOutcome';
import { iamRegion } from './iamRegion';
import { type InvokeJudgement, judgeInvoke } from './judgeInvoke';
import { readFunctionPolicy } from './readFunctionPolicy';
import { type IdentitySide, readIdentity } from './readIdentity';
import type { AccessRequest, ContextValue, RequestPrincipal } from './types';
import { withoutStatements } from './withoutStatements';

/** Log reasons naming a layer verification reads: a claim about it can be checked. */
const READABLE_DENY: ReadonlySet<Reason> = new Set([
  'explicit-deny-identity-policy',
  'explicit-deny-resource-policy',
  'explicit-deny-permissions-boundary',
]);
/** Log reasons naming a layer no API of the account returns. */
const UNREADABLE: ReadonlySet<Reason> = new Set([
  'explicit-deny-scp',
  'explicit-deny-rcp',
  'explicit-deny-session-policy',
  'explicit-deny-vpc-endpoint-policy',
  'no-session-policy',
  'no-vpc-endpoint-policy',
]);

/** A value from the log: valid, known absent, or present but masked or malformed. */
function pick(
  checked: { ok: true; value: string } | { ok: false } | null,
  raw: unknown,
  fallback: string | null,
): string | null | 'unusable' {
  if (checked?.ok) return checked.value;
  return raw === null || raw === undefined || raw === '' ? fallback : 'unusable';
}

/**
 * Verifies an IAM denial (`… is not authorized to perform: lambda:InvokeFunction …`): reads the
 * function's resource-based policy for the logged qualifier (and the unqualified one when that
 * would have allowed it), and, when the caller is a role or user of the same account, its
 * identity-based side (IAM's policy simulation, or the policies themselves); then judges the
 * request with the one evaluator. A function URL call is judged for both statements it needs.
 */
export async function checkInvoke(
  facts: DiagnosisFacts,
  r: ResolvedFacts,
  ctx: VerifyContext,
): Promise<CheckOutcome> {
  const name = r.fn.name.ok ? r.fn.name.value : null;
  if (name === null) {
    return unverifiable('The log does not name the function clearly enough to read its policy.');
  }
  const region = pick(r.fn.region, facts.function.region, ctx.defaultRegion);
  const account = pick(r.fn.accountId, facts.function.accountId, ctx.callerAccount);
  if (region === null)
    return unverifiable(`No region is known for function ${name}: pass --region.`);
  if (region === 'unusable' || account === null || account === 'unusable') {
    return unverifiable(
      `The function's region or account is masked or malformed in the log (${facts.function.arn ?? name}).`,
    );
  }
  const qualifier =
    r.fn.qualifier === null ? null : r.fn.qualifier.ok ? r.fn.qualifier.value : 'unusable';
  if (qualifier === 'unusable') return unverifiable('The qualifier in the log is not valid.');
  const functionArn = `arn:${ctx.partition}:lambda:${region}:${account}:function:${name}`;
  const resource = qualifier ? `${functionArn}:${qualifier}` : functionArn;
  if (account !== ctx.callerAccount) {
    return unverifiable(
      `Function ${resource} is in account ${account} and the credentials are for account ${ctx.callerAccount}: there are no credentials to read its policy.`,
    );
  }
  if (UNREADABLE.has(facts.reason)) {
    return unverifiable(
      `The log says ${facts.reason.replace(/-/g, ' ')}: that policy is not readable from the account (SCPs and RCPs live in the organization's management account; session and VPC endpoint policies in no API).`,
    );
  }
  const fnTrail: TrailQuery = { region, resourceName: name };
  // A function URL's config also shows that the function (and qualifier) exists.
  const url =
    r.action === 'lambda:InvokeFunctionUrl'
      ? await ctx.rec.call('lambda:GetFunctionUrlConfig', {
          region,
          functionName: functionArn,
          qualifier,
        })
      : undefined;
  const policy = await readFunctionPolicy(
    ctx.rec,
    { functionArn, qualifier, region },
    { knownToExist: url !== undefined && url !== null },
  );
  if (!policy.exists) {
    const what =
      policy.missing === 'function'
        ? `function ${functionArn} does not exist`
        : `function ${functionArn} has no version or alias ${qualifier}`;
    return {
      status: 'confirmed',
      rootCause: 'function-not-found',
      statement: null,
      reason: `The ${what} (deleted, renamed or replaced): nothing can invoke it, whatever the policies say.`,
      fix: { kind: 'function-missing', functionArn: resource, what },
      trail: [fnTrail],
    };
  }

  const p = r.principal;
  let principal: RequestPrincipal;
  let identityFor:
    | ((
        actions: readonly string[],
        context: Record<string, string>,
      ) => Promise<IdentitySide | null>)
    | null = null;
  let holder: { role: string | null; user: string | null } = { role: null, user: null };
  const context: Record<string, ContextValue> = {
    'aws:SourceArn': null,
    'aws:SourceAccount': null,
    'lambda:FunctionUrlAuthType': null,
    'lambda:InvokedViaFunctionUrl': null,
    'lambda:EventSourceToken': null,
  };
  if (p.service) {
    if (!p.service.ok) return unverifiable('The service principal in the log is not valid.');
    principal = { kind: 'service', service: p.service.value };
    // A service's source (topic, rule, bucket) is not in the log.
    delete context['aws:SourceArn'];
    delete context['aws:SourceAccount'];
  } else {
    const arn = facts.principal.arn;
    if (
      !p.accountId.ok ||
      typeof arn !== 'string' ||
      p.type === 'unknown' ||
      p.type === 'service'
    ) {
      return unverifiable('The log does not name the caller clearly enough to judge its request.');
    }
    const callerAccount = p.accountId.value;
    principal = { kind: 'aws', arn, accountId: callerAccount };
    context['aws:PrincipalAccount'] = callerAccount;
    const role = p.roleName?.ok ? p.roleName.value : null;
    const user = p.userName?.ok ? p.userName.value : null;
    holder = { role, user };
    if (callerAccount === ctx.callerAccount && (role !== null || user !== null)) {
      const who =
        role !== null
          ? { kind: 'role' as const, name: role }
          : { kind: 'user' as const, name: user! };
      identityFor = (actions, extra) =>
        readIdentity(ctx.rec, who, { actions, resourceArn: resource, context: extra });
    }
  }

  /** The identity side for all the actions the request needs, read once. */
  const sideFor = async (
    actions: readonly string[],
    extra: Record<string, ContextValue>,
  ): Promise<IdentitySide | null | undefined> =>
    identityFor
      ? identityFor(
          actions,
          Object.fromEntries(
            Object.entries(extra).flatMap(([k, v]) =>
              typeof v === 'string' ? [[k, v]] : typeof v === 'boolean' ? [[k, String(v)]] : [],
            ),
          ),
        )
      : undefined;

  const judge = async (
    action: string,
    extra: Record<string, ContextValue>,
    side: IdentitySide | null | undefined,
  ) => {
    let request: AccessRequest = { principal, action, resource, context: { ...context, ...extra } };
    if (side && principal.kind === 'aws') {
      request = {
        ...request,
        principal: { ...principal, roleArn: holder.role ? side.arn : undefined },
        context: { ...request.context, 'aws:PrincipalArn': side.arn },
      };
    }
    const input = {
      request,
      resourcePolicy: policy.policy,
      identityPolicies: side === undefined ? undefined : side?.identityPolicies,
      permissionsBoundary: side === undefined ? undefined : side?.permissionsBoundary,
    };
    let j = judgeInvoke(input);
    if (j.outcome === 'denied' && qualifier !== null && j.rootCause !== 'explicit-deny') {
      j = judgeInvoke({ ...input, unqualifiedPolicy: await policy.unqualified() });
    }
    return { j, side };
  };

  const trailFor = (j: InvokeJudgement): TrailQuery[] => {
    const who = holder.role ?? holder.user;
    const identityTrail: TrailQuery | null =
      identityFor && who ? { region: iamRegion(ctx.partition, region), resourceName: who } : null;
    const identitySide =
      j.rootCause === 'identity-policy-missing' ||
      j.rootCause === 'permissions-boundary' ||
      (j.rootCause === 'explicit-deny' && j.statement?.policy !== 'resource-based policy');
    if (j.outcome === 'allowed') return [fnTrail, ...(identityTrail ? [identityTrail] : [])];
    return identitySide && identityTrail ? [identityTrail] : [fnTrail];
  };

  if (url !== undefined) {
    if (url === null) {
      return {
        status: 'confirmed',
        rootCause: 'function-not-found',
        statement: null,
        reason: `${resource} has no function URL: nothing answers at the URL the caller used.`,
        fix: {
          kind: 'function-missing',
          functionArn: resource,
          what: `${resource} has no function URL`,
        },
        trail: [fnTrail],
      };
    }
    const urlContext = { 'lambda:FunctionUrlAuthType': url.authType };
    const invokeContext = { ...urlContext, 'lambda:InvokedViaFunctionUrl': true };
    const side = await sideFor(
      ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'],
      invokeContext,
    );
    const viaUrl = await judge('lambda:InvokeFunctionUrl', urlContext, side);
    const viaInvoke = await judge('lambda:InvokeFunction', invokeContext, side);
    const a = viaUrl.j;
    const b = viaInvoke.j;
    if (a.outcome === 'allowed' && b.outcome === 'allowed') {
      return outcomeOf(
        a,
        facts,
        trailFor(a),
        holder,
        viaUrl.side,
        ' Both statements a function URL needs are in place.',
      );
    }
    const one =
      (a.outcome === 'allowed') !== (b.outcome === 'allowed') &&
      a.outcome !== 'cannot-tell' &&
      b.outcome !== 'cannot-tell';
    if (one) {
      const present = a.outcome === 'allowed' ? a : b;
      const missingAction =
        a.outcome === 'allowed' ? 'lambda:InvokeFunction' : 'lambda:InvokeFunctionUrl';
      const inResource = present.statement?.policy === 'resource-based policy';
      return {
        status: 'confirmed',
        rootCause: 'function-url-needs-both',
        statement: {
          sid: present.statement?.sid ?? null,
          policy: present.statement?.policy ?? null,
          subject: 'Action',
          expected: present.statement ? [...present.statement.expected] : [],
          actual: missingAction,
        },
        reason: `Since October 2025 a function URL call needs both lambda:InvokeFunctionUrl and lambda:InvokeFunction (with lambda:InvokedViaFunctionUrl). ${present.statement?.sid ? `Statement "${present.statement.sid}"` : 'A statement'} of the ${present.statement?.policy ?? 'policies'} allows ${a.outcome === 'allowed' ? 'lambda:InvokeFunctionUrl' : 'lambda:InvokeFunction'}; nothing allows ${missingAction}.`,
        fix: inResource
          ? {
              kind: 'url',
              missing: missingAction === 'lambda:InvokeFunction' ? 'via-url' : 'url',
              authType: url.authType,
            }
          : { kind: 'identity', ...holder },
        trail: trailFor(a.outcome === 'allowed' ? b : a),
      };
    }
    return outcomeOf(a, facts, trailFor(a), holder, viaUrl.side, '');
  }
  const action = facts.action ?? 'lambda:InvokeFunction';
  const { j, side } = await judge(action, {}, await sideFor([action], {}));
  return outcomeOf(j, facts, trailFor(j), holder, side, '');
}

type DenyInline = NonNullable<Extract<FixPlan, { kind: 'deny' }>['inline']> | null;

/** The caller's inline policy that denies, and what it would be without its denying statements. */
function inlineDeny(
  j: InvokeJudgement,
  holder: { role: string | null; user: string | null },
  side: IdentitySide | null | undefined,
): DenyInline {
  const refs = j.access.decidedBy.filter((ref) => ref.layer === 'identity-policy');
  const policyName = refs[0]?.policy;
  const name = holder.role ?? holder.user;
  if (!side || !policyName || policyName.startsWith('arn:') || name === null) return null;
  if (refs.some((ref) => ref.policy !== policyName)) return null;
  const named = side.identityPolicies?.find((p) => p.name === policyName);
  if (!named) return null;
  const remaining = withoutStatements(
    named.document,
    refs.map((ref) => ref.index),
  );
  if (remaining === undefined) return null;
  return {
    holder: holder.role !== null ? 'role' : 'user',
    name,
    policyName,
    sids: refs.flatMap((ref) => (ref.sid === undefined ? [] : [ref.sid])),
    remaining,
  };
}

function outcomeOf(
  j: InvokeJudgement,
  facts: DiagnosisFacts,
  trail: readonly TrailQuery[],
  holder: { role: string | null; user: string | null },
  side: IdentitySide | null | undefined,
  extra: string,
): CheckOutcome {
  const note = side === null ? ' The caller no longer exists in IAM.' : side ? ` ${side.note}` : '';
  const scope = ' Service control and session policies are not read.';
  if (j.outcome === 'cannot-tell') {
    return { ...unverifiable(`${j.reason}${note}`), trail: [] };
  }
  if (j.outcome === 'allowed') {
    return {
      status: 'fixed',
      rootCause: 'unknown',
      statement: j.statement,
      reason: `${j.reason}${extra}${note}${scope}`,
      fix: { kind: 'keep' },
      trail,
    };
  }
  // The log named a readable layer's explicit deny that no Deny statement there supports.
  const claimedDeny = READABLE_DENY.has(facts.reason) && j.rootCause !== 'explicit-deny';
  const fix: FixPlan =
    j.rootCause === 'identity-policy-missing'
      ? { kind: 'identity', ...holder }
      : j.rootCause === 'permissions-boundary'
        ? { kind: 'guardrail', reason: 'no-permissions-boundary' }
        : j.rootCause === 'explicit-deny'
          ? {
              kind: 'deny',
              inline: inlineDeny(j, holder, side),
              reason:
                j.statement?.policy === 'resource-based policy'
                  ? 'explicit-deny-resource-policy'
                  : j.access.decidedBy[0]?.layer === 'permissions-boundary'
                    ? 'explicit-deny-permissions-boundary'
                    : 'explicit-deny-identity-policy',
              policyArn: j.statement?.policy?.startsWith('arn:') ? j.statement.policy : null,
            }
          : j.rootCause === 'unknown'
            ? { kind: 'keep' }
            : {
                kind: 'grant',
                stale:
                  j.rootCause === 'source-arn-mismatch' && j.statement?.sid
                    ? { sid: j.statement.sid }
                    : null,
              };
  return {
    status: claimedDeny ? 'refuted' : 'confirmed',
    rootCause: j.rootCause,
    statement: j.statement,
    reason: claimedDeny
      ? `The log reports ${facts.reason.replace(/-/g, ' ')}, but no Deny statement of that policy applies now; the request is still denied: ${j.reason}${note}`
      : `${j.reason}${note}`,
    fix,
    trail,
  };
}
