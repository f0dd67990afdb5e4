/**
 * Layer combination for Lambda invoke, on the documented policies: which layers must allow, which
 * Deny wins, and when an unknown leaves the outcome open.
 */
import {
  evaluateInvokeAccess,
  type InvokeAccessInput,
  type NamedPolicy,
} from '../../../lambda/core/verify/evaluateInvokeAccess';
import {
  anonymous,
  byArn,
  byService,
  documentOf,
  policyJson,
  viaUrlStatement,
} from '../../helpers/policies';

const ACCOUNT = '123456789012';
const OTHER = '111122223333';
const FN = `arn:aws:lambda:us-east-2:${ACCOUNT}:function:my-function`;
const USER = `arn:aws:iam::${ACCOUNT}:user/dev`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/app/i-1`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
const OTHER_SESSION = `arn:aws:sts::${OTHER}:assumed-role/deployer/ci`;

/** The documented Invoke statement (lambda-api-permissions-ref.md) aimed at FN. */
function invokeIdentityPolicy(resource = FN): NamedPolicy {
  const doc = structuredClone(policyJson('identity-invoke-policy.json'));
  (doc.Statement as Record<string, unknown>[])[0]!.Resource = resource;
  return { name: 'invoke', document: doc };
}

/** The documented add-permission statement for another principal, with the statement's Sid. */
function grantTo(principal: unknown, sid = 'grant'): Record<string, unknown> {
  const statement = structuredClone(policyJson('sns-add-permission-statement.json'));
  statement.Sid = sid;
  statement.Principal = principal;
  return documentOf(statement);
}

const DENY_INVOKE: NamedPolicy = {
  name: 'deny-invoke',
  document: {
    Version: '2012-10-17',
    Statement: [{ Sid: 'NoInvoke', Effect: 'Deny', Action: 'lambda:Invoke*', Resource: '*' }],
  },
};
const ALLOW_ALL: NamedPolicy = {
  name: 'FullAWSAccess',
  document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};
const ALLOW_S3_ONLY: NamedPolicy = {
  name: 's3-only',
  document: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
  },
};

/** Everything known and empty; each test states what differs. */
function input(
  overrides: Partial<InvokeAccessInput> & Pick<InvokeAccessInput, 'request'>,
): InvokeAccessInput {
  return {
    resourcePolicy: null,
    identityPolicies: [],
    permissionsBoundary: null,
    sessionPolicies: [],
    scps: [],
    ...overrides,
  };
}

describe('evaluateInvokeAccess: service principals and unsigned callers', () => {
  test('a service needs the resource policy alone', () => {
    // Arrange
    const request = byService('sns.amazonaws.com', FN);
    // Act
    const result = evaluateInvokeAccess({
      request,
      resourcePolicy: documentOf(policyJson('sns-add-permission-statement.json')),
      identityPolicies: undefined,
      permissionsBoundary: undefined,
    });
    // Assert
    expect(result).toMatchObject({ decision: 'allow', allowed: true });
    expect(result.decidedBy).toEqual([
      { layer: 'resource-policy', policy: undefined, index: 0, sid: 'sns', effect: 'Allow' },
    ]);
    expect(result.summary).toBe('allowed by resource-policy statement "sns"');
  });

  test('a service without a grant is implicitly denied', () => {
    const result = evaluateInvokeAccess(input({ request: byService('s3.amazonaws.com', FN) }));
    expect(result).toMatchObject({ decision: 'implicit-deny', missing: ['resource-policy'] });
  });

  test('an unknown resource policy leaves a service call open', () => {
    const result = evaluateInvokeAccess(
      input({ request: byService('sns.amazonaws.com', FN), resourcePolicy: undefined }),
    );
    expect(result.decision).toBe('cannot-tell');
    expect(result.unknowns[0]?.message).toContain('resource-based policy is not known');
  });

  test('a grant to the caller account does not reach a service', () => {
    const result = evaluateInvokeAccess(
      input({
        request: byService('sns.amazonaws.com', FN),
        resourcePolicy: grantTo({ AWS: ACCOUNT }),
      }),
    );
    expect(result.decision).toBe('implicit-deny');
  });

  test('a public function URL: both documented statements for an unsigned caller', () => {
    // Arrange
    const pair = documentOf(
      ...(policyJson('function-url-public-policy.json').Statement as Record<string, unknown>[]),
      viaUrlStatement(),
    );
    const url = anonymous(FN.replace('us-east-2', 'us-east-1'), {
      'lambda:FunctionUrlAuthType': 'NONE',
    });
    const invoke = anonymous(
      FN.replace('us-east-2', 'us-east-1'),
      { 'lambda:InvokedViaFunctionUrl': true },
      'lambda:InvokeFunction',
    );
    // Act + Assert
    expect(evaluateInvokeAccess(input({ request: url, resourcePolicy: pair })).decision).toBe(
      'allow',
    );
    expect(evaluateInvokeAccess(input({ request: invoke, resourcePolicy: pair })).decision).toBe(
      'allow',
    );
  });
});

describe('evaluateInvokeAccess: same account', () => {
  test('an identity-policy Allow suffices without a resource policy', () => {
    const result = evaluateInvokeAccess(
      input({ request: byArn(USER, FN), identityPolicies: [invokeIdentityPolicy()] }),
    );
    expect(result).toMatchObject({ decision: 'allow', sameAccount: true });
    expect(result.decidedBy).toEqual([
      { layer: 'identity-policy', policy: 'invoke', index: 0, sid: 'Invoke', effect: 'Allow' },
    ]);
  });

  test('a resource-policy grant naming the user suffices without identity policies', () => {
    const result = evaluateInvokeAccess(
      input({ request: byArn(USER, FN), resourcePolicy: grantTo({ AWS: USER }) }),
    );
    expect(result.decision).toBe('allow');
  });

  test('a grant to the account only delegates: the identity policies must allow', () => {
    // Arrange
    const request = byArn(USER, FN);
    const resourcePolicy = grantTo({ AWS: `arn:aws:iam::${ACCOUNT}:root` });
    // Act
    const without = evaluateInvokeAccess(input({ request, resourcePolicy }));
    const withIdentity = evaluateInvokeAccess(
      input({ request, resourcePolicy, identityPolicies: [invokeIdentityPolicy()] }),
    );
    // Assert
    expect(without).toMatchObject({ decision: 'implicit-deny', allowed: false });
    expect(without.missing).toEqual(expect.arrayContaining(['resource-policy', 'identity-policy']));
    expect(withIdentity.decision).toBe('allow');
  });

  test('a permissions boundary limits identity-policy Allows', () => {
    const result = evaluateInvokeAccess(
      input({
        request: byArn(USER, FN),
        identityPolicies: [invokeIdentityPolicy()],
        permissionsBoundary: ALLOW_S3_ONLY,
      }),
    );
    expect(result.decision).toBe('implicit-deny');
    expect(result.missing).toContain('permissions-boundary');
  });

  test('...but not a resource-policy grant that names the user', () => {
    const result = evaluateInvokeAccess(
      input({
        request: byArn(USER, FN),
        resourcePolicy: grantTo({ AWS: USER }),
        permissionsBoundary: ALLOW_S3_ONLY,
      }),
    );
    expect(result.decision).toBe('allow');
  });

  test('a grant to the role is limited by the boundary; one to the session is not', () => {
    // Arrange
    const request = byArn(SESSION, FN, {}, 'lambda:InvokeFunction', ROLE);
    const base = { request, permissionsBoundary: ALLOW_S3_ONLY };
    // Act
    const toRole = evaluateInvokeAccess(input({ ...base, resourcePolicy: grantTo({ AWS: ROLE }) }));
    const toSession = evaluateInvokeAccess(
      input({ ...base, resourcePolicy: grantTo({ AWS: SESSION }) }),
    );
    // Assert
    expect(toRole.decision).toBe('implicit-deny');
    expect(toSession.decision).toBe('allow');
  });

  test('a session policy that does not allow limits a grant to the role, not one to the session', () => {
    const request = byArn(SESSION, FN, {}, 'lambda:InvokeFunction', ROLE);
    const base = { request, sessionPolicies: [ALLOW_S3_ONLY] };
    expect(
      evaluateInvokeAccess(input({ ...base, resourcePolicy: grantTo({ AWS: ROLE }) })).decision,
    ).toBe('implicit-deny');
    expect(
      evaluateInvokeAccess(input({ ...base, resourcePolicy: grantTo({ AWS: SESSION }) })).decision,
    ).toBe('allow');
    // Undocumented for "*": not guessed.
    const wildcard = evaluateInvokeAccess(input({ ...base, resourcePolicy: grantTo('*') }));
    expect(wildcard.decision).toBe('cannot-tell');
    expect(wildcard.summary).toContain('grant to "*" meets session policies');
  });

  test('a grant to the role with the role path unknown cannot be decided', () => {
    const result = evaluateInvokeAccess(
      input({ request: byArn(SESSION, FN), resourcePolicy: grantTo({ AWS: ROLE }) }),
    );
    expect(result).toMatchObject({ decision: 'cannot-tell', allowed: 'unknown' });
    expect(result.unknowns.map((u) => u.message).join(' ')).toContain("role's path");
  });
});

describe('evaluateInvokeAccess: cross account', () => {
  const request = byArn(OTHER_SESSION, FN);
  const toAccount = grantTo({ AWS: `arn:aws:iam::${OTHER}:root` }, 'xaccount');

  test('needs both the resource-policy grant and an identity Allow', () => {
    const result = evaluateInvokeAccess(
      input({ request, resourcePolicy: toAccount, identityPolicies: [invokeIdentityPolicy()] }),
    );
    expect(result).toMatchObject({ decision: 'allow', sameAccount: false });
    expect(result.decidedBy.map((d) => d.layer)).toEqual(['resource-policy', 'identity-policy']);
  });

  test('the resource-policy grant alone is not enough', () => {
    const result = evaluateInvokeAccess(input({ request, resourcePolicy: toAccount }));
    expect(result).toMatchObject({ decision: 'implicit-deny', missing: ['identity-policy'] });
  });

  test('the identity Allow alone is not enough', () => {
    const result = evaluateInvokeAccess(
      input({ request, identityPolicies: [invokeIdentityPolicy()] }),
    );
    expect(result).toMatchObject({ decision: 'implicit-deny', missing: ['resource-policy'] });
  });

  test('an SCP level without an Allow denies', () => {
    const result = evaluateInvokeAccess(
      input({
        request,
        resourcePolicy: toAccount,
        identityPolicies: [invokeIdentityPolicy()],
        scps: [[ALLOW_ALL], [ALLOW_S3_ONLY]],
      }),
    );
    expect(result).toMatchObject({ decision: 'implicit-deny', missing: ['scp'] });
  });
});

describe('evaluateInvokeAccess: explicit denies and unknowns', () => {
  test.each([
    [
      'an identity policy',
      { identityPolicies: [invokeIdentityPolicy(), DENY_INVOKE] },
      'identity-policy',
    ],
    ['the permissions boundary', { permissionsBoundary: DENY_INVOKE }, 'permissions-boundary'],
    ['an SCP', { scps: [[ALLOW_ALL, DENY_INVOKE]] }, 'scp'],
  ] as const)(
    'a Deny in %s beats a resource-policy grant naming the user',
    (_name, layer, expected) => {
      const result = evaluateInvokeAccess(
        input({ request: byArn(USER, FN), resourcePolicy: grantTo({ AWS: USER }), ...layer }),
      );
      expect(result).toMatchObject({ decision: 'explicit-deny', allowed: false });
      expect(result.decidedBy[0]).toMatchObject({ layer: expected, effect: 'Deny' });
      expect(result.summary).toContain('explicitly denied by');
    },
  );

  test('a Deny in the resource policy beats an identity Allow', () => {
    const resourcePolicy = documentOf({
      Sid: 'deny-all',
      Effect: 'Deny',
      Principal: '*',
      Action: 'lambda:InvokeFunction',
      Resource: FN,
    });
    const result = evaluateInvokeAccess(
      input({
        request: byArn(USER, FN),
        resourcePolicy,
        identityPolicies: [invokeIdentityPolicy()],
      }),
    );
    expect(result.decidedBy).toEqual([
      { layer: 'resource-policy', policy: undefined, index: 0, sid: 'deny-all', effect: 'Deny' },
    ]);
  });

  test('unknown identity policies leave an IAM caller open even with a grant: they might deny', () => {
    const result = evaluateInvokeAccess(
      input({
        request: byArn(USER, FN),
        resourcePolicy: grantTo({ AWS: USER }),
        identityPolicies: undefined,
      }),
    );
    expect(result.decision).toBe('cannot-tell');
    expect(result.unknowns.map((u) => u.layer)).toContain('identity-policy');
  });

  test('unknown SCPs leave an IAM caller open but not a service', () => {
    const { scps: _omitted, ...known } = input({ request: byArn(USER, FN) });
    const iam = evaluateInvokeAccess({ ...known, identityPolicies: [invokeIdentityPolicy()] });
    const svc = evaluateInvokeAccess({
      ...known,
      request: byService('sns.amazonaws.com', FN),
      resourcePolicy: documentOf(policyJson('sns-add-permission-statement.json')),
    });
    expect(iam.decision).toBe('cannot-tell');
    expect(iam.unknowns[0]?.layer).toBe('scp');
    expect(svc.decision).toBe('allow');
  });

  test('an Allow whose condition needs an unknown key is "cannot tell", not a deny', () => {
    const result = evaluateInvokeAccess(
      input({
        request: byService('apigateway.amazonaws.com', FN),
        resourcePolicy: documentOf(policyJson('apigateway-add-permission-statement.json')),
      }),
    );
    expect(result).toMatchObject({ decision: 'cannot-tell', allowed: 'unknown' });
    expect(result.unknowns).toEqual([
      expect.objectContaining({
        layer: 'resource-policy',
        sid: 'apigateway-test-2',
        message: expect.stringContaining('no known value for aws:SourceArn'),
      }),
    ]);
  });

  test('only unknowns that can still change the outcome are listed', () => {
    // Arrange: the grant to the user allows whatever the boundary says; an undecided Deny decides.
    const undecided = (effect: string): NamedPolicy => ({
      name: `undecided-${effect}`,
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: effect,
            Action: 'lambda:InvokeFunction',
            Resource: FN,
            Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
          },
        ],
      },
    });
    // Act
    const result = evaluateInvokeAccess(
      input({
        request: byArn(USER, FN),
        resourcePolicy: grantTo({ AWS: USER }),
        identityPolicies: [undecided('Deny')],
        permissionsBoundary: undecided('Allow'),
      }),
    );
    // Assert
    expect(result).toMatchObject({ decision: 'cannot-tell', allowed: 'unknown' });
    expect(result.unknowns.map((u) => u.policy)).toEqual(['undecided-Deny']);
  });

  test('an undecided Deny with nothing allowing: denied either way, the kind of deny unknown', () => {
    const resourcePolicy = documentOf({
      Effect: 'Deny',
      Principal: '*',
      Action: 'lambda:InvokeFunction',
      Resource: FN,
      Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    });
    const result = evaluateInvokeAccess(input({ request: byArn(USER, FN), resourcePolicy }));
    expect(result).toMatchObject({ decision: 'cannot-tell', allowed: false });
  });

  test('an invalid identity policy is reported, never thrown', () => {
    const result = evaluateInvokeAccess(
      input({
        request: byArn(USER, FN),
        identityPolicies: [{ name: 'broken', document: '{"Statement": [' }],
      }),
    );
    expect(result.decision).toBe('cannot-tell');
    expect(result.unknowns[0]).toMatchObject({ layer: 'identity-policy', policy: 'broken' });
  });

  test('the root user is not modelled', () => {
    const result = evaluateInvokeAccess(
      input({
        request: byArn(`arn:aws:iam::${ACCOUNT}:root`, FN),
        identityPolicies: [invokeIdentityPolicy()],
      }),
    );
    expect(result.decision).toBe('cannot-tell');
  });

  test('same or cross account unknown: decided only when both readings agree', () => {
    // Arrange: the resource is not an ARN, so the account comes from sameAccount or nowhere.
    const request = byArn(USER, 'my-function');
    const grantAll = invokeIdentityPolicy('*');
    // Act
    const unknown = evaluateInvokeAccess(input({ request, identityPolicies: [grantAll] }));
    const stated = evaluateInvokeAccess(
      input({ request, identityPolicies: [grantAll], sameAccount: true }),
    );
    const neither = evaluateInvokeAccess(input({ request }));
    // Assert
    expect(unknown).toMatchObject({ decision: 'cannot-tell', sameAccount: 'unknown' });
    expect(stated.decision).toBe('allow');
    expect(neither).toMatchObject({ decision: 'implicit-deny', sameAccount: 'unknown' });
  });
});
