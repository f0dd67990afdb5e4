/**
 * evaluatePolicy against the policy documents the Lambda and IAM guides print (test/events/policies),
 * with the requests those policies are written for and the near misses verification must explain.
 */
import { compilePolicy } from '../../../lambda/core/verify/compilePolicy';
import { evaluatePolicy } from '../../../lambda/core/verify/evaluatePolicy';
import type {
  AccessRequest,
  ElementFinding,
  PolicyDecision,
  PolicyType,
} from '../../../lambda/core/verify/types';
import {
  anonymous,
  byArn,
  byService,
  documentOf,
  policyJson,
  viaUrlStatement,
} from '../../helpers/policies';

const APIGW_FN =
  'arn:aws:lambda:us-east-2:111122223333:function:nodejs-apig-function-1G3MXMPLXVXYI';
const MY_FN_OHIO = 'arn:aws:lambda:us-east-2:123456789012:function:my-function';
const MY_FN = 'arn:aws:lambda:us-east-1:123456789012:function:my-function';
const EXAMPLE_FN = 'arn:aws:lambda:us-west-2:123456789012:function:example';
const OREGON_FN = 'arn:aws:lambda:us-west-2:123456789012:function:my-function';
const TEST_FN = 'arn:aws:lambda:us-west-2:123456789012:function:test';
const API_ROOT = 'arn:aws:execute-api:us-east-2:111122223333:ktyvxmpls1';

interface Row {
  readonly name: string;
  readonly document: Record<string, unknown>;
  readonly request: AccessRequest;
  readonly decision: PolicyDecision;
  readonly finding?: Partial<ElementFinding>;
  readonly policyType?: PolicyType;
}

const apigw = policyJson('apigateway-function-policy.json');
const apigwStatement = policyJson('apigateway-add-permission-statement.json');
const s3 = policyJson('s3-function-policy.json');
const sns = documentOf(policyJson('sns-add-permission-statement.json'));
const xaccount = documentOf(policyJson('xaccount-add-permission-statement.json'));
const getPolicy = policyJson('get-policy-output.json');
const org = policyJson('principal-org-id-policy.json');
const urlCrossAccount = policyJson('function-url-cross-account-policy.json');
const urlPublic = policyJson('function-url-public-policy.json');
const urlDeny = policyJson('function-url-explicit-deny-policy.json');
const identityInvoke = policyJson('identity-invoke-policy.json');
const identityManage = policyJson('identity-manage-policy.json');

/** The public URL pair: the documented InvokeFunctionUrl grant and the via-URL InvokeFunction grant. */
const urlPair = documentOf(
  ...(urlPublic.Statement as Record<string, unknown>[]),
  viaUrlStatement(),
);

/** The add-permission statement with another documented SourceArn pattern (services-apigateway.md). */
function apigwWithSourceArn(pattern: string): Record<string, unknown> {
  const statement = structuredClone(apigwStatement);
  statement.Condition = { ArnLike: { 'AWS:SourceArn': pattern } };
  return documentOf(statement);
}

