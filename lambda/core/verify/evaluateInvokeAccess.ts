import { splitArn } from './compileArnPattern';
import type { PolicyInput } from './compilePolicy';
import { evaluatePreparedPolicy } from './evaluatePolicy';
import { kleene } from './kleene';
import { type PreparedRequest, prepareRequest } from './prepareRequest';
import {
  type AccessRequest,
  type Effect,
  type PolicyEvaluation,
  type PolicyType,
  PRINCIPAL_MATCH_KINDS,
  type PrincipalMatchKind,
  type StatementResult,
  type Tri,
} from './types';

/** A policy with the name findings should call it by (inline policy name or managed policy ARN). */
export interface NamedPolicy {
  readonly name: string;
  readonly document: PolicyInput;
}

/**
 * Everything IAM weighs for one invoke. For each layer `undefined` means "not known" (the result
 * is then `cannot-tell` wherever that layer could matter) and `null` means "known to be absent".
 */
export interface InvokeAccessInput {
  readonly request: AccessRequest;
  /** The function's (or alias's, version's) resource-based policy as GetPolicy returns it. */
  readonly resourcePolicy: PolicyInput | null | undefined;
  /** All identity-based policies of the caller: inline, managed and, for users, group policies. */
  readonly identityPolicies: readonly NamedPolicy[] | undefined;
  readonly permissionsBoundary: NamedPolicy | null | undefined;
  /** Session policies of an assumed-role or federated-user session; omitted means unknown. */
  readonly sessionPolicies?: readonly NamedPolicy[] | null | undefined;
  /** SCPs from the organization root down to the caller's account, one list per level. */
  readonly scps?: readonly (readonly NamedPolicy[])[] | null | undefined;
  /** Whether caller and function share an account, used only when the ARNs do not say. */
  readonly sameAccount?: boolean | undefined;
}

/** A policy layer of IAM's evaluation. */
export type AccessLayer =
  | 'resource-policy'
  | 'identity-policy'
  | 'permissions-boundary'
  | 'session-policy'
  | 'scp';

/** A statement that decided the outcome. */
export interface StatementRef {
  readonly layer: AccessLayer;
  readonly policy: string | undefined;
  readonly index: number;
  readonly sid: string | undefined;
  readonly effect: Effect;
}

/** Something the evaluator could not decide, and why. */
export interface UnknownRef {
  readonly layer: AccessLayer | 'request';
  readonly policy: string | undefined;
  readonly index: number | undefined;
  readonly sid: string | undefined;
  readonly message: string;
}

/** One evaluated document of one layer. */
export interface LayerResult {
  readonly layer: AccessLayer;
  readonly policy: string | undefined;
  readonly evaluation: PolicyEvaluation;
}

/** The combined outcome for one invoke. */
export interface InvokeAccessResult {
  readonly decision: 'allow' | 'explicit-deny' | 'implicit-deny' | 'cannot-tell';
  /** Whether the call goes through; false with `cannot-tell` means denied, explicitly or not. */
  readonly allowed: Tri;
  readonly sameAccount: Tri;
  /** The Deny statements that apply, or the Allow statements of the path that grants. */
  readonly decidedBy: readonly StatementRef[];
  /** For an implicit deny: the layers that lack an Allow the request needs. */
  readonly missing: readonly AccessLayer[];
  /** For `cannot-tell`: every undecided input or statement that could change the outcome. */
  readonly unknowns: readonly UnknownRef[];
  readonly layers: readonly LayerResult[];
  /** One line for people. */
  readonly summary: string;
}

type ByKind = Record<PrincipalMatchKind, Tri>;

interface Layer {
  readonly layer: AccessLayer;
  readonly allow: Tri;
  readonly deny: Tri;
  /** Resource policy only: how its Allow statements name the caller. */
  readonly byKind: ByKind;
  readonly docs: readonly LayerResult[];
  readonly unknowns: readonly UnknownRef[];
}

const ALL = (value: Tri): ByKind => ({
  exact: value,
  wildcard: value,
  parent: value,
  account: value,
});

function absent(layer: AccessLayer, allow: boolean): Layer {
  return { layer, allow, deny: false, byKind: ALL(false), docs: [], unknowns: [] };
}

