import { compileArnPattern, splitArn } from './compileArnPattern';
import { compileGlob } from './compileGlob';
import { CONDITION_KEYS, type ConditionKeyName } from './conditionKeys';
import { CONDITION_OPERATORS, type ConditionOperatorName } from './conditionOperators';
import { kleene } from './kleene';
import { lazyFinding } from './lazyFinding';
import type { ConditionEntry, ContextValue, ElementFinding, Tri } from './types';

/** Request context prepared once per request: lower-cased keys, values as string lists. */
export type PreparedContext = ReadonlyMap<
  string,
  { readonly values: readonly string[] | null; readonly raw: ContextValue }
>;

/** One compiled condition entry (one key under one operator). */
export interface CompiledCondition {
  readonly subject: string;
  readonly entry: ConditionEntry;
  /** Whether the request satisfies it. */
  evaluate(context: PreparedContext): Tri;
  /** Why it is false or unknown for this request. */
  explain(context: PreparedContext, result: false | 'unknown'): ElementFinding;
}

const OPERATOR = /^(?:(ForAnyValue|ForAllValues):)?([A-Za-z]+?)(IfExists)?$/;

type ValueMatcher = (requestValue: string) => Tri;

function boolText(value: string): 'true' | 'false' | undefined {
  const v = value.toLowerCase();
  return v === 'true' || v === 'false' ? v : undefined;
}

function valueMatcher(compare: string, policyValue: string): ValueMatcher {
  switch (compare) {
    case 'exact':
      return (v) => v === policyValue;
    case 'ignore-case': {
      const lower = policyValue.toLowerCase();
      return (v) => v.toLowerCase() === lower;
    }
    case 'glob': {
      const glob = compileGlob(policyValue);
      return (v) => glob(v);
    }
    case 'arn': {
      const arn = compileArnPattern(policyValue, false);
      if (arn === undefined) return () => 'unknown';
      return (v) => {
        const parts = splitArn(v);
        return parts === undefined ? 'unknown' : arn(parts);
      };
    }
    default: {
      const want = boolText(policyValue);
      return (v) => {
        const got = boolText(v);
        return want === undefined || got === undefined ? 'unknown' : got === want;
      };
    }
  }
}

function describe(value: ContextValue | undefined): string {
  if (value === undefined) return 'no known value';
  if (value === null) return 'no value';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : value.join(', ');
  return String(value);
}

function unsupported(entry: ConditionEntry, subject: string, reason: string): CompiledCondition {
  return {
    subject,
    entry,
    evaluate: () => 'unknown',
    explain: (context) =>
      lazyFinding(
        'condition',
        'unknown',
        subject,
        entry.values,
        context.get(entry.key.toLowerCase())?.raw,
        () => `${subject}: ${reason}`,
      ),
  };
}

/**
 * Compiles one condition entry. Keys outside {@link CONDITION_KEYS}, operators outside
 * {@link CONDITION_OPERATORS}, operator/key type mismatches and (in 2012-10-17 documents) policy
 * variables compile to a condition that is always unknown. Multiple policy values are ORed;
 * without a set qualifier a multi-valued request value is unknown, since the modelled keys are
 * single-valued.
 */
export function compileCondition(
  entry: ConditionEntry,
  policyVariables: boolean,
): CompiledCondition {
  const subject = `${entry.operator} ${entry.key}`;
  const key = entry.key.toLowerCase();
  if (!Object.hasOwn(CONDITION_KEYS, key)) {
    return unsupported(entry, subject, 'this condition key is not modelled');
  }
  const keySpec = CONDITION_KEYS[key as ConditionKeyName];
  const parsed = OPERATOR.exec(entry.operator);
  const base = parsed?.[2];
  if (!parsed || base === undefined || !Object.hasOwn(CONDITION_OPERATORS, base)) {
    return unsupported(entry, subject, 'this condition operator is not modelled');
  }
  const spec = CONDITION_OPERATORS[base as ConditionOperatorName];
  const set = parsed[1] as 'ForAnyValue' | 'ForAllValues' | undefined;
  const ifExists = parsed[3] !== undefined;
  if (spec.compare === 'null' && (ifExists || set !== undefined)) {
    return unsupported(entry, subject, 'Null takes no qualifier or IfExists');
  }
  if (!(spec.keyTypes as readonly string[]).includes(keySpec.type)) {
    return unsupported(entry, subject, `${keySpec.name} is a ${keySpec.type} key`);
  }
  if (policyVariables && entry.values.some((v) => v.includes('${'))) {
    return unsupported(entry, subject, 'policy variables are not modelled');
  }
  const matchers = entry.values.map((v) => valueMatcher(spec.compare, v));
  const test = (requestValue: string): Tri => {
    let any: Tri = false;
    for (const m of matchers) {
      const r = m(requestValue);
      if (r === true) {
        any = true;
        break;
      }
      if (r === 'unknown') any = 'unknown';
    }
    return spec.negated ? kleene.not(any) : any;
  };
  const nullWant = entry.values.map(boolText);

  const evaluate = (context: PreparedContext): Tri => {
    const slot = context.get(key);
    if (slot === undefined) return 'unknown';
    const values = slot.values;
    if (spec.compare === 'null') {
      if (values !== null && values.length === 0) return 'unknown';
      const absent = values === null ? 'true' : 'false';
      return kleene.or(...nullWant.map((w) => (w === undefined ? 'unknown' : w === absent)));
    }
    // For the set qualifiers an empty list is the empty set, as good as absent.
    if (values === null || (set !== undefined && values.length === 0)) {
      // ForAnyValue is false on an absent key and IfExists true; together, IAM does not say.
      if (set === 'ForAnyValue') return ifExists ? 'unknown' : false;
      if (ifExists || set === 'ForAllValues') return true;
      return spec.negated;
    }
    if (set === 'ForAnyValue') return kleene.or(...values.map(test));
    if (set === 'ForAllValues') return kleene.and(...values.map(test));
    const [only] = values;
    return values.length === 1 && only !== undefined ? test(only) : 'unknown';
  };

  const explain = (context: PreparedContext, result: false | 'unknown'): ElementFinding => {
    const slot = context.get(key);
    const actual = slot === undefined ? undefined : slot.raw;
    const expected = entry.values;
    return lazyFinding('condition', result, subject, expected, actual, () => {
      const wants = `${subject} ${spec.negated ? 'excludes' : 'expects'} ${expected.join(' or ')}`;
      if (slot === undefined) {
        return `${wants}, and the request context has no known value for ${keySpec.name}`;
      }
      return result === false
        ? `${wants}, but the request has ${describe(actual)}`
        : `${wants}; the request value ${describe(actual)} cannot be compared for sure`;
    });
  };

  return { subject, entry, evaluate, explain };
}
