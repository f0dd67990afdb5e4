/**
 * One row per condition operator, qualifier and edge, each on a copy of the documented API Gateway
 * add-permission statement with its Condition block replaced.
 */
import { evaluatePolicy } from '../../../lambda/core/verify/evaluatePolicy';
import type { ContextValue, Tri } from '../../../lambda/core/verify/types';
import { byService, documentOf, policyJson } from '../../helpers/policies';

const FN = 'arn:aws:lambda:us-east-2:123456789012:function:my-function';
const API = 'arn:aws:execute-api:us-east-2:123456789012:mnh1xmpli7';
const STATEMENT = policyJson('apigateway-add-permission-statement.json');

function appliesWith(
  condition: Record<string, unknown>,
  context: Record<string, ContextValue>,
  version = '2012-10-17',
): Tri {
  const statement = structuredClone(STATEMENT);
  statement.Condition = condition;
  const document = { ...documentOf(statement), Version: version };
  const result = evaluatePolicy(document, byService('apigateway.amazonaws.com', FN, context));
  return result.statements[0]!.applies;
}

type Row = readonly [string, Record<string, unknown>, Record<string, ContextValue>, Tri];

/** An IAM policy variable, `${name}` in the policy text. */
const variable = (name: string): string => `\${${name}}`;

const SRC = 'aws:SourceArn';
const ACCT = 'aws:SourceAccount';
const VIA = 'lambda:InvokedViaFunctionUrl';
const AUTH = 'lambda:FunctionUrlAuthType';

