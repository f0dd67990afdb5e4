/**
 * Principal, action and resource matching, one row per form, on copies of documented statements:
 * the cross-account add-permission statement (principals) and the identity-policy Invoke statement
 * (actions and resources).
 */
import { evaluatePolicy } from '../../../lambda/core/verify/evaluatePolicy';
import type {
  AccessRequest,
  PrincipalMatchKind,
  RequestPrincipal,
  Tri,
} from '../../../lambda/core/verify/types';
import { documentOf, policyJson } from '../../helpers/policies';

const FN = 'arn:aws:lambda:us-east-2:123456789012:function:my-function';
const XACCOUNT = policyJson('xaccount-add-permission-statement.json');
const INVOKE = (
  policyJson('identity-invoke-policy.json').Statement as Record<string, unknown>[]
)[0]!;

const A = '111122223333';
const SESSION = `arn:aws:sts::${A}:assumed-role/deployer/ci`;
const ROLE = `arn:aws:iam::${A}:role/deployer`;
const ROLE_WITH_PATH = `arn:aws:iam::${A}:role/team/deployer`;

const aws = (arn: string, roleArn?: string): RequestPrincipal =>
  roleArn === undefined
    ? { kind: 'aws', arn, accountId: arn.split(':')[4]! }
    : { kind: 'aws', arn, accountId: arn.split(':')[4]!, roleArn };
const service = (name: string): RequestPrincipal => ({ kind: 'service', service: name });
const ANONYMOUS: RequestPrincipal = { kind: 'anonymous' };

function principalResult(
  element: 'Principal' | 'NotPrincipal',
  value: unknown,
  principal: RequestPrincipal,
  effect = 'Allow',
) {
  const statement = structuredClone(XACCOUNT);
  delete statement.Principal;
  statement[element] = value;
  statement.Effect = effect;
  const request: AccessRequest = {
    principal,
    action: 'lambda:InvokeFunction',
    resource: FN,
    context: {},
  };
  return evaluatePolicy(documentOf(statement), request).statements[0]!;
}

type PrincipalRow = readonly [string, unknown, RequestPrincipal, Tri, PrincipalMatchKind | null];

