/**
 * Decides one caller → function edge with the policy evaluator the live verification uses
 * (lambda/core/verify): the function's template grants become its resource-based policy, each of
 * the caller's requests is evaluated against it, and, for integrations with a credentials role,
 * the role's trust and identity policies are evaluated too.
 *
 * Unknowns never turn into a pass or a failure: grants with unresolved values are read twice
 * (grantStatement), and symbols chosen outside the template (the account, the Region, a
 * parameter) are also tried with every literal a grant writes in their place, so a grant that
 * hard-codes `arn:aws:` or an account id yields "cannot tell" with what it depends on.
 */
import { type CompiledPolicy, compilePolicy } from '../verify/compilePolicy';
import { evaluateInvokeAccess, type NamedPolicy } from '../verify/evaluateInvokeAccess';
import { evaluatePolicy } from '../verify/evaluatePolicy';
import type { AccessRequest, RequestPrincipal } from '../verify/types';
import type { Call, Caller, FunctionRef, Grant, RoleNode, SourceLocation } from './CheckGraph';
import { type Bound, functionArn, grantStatement, type StatementJson } from './grantStatement';
import type { SymbolTable } from './SymbolTable';
import { asList, asObject, isUnresolved, type Resolved, type Unresolved } from './Unresolved';

/** The outcome of one request. */
export interface CallOutcome {
  readonly call: Call;
  readonly verdict: 'allow' | 'deny' | 'cannot-tell';
  /** Why it is denied or undecided. */
  readonly reason: string;
}

/** The outcome of one caller. */
export interface CallerVerdict {
  readonly verdict: 'allow' | 'deny' | 'cannot-tell';
  readonly outcomes: readonly CallOutcome[];
  /** For a denial: grants on the function that almost apply, and what stops them. */
  readonly nearMisses: readonly { readonly grant: SourceLocation; readonly why: string }[];
  /** Whether the input holds any grant that could be on this function at all. */
  readonly anyGrant: boolean;
}

const LOGS = 'logs.amazonaws.com';

/** Grants by the function name they are on, to skip the grants of other functions. */
export class GrantIndex {
  readonly #byName = new Map<string, Grant[]>();
  readonly #wild: Grant[] = [];
  readonly #all: readonly Grant[];
  readonly #symbols: SymbolTable;