const ROWS: readonly Row[] = [
  // String operators
  [
    'StringEquals match',
    { StringEquals: { [ACCT]: '123456789012' } },
    { [ACCT]: '123456789012' },
    true,
  ],
  [
    'StringEquals is case-sensitive',
    { StringEquals: { [AUTH]: 'none' } },
    { [AUTH]: 'NONE' },
    false,
  ],
  [
    'StringEquals takes * literally',
    { StringEquals: { [ACCT]: '*' } },
    { [ACCT]: '123456789012' },
    false,
  ],
  [
    'StringEquals values are ORed',
    { StringEquals: { [ACCT]: ['1', '123456789012'] } },
    { [ACCT]: '123456789012' },
    true,
  ],
  [
    'StringNotEquals other value',
    { StringNotEquals: { [ACCT]: '111122223333' } },
    { [ACCT]: '123456789012' },
    true,
  ],
  [
    'StringNotEquals same value',
    { StringNotEquals: { [ACCT]: '123456789012' } },
    { [ACCT]: '123456789012' },
    false,
  ],
  [
    'StringNotEquals on an absent key is true',
    { StringNotEquals: { [ACCT]: '1' } },
    { [ACCT]: null },
    true,
  ],
  [
    'StringNotEquals excludes every listed value',
    { StringNotEquals: { [ACCT]: ['1', '123456789012'] } },
    { [ACCT]: '123456789012' },
    false,
  ],
  [
    'StringEqualsIgnoreCase',
    { StringEqualsIgnoreCase: { [AUTH]: 'none' } },
    { [AUTH]: 'NONE' },
    true,
  ],
  [
    'StringNotEqualsIgnoreCase',
    { StringNotEqualsIgnoreCase: { [AUTH]: 'none' } },
    { [AUTH]: 'NONE' },
    false,
  ],
  [
    'StringLike with *',
    { StringLike: { [SRC]: `${API}/*` } },
    { [SRC]: `${API}/dev/GET/orders` },
    true,
  ],
  [
    'StringLike with ?',
    { StringLike: { [SRC]: `${API}/de?/GET/x` } },
    { [SRC]: `${API}/dev/GET/x` },
    true,
  ],
  [
    'StringLike ? is exactly one character',
    { StringLike: { [SRC]: `${API}/de?/GET/x` } },
    { [SRC]: `${API}/deva/GET/x` },
    false,
  ],
  [
    'StringLike is case-sensitive',
    { StringLike: { [SRC]: `${API}/DEV/*` } },
    { [SRC]: `${API}/dev/GET/x` },
    false,
  ],
  [
    'StringNotLike',
    { StringNotLike: { [SRC]: `${API}/prod/*` } },
    { [SRC]: `${API}/dev/GET/x` },
    true,
  ],
  [
    'StringNotLike matching',
    { StringNotLike: { [SRC]: `${API}/*` } },
    { [SRC]: `${API}/dev/GET/x` },
    false,
  ],
  ['StringLike on an absent key is false', { StringLike: { [SRC]: '*' } }, { [SRC]: null }, false],
  // ARN operators
  [
    'ArnLike component-wise',
    { ArnLike: { [SRC]: 'arn:aws:execute-api:*:123456789012:mnh1xmpli7/*' } },
    { [SRC]: `${API}/dev/GET/x` },
    true,
  ],
  [
    'StringLike * spans colons',
    { StringLike: { [SRC]: 'arn:aws:execute-api:*:mnh1xmpli7/*' } },
    { [SRC]: `${API}/dev/GET/x` },
    true,
  ],
  [
    'ArnLike does not: a pattern short of six components is not guessed',
    { ArnLike: { [SRC]: 'arn:aws:execute-api:*:mnh1xmpli7/*' } },
    { [SRC]: `${API}/dev/GET/x` },
    'unknown',
  ],
  [
    'ArnLike * in the region component',
    { ArnLike: { [SRC]: 'arn:aws:execute-api:us-*:123456789012:mnh1xmpli7/*' } },
    { [SRC]: `${API}/dev/GET/x` },
    true,
  ],
  [
    'ArnEquals honours wildcards like ArnLike',
    { ArnEquals: { [SRC]: `${API}/*/GET/x` } },
    { [SRC]: `${API}/dev/GET/x` },
    true,
  ],
  [
    'ArnLike is case-sensitive',
    { ArnLike: { [SRC]: `${API}/DEV/*` } },
    { [SRC]: `${API}/dev/GET/x` },
    false,
  ],
  [
    'ArnNotEquals',
    { ArnNotEquals: { [SRC]: `${API}/prod/*` } },
    { [SRC]: `${API}/dev/GET/x` },
    true,
  ],
  [
    'ArnNotLike matching',
    { ArnNotLike: { [SRC]: `${API}/*` } },
    { [SRC]: `${API}/dev/GET/x` },
    false,
  ],
  [
    'ArnNotLike on an absent key is true',
    { ArnNotLike: { [SRC]: `${API}/*` } },
    { [SRC]: null },
    true,
  ],
  [
    'ArnLike with a request value that is not an ARN',
    { ArnLike: { [SRC]: `${API}/*` } },
    { [SRC]: 'mnh1xmpli7/dev' },
    'unknown',
  ],
  [
    'ArnLike on a string key is not modelled',
    { ArnLike: { [ACCT]: '123456789012' } },
    { [ACCT]: '123456789012' },
    'unknown',
  ],
  // Bool and Null
  ['Bool true', { Bool: { [VIA]: 'true' } }, { [VIA]: true }, true],
  [
    'Bool compares the text case-insensitively',
    { Bool: { [VIA]: 'TRUE' } },
    { [VIA]: 'true' },
    true,
  ],
  ['Bool false value', { Bool: { [VIA]: 'true' } }, { [VIA]: false }, false],
  ['Bool on an absent key is false', { Bool: { [VIA]: 'false' } }, { [VIA]: null }, false],
  ['Bool with a non-boolean policy value', { Bool: { [VIA]: 'yes' } }, { [VIA]: true }, 'unknown'],
  [
    'Bool on a string key is not modelled',
    { Bool: { [ACCT]: 'true' } },
    { [ACCT]: 'true' },
    'unknown',
  ],
  [
    'StringEquals on a bool key is not modelled',
    { StringEquals: { [VIA]: 'true' } },
    { [VIA]: true },
    'unknown',
  ],
  ['Null true on an absent key', { Null: { [ACCT]: 'true' } }, { [ACCT]: null }, true],
  ['Null true on a present key', { Null: { [ACCT]: 'true' } }, { [ACCT]: '1' }, false],
  ['Null false on a present key', { Null: { [ACCT]: 'false' } }, { [ACCT]: '1' }, true],
  [
    'NullIfExists is not an operator',
    { NullIfExists: { [ACCT]: 'false' } },
    { [ACCT]: '1' },
    'unknown',
  ],
  // IfExists
  [
    'StringEqualsIfExists on an absent key',
    { StringEqualsIfExists: { [ACCT]: '1' } },
    { [ACCT]: null },
    true,
  ],
  [
    'StringEqualsIfExists on a present key',
    { StringEqualsIfExists: { [ACCT]: '1' } },
    { [ACCT]: '2' },
    false,
  ],
  [
    'ArnLikeIfExists on a present key',
    { ArnLikeIfExists: { [SRC]: `${API}/*` } },
    { [SRC]: `${API}/a` },
    true,
  ],
  ['BoolIfExists on an absent key', { BoolIfExists: { [VIA]: 'true' } }, { [VIA]: null }, true],
  [
    'IfExists on an unknown key stays unknown',
    { StringEqualsIfExists: { [ACCT]: '1' } },
    {},
    'unknown',
  ],
  // Set qualifiers
  [
    'ForAnyValue:StringEquals, one value matches',
    { 'ForAnyValue:StringEquals': { [ACCT]: ['1', '2'] } },
    { [ACCT]: ['3', '2'] },
    true,
  ],
  [
    'ForAnyValue with IfExists on an absent key: the two rules disagree, not guessed',
    { 'ForAnyValue:StringEqualsIfExists': { [ACCT]: '1' } },
    { [ACCT]: null },
    'unknown',
  ],
  [
    'ForAnyValue:StringEquals on an absent key',
    { 'ForAnyValue:StringEquals': { [ACCT]: '1' } },
    { [ACCT]: null },
    false,
  ],
  [
    'ForAllValues:StringEquals, all values listed',
    { 'ForAllValues:StringEquals': { [ACCT]: ['1', '2'] } },
    { [ACCT]: ['2', '1'] },
    true,
  ],
  [
    'ForAllValues:StringEquals, one value not listed',
    { 'ForAllValues:StringEquals': { [ACCT]: ['1', '2'] } },
    { [ACCT]: ['2', '3'] },
    false,
  ],
  [
    'ForAllValues on an absent key is true',
    { 'ForAllValues:StringEquals': { [ACCT]: '1' } },
    { [ACCT]: null },
    true,
  ],
  [
    'ForAllValues on an empty list is true',
    { 'ForAllValues:StringLike': { [ACCT]: '1*' } },
    { [ACCT]: [] },
    true,
  ],
  [
    'ForAnyValue:StringNotEquals',
    { 'ForAnyValue:StringNotEquals': { [ACCT]: '1' } },
    { [ACCT]: ['1', '2'] },
    true,
  ],
  [
    'ForAllValues:StringNotLike',
    { 'ForAllValues:StringNotLike': { [ACCT]: '1*' } },
    { [ACCT]: ['2', '13'] },
    false,
  ],
  [
    'a plain operator on several values is undecided',
    { StringEquals: { [ACCT]: '1' } },
    { [ACCT]: ['1', '2'] },
    'unknown',
  ],
  [
    'a plain operator on a one-value list',
    { StringEquals: { [ACCT]: '1' } },
    { [ACCT]: ['1'] },
    true,
  ],
  // Combinations: values OR, keys and operators AND
  [
    'two keys are ANDed (both hold)',
    { StringEquals: { [ACCT]: '1', [AUTH]: 'NONE' } },
    { [ACCT]: '1', [AUTH]: 'NONE' },
    true,
  ],
  [
    'two keys are ANDed (one fails)',
    { StringEquals: { [ACCT]: '1', [AUTH]: 'NONE' } },
    { [ACCT]: '1', [AUTH]: 'AWS_IAM' },
    false,
  ],
  [
    'two operators are ANDed',
    { StringEquals: { [ACCT]: '1' }, ArnLike: { [SRC]: `${API}/*` } },
    { [ACCT]: '1', [SRC]: 'arn:aws:s3:::b' },
    false,
  ],
  [
    'a false key decides even beside an unknown one',
    { StringEquals: { [ACCT]: '1' }, NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
    { [ACCT]: '2' },
    false,
  ],
  // Key names
  [
    'context key names are case-insensitive',
    { StringEquals: { 'AWS:SOURCEACCOUNT': '1' } },
    { 'aws:sourceAccount': '1' },
    true,
  ],
  [
    'two spellings of one key with different values are undecided',
    { StringEquals: { [ACCT]: '1' } },
    { 'aws:SourceAccount': '1', 'AWS:SourceAccount': '2' },
    'unknown',
  ],
  // Outside the model
  [
    'an unmodelled key',
    { StringEquals: { 'aws:SourceVpce': 'vpce-1' } },
    { 'aws:SourceVpce': 'vpce-1' },
    'unknown',
  ],
  ['an unmodelled operator', { NumericLessThan: { [ACCT]: '5' } }, { [ACCT]: '1' }, 'unknown'],
  ['IpAddress is not modelled', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, {}, 'unknown'],
  [
    'DateGreaterThan is not modelled',
    { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } },
    {},
    'unknown',
  ],
  [
    'a wrongly cased operator is not guessed',
    { stringequals: { [ACCT]: '1' } },
    { [ACCT]: '1' },
    'unknown',
  ],
  [
    'a policy variable',
    { StringEquals: { [ACCT]: variable('aws:PrincipalAccount') } },
    { [ACCT]: '1' },
    'unknown',
  ],
  ['an unknown key', { StringEquals: { [ACCT]: '1' } }, {}, 'unknown'],
];

describe('condition operators', () => {
  test.each(ROWS)('%s', (_name, condition, context, expected) => {
    expect(appliesWith(condition, context)).toBe(expected);
  });

  test('before version 2012-10-17, a policy variable is literal text', () => {
    const condition = { StringEquals: { [ACCT]: variable('x') } };
    expect(appliesWith(condition, { [ACCT]: variable('x') }, '2008-10-17')).toBe(true);
    expect(appliesWith(condition, { [ACCT]: variable('x') })).toBe('unknown');
  });
});
