/**
 * The condition operators the evaluator understands, without the `ForAnyValue:`/`ForAllValues:`
 * qualifiers and the `IfExists` suffix, which apply to all but `Null`. `compare` says how one
 * request value is compared with one policy value; `negated` operators are true when no policy
 * value matches. ArnEquals and ArnLike are the same test in IAM: component-wise, case-sensitive,
 * wildcards allowed. Numeric, Date, IpAddress and Binary operators are not modelled.
 */
export const CONDITION_OPERATORS = {
  StringEquals: { keyTypes: ['string', 'arn'], compare: 'exact', negated: false },
  StringNotEquals: { keyTypes: ['string', 'arn'], compare: 'exact', negated: true },
  StringEqualsIgnoreCase: { keyTypes: ['string', 'arn'], compare: 'ignore-case', negated: false },
  StringNotEqualsIgnoreCase: { keyTypes: ['string', 'arn'], compare: 'ignore-case', negated: true },
  StringLike: { keyTypes: ['string', 'arn'], compare: 'glob', negated: false },
  StringNotLike: { keyTypes: ['string', 'arn'], compare: 'glob', negated: true },
  ArnEquals: { keyTypes: ['arn'], compare: 'arn', negated: false },
  ArnLike: { keyTypes: ['arn'], compare: 'arn', negated: false },
  ArnNotEquals: { keyTypes: ['arn'], compare: 'arn', negated: true },
  ArnNotLike: { keyTypes: ['arn'], compare: 'arn', negated: true },
  Bool: { keyTypes: ['bool'], compare: 'bool', negated: false },
  Null: { keyTypes: ['string', 'arn', 'bool'], compare: 'null', negated: false },
} as const satisfies Record<
  string,
  {
    keyTypes: readonly ('string' | 'arn' | 'bool')[];
    compare: 'exact' | 'ignore-case' | 'glob' | 'arn' | 'bool' | 'null';
    negated: boolean;
  }
>;

/** A key of {@link CONDITION_OPERATORS}. */
export type ConditionOperatorName = keyof typeof CONDITION_OPERATORS;
