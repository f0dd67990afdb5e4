/**
 * Root causes from the live policies, on the documented policies of test/events/policies: which
 * near miss names which cause, and that the judgement never disagrees with the one evaluator.
 */
import fc from 'fast-check';
import { apiRequest } from '../../../lambda/core/verify/apiRequest';
import { evaluateInvokeAccess } from '../../../lambda/core/verify/evaluateInvokeAccess';
import { judgeInvoke } from '../../../lambda/core/verify/judgeInvoke';
import { documentOf, policyJson } from '../../helpers/policies';
import {
  documentArb,
  identityStatementArb,
  requestArb,
  resourceStatementArb,
} from '../../helpers/policyArbitraries';

// The documented API Gateway grant (Lambda DG, services-apigateway.md): API ktyvxmpls1, any stage, GET /.
const DOC_POLICY = policyJson('apigateway-function-policy.json');
const FN = 'arn:aws:lambda:us-east-2:111122223333:function:nodejs-apig-function-1G3MXMPLXVXYI';
const ACCOUNT = '111122223333';
const sourceArn = (api: string, stage: string, method: string, path: string) =>
  `arn:aws:execute-api:us-east-2:${ACCOUNT}:${api}/${stage}/${method}/${path}`;

describe('judgeInvoke: API Gateway against the documented function policy', () => {
  test('the documented route is allowed', () => {
    const j = judgeInvoke({
      request: apiRequest(FN, sourceArn('ktyvxmpls1', 'Prod', 'GET', ''), ACCOUNT),
      resourcePolicy: DOC_POLICY,
    });
    expect(j).toMatchObject({ outcome: 'allowed', rootCause: 'unknown' });
    expect(j.statement?.sid).toBe('nodejs-apig-functiongetEndpointPermissionProd-BWDBXMPLXE2F');
  });

  test.each([
    ['another API id', sourceArn('a1b2c3d4e5', 'Prod', 'GET', '')],
    ['another method', sourceArn('ktyvxmpls1', 'Prod', 'POST', '')],
    ['another path', sourceArn('ktyvxmpls1', 'Prod', 'GET', 'orders')],
  ])('%s: source-arn-mismatch naming the statement and both ARNs', (_label, arn) => {
    // Act
    const j = judgeInvoke({ request: apiRequest(FN, arn, ACCOUNT), resourcePolicy: DOC_POLICY });

    // Assert
    expect(j).toMatchObject({
      outcome: 'denied',
      rootCause: 'source-arn-mismatch',
      statement: {
        sid: 'nodejs-apig-functiongetEndpointPermissionProd-BWDBXMPLXE2F',
        policy: 'resource-based policy',
        subject: 'ArnLike aws:SourceArn',
        expected: ['arn:aws:execute-api:us-east-2:111122223333:ktyvxmpls1/*/GET/'],
        actual: arn,
      },
    });
  });

  test('the console test invoke is called out as test-only', () => {
    const stagePinned = structuredClone(DOC_POLICY) as { Statement: Record<string, unknown>[] };
    (stagePinned.Statement[0]!.Condition as Record<string, Record<string, string>>).ArnLike![
      'aws:SourceArn'
    ] = sourceArn('ktyvxmpls1', 'Prod', 'GET', '');
    const j = judgeInvoke({
      request: apiRequest(FN, sourceArn('ktyvxmpls1', 'test-invoke-stage', 'GET', ''), ACCOUNT),
      resourcePolicy: stagePinned,
    });
    expect(j.rootCause).toBe('source-arn-mismatch');
    expect(j.reason).toContain('test invoke');
  });

  test('another account as source: the SourceAccount condition is the near miss', () => {
    const j = judgeInvoke({
      request: apiRequest(FN, sourceArn('ktyvxmpls1', 'Prod', 'GET', ''), '123456789012'),
      resourcePolicy: DOC_POLICY,
    });
    expect(j).toMatchObject({
      rootCause: 'source-arn-mismatch',
      statement: { subject: 'StringEquals aws:SourceAccount', actual: '123456789012' },
    });
  });

  test('no policy at all: permission-missing', () => {
    const j = judgeInvoke({
      request: apiRequest(FN, sourceArn('ktyvxmpls1', 'Prod', 'GET', ''), ACCOUNT),
      resourcePolicy: null,
    });
    expect(j).toMatchObject({
      outcome: 'denied',
      rootCause: 'permission-missing',
      statement: null,
    });
    expect(j.reason).toContain('no resource-based policy at all');
  });

  test('a policy granting only another service: permission-missing, the statement named', () => {
    // The documented get-policy output grants s3.amazonaws.com.
    const policy = policyJson('get-policy-output.json');
    const fn = 'arn:aws:lambda:us-east-2:123456789012:function:my-function';
    const j = judgeInvoke({
      request: apiRequest(
        fn,
        'arn:aws:execute-api:us-east-2:123456789012:a1b2c3d4e5/prod/GET/x',
        '123456789012',
      ),
      resourcePolicy: policy,
    });
    expect(j).toMatchObject({
      rootCause: 'permission-missing',
      statement: { sid: 'sns', subject: 'Principal' },
    });
  });

  test('a grant on the unqualified function, the call to an alias: qualifier-mismatch', () => {
    // Arrange: GetPolicy --qualifier live has nothing; the unqualified policy is the documented one
    const request = apiRequest(`${FN}:live`, sourceArn('ktyvxmpls1', 'Prod', 'GET', ''), ACCOUNT);

    // Act
    const j = judgeInvoke({ request, resourcePolicy: null, unqualifiedPolicy: DOC_POLICY });

    // Assert
    expect(j).toMatchObject({
      outcome: 'denied',
      rootCause: 'qualifier-mismatch',
      statement: { subject: 'Resource', expected: [FN], actual: `${FN}:live` },
    });
    expect(j.reason).toContain('--qualifier live');
  });

  test('an applicable Deny wins and is named', () => {
    const policy = structuredClone(DOC_POLICY) as { Statement: Record<string, unknown>[] };
    policy.Statement.push({
      Sid: 'NoApi',
      Effect: 'Deny',
      Principal: { Service: 'apigateway.amazonaws.com' },
      Action: 'lambda:*',
      Resource: FN,
    });
    const j = judgeInvoke({
      request: apiRequest(FN, sourceArn('ktyvxmpls1', 'Prod', 'GET', ''), ACCOUNT),
      resourcePolicy: policy,
    });
    expect(j).toMatchObject({
      outcome: 'denied',
      rootCause: 'explicit-deny',
      statement: { sid: 'NoApi', subject: 'Deny', expected: ['lambda:*'] },
    });
  });

  test('an unknown source ARN against a SourceArn condition cannot be told', () => {
    const j = judgeInvoke({
      request: apiRequest(FN, undefined, ACCOUNT),
      resourcePolicy: DOC_POLICY,
    });
    expect(j).toMatchObject({ outcome: 'cannot-tell', rootCause: 'unknown' });
  });
});

