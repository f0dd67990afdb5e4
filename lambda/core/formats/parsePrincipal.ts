import { AWS_FORMATS } from '../awsFormats';
import { isMasked } from '../decode/isMasked';
import { trimDecoration } from '../decode/trimDecoration';
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
export const DISPLAY_NAMES: Readonly<Record<string, string>> = {
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
 * Decoration around the value (backticks, quotes, a trailing period) is removed. An account id is
 * kept only when it is one (12 digits); a masked or malformed ARN yields `arn: null` and a masked
 * role name is null: what a mask hid is unknown, never guessed.
 */
export function parsePrincipal(found: string | null): Principal {
  const raw = found === null ? null : trimDecoration(found);
  if (raw === null || raw === '') return UNKNOWN_PRINCIPAL;
  const display = DISPLAY_NAMES[raw];
  if (display !== undefined) return service(display, null, null);
  if (SERVICE_NAME.test(raw)) return service(raw, null, null);
  if (ACCOUNT_ONLY.test(raw)) return { ...UNKNOWN_PRINCIPAL, type: 'account', accountId: raw };
  if (!raw.startsWith('arn:')) return UNKNOWN_PRINCIPAL;
  // arn:partition:service:region:account:resource (resource may itself contain ':' or '/')
  const parts = raw.split(':');
  const svc = parts[2] ?? '';
  const rawAccount = parts[4] ?? '';
  const accountId = AWS_FORMATS.accountId.test(rawAccount) ? rawAccount : null;
  const resource = parts.slice(5).join(':');
  const slash = resource.split('/');
  const kind = slash[0] ?? '';
  // the ARN as found, unless part of it is masked or its account is not an account id
  const masked = parts.some(isMasked) || slash.some(isMasked);
  const arn = masked || (rawAccount !== '' && accountId === null) ? null : raw;
  const name = (value: string | undefined): string | null =>
    value === undefined || value === '' || isMasked(value) ? null : value;
  const internal = accountId === null ? undefined : SERVICE_ACCOUNTS[accountId];
  if (svc === 'sts' && kind === 'assumed-role') {
    const roleName = name(slash[1]);
    if (internal !== undefined) return { ...service(internal, arn, null), roleName };
    return { arn, type: 'assumed-role', accountId, roleName, service: null };
  }
  if (svc === 'sts' && kind === 'federated-user') {
    return { arn, type: 'federated-user', accountId, roleName: null, service: null };
  }
  if (svc === 'iam' && kind === 'user') {
    return { arn, type: 'iam-user', accountId, roleName: null, service: null };
  }
  if (svc === 'iam' && kind === 'role') {
    const roleName = name(slash[slash.length - 1]);
    if (internal !== undefined) return { ...service(internal, arn, null), roleName };
    return { arn, type: 'iam-role', accountId, roleName, service: null };
  }
  if (svc === 'iam' && resource === 'root') {
    return { arn, type: 'root', accountId, roleName: null, service: null };
  }
  if (svc === 'cloudwatch' && kind.startsWith('alarm:')) {
    // `Resource: arn:aws:cloudwatch:...:alarm:<name> is not authorized` (alarm action history)
    return service('lambda.alarms.cloudwatch.amazonaws.com', arn, accountId);
  }
  return { ...UNKNOWN_PRINCIPAL, arn, accountId };
}
