import {
  AWS_FORMATS,
  type AwsFormat,
  awsFormats,
  looksMasked,
  parseFunctionArn,
  parseIamArn,
  partitionOfRegion,
} from '../../lambda/core/awsFormats';

// Valid values are real ones from the public logs of docs/formats.md where the log carried them.
const TABLE: Record<string, { valid: string[]; invalid: string[] }> = {
  accountId: {
    valid: ['123456789012', '585695036304', '000000000000'],
    invalid: [
      'xxxx',
      '************',
      '95**********',
      '<ACCOUNT_ID>',
      '1234567890',
      '99999999999',
      '1234567890123',
      ' 123456789012',
      '123456789012\n',
      'accountid',
    ],
  },
  region: {
    valid: [
      'us-east-1',
      'eu-central-1',
      'ap-northeast-1',
      'us-gov-west-1',
      'cn-north-1',
      'cn-northwest-1',
      'il-central-1',
      'ap-southeast-7',
      'mx-central-1',
      'us-iso-east-1',
      'us-isob-east-1',
      'eusc-de-east-1',
    ],
    invalid: [
      '<REGION>',
      'xx',
      'us-east',
      'US-EAST-1',
      'us-east-1a',
      'moon-east-1',
      'us_east_1',
      'us-east-1;',
      '',
    ],
  },
  partition: { valid: ['aws', 'aws-cn', 'aws-us-gov'], invalid: ['aws-xx', 'AWS', ''] },
  functionName: {
    valid: [
      'registrar',
      'my-lambda',
      'CdkWorkshopStack-HelloHandler2E4FBA4D-149MVAO4969O7',
      'a'.repeat(64),
    ],
    invalid: [
      'a'.repeat(65),
      'fn$(touch /tmp/x)',
      'fn`id`',
      "fn'x",
      'fn"x',
      'fn\nx',
      'fn x',
      'fn:1',
      '',
    ],
  },
  qualifier: {
    valid: ['1', '42', '$LATEST', 'live', 'prod-2', '1a'],
    invalid: ['$latest', 'live!', 'a b', '', '$(id)'],
  },
  alias: { valid: ['live', 'v1', '1a'], invalid: ['1', '42', ''] },
  functionArn: {
    valid: [
      'arn:aws:lambda:us-east-1:585695036304:function:CdkWorkshopStack-HelloHandler2E4FBA4D-149MVAO4969O7',
      'arn:aws:lambda:eu-west-2:123456789012:function:registrar:live',
      'arn:aws:lambda:us-east-1:123456789012:function:f:1',
      'arn:aws-cn:lambda:cn-north-1:123456789012:function:f',
    ],
    invalid: [
      'arn:aws:lambda:us-east-1:xxxx:function:AccountAliasConfigurationFunction',
      'arn:aws:lambda:us-west-2:95**********:function:my-lambda',
      'arn:aws:lambda:<REGION>:<ACCOUNT_ID>:function:simple_regex_lambda',
      'arn:aws:lambda:eu-west-2:1234567890:function:registrar',
      'arn:aws:lambda:us-east-1:123456789012:function:f:1:2',
      'arn:aws:lambda:us-east-1:123456789012:function:f$(id)',
    ],
  },
  roleArn: {
    valid: [
      'arn:aws:iam::770646514888:role/lambda_execution_role_Authorize-Registrations-Lambda',
      'arn:aws:iam::123456789012:role/service-role/my-role',
      'arn:aws:iam::123456789012:role/a/b/c/role+=,.@-_',
    ],
    invalid: [
      'arn:aws:iam::123456789012:role/',
      "arn:aws:iam::123456789012:role/x'y",
      'arn:aws:iam::123456789012:role/p$(id)/x',
      'arn:aws:iam::xxxx:role/x',
    ],
  },
  userArn: {
    valid: ['arn:aws:iam::302651359699:user/jasonQ', 'arn:aws:iam::123456789012:user/support/name'],
    invalid: [
      'arn:aws:iam::95**********:user/kong-lambda-invoker',
      'arn:aws:iam::123456789012:user/a b',
    ],
  },
  apiId: {
    valid: ['kl1s049j9c', 'uwe3g5jm54', 'oo8kadh853'],
    invalid: ['abc123def45', 'KL1S049J9C', 'abc', 'cyzioyvx'],
  },
  stageName: { valid: ['Prod', 'dev', 'test-invoke-stage', 'null'], invalid: ['a b', 'a/b', ''] },
  httpMethod: { valid: ['GET', 'POST', 'ANY', 'OPTIONS'], invalid: ['get', 'FOO', '*'] },
  resourcePath: {
    valid: [
      '/',
      '/echo',
      '/users',
      '/{proxy+}',
      '/portal/',
      '/pets/{petId}',
      '/{city}',
      '$default',
    ],
    invalid: ['echo', "/a'b", '/a b', '/$(id)', '/a`b`', '//', ''],
  },
  servicePrincipal: {
    valid: [
      'sns.amazonaws.com',
      's3.amazonaws.com',
      'lambda.alarms.cloudwatch.amazonaws.com',
      'logs.us-east-1.amazonaws.com',
      'events.amazonaws.com.cn',
    ],
    invalid: [
      'amazonaws.com',
      'sns.amazonaws.com.evil',
      'sns.example.com',
      'SNS.amazonaws.com',
      'a b.amazonaws.com',
    ],
  },
  statementId: {
    valid: ['invoke-doctor-apigateway-0123abcd', 'a'],
    invalid: ['a'.repeat(101), 'a.b', ''],
  },
  organizationsPolicyArn: {
    valid: [
      'arn:aws:organizations::111122223333:policy/o-abcdefghij/service_control_policy/p-abcd1234',
      'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess',
      'arn:aws:organizations::111122223333:policy/o-abcdefghij/resource_control_policy/p-abcd1234',
    ],
    invalid: [
      'arn:aws:organizations::111122223333:policy/o-x/service_control_policy/p-1',
      'p-abcd1234',
    ],
  },
};