const ROWS: Row[] = [
  // API Gateway (console/SAM statement: StringEquals aws:SourceAccount + ArnLike aws:SourceArn)
  {
    name: 'API Gateway GET / on any stage is allowed',
    document: apigw,
    request: byService('apigateway.amazonaws.com', APIGW_FN, {
      'aws:SourceArn': `${API_ROOT}/Prod/GET/`,
      'aws:SourceAccount': '111122223333',
    }),
    decision: 'allow',
  },
  {
    name: 'API Gateway POST / is not the granted method',
    document: apigw,
    request: byService('apigateway.amazonaws.com', APIGW_FN, {
      'aws:SourceArn': `${API_ROOT}/Prod/POST/`,
      'aws:SourceAccount': '111122223333',
    }),
    decision: 'no-match',
    finding: {
      element: 'condition',
      subject: 'ArnLike aws:SourceArn',
      expected: [`${API_ROOT}/*/GET/`],
      actual: `${API_ROOT}/Prod/POST/`,
    },
  },
  {
    name: 'API Gateway from another account fails the SourceAccount check first',
    document: apigw,
    request: byService('apigateway.amazonaws.com', APIGW_FN, {
      'aws:SourceArn': `${API_ROOT}/Prod/GET/`,
      'aws:SourceAccount': '444455556666',
    }),
    decision: 'no-match',
    finding: { subject: 'StringEquals aws:SourceAccount', actual: '444455556666' },
  },
  {
    name: 'an unknown SourceArn cannot be decided',
    document: apigw,
    request: byService('apigateway.amazonaws.com', APIGW_FN, {
      'aws:SourceAccount': '111122223333',
    }),
    decision: 'cannot-tell',
    finding: { element: 'condition', result: 'unknown', subject: 'ArnLike aws:SourceArn' },
  },
  {
    name: 'a SourceArn known to be absent fails ArnLike',
    document: apigw,
    request: byService('apigateway.amazonaws.com', APIGW_FN, {
      'aws:SourceArn': null,
      'aws:SourceAccount': '111122223333',
    }),
    decision: 'no-match',
    finding: { subject: 'ArnLike aws:SourceArn', actual: null },
  },
  {
    name: 'an unknown SourceArn does not matter when the principal is another service',
    document: apigw,
    request: byService('sns.amazonaws.com', APIGW_FN),
    decision: 'no-match',
    finding: { element: 'principal', expected: ['Service apigateway.amazonaws.com'] },
  },
  {
    name: 'a grant on the unqualified function does not cover an alias',
    document: apigw,
    request: byService('apigateway.amazonaws.com', `${APIGW_FN}:live`, {
      'aws:SourceArn': `${API_ROOT}/Prod/GET/`,
      'aws:SourceAccount': '111122223333',
    }),
    decision: 'no-match',
    finding: { element: 'resource', expected: [APIGW_FN] },
  },
  {
    name: 'InvokeFunction grants do not cover InvokeFunctionUrl',
    document: apigw,
    request: byService(
      'apigateway.amazonaws.com',
      APIGW_FN,
      { 'aws:SourceArn': `${API_ROOT}/Prod/GET/`, 'aws:SourceAccount': '111122223333' },
      'lambda:InvokeFunctionUrl',
    ),
    decision: 'no-match',
    finding: { element: 'action' },
  },
  {
    name: 'add-permission output: exact stage and method',
    document: documentOf(apigwStatement),
    request: byService('apigateway.amazonaws.com', MY_FN_OHIO, {
      'aws:SourceArn': 'arn:aws:execute-api:us-east-2:123456789012:mnh1xmpli7/default/GET',
    }),
    decision: 'allow',
  },
  {
    name: 'add-permission output: a trailing slash is another ARN',
    document: documentOf(apigwStatement),
    request: byService('apigateway.amazonaws.com', MY_FN_OHIO, {
      'aws:SourceArn': 'arn:aws:execute-api:us-east-2:123456789012:mnh1xmpli7/default/GET/',
    }),
    decision: 'no-match',
  },
  {
    name: 'documented pattern mnh1xmpli7/*/GET/* covers GET on a path in any stage',
    document: apigwWithSourceArn('arn:aws:execute-api:us-east-2:123456789012:mnh1xmpli7/*/GET/*'),
    request: byService('apigateway.amazonaws.com', MY_FN_OHIO, {
      'aws:SourceArn': 'arn:aws:execute-api:us-east-2:123456789012:mnh1xmpli7/dev/GET/orders/7',
    }),
    decision: 'allow',
  },
  {
    name: 'documented pattern mnh1xmpli7/prod/ANY/user does not cover the dev stage',
    document: apigwWithSourceArn(
      'arn:aws:execute-api:us-east-2:123456789012:mnh1xmpli7/prod/ANY/user',
    ),
    request: byService('apigateway.amazonaws.com', MY_FN_OHIO, {
      'aws:SourceArn': 'arn:aws:execute-api:us-east-2:123456789012:mnh1xmpli7/dev/ANY/user',
    }),
    decision: 'no-match',
    finding: {
      expected: ['arn:aws:execute-api:us-east-2:123456789012:mnh1xmpli7/prod/ANY/user'],
      actual: 'arn:aws:execute-api:us-east-2:123456789012:mnh1xmpli7/dev/ANY/user',
    },
  },
  {
    name: 'ArnLike compares the region component: another region is another API',
    document: apigwWithSourceArn('arn:aws:execute-api:us-east-2:123456789012:mnh1xmpli7/*/GET/*'),
    request: byService('apigateway.amazonaws.com', MY_FN_OHIO, {
      'aws:SourceArn': 'arn:aws:execute-api:us-west-2:123456789012:mnh1xmpli7/dev/GET/orders',
    }),
    decision: 'no-match',
  },
  // S3 (StringEquals AWS:SourceAccount, upper-case key prefix as printed)
  {
    name: 'S3 from the owning account and bucket',
    document: s3,
    request: byService('s3.amazonaws.com', MY_FN_OHIO, {
      'aws:SourceAccount': '123456789012',
      'aws:SourceArn': 'arn:aws:s3:::my-bucket',
    }),
    decision: 'allow',
  },
  {
    name: 'S3 with a bucket of the same prefix',
    document: s3,
    request: byService('s3.amazonaws.com', MY_FN_OHIO, {
      'aws:SourceAccount': '123456789012',
      'aws:SourceArn': 'arn:aws:s3:::my-bucket-2',
    }),
    decision: 'no-match',
    finding: { subject: 'ArnLike AWS:SourceArn' },
  },
  // SNS statement without conditions, and get-policy output with ArnLike lambda*
  {
    name: 'SNS with no condition',
    document: sns,
    request: byService('sns.amazonaws.com', MY_FN_OHIO),
    decision: 'allow',
  },
  {
    name: 'get-policy output: a topic whose name starts with lambda',
    document: getPolicy,
    request: byService('s3.amazonaws.com', MY_FN_OHIO, {
      'aws:SourceArn': 'arn:aws:sns:us-east-2:123456789012:lambda-events',
    }),
    decision: 'allow',
  },
  {
    name: 'get-policy output: another topic',
    document: getPolicy,
    request: byService('s3.amazonaws.com', MY_FN_OHIO, {
      'aws:SourceArn': 'arn:aws:sns:us-east-2:123456789012:events',
    }),
    decision: 'no-match',
  },
  // Cross-account root
  {
    name: 'cross-account root grant: a role session of that account',
    document: xaccount,
    request: byArn('arn:aws:sts::111122223333:assumed-role/deployer/ci', MY_FN_OHIO),
    decision: 'allow',
  },
  {
    name: 'cross-account root grant: a user of another account',
    document: xaccount,
    request: byArn('arn:aws:iam::444455556666:user/dev', MY_FN_OHIO),
    decision: 'no-match',
    finding: {
      element: 'principal',
      expected: ['AWS arn:aws:iam::111122223333:root'],
      actual: 'arn:aws:iam::444455556666:user/dev',
    },
  },
  // aws:PrincipalOrgID with Principal *
  {
    name: 'organization grant: a member account',
    document: org,
    request: byArn('arn:aws:iam::444455556666:user/dev', EXAMPLE_FN, {
      'aws:PrincipalOrgID': 'o-a1b2c3d4e5f',
    }),
    decision: 'allow',
  },
  {
    name: 'organization grant: another organization',
    document: org,
    request: byArn('arn:aws:iam::444455556666:user/dev', EXAMPLE_FN, {
      'aws:PrincipalOrgID': 'o-zzzzzzzzzz',
    }),
    decision: 'no-match',
    finding: { subject: 'StringEquals aws:PrincipalOrgID', actual: 'o-zzzzzzzzzz' },
  },
  {
    name: 'organization grant: the organization is unknown',
    document: org,
    request: byArn('arn:aws:iam::444455556666:user/dev', EXAMPLE_FN),
    decision: 'cannot-tell',
  },
  {
    name: 'organization grant: a caller outside any organization',
    document: org,
    request: byArn('arn:aws:iam::444455556666:user/dev', EXAMPLE_FN, {
      'aws:PrincipalOrgID': null,
    }),
    decision: 'no-match',
  },
  // Function URL, AWS_IAM, a role of another account
  {
    name: 'URL grant to a role: a session, role path known',
    document: urlCrossAccount,
    request: byArn(
      'arn:aws:sts::444455556666:assumed-role/example/alice',
      MY_FN,
      { 'lambda:FunctionUrlAuthType': 'AWS_IAM' },
      'lambda:InvokeFunctionUrl',
      'arn:aws:iam::444455556666:role/example',
    ),
    decision: 'allow',
  },
  {
    name: 'URL grant to a role: a session, role path unknown',
    document: urlCrossAccount,
    request: byArn(
      'arn:aws:sts::444455556666:assumed-role/example/alice',
      MY_FN,
      { 'lambda:FunctionUrlAuthType': 'AWS_IAM' },
      'lambda:InvokeFunctionUrl',
    ),
    decision: 'cannot-tell',
    finding: { element: 'principal', result: 'unknown' },
  },
  {
    name: 'URL grant to a role: the same name under another path is another role',
    document: urlCrossAccount,
    request: byArn(
      'arn:aws:sts::444455556666:assumed-role/example/alice',
      MY_FN,
      { 'lambda:FunctionUrlAuthType': 'AWS_IAM' },
      'lambda:InvokeFunctionUrl',
      'arn:aws:iam::444455556666:role/team/example',
    ),
    decision: 'no-match',
  },
  {
    name: 'URL grant to a role: a URL with auth type NONE',
    document: urlCrossAccount,
    request: byArn(
      'arn:aws:sts::444455556666:assumed-role/example/alice',
      MY_FN,
      { 'lambda:FunctionUrlAuthType': 'NONE' },
      'lambda:InvokeFunctionUrl',
      'arn:aws:iam::444455556666:role/example',
    ),
    decision: 'no-match',
    finding: { subject: 'StringEquals lambda:FunctionUrlAuthType', expected: ['AWS_IAM'] },
  },
  // Function URL, NONE, public: both statements
  {
    name: 'public URL: the URL action for an unsigned caller',
    document: urlPair,
    request: anonymous(MY_FN, { 'lambda:FunctionUrlAuthType': 'NONE' }),
    decision: 'allow',
  },
  {
    name: 'public URL: the URL grant does not hold for an AWS_IAM URL',
    document: urlPublic,
    request: anonymous(MY_FN, { 'lambda:FunctionUrlAuthType': 'AWS_IAM' }),
    decision: 'no-match',
  },
  {
    name: 'public URL: InvokeFunction through the URL',
    document: urlPair,
    request: anonymous(
      MY_FN,
      { 'lambda:InvokedViaFunctionUrl': true, 'lambda:FunctionUrlAuthType': 'NONE' },
      'lambda:InvokeFunction',
    ),
    decision: 'allow',
  },
  {
    name: 'public URL: InvokeFunction outside the URL',
    document: urlPair,
    request: byArn(
      'arn:aws:iam::444455556666:user/dev',
      MY_FN,
      { 'lambda:InvokedViaFunctionUrl': null },
      'lambda:InvokeFunction',
    ),
    decision: 'no-match',
  },
  {
    name: 'public URL: whether the call came through the URL is unknown',
    document: urlPair,
    request: anonymous(MY_FN, {}, 'lambda:InvokeFunction'),
    decision: 'cannot-tell',
    finding: { subject: 'Bool lambda:InvokedViaFunctionUrl', actual: undefined },
  },
  // Explicit deny on URL configuration
  {
    name: 'deny on UpdateFunctionUrlConfig for NONE URLs applies',
    document: urlDeny,
    request: byArn(
      'arn:aws:iam::123456789012:user/dev',
      MY_FN,
      { 'lambda:FunctionUrlAuthType': 'NONE' },
      'lambda:UpdateFunctionUrlConfig',
    ),
    decision: 'explicit-deny',
  },
  {
    name: 'deny on UpdateFunctionUrlConfig does not touch invocations',
    document: urlDeny,
    request: byArn('arn:aws:iam::123456789012:user/dev', MY_FN),
    decision: 'no-match',
    finding: { element: 'action' },
  },
  // Identity-based policies
  {
    name: 'identity policy: the unqualified function',
    document: identityInvoke,
    request: byArn('arn:aws:iam::123456789012:user/dev', OREGON_FN),
    decision: 'allow',
    policyType: 'identity',
  },
  {
    name: 'identity policy: an alias is not covered by the unqualified ARN',
    document: identityInvoke,
    request: byArn('arn:aws:iam::123456789012:user/dev', `${OREGON_FN}:prod`),
    decision: 'no-match',
    policyType: 'identity',
  },
  {
    name: 'identity policy: an explicit $LATEST call cannot be decided',
    document: identityInvoke,
    request: byArn('arn:aws:iam::123456789012:user/dev', `${OREGON_FN}:$LATEST`),
    decision: 'cannot-tell',
    policyType: 'identity',
    finding: { element: 'resource', result: 'unknown' },
  },
  {
    name: 'identity policy: an unmodelled condition key makes a matching statement unknown',
    document: identityManage,
    request: byArn(
      'arn:aws:iam::123456789012:user/dev',
      `${TEST_FN}:v1`,
      {},
      'lambda:AddPermission',
    ),
    decision: 'cannot-tell',
    policyType: 'identity',
    finding: { subject: 'StringEquals lambda:Principal', result: 'unknown' },
  },
  {
    name: 'identity policy: ...but not one whose resource cannot match (function:test:* needs a qualifier)',
    document: identityManage,
    request: byArn('arn:aws:iam::123456789012:user/dev', TEST_FN, {}, 'lambda:AddPermission'),
    decision: 'no-match',
    policyType: 'identity',
    finding: { element: 'resource', result: false },
  },
  {
    name: 'a resource policy read as identity-based cannot be decided',
    document: sns,
    request: byService('sns.amazonaws.com', MY_FN_OHIO),
    decision: 'cannot-tell',
    policyType: 'identity',
    finding: { element: 'statement' },
  },
  {
    name: 'an identity policy read as resource-based cannot be decided',
    document: identityInvoke,
    request: byArn('arn:aws:iam::123456789012:user/dev', OREGON_FN),
    decision: 'cannot-tell',
    policyType: 'resource',
    finding: { element: 'statement' },
  },
];

