import { InvalidPolicyError } from '../errors';
import { type ArnParts, compileArnPattern } from './compileArnPattern';
import { type CompiledCondition, compileCondition } from './compileCondition';
import { compileGlob, hasWildcard } from './compileGlob';
import { compilePrincipal, type PrincipalEntry } from './compilePrincipal';
import { parsePolicyDocument } from './parsePolicyDocument';
import type { Effect, PolicyDocument, PrincipalValue, Tri } from './types';

/** Matches a request action; unknown for action patterns IAM would not accept. */
export type ActionMatcher = (action: string) => Tri;

/** Matches a split request ARN (undefined when the request resource is not an ARN). */
export type ResourceMatcher = (arn: ArnParts | undefined) => Tri;

/** A statement with every pattern compiled. */
export interface CompiledStatement {
  readonly index: number;
  readonly sid: string | undefined;
  readonly effect: Effect;
  readonly principal:
    | {
        readonly negated: boolean;
        readonly entries: readonly PrincipalEntry[];
        /** The entries as findings print them, e.g. `AWS arn:aws:iam::111122223333:root`. */
        readonly values: readonly string[];
      }
    | undefined;
  readonly action: {
    readonly negated: boolean;
    readonly values: readonly string[];
    readonly matchers: readonly ActionMatcher[];
  };
  readonly resource:
    | {
        readonly negated: boolean;
        readonly values: readonly string[];
        readonly matchers: readonly ResourceMatcher[];
      }
    | undefined;
  readonly conditions: readonly CompiledCondition[];
}

const COMPILED: unique symbol = Symbol('compiledPolicy');

/** A document compiled once, to evaluate against many requests. */
export interface CompiledPolicy {
  readonly [COMPILED]: true;
  /** The parsed document; undefined when it is invalid. */
  readonly document: PolicyDocument | undefined;
  readonly statements: readonly CompiledStatement[];
  /** Why the document is unreadable; its evaluation is then `cannot-tell`. */
  readonly invalid: string | undefined;
}

/** A policy as callers hold it: JSON text (plain or URL-encoded), the parsed object, or compiled. */
export type PolicyInput = string | Readonly<Record<string, unknown>> | CompiledPolicy;

const always =
  (value: Tri): ActionMatcher & ResourceMatcher =>
  () =>
    value;

function actionMatcher(pattern: string): ActionMatcher {
  if (pattern === '*') return always(true);
  const colon = pattern.indexOf(':');
  // IAM requires `service:action`; a wildcard in the service prefix is not accepted either.
  if (colon <= 0 || hasWildcard(pattern.slice(0, colon))) return always('unknown');
  return compileGlob(pattern, true);
}

function resourceMatcher(pattern: string, policyVariables: boolean): ResourceMatcher {
  if (pattern === '*') return always(true);
  if (policyVariables && pattern.includes('${')) return always('unknown');
  const arn = compileArnPattern(pattern, true);
  if (arn === undefined) return always('unknown');
  return (request) => (request === undefined ? 'unknown' : arn(request));
}

function principalElement(negated: boolean, values: readonly PrincipalValue[]) {
  const entries = values.map(compilePrincipal);
  return { negated, entries, values: entries.map((e) => e.text) };
}

/** Whether a value is a {@link CompiledPolicy}. */
export function isCompiledPolicy(value: unknown): value is CompiledPolicy {
  return typeof value === 'object' && value !== null && COMPILED in value;
}

/**
 * Parses and compiles a policy once: wildcard, ARN, principal and condition patterns are built
 * here, not per request, so a template with hundreds of resources evaluates cheaply. An invalid
 * document compiles to one whose every evaluation is `cannot-tell`, with the reason; it never
 * throws for bad input.
 */
export function compilePolicy(input: PolicyInput): CompiledPolicy {
  if (isCompiledPolicy(input)) return input;
  let document: PolicyDocument;
  try {
    document = parsePolicyDocument(input);
  } catch (error) {
    if (!(error instanceof InvalidPolicyError)) throw error;
    return { [COMPILED]: true, document: undefined, statements: [], invalid: error.message };
  }
  // Before 2012-10-17, `${...}` is literal text; from it on, a policy variable.
  const variables = document.version === '2012-10-17';
  const statements = document.statements.map(
    (s, index): CompiledStatement => ({
      index,
      sid: s.sid,
      effect: s.effect,
      principal: s.principal && principalElement(s.principal.negated, s.principal.values),
      action: {
        negated: s.action.negated,
        values: s.action.values,
        matchers: s.action.values.map(actionMatcher),
      },
      resource: s.resource && {
        negated: s.resource.negated,
        values: s.resource.values,
        matchers: s.resource.values.map((v) => resourceMatcher(v, variables)),
      },
      conditions: s.condition.map((c) => compileCondition(c, variables)),
    }),
  );
  return { [COMPILED]: true, document, statements, invalid: undefined };
}