function unknownLayer(layer: AccessLayer, message: string): Layer {
  return {
    layer,
    allow: 'unknown',
    deny: 'unknown',
    byKind: ALL('unknown'),
    docs: [],
    unknowns: [{ layer, policy: undefined, index: undefined, sid: undefined, message }],
  };
}

function label(ref: { sid: string | undefined; index: number }): string {
  return ref.sid === undefined ? `#${ref.index}` : `"${ref.sid}"`;
}

function evaluateDocs(
  layer: AccessLayer,
  policies: readonly { name: string | undefined; document: PolicyInput }[],
  request: PreparedRequest,
  policyType: PolicyType,
): Layer {
  const docs: LayerResult[] = [];
  const unknowns: UnknownRef[] = [];
  const allows: Tri[] = [];
  const denies: Tri[] = [];
  const byKind = ALL(false);
  for (const p of policies) {
    const evaluation = evaluatePreparedPolicy(p.document, request, policyType);
    docs.push({ layer, policy: p.name, evaluation });
    if (evaluation.invalid !== undefined) {
      allows.push('unknown');
      denies.push('unknown');
      for (const k of PRINCIPAL_MATCH_KINDS) byKind[k] = kleene.or(byKind[k], 'unknown');
      unknowns.push({
        layer,
        policy: p.name,
        index: undefined,
        sid: undefined,
        message: `the policy is invalid: ${evaluation.invalid}`,
      });
      continue;
    }
    for (const s of evaluation.statements) {
      (s.effect === 'Deny' ? denies : allows).push(s.applies);
      if (s.effect === 'Allow' && s.appliesAs !== undefined) {
        for (const k of PRINCIPAL_MATCH_KINDS) byKind[k] = kleene.or(byKind[k], s.appliesAs[k]);
      }
      if (s.applies === 'unknown') {
        unknowns.push({
          layer,
          policy: p.name,
          index: s.index,
          sid: s.sid,
          message: `statement ${label(s)}: ${s.finding?.message ?? 'cannot be decided'}`,
        });
      }
    }
  }
  return { layer, allow: kleene.or(...allows), deny: kleene.or(...denies), byKind, docs, unknowns };
}

function sameAccountOf(input: InvokeAccessInput, request: PreparedRequest): Tri {
  const resourceAccount = splitArn(input.request.resource)?.account;
  const p = input.request.principal;
  if (p.kind === 'aws' && resourceAccount !== undefined && /^\d{12}$/.test(resourceAccount)) {
    const id = request.identity;
    const account = id.type === 'unparsed' ? id.account : 'account' in id ? id.account : undefined;
    if (account !== undefined) return account === resourceAccount;
  }
  return input.sameAccount ?? 'unknown';
}

/** A way to be allowed: the layers it needs and the Allow statements it rests on. */
interface Path {
  readonly value: Tri;
  readonly factors: readonly { layer: AccessLayer; value: Tri }[];
  readonly statements: () => StatementRef[];
}

function path(
  factors: readonly { layer: AccessLayer; value: Tri }[],
  statements: () => StatementRef[],
): Path {
  return { value: kleene.and(...factors.map((f) => f.value)), factors, statements };
}

function applying(
  layer: Layer,
  pick: (s: StatementResult) => Tri = (s) => s.applies,
): StatementRef[] {
  const out: StatementRef[] = [];
  for (const d of layer.docs) {
    for (const s of d.evaluation.statements) {
      if (s.effect === 'Allow' && pick(s) === true) {
        out.push({
          layer: layer.layer,
          policy: d.policy,
          index: s.index,
          sid: s.sid,
          effect: s.effect,
        });
      }
    }
  }
  return out;
}

function denials(layers: readonly Layer[]): StatementRef[] {
  const out: StatementRef[] = [];
  for (const l of layers) {
    for (const d of l.docs) {
      for (const s of d.evaluation.statements) {
        if (s.effect === 'Deny' && s.applies === true) {
          out.push({
            layer: l.layer,
            policy: d.policy,
            index: s.index,
            sid: s.sid,
            effect: s.effect,
          });
        }
      }
    }
  }
  return out;
}

function describeRef(ref: StatementRef): string {
  const where = ref.policy === undefined ? ref.layer : `${ref.layer} ${ref.policy}`;
  return `${where} statement ${label(ref)}`;
}