describe('evaluatePolicy on documented policies', () => {
  test.each(ROWS.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    // Act
    const result = evaluatePolicy(row.document, row.request, { policyType: row.policyType });
    // Assert
    expect(result.decision).toBe(row.decision);
    if (row.finding !== undefined) {
      // The statement that leaves the decision open, else the first one that does not apply.
      const explained = (
        result.statements.find((s) => s.applies === 'unknown') ??
        result.statements.find((s) => s.finding !== undefined)
      )?.finding;
      expect(explained).toMatchObject(row.finding);
      expect(explained?.message.length).toBeGreaterThan(10);
    }
  });

  test('the explanation names the statement, the expected SourceArn and the one the request came from', () => {
    // Arrange
    const request = byService('apigateway.amazonaws.com', MY_FN_OHIO, {
      'aws:SourceArn': 'arn:aws:execute-api:us-east-2:123456789012:mnh1xmpli7/dev/GET/orders',
    });
    // Act
    const [statement] = evaluatePolicy(
      apigwWithSourceArn('arn:aws:execute-api:us-east-2:123456789012:mnh1xmpli7/prod/*'),
      request,
    ).statements;
    // Assert
    expect(statement).toMatchObject({ sid: 'apigateway-test-2', effect: 'Allow', applies: false });
    expect(statement?.finding?.message).toBe(
      'ArnLike AWS:SourceArn expects arn:aws:execute-api:us-east-2:123456789012:mnh1xmpli7/prod/*, ' +
        'but the request has arn:aws:execute-api:us-east-2:123456789012:mnh1xmpli7/dev/GET/orders',
    );
  });

  test('a cross-account root grant matches by account delegation, not as the caller itself', () => {
    const [statement] = evaluatePolicy(
      xaccount,
      byArn('arn:aws:iam::111122223333:user/dev', MY_FN_OHIO),
    ).statements;
    expect(statement?.appliesAs).toEqual({
      exact: false,
      wildcard: false,
      parent: false,
      account: true,
    });
  });

  test('a compiled document gives the same results as its text, sentences included', () => {
    for (const row of ROWS) {
      const options = { policyType: row.policyType };
      const compiled = evaluatePolicy(compilePolicy(row.document), row.request, options);
      const text = evaluatePolicy(JSON.stringify(row.document), row.request, options);
      expect(JSON.parse(JSON.stringify(compiled))).toEqual(JSON.parse(JSON.stringify(text)));
    }
  });

  test('findings serialise with their sentence', () => {
    const result = evaluatePolicy(
      xaccount,
      byArn('arn:aws:iam::444455556666:user/dev', MY_FN_OHIO),
    );
    const [json] = JSON.parse(JSON.stringify(result)).statements;
    expect(json.finding).toEqual({
      element: 'principal',
      result: false,
      subject: 'Principal',
      expected: ['AWS arn:aws:iam::111122223333:root'],
      actual: 'arn:aws:iam::444455556666:user/dev',
      message: 'arn:aws:iam::444455556666:user/dev is not among AWS arn:aws:iam::111122223333:root',
    });
  });
});
