import type { RootCause, VerificationStatement } from '../types';
import { splitArn } from './compileArnPattern';
import { compileGlob } from './compileGlob';
import { type CompiledPolicy, compilePolicy, type PolicyInput } from './compilePolicy';
import {
  type AccessLayer,
  evaluateInvokeAccess,
  type InvokeAccessResult,
  type NamedPolicy,
  type StatementRef,
} from './evaluateInvokeAccess';
import type { AccessRequest, StatementResult } from './types';

/** Everything known about one invoke request, as read from the live account. */
export interface InvokeCheckInput {
  readonly request: AccessRequest;
  /** What GetPolicy returned for the request's own qualifier (or the function); null: no policy. */
  readonly resourcePolicy: PolicyInput | null | undefined;
  /** For a qualified request, the unqualified function's policy; undefined when not read. */
  readonly unqualifiedPolicy?: PolicyInput | null | undefined;
  /** The caller's identity-based policies (IAM callers only; undefined: not readable). */
  readonly identityPolicies?: readonly NamedPolicy[] | undefined;
  readonly permissionsBoundary?: NamedPolicy | null | undefined;
}

/** What the live policies say about one invoke request. */
export interface InvokeJudgement {
  readonly outcome: 'allowed' | 'denied' | 'cannot-tell';
  readonly rootCause: RootCause;
  readonly statement: VerificationStatement | null;
  /** One sentence for people. */
  readonly reason: string;
  readonly access: InvokeAccessResult;
}

const RESOURCE_POLICY = 'resource-based policy';

/** Condition keys whose mismatch means the request comes from another source than granted. */
const SOURCE_KEYS = /(^|\s)aws:source(arn|account)$/i;
const URL_KEYS = /(^|\s)lambda:(functionurlauthtype|invokedviafunctionurl)$/i;

/**
 * Judges one invoke request against the live policies with the one evaluator
 * (evaluateInvokeAccess) and names the root cause of a denial from what nearly matched: a grant
 * whose `AWS:SourceArn` names another API, stage, method or path (`source-arn-mismatch`), a grant
 * on another qualifier (`qualifier-mismatch`), a grant to another principal
 * (`principal-not-allowed`), no grant at all (`permission-missing`), no identity-based Allow
 * (`identity-policy-missing`), a permissions boundary that does not allow it, or a Deny. Service
 * control and session policies are not read: they are passed as absent, which the verdict's reason
 * says. An undecided statement that could change the outcome yields `cannot-tell`, never a guess.
 */
export function judgeInvoke(input: InvokeCheckInput): InvokeJudgement {
  const resourcePolicy =
    input.resourcePolicy === undefined || input.resourcePolicy === null
      ? input.resourcePolicy
      : compilePolicy(input.resourcePolicy);
  const caller = input.request.principal;
  const iam = caller.kind === 'aws';
  const access = evaluateInvokeAccess({
    request: input.request,
    resourcePolicy,
    identityPolicies: iam ? input.identityPolicies : [],
    permissionsBoundary: iam ? input.permissionsBoundary : null,
    sessionPolicies: [],
    scps: [],
  });
  const docs = {
    resource: resourcePolicy ?? undefined,
    identity: input.identityPolicies ?? [],
    boundary: input.permissionsBoundary ?? undefined,
  };

  if (access.decision === 'allow') {
    const ref = access.decidedBy[0];
    return {
      outcome: 'allowed',
      rootCause: 'unknown',
      statement: ref ? grantStatement(ref, docs, input.request) : null,
      reason: `The live policies allow the request: ${access.summary}.`,
      access,
    };
  }
  if (access.decision === 'explicit-deny') {
    const ref = access.decidedBy[0]!;
    return {
      outcome: 'denied',
      rootCause: 'explicit-deny',
      statement: denyStatement(ref, docs, input.request),
      reason: `Explicitly denied by ${describeRef(ref)}: a Deny wins over every Allow.`,
      access,
    };
  }
  if (access.decision === 'cannot-tell' && access.allowed === false) {
    // Denied whatever the unknowns are; only whether a Deny also applies is open.
    const denied = implicitDeny(input, resourcePolicy, access);
    return {
      ...denied,
      reason: `${denied.reason} (Whether a Deny applies as well cannot be told: ${access.unknowns.map((u) => u.message).join('; ')}.)`,
      outcome: 'denied',
      access,
    };
  }
  if (access.decision === 'cannot-tell') {
    return {
      outcome: 'cannot-tell',
      rootCause: 'unknown',
      statement: null,
      reason: `The evaluator cannot decide: ${access.unknowns.map((u) => u.message).join('; ')}.`,
      access,
    };
  }
  return { ...implicitDeny(input, resourcePolicy, access), outcome: 'denied', access };
}

