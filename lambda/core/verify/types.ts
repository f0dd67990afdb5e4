/** Types shared by the policy evaluator: the request model, parsed documents and results. */

/** Three-valued truth: `'unknown'` whenever the evaluator would have to guess. */
export type Tri = boolean | 'unknown';

/**
 * Who makes the request. For an assumed-role session, `roleArn` is the role's ARN with its path
 * when the caller knows it: the session ARN does not carry the path, so without it a policy that
 * names the role cannot be matched for sure.
 */
export type RequestPrincipal =
  | { readonly kind: 'service'; readonly service: string }
  | {
      readonly kind: 'aws';
      readonly arn: string;
      readonly accountId: string;
      readonly roleArn?: string | undefined;
    }
  | { readonly kind: 'anonymous' };

/**
 * One condition-context value. A key absent from the context map is unknown; a key mapped to
 * `null` is known to be absent from the request.
 */
export type ContextValue = string | readonly string[] | boolean | null;

/** The request a policy is evaluated against. */
export interface AccessRequest {
  readonly principal: RequestPrincipal;
  /** e.g. `lambda:InvokeFunction` or `lambda:InvokeFunctionUrl`. */
  readonly action: string;
  /** The resource ARN, qualified (`:live`, `:3`) or not; `*` for actions without a resource. */
  readonly resource: string;
  /** Condition context; key names are compared case-insensitively. */
  readonly context: Readonly<Record<string, ContextValue>>;
}

/** `Allow` or `Deny`. */
export type Effect = 'Allow' | 'Deny';

/** One principal named in a `Principal` or `NotPrincipal` element. */
export interface PrincipalValue {
  /** `*` for the bare `"Principal": "*"`, else the key of the principal object. */
  readonly type: '*' | 'AWS' | 'Service' | 'Federated' | 'CanonicalUser';
  readonly value: string;
}

/** A normalised statement: every string-or-array element is an array. */
export interface PolicyStatement {
  readonly sid: string | undefined;
  readonly effect: Effect;
  readonly principal:
    | { readonly negated: boolean; readonly values: readonly PrincipalValue[] }
    | undefined;
  readonly action: { readonly negated: boolean; readonly values: readonly string[] };
  readonly resource: { readonly negated: boolean; readonly values: readonly string[] } | undefined;
  readonly condition: readonly ConditionEntry[];
}

/** One key under one operator of a `Condition` block; the values are ORed. */
export interface ConditionEntry {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

/** A parsed and normalised policy document. */
export interface PolicyDocument {
  readonly version: string | undefined;
  readonly id: string | undefined;
  readonly statements: readonly PolicyStatement[];
}

/** Where a statement lives: resource-based policies name principals, identity-based ones do not. */
export type PolicyType = 'resource' | 'identity';

/** The statement element a finding is about. */
export type StatementElement = 'principal' | 'action' | 'resource' | 'condition' | 'statement';

/** Why a statement does not apply (`result: false`) or cannot be decided (`'unknown'`). */
export interface ElementFinding {
  readonly element: StatementElement;
  readonly result: false | 'unknown';
  /** The element or condition at fault, e.g. `NotResource` or `ArnLike AWS:SourceArn`. */
  readonly subject: string;
  /** The values the policy asks for. */
  readonly expected: readonly string[];
  /** What the request carries: `null` when known absent, `undefined` when unknown. */
  readonly actual: string | readonly string[] | boolean | null | undefined;
  /** One sentence for people. */
  readonly message: string;
}

/**
 * How a `Principal` element named the caller, which decides what else must allow the request:
 * `exact` names the user, session or service itself; `wildcard` is `*`; `parent` names the role
 * (or user) a session belongs to; `account` names the caller's account, which delegates to the
 * account's identity-based policies.
 */
export type PrincipalMatchKind = 'exact' | 'wildcard' | 'parent' | 'account';

/** The kinds in evaluation order, strongest grant first. */
export const PRINCIPAL_MATCH_KINDS = ['exact', 'wildcard', 'parent', 'account'] as const;

/** The outcome of one statement. */
export interface StatementResult {
  readonly index: number;
  readonly sid: string | undefined;
  readonly effect: Effect;
  readonly applies: Tri;
  /** Per kind, whether the statement applies through it; undefined without a `Principal`. */
  readonly appliesAs: Readonly<Record<PrincipalMatchKind, Tri>> | undefined;
  /** The first failing element, else the first undecided one; undefined when it applies. */
  readonly finding: ElementFinding | undefined;
}

/** The outcome of one document on its own. */
export type PolicyDecision = 'allow' | 'explicit-deny' | 'no-match' | 'cannot-tell';

/** The result of evaluating one document. */
export interface PolicyEvaluation {
  readonly decision: PolicyDecision;
  readonly statements: readonly StatementResult[];
  /** Why the document could not be read at all; the decision is then `cannot-tell`. */
  readonly invalid?: string;
}