const PRINCIPALS: readonly PrincipalRow[] = [
  [
    'account id: a user of the account',
    { AWS: A },
    aws(`arn:aws:iam::${A}:user/dev`),
    true,
    'account',
  ],
  ['account id: a role session of the account', { AWS: A }, aws(SESSION), true, 'account'],
  ['account id: the root user', { AWS: A }, aws(`arn:aws:iam::${A}:root`), true, 'account'],
  [
    'account id: another account',
    { AWS: A },
    aws('arn:aws:iam::444455556666:user/dev'),
    false,
    null,
  ],
  ['account id: a service', { AWS: A }, service('sns.amazonaws.com'), false, null],
  [
    'account root ARN equals the account id',
    { AWS: `arn:aws:iam::${A}:root` },
    aws(SESSION),
    true,
    'account',
  ],
  [
    'account root ARN in another partition',
    { AWS: `arn:aws-cn:iam::${A}:root` },
    aws(SESSION),
    false,
    null,
  ],
  ['role ARN: a session, role path given', { AWS: ROLE }, aws(SESSION, ROLE), true, 'parent'],
  ['role ARN: a session, role path unknown', { AWS: ROLE }, aws(SESSION), 'unknown', 'parent'],
  [
    'role ARN with a path: a session, path unknown',
    { AWS: ROLE_WITH_PATH },
    aws(SESSION),
    'unknown',
    'parent',
  ],
  [
    'role ARN with a path: a session, same path',
    { AWS: ROLE_WITH_PATH },
    aws(SESSION, ROLE_WITH_PATH),
    true,
    'parent',
  ],
  [
    'role ARN: a session of the role under another path',
    { AWS: ROLE_WITH_PATH },
    aws(SESSION, ROLE),
    false,
    null,
  ],
  [
    'role ARN: a session of another role',
    { AWS: ROLE },
    aws(`arn:aws:sts::${A}:assumed-role/other/ci`),
    false,
    null,
  ],
  [
    'role ARN: an inconsistent role ARN is ignored',
    { AWS: ROLE },
    aws(SESSION, `arn:aws:iam::${A}:role/other`),
    'unknown',
    'parent',
  ],
  ['role ARN: the role given as caller', { AWS: ROLE }, aws(ROLE), true, 'parent'],
  [
    'role ARN: differs only in case',
    { AWS: `arn:aws:iam::${A}:role/Deployer` },
    aws(SESSION, ROLE),
    'unknown',
    'parent',
  ],
  ['session ARN: that session', { AWS: SESSION }, aws(SESSION), true, 'exact'],
  [
    'session ARN: another session of the role',
    { AWS: SESSION },
    aws(`arn:aws:sts::${A}:assumed-role/deployer/other`),
    false,
    null,
  ],
  [
    'session ARN: the role given as caller (session unknown)',
    { AWS: SESSION },
    aws(ROLE),
    'unknown',
    'exact',
  ],
  [
    'user ARN: that user',
    { AWS: `arn:aws:iam::${A}:user/ops/dev` },
    aws(`arn:aws:iam::${A}:user/ops/dev`),
    true,
    'exact',
  ],
  [
    'user ARN: user names are case-sensitive',
    { AWS: `arn:aws:iam::${A}:user/Dev` },
    aws(`arn:aws:iam::${A}:user/dev`),
    false,
    null,
  ],
  [
    'user ARN: a federated-user session of the account',
    { AWS: `arn:aws:iam::${A}:user/dev` },
    aws(`arn:aws:sts::${A}:federated-user/dev`),
    'unknown',
    'parent',
  ],
  [
    'federated-user ARN: that session',
    { AWS: `arn:aws:sts::${A}:federated-user/bob` },
    aws(`arn:aws:sts::${A}:federated-user/bob`),
    true,
    'exact',
  ],
  [
    'list of principals: any one matches',
    { AWS: ['444455556666', SESSION] },
    aws(SESSION),
    true,
    'exact',
  ],
  ['"*": an IAM caller', '*', aws(SESSION), true, 'wildcard'],
  ['"*": an unsigned caller', '*', ANONYMOUS, true, 'wildcard'],
  ['"*": a service', '*', service('sns.amazonaws.com'), true, 'wildcard'],
  ['{"AWS": "*"}: an IAM caller', { AWS: '*' }, aws(SESSION), true, 'wildcard'],
  [
    '{"AWS": "*"}: an unsigned caller (documented as equal to "*")',
    { AWS: '*' },
    ANONYMOUS,
    true,
    'wildcard',
  ],
  [
    '{"AWS": "*"}: a service is not documented',
    { AWS: '*' },
    service('sns.amazonaws.com'),
    'unknown',
    'wildcard',
  ],
  [
    'Service: that service',
    { Service: 'sns.amazonaws.com' },
    service('sns.amazonaws.com'),
    true,
    'exact',
  ],
  [
    'Service: another service',
    { Service: 'sns.amazonaws.com' },
    service('s3.amazonaws.com'),
    false,
    null,
  ],
  ['Service: an IAM caller', { Service: 'sns.amazonaws.com' }, aws(SESSION), false, null],
  [
    'Service list',
    { Service: ['s3.amazonaws.com', 'sns.amazonaws.com'] },
    service('sns.amazonaws.com'),
    true,
    'exact',
  ],
  [
    'Federated: a role session may be a web-identity session',
    { Federated: 'cognito-identity.amazonaws.com' },
    aws(SESSION),
    'unknown',
    'exact',
  ],
  [
    'Federated: a user is not',
    { Federated: 'cognito-identity.amazonaws.com' },
    aws(`arn:aws:iam::${A}:user/dev`),
    false,
    null,
  ],
  [
    'CanonicalUser is not modelled',
    { CanonicalUser: '79a59df9' },
    aws(SESSION),
    'unknown',
    'exact',
  ],
  [
    'a partial wildcard is not a principal IAM accepts',
    { AWS: `arn:aws:iam::${A}:role/*` },
    aws(SESSION),
    'unknown',
    'exact',
  ],
  [
    'a unique id (deleted role) is not guessed',
    { AWS: 'AROAEXAMPLEID' },
    aws(SESSION),
    'unknown',
    'exact',
  ],
  [
    'a caller ARN naming another account than accountId',
    { AWS: A },
    { kind: 'aws', arn: SESSION, accountId: '444455556666' },
    false,
    null,
  ],
  [
    'an unmodelled caller ARN shape',
    { AWS: `arn:aws:iam::${A}:user/dev` },
    { kind: 'aws', arn: `arn:aws:iam::${A}:group/devs`, accountId: A },
    'unknown',
    'exact',
  ],
];

describe('Principal', () => {
  test.each(PRINCIPALS)('%s', (_name, value, principal, expected, kind) => {
    // Act
    const result = principalResult('Principal', value, principal);
    // Assert
    expect(result.applies).toBe(expected);
    if (kind !== null) expect(result.appliesAs?.[kind]).toBe(expected);
  });
});

describe('NotPrincipal', () => {
  test.each([
    [
      'names nothing related to the caller: the Deny applies',
      { AWS: '444455556666' },
      aws(SESSION),
      true,
    ],
    [
      'excludes a service outright',
      { Service: 'sns.amazonaws.com' },
      service('sns.amazonaws.com'),
      false,
    ],
    ['excludes everyone', '*', service('sns.amazonaws.com'), false],
    [
      'does not exclude another service',
      { Service: 's3.amazonaws.com' },
      service('sns.amazonaws.com'),
      true,
    ],
    [
      'names the caller: order of checks and boundaries make it undecidable',
      { AWS: [A, ROLE, SESSION] },
      aws(SESSION, ROLE),
      'unknown',
    ],
    ['names only the account', { AWS: A }, aws(SESSION), 'unknown'],
  ] as const)('%s', (_name, value, principal, expected) => {
    expect(principalResult('NotPrincipal', value, principal, 'Deny').applies).toBe(expected);
  });

  test('with Allow, which IAM does not support, it is undecided', () => {
    const result = principalResult('NotPrincipal', { AWS: '444455556666' }, aws(SESSION));
    expect(result.applies).toBe('unknown');
    expect(result.finding?.message).toContain('NotPrincipal');
  });
});