function implicitDeny(
  input: InvokeCheckInput,
  resourcePolicy: CompiledPolicy | null | undefined,
  access: InvokeAccessResult,
): Pick<InvokeJudgement, 'rootCause' | 'statement' | 'reason'> {
  const { request } = input;
  const caller = request.principal;
  const miss = nearestMiss(access, resourcePolicy, request);
  const qualifier = qualifierMismatch(input);
  if (qualifier) return qualifier;
  if (caller.kind === 'aws' && access.sameAccount === true) {
    const identityAllows = layerAllows(access, 'identity-policy');
    const boundary = input.permissionsBoundary;
    if (identityAllows && boundary && !layerAllows(access, 'permissions-boundary')) {
      return {
        rootCause: 'permissions-boundary',
        statement: {
          sid: null,
          policy: boundary.name,
          subject: 'Permissions boundary',
          expected: [],
          actual: request.action,
        },
        reason: `An identity-based policy allows ${request.action}, but the permissions boundary ${boundary.name} does not: both must allow it.`,
      };
    }
    return {
      rootCause: 'identity-policy-missing',
      statement:
        miss?.element === 'resource' || miss?.element === 'condition' ? miss.statement : null,
      reason: `No identity-based policy of ${caller.arn} allows ${request.action} on ${request.resource}, and the function's resource-based policy does not name the caller either.`,
    };
  }
  if (caller.kind === 'aws' && layerAllows(access, 'resource-policy')) {
    return {
      rootCause: 'identity-policy-missing',
      statement: null,
      reason: `The resource-based policy grants the caller's account, but a cross-account caller also needs an identity-based policy allowing ${request.action} in its own account.`,
    };
  }
  if (miss !== undefined) return miss.judgement;
  const noPolicy = resourcePolicy === null;
  const who =
    caller.kind === 'service'
      ? caller.service
      : caller.kind === 'aws'
        ? caller.arn
        : 'an unsigned caller';
  if (caller.kind === 'aws') {
    return {
      rootCause: 'principal-not-allowed',
      statement: null,
      reason: noPolicy
        ? `The function has no resource-based policy, so ${who} from another account may not call ${request.action}: a cross-account caller needs a statement there that names it.`
        : `No statement of the function's resource-based policy names ${who}: a cross-account caller needs one.`,
    };
  }
  return {
    rootCause: 'permission-missing',
    statement: null,
    reason: noPolicy
      ? `The function has no resource-based policy at all, so ${who} may not call ${request.action}.`
      : `No statement of the function's resource-based policy allows ${who} to call ${request.action}.`,
  };
}

interface Docs {
  readonly resource: CompiledPolicy | undefined;
  readonly identity: readonly NamedPolicy[];
  readonly boundary: NamedPolicy | undefined;
}

/** The compiled document a statement reference points into. */
function documentOf(ref: StatementRef, docs: Docs): CompiledPolicy | undefined {
  if (ref.layer === 'resource-policy') return docs.resource;
  if (ref.layer === 'permissions-boundary') {
    return docs.boundary ? compilePolicy(docs.boundary.document) : undefined;
  }
  const named = docs.identity.find((p) => p.name === ref.policy);
  return named ? compilePolicy(named.document) : undefined;
}

