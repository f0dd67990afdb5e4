/** Builders of DiagnosisFacts for fix-rendering tests (values copied from the public logs of docs/formats.md where real). */
import type { ApiRoute, DiagnosisFacts, FunctionRef, Principal } from '../../lambda/core/types';

/** Account moto serves; every emulator-executed fix uses it. */
export const ACCOUNT = '123456789012';
/** A second account, for cross-account callers. */
export const OTHER_ACCOUNT = '210987654321';

/** A function reference in `account`/`region` (unqualified unless `qualifier` is given). */
export function fnRef(
  name: string,
  options: {
    qualifier?: string | null;
    account?: string;
    region?: string;
    partition?: string;
  } = {},
): FunctionRef {
  const account = options.account ?? ACCOUNT;
  const region = options.region ?? 'us-east-1';
  const partition = options.partition ?? 'aws';
  const qualifier = options.qualifier ?? null;
  return {
    arn: `arn:${partition}:lambda:${region}:${account}:function:${name}${qualifier ? `:${qualifier}` : ''}`,
    name,
    qualifier,
    accountId: account,
    region,
  };
}

/** An assumed-role principal. */
export function assumedRole(roleName: string, account = ACCOUNT, session = 'session-1'): Principal {
  return {
    arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${session}`,
    type: 'assumed-role',
    accountId: account,
    roleName,
    service: null,
  };
}

/** An IAM user principal (`path` like `/support/`). */
export function iamUser(userName: string, account = ACCOUNT, path = '/'): Principal {
  return {
    arn: `arn:aws:iam::${account}:user${path}${userName}`,
    type: 'iam-user',
    accountId: account,
    roleName: null,
    service: null,
  };
}

/** A service principal (`User: sns.amazonaws.com ...`). */
export function service(name: string): Principal {
  return { arn: null, type: 'service', accountId: null, roleName: null, service: name };
}

/** The principal of API Gateway findings (the log names none). */
export const NO_PRINCIPAL: Principal = {
  arn: null,
  type: 'unknown',
  accountId: null,
  roleName: null,
  service: null,
};

/** An unknown function (API Gateway at ERROR log level). */
export const NO_FUNCTION: FunctionRef = {
  arn: null,
  name: null,
  qualifier: null,
  accountId: null,
  region: null,
};

/** An API route. */
export function route(
  id: string,
  httpMethod: string | null,
  resourcePath: string | null,
  stage: string | null = 'prod',
): ApiRoute {
  return { id, stage, httpMethod, resourcePath };
}

/** Facts with defaults (invoke-access-denied, no-identity-policy) overridden by `over`. */
export function facts(over: Partial<DiagnosisFacts>): DiagnosisFacts {
  return {
    kind: 'invoke-access-denied',
    action: 'lambda:InvokeFunction',
    principal: NO_PRINCIPAL,
    function: NO_FUNCTION,
    api: null,
    reason: 'unspecified',
    denyPolicyArn: null,
    roleArn: null,
    ...over,
  };
}
