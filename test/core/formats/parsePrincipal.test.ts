import { parseFunctionRef } from '../../../lambda/core/formats/parseFunctionRef';
import { parsePrincipal } from '../../../lambda/core/formats/parsePrincipal';

describe('parsePrincipal', () => {
  test.each([
    [
      'arn:aws:iam::123456789012:user/support/alice',
      { type: 'iam-user', accountId: '123456789012' },
    ],
    [
      'arn:aws:iam::123456789012:role/service-role/my-role',
      { type: 'iam-role', roleName: 'my-role' },
    ],
    ['arn:aws:iam::123456789012:root', { type: 'root', accountId: '123456789012' }],
    ['arn:aws:sts::123456789012:federated-user/bob', { type: 'federated-user' }],
    ['arn:aws-cn:sts::123456789012:assumed-role/r/s', { type: 'assumed-role', roleName: 'r' }],
    [
      'arn:aws-us-gov:sts::************:assumed-role/r/s@example.com',
      { accountId: null, arn: null, roleName: 'r' },
    ],
    ['sns.amazonaws.com', { type: 'service', service: 'sns.amazonaws.com', arn: null }],
    ['CloudWatch Alarms', { type: 'service', service: 'lambda.alarms.cloudwatch.amazonaws.com' }],
    [
      'arn:aws:cloudwatch:us-east-1:123456789012:alarm:my-alarm',
      { type: 'service', accountId: '123456789012' },
    ],
    ['123456789012', { type: 'account', accountId: '123456789012' }],
    ['$user_arn', { type: 'unknown', arn: null }],
  ] as const)('%s', (raw, expected) => {
    expect(parsePrincipal(raw)).toMatchObject(expected);
  });
});

describe('parseFunctionRef', () => {
  test.each([
    [
      'arn:aws:lambda:us-east-1:123456789012:function:fn:7',
      { name: 'fn', qualifier: '7', arn: 'arn:aws:lambda:us-east-1:123456789012:function:fn' },
    ],
    ['arn:aws:lambda:us-east-1:123456789012:function:fn:', { name: 'fn', qualifier: null }],
    ['123456789012:function:fn', { name: 'fn', accountId: '123456789012', arn: null }],
    ['fn:live', { name: 'fn', qualifier: 'live', arn: null }],
    [
      'arn:aws:lambda:...:...:function:someFunction',
      { name: 'someFunction', region: null, accountId: null, arn: null },
    ],
    ['', { name: null, arn: null }],
  ] as const)('%s', (raw, expected) => {
    expect(parseFunctionRef(raw)).toMatchObject(expected);
  });
});