function policyLabel(ref: StatementRef): string {
  return ref.layer === 'resource-policy' ? RESOURCE_POLICY : (ref.policy ?? ref.layer);
}

function describeRef(ref: StatementRef): string {
  const sid = ref.sid === undefined ? `#${ref.index}` : `"${ref.sid}"`;
  return ref.layer === 'resource-policy'
    ? `statement ${sid} of the function's resource-based policy`
    : `statement ${sid} of ${ref.layer} ${ref.policy ?? ''}`.trim();
}

function denyStatement(
  ref: StatementRef,
  docs: Docs,
  request: AccessRequest,
): VerificationStatement {
  const compiled = documentOf(ref, docs)?.statements[ref.index];
  return {
    sid: ref.sid ?? null,
    policy: policyLabel(ref),
    subject: 'Deny',
    expected: compiled ? [...compiled.action.values] : [],
    actual: request.action,
  };
}

function grantStatement(
  ref: StatementRef,
  docs: Docs,
  request: AccessRequest,
): VerificationStatement {
  const compiled = documentOf(ref, docs)?.statements[ref.index];
  return {
    sid: ref.sid ?? null,
    policy: policyLabel(ref),
    subject: 'Allow',
    expected: compiled ? [...compiled.action.values] : [],
    actual: request.action,
  };
}

function layerAllows(access: InvokeAccessResult, layer: AccessLayer): boolean {
  return access.layers.some((l) => l.layer === layer && l.evaluation.decision === 'allow');
}

/** A near miss: the statement, its root cause and the sentence. */
interface Miss {
  readonly element: 'condition' | 'resource' | 'principal';
  readonly statement: VerificationStatement;
  readonly judgement: Pick<InvokeJudgement, 'rootCause' | 'statement' | 'reason'>;
}

const MISS_ORDER = ['source', 'resource', 'url', 'other-condition', 'principal'] as const;

/**
 * The Allow statement of the resource-based policy that came closest to granting the request:
 * one that names the caller and the action but fails on its condition or resource, else one for
 * the action that names another principal. Source conditions first: they are the usual culprit.
 */
function nearestMiss(
  access: InvokeAccessResult,
  resourcePolicy: CompiledPolicy | null | undefined,
  request: AccessRequest,
): Miss | undefined {
  const results = access.layers
    .filter((l) => l.layer === 'resource-policy')
    .flatMap((l) => l.evaluation.statements);
  const ranked: { rank: number; miss: Miss }[] = [];
  for (const s of results) {
    if (s.effect !== 'Allow' || s.finding === undefined || s.applies !== false) continue;
    const compiled = resourcePolicy?.statements[s.index];
    const miss = classify(s, compiled?.action.values ?? [], request);
    if (miss) ranked.push(miss);
  }
  ranked.sort((a, b) => a.rank - b.rank);
  return ranked[0]?.miss;
}