describe('judgeInvoke: IAM callers', () => {
  const fn = 'arn:aws:lambda:us-east-2:123456789012:function:my-function';
  const session = 'arn:aws:sts::123456789012:assumed-role/app/i-1';
  const request = {
    principal: { kind: 'aws' as const, arn: session, accountId: '123456789012' },
    action: 'lambda:InvokeFunction',
    resource: fn,
    context: {},
  };
  const allow = {
    name: 'invoke',
    document: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: fn }],
    },
  };

  test('same account, no identity policy: identity-policy-missing', () => {
    const j = judgeInvoke({
      request,
      resourcePolicy: null,
      identityPolicies: [],
      permissionsBoundary: null,
    });
    expect(j).toMatchObject({ outcome: 'denied', rootCause: 'identity-policy-missing' });
  });

  test('allowed by identity, not by the boundary: permissions-boundary, the boundary named', () => {
    const boundary = {
      name: 'arn:aws:iam::123456789012:policy/dev-boundary',
      document: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
      },
    };
    const j = judgeInvoke({
      request,
      resourcePolicy: null,
      identityPolicies: [allow],
      permissionsBoundary: boundary,
    });
    expect(j).toMatchObject({
      rootCause: 'permissions-boundary',
      statement: { policy: 'arn:aws:iam::123456789012:policy/dev-boundary' },
    });
  });

  test('a cross-account caller the resource policy does not name: principal-not-allowed', () => {
    const other = {
      ...request,
      principal: {
        kind: 'aws' as const,
        arn: 'arn:aws:sts::111122223333:assumed-role/app/i-1',
        accountId: '111122223333',
      },
    };
    const j = judgeInvoke({
      request: other,
      resourcePolicy: documentOf(policyJson('sns-add-permission-statement.json')),
      identityPolicies: undefined,
      permissionsBoundary: undefined,
    });
    expect(j).toMatchObject({ outcome: 'denied', rootCause: 'principal-not-allowed' });
  });
});

describe('judgeInvoke agrees with the one evaluator', () => {
  test('outcome follows evaluateInvokeAccess; a root cause exactly for denials', () => {
    fc.assert(
      fc.property(
        requestArb,
        documentArb(resourceStatementArb),
        fc.array(documentArb(identityStatementArb), { maxLength: 2 }),
        (request, resource, identity) => {
          const identityPolicies = identity.map((document, i) => ({ name: `p${i}`, document }));
          const iam = request.principal.kind === 'aws';
          const j = judgeInvoke({
            request,
            resourcePolicy: resource,
            identityPolicies,
            permissionsBoundary: null,
          });
          const direct = evaluateInvokeAccess({
            request,
            resourcePolicy: resource,
            identityPolicies: iam ? identityPolicies : [],
            permissionsBoundary: null,
            sessionPolicies: [],
            scps: [],
          });
          // Cannot-tell with `allowed: false` is a denial whose Deny part alone is open.
          const expected =
            direct.decision === 'allow'
              ? 'allowed'
              : direct.decision === 'cannot-tell' && direct.allowed !== false
                ? 'cannot-tell'
                : 'denied';
          expect(j.outcome).toBe(expected);
          expect(j.rootCause === 'unknown').toBe(j.outcome !== 'denied');
          if (direct.decision === 'explicit-deny') expect(j.rootCause).toBe('explicit-deny');
        },
      ),
      { numRuns: 400 },
    );
  });
});