/**
 * Combines the policy layers the way IAM does for a Lambda invoke:
 * an applicable Deny in any layer wins; a service principal or an anonymous caller needs the
 * resource-based policy alone; a same-account caller needs a resource-policy grant that names it
 * (the user, the session, or `*`; a grant to its role is also limited by its boundary and session
 * policies) or an identity-policy Allow that its boundary and session policies also allow;
 * a cross-account caller needs both a resource-policy grant (to it, its role or its account) and
 * that identity-side Allow. SCPs limit every IAM caller. A grant that names only the caller's
 * account delegates to the identity-based policies and allows nothing on its own. Whenever an
 * undecided statement or an unknown layer could change the outcome the decision is `cannot-tell`,
 * with every such unknown listed; it is never a guessed allow or deny.
 */
export function evaluateInvokeAccess(input: InvokeAccessInput): InvokeAccessResult {
  const request = prepareRequest(input.request);
  const identity = request.identity;
  const iam = identity.type !== 'service' && identity.type !== 'anonymous';

  const resource =
    input.resourcePolicy === undefined
      ? unknownLayer('resource-policy', "the function's resource-based policy is not known")
      : input.resourcePolicy === null
        ? absent('resource-policy', false)
        : evaluateDocs(
            'resource-policy',
            [{ name: undefined, document: input.resourcePolicy }],
            request,
            'resource',
          );
  const layers: Layer[] = [resource];
  const extra: UnknownRef[] = [];
  let allowed: Tri;
  // Only IAM callers have an account; for services and unsigned callers it stays as stated.
  let sameAccount: Tri = input.sameAccount ?? 'unknown';
  let paths: Path[] = [];
  let sessionNote: UnknownRef | undefined;

  if (!iam) {
    paths = [
      path(
        [
          {
            layer: 'resource-policy',
            value: kleene.or(resource.byKind.exact, resource.byKind.wildcard),
          },
        ],
        () =>
          applying(resource, (s) =>
            kleene.or(s.appliesAs?.exact ?? false, s.appliesAs?.wildcard ?? false),
          ),
      ),
    ];
    allowed = paths[0]!.value;
  } else {
    const ids =
      input.identityPolicies === undefined
        ? unknownLayer('identity-policy', "the caller's identity-based policies are not known")
        : evaluateDocs('identity-policy', input.identityPolicies, request, 'identity');
    const boundary =
      input.permissionsBoundary === undefined
        ? unknownLayer(
            'permissions-boundary',
            'whether the caller has a permissions boundary is not known',
          )
        : input.permissionsBoundary === null
          ? absent('permissions-boundary', true)
          : evaluateDocs('permissions-boundary', [input.permissionsBoundary], request, 'identity');
    const isSession =
      identity.type === 'session' || identity.type === 'federated-user' || identity.type === 'role';
    const session = !isSession
      ? absent('session-policy', true)
      : input.sessionPolicies === undefined
        ? unknownLayer('session-policy', "the session's session policies are not known")
        : input.sessionPolicies === null || input.sessionPolicies.length === 0
          ? absent('session-policy', true)
          : evaluateDocs('session-policy', input.sessionPolicies, request, 'identity');
    let scp: Layer;
    if (input.scps === undefined) {
      scp = unknownLayer('scp', 'the service control policies over the caller are not known');
    } else if (input.scps === null || input.scps.length === 0) {
      scp = absent('scp', true);
    } else {
      // Every level from the root to the account must allow; a Deny at any level denies.
      const levels = input.scps.map((level) => evaluateDocs('scp', level, request, 'identity'));
      scp = {
        layer: 'scp',
        allow: kleene.and(...levels.map((l) => l.allow)),
        deny: kleene.or(...levels.map((l) => l.deny)),
        byKind: ALL(false),
        docs: levels.flatMap((l) => l.docs),
        unknowns: levels.flatMap((l) => l.unknowns),
      };
    }
    layers.push(ids, boundary, session, scp);

    const f = (l: Layer, value: Tri = l.allow) => ({ layer: l.layer, value });
    const viaResource = (kind: PrincipalMatchKind) => () =>
      applying(resource, (s) => s.appliesAs?.[kind] ?? false);
    const identitySide = () => [...applying(ids), ...applying(boundary), ...applying(session)];
    // The session-policy doc is silent on grants to `*`: only a known session-policy Allow is sure.
    const sessionForWildcard = isSession && session.allow !== true ? 'unknown' : true;
    if (sessionForWildcard === 'unknown' && session.allow === false) {
      sessionNote = {
        layer: 'session-policy',
        policy: undefined,
        index: undefined,
        sid: undefined,
        message:
          'a resource-policy grant to "*" meets session policies that do not allow the call; IAM does not document whether they limit it',
      };
    }
    const same = [
      path([f(resource, resource.byKind.exact), f(scp)], viaResource('exact')),
      path(
        [
          f(resource, resource.byKind.wildcard),
          f(scp),
          { layer: 'session-policy', value: sessionForWildcard },
        ],
        viaResource('wildcard'),
      ),
      path([f(resource, resource.byKind.parent), f(boundary), f(session), f(scp)], () => [
        ...viaResource('parent')(),
        ...applying(boundary),
        ...applying(session),
      ]),
      path([f(ids), f(boundary), f(session), f(scp)], identitySide),
    ];
    const anyGrant = kleene.or(...PRINCIPAL_MATCH_KINDS.map((k) => resource.byKind[k]));
    const cross = [
      path([f(resource, anyGrant), f(ids), f(boundary), f(session), f(scp)], () => [
        ...applying(resource),
        ...identitySide(),
      ]),
    ];
    sameAccount = sameAccountOf(input, request);
    if (sameAccount === 'unknown') {
      extra.push({
        layer: 'request',
        policy: undefined,
        index: undefined,
        sid: undefined,
        message: 'whether the caller is in the function account is not known',
      });
    }
    paths = sameAccount === true ? same : sameAccount === false ? cross : [...same, ...cross];
    const sameValue = kleene.or(...same.map((p) => p.value));
    const crossValue = kleene.or(...cross.map((p) => p.value));
    allowed =
      sameAccount === true
        ? sameValue
        : sameAccount === false
          ? crossValue
          : kleene.merge(sameValue, crossValue);
    if (identity.type === 'root') {
      allowed = 'unknown';
      extra.push({
        layer: 'request',
        policy: undefined,
        index: undefined,
        sid: undefined,
        message: 'requests by the root user are not modelled',
      });
    }
  }

  const deny = kleene.or(...layers.map((l) => l.deny));
  const docs = layers.flatMap((l) => l.docs);
  if (deny === true) {
    const decidedBy = denials(layers);
    return {
      decision: 'explicit-deny',
      allowed: false,
      sameAccount,
      decidedBy,
      missing: [],
      unknowns: [],
      layers: docs,
      summary: `explicitly denied by ${decidedBy.map(describeRef).join(', ')}`,
    };
  }
  if (deny === false && allowed === true) {
    const grant = paths.find((p) => p.value === true)!;
    const decidedBy = grant.statements();
    return {
      decision: 'allow',
      allowed: true,
      sameAccount,
      decidedBy,
      missing: [],
      unknowns: [],
      layers: docs,
      summary: `allowed by ${decidedBy.map(describeRef).join(', ')}`,
    };
  }
  if (deny === false && allowed === false) {
    const missing = new Set<AccessLayer>();
    for (const p of paths)
      for (const factor of p.factors) if (factor.value === false) missing.add(factor.layer);
    return {
      decision: 'implicit-deny',
      allowed: false,
      sameAccount,
      decidedBy: [],
      missing: [...missing],
      unknowns: [],
      layers: docs,
      summary: `implicitly denied: no Allow in ${[...missing].join(', ')}`,
    };
  }
  // Only the layers whose undecided parts can still change the outcome are reported.
  const open = new Set<AccessLayer>();
  for (const l of layers) if (l.deny === 'unknown') open.add(l.layer);
  if (allowed === 'unknown') {
    for (const p of paths) {
      if (p.value !== 'unknown') continue;
      for (const factor of p.factors) if (factor.value === 'unknown') open.add(factor.layer);
    }
  }
  const unknowns = [
    ...extra,
    ...layers.filter((l) => open.has(l.layer)).flatMap((l) => l.unknowns),
  ];
  if (sessionNote !== undefined && open.has('session-policy')) unknowns.push(sessionNote);
  return {
    decision: 'cannot-tell',
    allowed: allowed === false ? false : 'unknown',
    sameAccount,
    decidedBy: [],
    missing: [],
    unknowns,
    layers: docs,
    summary: `cannot tell: ${unknowns[0]?.message ?? 'an undecided statement could change the outcome'}`,
  };
}
