/** Symbolic evaluation of intrinsic functions: what resolves, what becomes a symbol, what cannot be told. */
import { CfnStack, type StackEnvironment } from '../../../lambda/core/check/CfnStack';
import { SymbolTable } from '../../../lambda/core/check/SymbolTable';
import { Unresolved } from '../../../lambda/core/check/Unresolved';

const TEMPLATE = {
  Parameters: { Env: { Type: 'String', Default: 'prod' }, Ids: { Type: 'CommaDelimitedList' } },
  Conditions: {
    IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
    Always: { 'Fn::Equals': ['a', 'a'] },
    Never: { 'Fn::Not': [{ Condition: 'Always' }] },
  },
  Mappings: { Stages: { prod: { Alias: 'live' } } },
  Resources: {
    Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
    Named: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'orders' } },
    Live: {
      Type: 'AWS::Lambda::Alias',
      Properties: { FunctionName: { Ref: 'Fn' }, Name: 'live' },
    },
    Api: { Type: 'AWS::ApiGateway::RestApi', Properties: {} },
    Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'orders' } },
    Bucket: { Type: 'AWS::S3::Bucket', Properties: {} },
    Rule: {
      Type: 'AWS::Events::Rule',
      Properties: { Name: 'nightly', EventBusName: 'orders-bus' },
    },
    Url: {
      Type: 'AWS::Lambda::Url',
      Properties: { TargetFunctionArn: { Ref: 'Fn' }, AuthType: 'NONE' },
    },
    Custom: { Type: 'Custom::Thing', Properties: {} },
  },
};

function stack(environment: Partial<StackEnvironment> = {}, parameters = {}) {
  const symbols = new SymbolTable();
  const s = new CfnStack(
    {
      id: 'stack',
      stackName: undefined,
      file: 't.json',
      template: TEMPLATE,
      environment: { key: 'env', ...environment },
      parameters,
    },
    symbols,
    {
      importValue: (name) =>
        name === 'shared-fn' ? 'arn:aws:lambda:eu-west-1:111122223333:function:shared' : undefined,
      nestedOutput: () => undefined,
    },
  );
  return { s, show: (v: unknown) => (typeof v === 'string' ? symbols.display(v) : v) };
}

describe('CfnStack.resolve', () => {
  test.each([
    ['Ref of a function is its name', { Ref: 'Fn' }, '${Fn}'],
    ['Ref of a named function is the name', { Ref: 'Named' }, 'orders'],
    [
      'GetAtt Arn is built in the documented ARN shape',
      { 'Fn::GetAtt': ['Fn', 'Arn'] },
      'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}',
    ],
    [
      'Ref of an alias is the qualified ARN',
      { Ref: 'Live' },
      'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}:live',
    ],
    [
      'Ref of a topic is its ARN',
      { Ref: 'Topic' },
      'arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:orders',
    ],
    [
      'a bucket ARN has no Region or account',
      { 'Fn::GetAtt': ['Bucket', 'Arn'] },
      'arn:${AWS::Partition}:s3:::${Bucket}',
    ],
    [
      'a rule on a custom bus names the bus',
      { 'Fn::GetAtt': ['Rule', 'Arn'] },
      'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/orders-bus/nightly',
    ],
    [
      'Fn::Sub with implicit Ref, GetAtt, pseudo parameters and ${!Literal}',
      { 'Fn::Sub': '${Api}/${Fn.Arn}/${AWS::Region}/${!stageVariables.alias}' },
      '${Api}/arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}/${AWS::Region}/${stageVariables.alias}',
    ],
    ['Fn::Sub with a variable map', { 'Fn::Sub': ['a-${X}', { X: { Ref: 'Named' } }] }, 'a-orders'],
    ['Fn::Join', { 'Fn::Join': [':', ['a', { Ref: 'Named' }, 'b']] }, 'a:orders:b'],
    [
      'Fn::Select of Fn::Split on literal text',
      { 'Fn::Select': [1, { 'Fn::Split': [',', 'x,y,z'] }] },
      'y',
    ],
    [
      'Fn::Split of a function URL by / (no symbol can hold a slash)',
      { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['Url', 'FunctionUrl'] }] }] },
      '${Url.FunctionUrl}.lambda-url.${AWS::Region}.on.aws',
    ],
    ['Fn::FindInMap with literal keys', { 'Fn::FindInMap': ['Stages', 'prod', 'Alias'] }, 'live'],
    ['Fn::If on a decided condition', { 'Fn::If': ['Always', 'yes', 'no'] }, 'yes'],
    ['Fn::If whose branches agree', { 'Fn::If': ['IsProd', 'same', 'same'] }, 'same'],
    [
      'Fn::ImportValue of an export in the input',
      { 'Fn::ImportValue': 'shared-fn' },
      'arn:aws:lambda:eu-west-1:111122223333:function:shared',
    ],
    [
      'Fn::ImportValue of an unknown export',
      { 'Fn::ImportValue': 'other' },
      '${ImportValue other}',
    ],
    ['a parameter stays a parameter', { Ref: 'Env' }, '${Env}'],
    ['AWS::NoValue removes the element', ['a', { Ref: 'AWS::NoValue' }, 'b'], ['a', 'b']],
  ])('%s', (_, value, expected) => {
    const { s, show } = stack();
    const resolved = s.resolve(value);
    expect(Array.isArray(resolved) ? resolved : show(resolved)).toEqual(expected);
  });

  test.each([
    [
      'Fn::If on a condition that depends on a parameter',
      { 'Fn::If': ['IsProd', 'a', 'b'] },
      'depends on condition IsProd',
    ],
    [
      'Fn::Split of a value that may hold the delimiter',
      { 'Fn::Split': [':', { 'Fn::GetAtt': ['Custom', 'Out'] }] },
      'Fn::Split on ":"',
    ],
    [
      'Fn::FindInMap with a key known at deploy',
      { 'Fn::FindInMap': ['Stages', { Ref: 'Env' }, 'Alias'] },
      'known only at deploy time',
    ],
    ['a list parameter', { 'Fn::Join': [',', { Ref: 'Ids' }] }, 'list set at deploy time'],
    [
      'Fn::Sub naming stageVariables without !',
      { 'Fn::Sub': '${stageVariables.alias}' },
      'write ${!stageVariables.alias}',
    ],
    ['Ref of nothing', { Ref: 'Missing' }, 'neither a resource nor a parameter'],
    ['an unevaluated function', { 'Fn::Base64': 'x' }, 'Fn::Base64 is not evaluated'],
  ])('%s cannot be resolved, and says why', (_, value, reason) => {
    const resolved = stack().s.resolve(value);
    expect(resolved).toBeInstanceOf(Unresolved);
    expect((resolved as Unresolved).reason).toContain(reason);
  });

  test('a known environment and parameters replace symbols', () => {
    // Arrange
    const { s } = stack({ account: '111122223333', region: 'cn-north-1' }, { Env: 'dev' });

    // Act / Assert
    expect(s.resolve({ 'Fn::GetAtt': ['Named', 'Arn'] })).toBe(
      'arn:aws-cn:lambda:cn-north-1:111122223333:function:orders',
    );
    expect(s.condition('IsProd')).toBe(false);
    expect(s.condition('Never')).toBe(false);
  });

  test('conditions: decided, undecided, and resources that may not exist', () => {
    const { s } = stack();
    expect(s.condition('Always')).toBe(true);
    expect(s.condition('IsProd')).toBe('unknown');
    expect(s.exists('Fn')).toBe(true);
  });
});