  constructor(grants: readonly Grant[], symbols: SymbolTable) {
    this.#all = grants;
    this.#symbols = symbols;
    for (const g of grants) {
      if (isUnresolved(g.target) || this.#free(g.target.name)) this.#wild.push(g);
      else this.#byName.set(g.target.name, [...(this.#byName.get(g.target.name) ?? []), g]);
    }
  }

  readonly #relevant = new Map<string, readonly Grant[]>();

  /** Grants that may be on `target` (any qualifier); the same array for the same name. */
  relevant(target: FunctionRef): readonly Grant[] {
    if (this.#free(target.name)) return this.#all;
    let grants = this.#relevant.get(target.name);
    if (grants === undefined) {
      grants = [...(this.#byName.get(target.name) ?? []), ...this.#wild];
      this.#relevant.set(target.name, grants);
    }
    return grants;
  }

  #free(name: string): boolean {
    return this.#symbols.markers(name).some((m) => this.#symbols.info(m)?.free === true);
  }
}

const compiled = new WeakMap<readonly Grant[], Map<Bound, CompiledPolicy | null>>();

/** The compiled policy of `document`, once per grant list and reading (callers share functions). */
function policy(grants: readonly Grant[], bound: Bound): CompiledPolicy | null {
  let byBound = compiled.get(grants);
  if (byBound === undefined) {
    byBound = new Map();
    compiled.set(grants, byBound);
  }
  if (!byBound.has(bound)) {
    const doc = document(grants, bound);
    byBound.set(bound, doc === null ? null : compilePolicy(doc));
  }
  return byBound.get(bound) ?? null;
}

/** The policy document the grants form under one reading; null when empty. */
function document(grants: readonly Grant[], bound: Bound): Record<string, unknown> | null {
  const statements: StatementJson[] = [];
  grants.forEach((g, i) => {
    const s = grantStatement(g, bound, `g${i}`);
    if (s) statements.push(s);
  });
  return statements.length === 0 ? null : { Version: '2012-10-17', Statement: statements };
}

/** Replaces symbols in a JSON value (request and documents alike) by the assigned literals. */
function assign<T>(symbols: SymbolTable, value: T, assignment: ReadonlyMap<string, string>): T {
  if (assignment.size === 0) return value;
  const text = symbols.replace(JSON.stringify(value), (marker) => {
    const literal = assignment.get(marker);
    return literal === undefined ? marker : JSON.stringify(literal).slice(1, -1);
  });
  return JSON.parse(text) as T;
}

const SEGMENTS = /[:/]/;

/**
 * Assignments under which a grant's literal parts meet a request's free symbols (and the
 * reverse), segment by segment of the ARNs and values both carry.
 */
function alignments(
  symbols: SymbolTable,
  request: AccessRequest,
  grants: readonly Grant[],
): Map<string, string>[] {
  const pairs = (grant: Grant): [string, string][] => {
    const out: [string, string][] = [];
    const ctx = request.context;
    if (!isUnresolved(grant.target)) out.push([request.resource, functionArn(grant.target)]);
    if (typeof grant.sourceArn === 'string' && typeof ctx['aws:SourceArn'] === 'string') {
      out.push([ctx['aws:SourceArn'], grant.sourceArn]);
    }
    if (typeof grant.sourceAccount === 'string' && typeof ctx['aws:SourceAccount'] === 'string') {
      out.push([ctx['aws:SourceAccount'], grant.sourceAccount]);
    }
    return out;
  };
  const isFree = (segment: string) =>
    /^\u27e6\d+\u27e7$/.test(segment) && symbols.info(segment)?.free === true;
  const isLiteral = (segment: string) =>
    segment !== '' && !symbols.has(segment) && !/[*?]/.test(segment);
  const out: Map<string, string>[] = [];
  const seen = new Set<string>();
  for (const grant of grants) {
    const assignment = new Map<string, string>();
    for (const [mine, theirs] of pairs(grant)) {
      const a = mine.split(SEGMENTS);
      const b = theirs.split(SEGMENTS);
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        const x = a[i] as string;
        const y = b[i] as string;
        if (isFree(x) && isLiteral(y) && !assignment.has(x)) assignment.set(x, y);
        else if (isFree(y) && isLiteral(x) && !assignment.has(y)) assignment.set(y, x);
      }
    }
    const key = JSON.stringify([...assignment]);
    if (assignment.size > 0 && !seen.has(key)) {
      seen.add(key);
      out.push(assignment);
    }
  }
  return out;
}

/** The principals a request may present: CloudWatch Logs grants also use the Regional name. */
function principalsOf(call: Call, target: FunctionRef): RequestPrincipal[] {
  if (call.principal.kind === 'service' && call.principal.service === LOGS) {
    return [call.principal, { kind: 'service', service: `logs.${target.region}.amazonaws.com` }];
  }
  return [call.principal];
}

type Decision = 'allow' | 'deny' | 'unknown';

function decideResourceOnly(
  requests: readonly AccessRequest[],
  resourcePolicy: Record<string, unknown> | CompiledPolicy | null,
): { decision: Decision; summary: string } {
  let unknown: string | undefined;
  for (const request of requests) {
    const result = evaluateInvokeAccess({
      request,
      resourcePolicy,
      identityPolicies: [],
      permissionsBoundary: null,
      sessionPolicies: null,
      scps: null,
    });
    if (result.allowed === true) return { decision: 'allow', summary: result.summary };
    if (result.decision === 'cannot-tell') unknown ??= result.summary;
  }
  return unknown === undefined
    ? { decision: 'deny', summary: 'no grant applies' }
    : { decision: 'unknown', summary: unknown };
}

function describeAssignment(symbols: SymbolTable, assignment: ReadonlyMap<string, string>): string {
  return [...assignment].map(([m, v]) => `${symbols.display(m)} is ${v}`).join(' and ');
}

/** Why grants with unresolved values or conditions might apply. */
function openGrants(grants: readonly Grant[]): string {
  const reasons = new Set<string>();
  for (const g of grants) {
    if (g.onlyIf) reasons.add(`${g.location.resource} exists only if ${g.onlyIf}`);
    for (const v of [
      g.target,
      g.action,
      g.principal,
      g.sourceArn,
      g.sourceAccount,
      g.principalOrgId,
      g.functionUrlAuthType,
      g.invokedViaFunctionUrl,
    ]) {
      if (isUnresolved(v)) reasons.add(`${g.location.resource}: ${v.reason}`);
    }
  }
  return [...reasons].join('; ');
}

/** Evaluates one request through the function's resource-based policy alone. */
function evaluateCall(
  symbols: SymbolTable,
  call: Call,
  target: FunctionRef,
  grants: readonly Grant[],
): CallOutcome {
  const requests = principalsOf(call, target).map(
    (principal): AccessRequest => ({
      principal,
      action: call.action,
      resource: functionArn(target),
      context: call.context,
    }),
  );
  const lower = decideResourceOnly(requests, policy(grants, 'lower'));
  if (lower.decision === 'allow') return { call, verdict: 'allow', reason: lower.summary };
  const upperPolicy = document(grants, 'upper');
  const upper = decideResourceOnly(requests, policy(grants, 'upper'));
  if (upper.decision !== 'deny') {
    const why = lower.decision === 'unknown' ? lower.summary : openGrants(grants) || upper.summary;
    return { call, verdict: 'cannot-tell', reason: why };
  }
  for (const assignment of alignments(symbols, requests[0] as AccessRequest, grants)) {
    const decision = decideResourceOnly(
      requests.map((r) => assign(symbols, r, assignment)),
      assign(symbols, upperPolicy, assignment),
    );
    if (decision.decision !== 'deny') {
      return {
        call,
        verdict: 'cannot-tell',
        reason: `allowed only if ${describeAssignment(symbols, assignment)} (a grant spells it out literally)`,
      };
    }
  }
  return { call, verdict: 'deny', reason: 'no grant in the input allows it' };
}

/** Grants on the function that match the caller and action but fail on something else. */
function nearMisses(
  symbols: SymbolTable,
  call: Call,
  target: FunctionRef,
  grants: readonly Grant[],
): { grant: SourceLocation; why: string }[] {
  const policy = document(grants, 'upper');
  if (policy === null) return [];
  const result = evaluatePolicy(
    policy,
    {
      principal: call.principal,
      action: call.action,
      resource: functionArn(target),
      context: call.context,
    },
    { policyType: 'resource' },
  );
  const out: { grant: SourceLocation; why: string }[] = [];
  for (const s of result.statements) {
    const f = s.finding;
    if (f === undefined || f.element === 'principal' || f.element === 'action') continue;
    const grant = grants[Number(s.sid?.slice(1))];
    if (grant) out.push({ grant: grant.location, why: symbols.display(f.message) });
  }
  return out.slice(0, 3);
}

/** Replaces account and partition symbols by stand-in literals IAM ARN parsing accepts. */
function materializer(symbols: SymbolTable): <T>(value: T) => T {
  const values = new Map<string, string>();
  return (value) => {
    const text = symbols.replace(JSON.stringify(value), (marker, info) => {
      if (info.kind !== 'account' && info.kind !== 'partition') return marker;
      let v = values.get(marker);
      if (v === undefined) {
        const n = values.size;
        v =
          info.kind === 'account'
            ? String(100000000000 + n * 7919)
            : `aws-symbol-${String.fromCharCode(97 + (n % 26))}`;
        values.set(marker, v);
      }
      return v;
    });
    return JSON.parse(text);
  };
}

/** A policy document read under a bound: what is certainly there, or what might be. */
function boundDocument(
  doc: Resolved | undefined,
  bound: Bound,
): Record<string, unknown> | undefined {
  const o = asObject(doc);
  if (o === undefined) return undefined;
  const list = asList(o.Statement) ?? (o.Statement === undefined ? [] : [o.Statement]);
  const statements: unknown[] = [];
  const widen = (value: Resolved): Resolved => {
    if (isUnresolved(value)) return '*';
    if (Array.isArray(value)) return value.map(widen);
    return value;
  };
  for (const raw of list) {
    const s = asObject(raw);
    if (s === undefined) continue;
    const open = JSON.stringify(s, (_, v) => (isUnresolved(v) ? '\u0000' : v)).includes('\\u0000');
    if (!open) {
      statements.push(s);
      continue;
    }
    const deny = s.Effect === 'Deny';
    // A wider Deny only denies more and a wider Allow only allows more: keep whichever side the bound needs.
    if (deny === (bound === 'upper')) continue;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(s)) {
      if (key === 'Condition') {
        const kept: Record<string, Record<string, Resolved>> = {};
        for (const [op, block] of Object.entries(asObject(value) ?? {})) {
          for (const [k, v] of Object.entries(asObject(block) ?? {})) {
            if (JSON.stringify(v, (_, x) => (isUnresolved(x) ? '\u0000' : x)).includes('\\u0000'))
              continue;
            kept[op] ??= {};
            (kept[op] as Record<string, Resolved>)[k] = v;
          }
        }
        if (Object.keys(kept).length > 0) out.Condition = kept;
      } else if (key === 'NotResource' || key === 'NotAction') {
        out[key.slice(3)] = '*';
      } else out[key] = widen(value);
    }
    statements.push(out);
  }
  return { ...o, Statement: statements };
}

function roleSession(roleArn: string): { arn: string; account: string } | undefined {
  const m = /^arn:([^:]+):iam::([^:]+):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (!m) return undefined;
  return {
    arn: `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}/apigateway`,
    account: m[2] as string,
  };
}

/** Evaluates an integration or authorizer that invokes with a credentials role. */
function evaluateRole(
  symbols: SymbolTable,
  caller: Caller,
  target: FunctionRef,
  grants: readonly Grant[],
  roles: readonly RoleNode[],
): CallOutcome[] {
  const credentials = caller.credentials as string | Unresolved;
  const call = caller.calls[0] as Call;
  const outcome = (verdict: CallOutcome['verdict'], reason: string): CallOutcome[] => [
    { call: { ...call, label: 'credentials role' }, verdict, reason },
  ];
  if (isUnresolved(credentials)) return outcome('cannot-tell', credentials.reason);
  if (/:user\/\*$/.test(credentials)) {
    return outcome('cannot-tell', "the integration invokes with the caller's own credentials");
  }
  const role = roles.find((r) => r.arn === credentials);
  const session = roleSession(credentials);
  if (role === undefined || session === undefined) {
    return outcome(
      'cannot-tell',
      `the credentials role ${symbols.display(credentials)} is not defined in the input`,
    );
  }
  const materialize = materializer(symbols);
  const decide = (bound: Bound): Decision => {
    const trustDoc = boundDocument(role.trustPolicy, bound);
    if (trustDoc === undefined) return bound === 'lower' ? 'deny' : 'unknown';
    // Trust policies name no Resource: the role itself is the resource.
    const statements = (asList(trustDoc.Statement as Resolved) ?? []).map((s) => ({
      Resource: '*',
      ...(s as object),
    }));
    const trust = evaluatePolicy(
      materialize({ ...trustDoc, Statement: statements }),
      {
        principal: { kind: 'service', service: 'apigateway.amazonaws.com' },
        action: 'sts:AssumeRole',
        resource: materialize(credentials),
        context: {},
      },
      { policyType: 'resource' },
    );
    const identityPolicies: NamedPolicy[] = [];
    for (const p of role.policies) {
      const d =
        p.document === undefined
          ? bound === 'upper'
            ? { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }
            : undefined
          : boundDocument(p.document, bound);
      if (d) identityPolicies.push({ name: symbols.display(p.name), document: materialize(d) });
    }
    const boundary =
      role.boundary === null
        ? null
        : role.boundary === undefined
          ? undefined
          : (boundDocument(role.boundary, bound) ?? undefined);
    const resourcePolicy = document(grants, bound);
    const invoke = evaluateInvokeAccess({
      request: materialize({
        principal: {
          kind: 'aws',
          arn: session.arn,
          accountId: session.account,
          roleArn: credentials,
        },
        action: call.action,
        resource: functionArn(target),
        context: {
          'aws:PrincipalArn': credentials,
          'aws:PrincipalAccount': session.account,
          'aws:SourceArn': null,
          'aws:SourceAccount': null,
          'lambda:FunctionUrlAuthType': null,
          'lambda:InvokedViaFunctionUrl': null,
          'lambda:EventSourceToken': null,
        },
      } satisfies AccessRequest),
      resourcePolicy: resourcePolicy === null ? null : materialize(resourcePolicy),
      identityPolicies,
      permissionsBoundary:
        boundary === null || boundary === undefined
          ? boundary
          : { name: 'permissions boundary', document: materialize(boundary) },
      sessionPolicies: null,
      scps: null,
      sameAccount: session.account === target.account ? true : undefined,
    });
    if (trust.decision === 'allow' && invoke.allowed === true) return 'allow';
    if (trust.decision === 'cannot-tell' || invoke.decision === 'cannot-tell') return 'unknown';
    return 'deny';
  };
  if (decide('lower') === 'allow')
    return outcome('allow', 'the role may be assumed and may invoke');
  const upper = decide('upper');
  if (upper !== 'deny') {
    return outcome(
      'cannot-tell',
      "the role's policies are not all in the input (managed policies, unresolved values)",
    );
  }
  const trustUpper = boundDocument(role.trustPolicy, 'upper');
  const trusts =
    trustUpper !== undefined &&
    evaluatePolicy(
      materialize({
        ...trustUpper,
        Statement: (asList(trustUpper.Statement as Resolved) ?? []).map((s) => ({
          Resource: '*',
          ...(s as object),
        })),
      }),
      {
        principal: { kind: 'service', service: 'apigateway.amazonaws.com' },
        action: 'sts:AssumeRole',
        resource: materialize(credentials),
        context: {},
      },
      { policyType: 'resource' },
    ).decision !== 'no-match';
  return outcome(
    'deny',
    trusts
      ? `role ${role.location.resource} does not allow ${call.action} on the function`
      : `role ${role.location.resource} does not trust apigateway.amazonaws.com`,
  );
}

/** Decides one caller. */
export function evaluateCaller(
  caller: Caller,
  index: GrantIndex,
  roles: readonly RoleNode[],
  symbols: SymbolTable,
): CallerVerdict {
  const target = caller.target;
  if (isUnresolved(target)) {
    return {
      verdict: 'cannot-tell',
      outcomes: caller.calls.map((call) => ({
        call,
        verdict: 'cannot-tell',
        reason: target.reason,
      })),
      nearMisses: [],
      anyGrant: false,
    };
  }
  const grants = index.relevant(target);
  const outcomes =
    caller.credentials !== undefined
      ? evaluateRole(symbols, caller, target, grants, roles)
      : caller.calls.map((call) => evaluateCall(symbols, call, target, grants));
  const verdict = outcomes.some((o) => o.verdict === 'deny')
    ? 'deny'
    : outcomes.some((o) => o.verdict === 'cannot-tell')
      ? 'cannot-tell'
      : 'allow';
  const denied = outcomes.find((o) => o.verdict === 'deny');
  return {
    verdict,
    outcomes,
    nearMisses:
      denied && caller.credentials === undefined
        ? nearMisses(symbols, denied.call, target, grants)
        : [],
    anyGrant: grants.some((g) => !isUnresolved(g.target) && g.target.name === target.name),
  };
}