describe('awsFormats', () => {
  for (const [format, { valid, invalid }] of Object.entries(TABLE)) {
    test.each(valid)(`${format} accepts %j`, (value) => {
      expect(awsFormats(format as AwsFormat, value)).toBe(true);
    });
    test.each(invalid)(`${format} rejects %j`, (value) => {
      expect(awsFormats(format as AwsFormat, value)).toBe(false);
    });
  }

  test('non-strings never validate', () => {
    for (const format of Object.keys(AWS_FORMATS) as AwsFormat[]) {
      expect(awsFormats(format, null)).toBe(false);
      expect(awsFormats(format, 123456789012)).toBe(false);
    }
  });

  test('parseFunctionArn splits a qualified ARN', () => {
    expect(
      parseFunctionArn('arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f:live'),
    ).toEqual({
      partition: 'aws-us-gov',
      region: 'us-gov-west-1',
      accountId: '123456789012',
      name: 'f',
      qualifier: 'live',
    });
    expect(parseFunctionArn('arn:aws:lambda:us-east-1:xxxx:function:f')).toBeNull();
  });

  test('parseIamArn keeps the path apart from the name', () => {
    expect(parseIamArn('role', 'arn:aws:iam::123456789012:role/service-role/my-role')).toEqual({
      partition: 'aws',
      accountId: '123456789012',
      path: '/service-role/',
      name: 'my-role',
    });
    expect(parseIamArn('user', 'arn:aws:iam::123456789012:role/x')).toBeNull();
  });

  test.each([
    ['us-east-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eusc-de-east-1', 'aws-eusc'],
  ])('partitionOfRegion(%s) = %s', (region, partition) => {
    expect(partitionOfRegion(region)).toBe(partition);
  });

  test.each([
    'xxxx',
    '************',
    '95**********',
    '<ACCOUNT_ID>',
    'accountid',
    '1234567890',
    '99999999999',
  ])('looksMasked(%j)', (value) => {
    expect(looksMasked(value)).toBe(true);
  });

  test('a real account id does not look masked', () => {
    expect(looksMasked('123456789012')).toBe(false);
  });
});