function identityResult(element: Record<string, unknown>, action: string, resource: string): Tri {
  const statement: Record<string, unknown> = {
    ...structuredClone(INVOKE),
    Resource: FN,
    ...element,
  };
  if ('NotAction' in element) delete statement.Action;
  if ('NotResource' in element) delete statement.Resource;
  const request: AccessRequest = {
    principal: aws(`arn:aws:iam::123456789012:user/dev`),
    action,
    resource,
    context: {},
  };
  return evaluatePolicy(documentOf(statement), request, { policyType: 'identity' }).statements[0]!
    .applies;
}

const INVOKE_FN = 'lambda:InvokeFunction';
const URL_FN = 'lambda:InvokeFunctionUrl';

describe('Action and Resource', () => {
  test.each([
    ['action names are case-insensitive', { Action: 'Lambda:invokefunction' }, INVOKE_FN, FN, true],
    ['lambda:Invoke* covers both invoke actions', { Action: 'lambda:Invoke*' }, URL_FN, FN, true],
    [
      'lambda:InvokeFunction does not cover the URL action',
      { Action: INVOKE_FN },
      URL_FN,
      FN,
      false,
    ],
    ['? is one character', { Action: 'lambda:InvokeFunctio?' }, INVOKE_FN, FN, true],
    ['"*" is every action', { Action: '*' }, URL_FN, FN, true],
    [
      'a wildcard service prefix is not accepted',
      { Action: 'lamb*:InvokeFunction' },
      INVOKE_FN,
      FN,
      'unknown',
    ],
    ['an action without a service prefix', { Action: 'InvokeFunction' }, INVOKE_FN, FN, 'unknown'],
    ['NotAction excluding another action', { NotAction: 'lambda:Delete*' }, INVOKE_FN, FN, true],
    ['NotAction excluding this action', { NotAction: ['lambda:Invoke*'] }, INVOKE_FN, FN, false],
    ['"*" is every resource', { Resource: '*' }, INVOKE_FN, `${FN}:live`, true],
    ['unqualified ARN: the unqualified call', { Resource: FN }, INVOKE_FN, FN, true],
    ['unqualified ARN: not an alias', { Resource: FN }, INVOKE_FN, `${FN}:live`, false],
    ['unqualified ARN: not a version', { Resource: FN }, INVOKE_FN, `${FN}:3`, false],
    ['qualified ARN: not the unqualified call', { Resource: `${FN}:live` }, INVOKE_FN, FN, false],
    [':* covers aliases and versions', { Resource: `${FN}:*` }, INVOKE_FN, `${FN}:3`, true],
    [':* does not cover the unqualified call', { Resource: `${FN}:*` }, INVOKE_FN, FN, false],
    [
      'name* covers both, and other functions',
      { Resource: `${FN}*` },
      INVOKE_FN,
      `${FN}-v2:live`,
      true,
    ],
    [
      '* in the account component',
      { Resource: 'arn:aws:lambda:us-east-2:*:function:my-function' },
      INVOKE_FN,
      FN,
      true,
    ],
    [
      '* stays in its component (here the account reads "function")',
      { Resource: 'arn:aws:lambda:*:function:my-function' },
      INVOKE_FN,
      FN,
      false,
    ],
    [
      'resource names are case-sensitive',
      { Resource: FN.replace('my-function', 'My-Function') },
      INVOKE_FN,
      FN,
      false,
    ],
    [
      'a region differing only in case is not guessed',
      { Resource: FN.replace('us-east-2', 'US-EAST-2') },
      INVOKE_FN,
      FN,
      'unknown',
    ],
    ['another region', { Resource: FN.replace('us-east-2', 'us-west-2') }, INVOKE_FN, FN, false],
    ['a list of resources is ORed', { Resource: [FN, `${FN}:*`] }, INVOKE_FN, `${FN}:live`, true],
    [
      'a policy variable in the resource',
      { Resource: `arn:aws:lambda:*:*:function:\${aws:username}` },
      INVOKE_FN,
      FN,
      'unknown',
    ],
    [
      'a request resource that is not an ARN',
      { Resource: FN },
      INVOKE_FN,
      'my-function',
      'unknown',
    ],
    ['NotResource covering the function', { NotResource: `${FN}*` }, INVOKE_FN, FN, false],
    ['NotResource naming only aliases', { NotResource: `${FN}:*` }, INVOKE_FN, FN, true],
  ] as const)('%s', (_name, element, action, resource, expected) => {
    expect(identityResult(element, action, resource)).toBe(expected);
  });
});
