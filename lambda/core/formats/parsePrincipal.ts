import type { Principal } from '../types';

/** A principal with every field unknown. */
export const UNKNOWN_PRINCIPAL: Principal = {
  arn: null,
  type: 'unknown',
  accountId: null,
  roleName: null,
  service: null,
};

/**
 * AWS-internal accounts whose roles call Lambda on behalf of a service. The fix for such a denial is
 * a resource-based policy for the service principal, never a grant to AWS's own role.
 */
const SERVICE_ACCOUNTS: Readonly<Record<string, string>> = {
  // Cognito user pool triggers (aws/aws-cli#2256: awscognitoidentityproviderservice-ec2-InstanceRole-...)
  '745623467555': 'cognito-idp.amazonaws.com',
};

/** Display names some services print instead of `User: <arn>` (CloudWatch alarm history). */
const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  'CloudWatch Alarms': 'lambda.alarms.cloudwatch.amazonaws.com',
};

const SERVICE_NAME = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(?:\.cn)?$/;
const ACCOUNT_ONLY = /^\d{12}$/;

function service(name: string, arn: string | null, accountId: string | null): Principal {
  return { arn, type: 'service', accountId, roleName: null, service: name };
}

/**
 * Reads the principal named in an IAM denial: an ARN (`User: <arn>` / `Resource: <arn>`), a bare
 * service name, a display name such as `CloudWatch Alarms`, or nothing (`User is not authorized`).
 * Account ids are carried as found, masked or not.
 */
export function parsePrincipal(raw: string | null): Principal {
  if (raw === null || raw === '') return UNKNOWN_PRINCIPAL;
  const display = DISPLAY_NAMES[raw];
  if (display !== undefined) return service(display, null, null);
  if (SERVICE_NAME.test(raw)) return service(raw, null, null);
  if (ACCOUNT_ONLY.test(raw)) return { ...UNKNOWN_PRINCIPAL, type: 'account', accountId: raw };
  if (!raw.startsWith('arn:')) return UNKNOWN_PRINCIPAL;
  // arn:partition:service:region:account:resource (resource may itself contain ':' or '/')
  const parts = raw.split(':');
  const svc = parts[2] ?? '';
  const accountId = parts[4] === undefined || parts[4] === '' ? null : parts[4];
  const resource = parts.slice(5).join(':');
  const slash = resource.split('/');
  const kind = slash[0] ?? '';
  const internal = accountId === null ? undefined : SERVICE_ACCOUNTS[accountId];
  if (svc === 'sts' && kind === 'assumed-role') {
    const roleName = slash[1] ?? null;
    if (internal !== undefined) return { ...service(internal, raw, null), roleName };
    return { arn: raw, type: 'assumed-role', accountId, roleName, service: null };
  }
  if (svc === 'sts' && kind === 'federated-user') {
    return { arn: raw, type: 'federated-user', accountId, roleName: null, service: null };
  }
  if (svc === 'iam' && kind === 'user') {
    return { arn: raw, type: 'iam-user', accountId, roleName: null, service: null };
  }
  if (svc === 'iam' && kind === 'role') {
    const roleName = slash[slash.length - 1] || null;
    if (internal !== undefined) return { ...service(internal, raw, null), roleName };
    return { arn: raw, type: 'iam-role', accountId, roleName, service: null };
  }
  if (svc === 'iam' && resource === 'root') {
    return { arn: raw, type: 'root', accountId, roleName: null, service: null };
  }
  if (svc === 'cloudwatch' && kind.startsWith('alarm:')) {
    // `Resource: arn:aws:cloudwatch:...:alarm:<name> is not authorized` (alarm action history)
    return service('lambda.alarms.cloudwatch.amazonaws.com', raw, accountId);
  }
  return { ...UNKNOWN_PRINCIPAL, arn: raw, accountId };
}
