/**
 * The condition keys the evaluator understands, by lower-cased name (IAM compares key names
 * case-insensitively). Every other key makes its statement "cannot tell". `arn` keys take both
 * String and Arn operators; `bool` keys take `Bool`; all take `Null`.
 */
export const CONDITION_KEYS = {
  'aws:sourcearn': { name: 'aws:SourceArn', type: 'arn' },
  'aws:sourceaccount': { name: 'aws:SourceAccount', type: 'string' },
  'aws:principalorgid': { name: 'aws:PrincipalOrgID', type: 'string' },
  'aws:principalaccount': { name: 'aws:PrincipalAccount', type: 'string' },
  'aws:principalarn': { name: 'aws:PrincipalArn', type: 'arn' },
  'lambda:functionurlauthtype': { name: 'lambda:FunctionUrlAuthType', type: 'string' },
  'lambda:invokedviafunctionurl': { name: 'lambda:InvokedViaFunctionUrl', type: 'bool' },
  'lambda:eventsourcetoken': { name: 'lambda:EventSourceToken', type: 'string' },
} as const satisfies Record<string, { name: string; type: 'string' | 'arn' | 'bool' }>;

/** A key of {@link CONDITION_KEYS}. */
export type ConditionKeyName = keyof typeof CONDITION_KEYS;

/** The value type of a modelled condition key. */
export type ConditionKeyType = (typeof CONDITION_KEYS)[ConditionKeyName]['type'];