function classify(
  s: StatementResult,
  actions: readonly string[],
  request: AccessRequest,
): { rank: number; miss: Miss } | undefined {
  const f = s.finding!;
  const actual =
    typeof f.actual === 'string' ? f.actual : f.actual == null ? null : String(f.actual);
  const statement: VerificationStatement = {
    sid: s.sid ?? null,
    policy: RESOURCE_POLICY,
    subject: f.subject,
    expected: [...f.expected],
    actual,
  };
  const sid = s.sid === undefined ? `#${s.index}` : `"${s.sid}"`;
  if (f.element === 'condition') {
    const source = SOURCE_KEYS.test(f.subject);
    const url = URL_KEYS.test(f.subject);
    const rank = MISS_ORDER.indexOf(source ? 'source' : url ? 'url' : 'other-condition');
    // A URL key that does not match is a grant for another auth type or path: not this request's.
    const rootCause: RootCause = source
      ? 'source-arn-mismatch'
      : /principalorgid/i.test(f.subject)
        ? 'principal-not-allowed'
        : 'permission-missing';
    const testOnly = source && consoleTest(actual);
    return {
      rank,
      miss: {
        element: 'condition',
        statement,
        judgement: {
          rootCause,
          statement,
          reason: `Statement ${sid} grants the caller ${request.action}, but its ${f.subject} expects ${f.expected.join(' or ')} and the failing request carries ${actual ?? 'none'}.${testOnly ? ' The request is the console’s test invoke: a grant pinned to a stage does not cover it, while live traffic may work.' : ''}`,
        },
      },
    };
  }
  if (f.element === 'resource') {
    return {
      rank: MISS_ORDER.indexOf('resource'),
      miss: {
        element: 'resource',
        statement,
        judgement: {
          rootCause: 'qualifier-mismatch',
          statement,
          reason: `Statement ${sid} grants the caller ${request.action} on ${f.expected.join(', ')}, but the request is for ${request.resource}: a grant covers only the qualifier it was added to.`,
        },
      },
    };
  }
  if (
    f.element === 'principal' &&
    actions.some((a) => compileGlob(a, true)(request.action) === true)
  ) {
    return {
      rank: MISS_ORDER.indexOf('principal'),
      miss: {
        element: 'principal',
        statement,
        judgement: {
          rootCause:
            request.principal.kind === 'aws' ? 'principal-not-allowed' : 'permission-missing',
          statement,
          reason: `Statement ${sid} grants ${request.action} to ${f.expected.join(', ')}, not to ${actual ?? 'the caller'}.`,
        },
      },
    };
  }
  return undefined;
}

/** The console's Test button calls with stage `test-invoke-stage` (older traces: `null`). */
function consoleTest(sourceArn: string | null): boolean {
  if (sourceArn === null) return false;
  const stage = splitArn(sourceArn)?.resource.split('/')[1];
  return stage === 'test-invoke-stage' || stage === 'null';
}

/**
 * A qualified request the alias's (or version's) policy does not allow, which the unqualified
 * function's policy would allow for the unqualified ARN: the grant was added without `--qualifier`.
 */
function qualifierMismatch(
  input: InvokeCheckInput,
): Pick<InvokeJudgement, 'rootCause' | 'statement' | 'reason'> | undefined {
  const { request, unqualifiedPolicy } = input;
  if (unqualifiedPolicy === undefined || unqualifiedPolicy === null) return undefined;
  const arn = splitArn(request.resource);
  const m = arn && /^function:([^:]+):(.+)$/.exec(arn.resource);
  if (!arn || !m) return undefined;
  const unqualified = request.resource.slice(0, request.resource.length - m[2]!.length - 1);
  const again = evaluateInvokeAccess({
    request: { ...request, resource: unqualified },
    resourcePolicy: compilePolicy(unqualifiedPolicy),
    identityPolicies: request.principal.kind === 'aws' ? input.identityPolicies : [],
    permissionsBoundary: request.principal.kind === 'aws' ? input.permissionsBoundary : null,
    sessionPolicies: [],
    scps: [],
  });
  const ref = again.decidedBy.find((r) => r.layer === 'resource-policy');
  if (again.decision !== 'allow' || ref === undefined) return undefined;
  const compiled = compilePolicy(unqualifiedPolicy).statements[ref.index];
  const sid = ref.sid === undefined ? `#${ref.index}` : `"${ref.sid}"`;
  return {
    rootCause: 'qualifier-mismatch',
    statement: {
      sid: ref.sid ?? null,
      policy: RESOURCE_POLICY,
      subject: 'Resource',
      expected: compiled?.resource ? [...compiled.resource.values] : [unqualified],
      actual: request.resource,
    },
    reason: `Statement ${sid} allows the request on the unqualified function ${unqualified}, but the call goes to qualifier :${m[2]}, whose policy is separate: the grant needs --qualifier ${m[2]}.`,
  };
}
