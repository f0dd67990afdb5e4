import type { DiagnosisFacts, Principal, Reason } from '../types';

const REASON_TEXT: Readonly<Record<Reason, string>> = {
  'no-identity-policy': 'no identity-based policy of the caller allows it',
  'no-resource-policy': "the function's resource-based policy does not allow the caller",
  'no-permissions-boundary': "the caller's permissions boundary does not allow it",
  'no-session-policy': 'the session policy of the assumed role does not allow it',
  'no-vpc-endpoint-policy': 'the VPC endpoint policy does not allow it',
  'explicit-deny-scp': 'a service control policy explicitly denies it',
  'explicit-deny-rcp': 'a resource control policy explicitly denies it',
  'explicit-deny-identity-policy': 'an identity-based policy explicitly denies it',
  'explicit-deny-resource-policy': "the function's resource-based policy explicitly denies it",
  'explicit-deny-permissions-boundary': 'a permissions boundary explicitly denies it',
  'explicit-deny-session-policy': 'a session policy explicitly denies it',
  'explicit-deny-vpc-endpoint-policy': 'a VPC endpoint policy explicitly denies it',
  'explicit-deny': 'a policy explicitly denies it',
  unspecified: 'the message gives no reason (older wording)',
};

function who(principal: Principal): string {
  switch (principal.type) {
    case 'service':
      return principal.roleName === null
        ? `Service ${principal.service}`
        : `Service ${principal.service} (via AWS role ${principal.roleName})`;
    case 'assumed-role':
      return `Role ${principal.roleName ?? principal.arn} (assumed, account ${principal.accountId ?? 'unknown'})`;
    case 'iam-role':
      return `Role ${principal.arn ?? principal.roleName ?? '(name not in the log)'}`;
    case 'iam-user':
      return principal.arn === null
        ? 'An IAM user (ARN masked in the log)'
        : `IAM user ${principal.arn}`;
    case 'root':
      return `Root user of account ${principal.accountId ?? 'unknown'}`;
    case 'account':
      return `Account ${principal.accountId}`;
    case 'federated-user':
      return `Federated user ${principal.arn ?? '(ARN masked in the log)'}`;
    default:
      return principal.arn === null ? 'An unnamed caller' : `Caller ${principal.arn}`;
  }
}

function what(facts: DiagnosisFacts): string {
  const fn = facts.function;
  const name = fn.arn ?? fn.name;
  if (name === null) return 'a Lambda function the log does not name';
  return fn.qualifier === null
    ? `function ${name}`
    : `function ${name} (qualifier ${fn.qualifier})`;
}

function route(facts: DiagnosisFacts): string {
  const api = facts.api;
  if (api === null) return '';
  const parts: string[] = [];
  if (api.id !== null) parts.push(`API ${api.id}${api.stage === null ? '' : `/${api.stage}`}`);
  if (api.httpMethod !== null || api.resourcePath !== null) {
    parts.push(`${api.httpMethod ?? '?'} ${api.resourcePath ?? '?'}`);
  }
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/** One readable sentence: who cannot invoke what, and why. */
export function summarize(facts: DiagnosisFacts): string {
  const target = what(facts);
  const unknown = facts.function.arn === null && facts.function.name === null;
  switch (facts.kind) {
    case 'invoke-access-denied': {
      const action = facts.action ?? 'lambda:InvokeFunction';
      const deny = facts.denyPolicyArn === null ? '' : ` (${facts.denyPolicyArn})`;
      return `${who(facts.principal)} may not call ${action} on ${target}: ${REASON_TEXT[facts.reason]}${deny}.`;
    }
    case 'apigw-invalid-permissions':
    case 'apigw-authorizer-invalid-permissions': {
      const role =
        facts.kind === 'apigw-authorizer-invalid-permissions' ? 'authorizer' : 'integration';
      const hint = unknown ? '; find it with aws apigateway get-integration / get-authorizer' : '';
      const subject = unknown
        ? `its ${role} function (the log does not name it)`
        : `the ${role} ${target}`;
      return `API Gateway${route(facts)} cannot invoke ${subject}: the function's resource-based policy does not allow apigateway.amazonaws.com for this API${hint}.`;
    }
    case 'apigw-cannot-assume-role':
      return `API Gateway${route(facts)} cannot assume the credentials role ${facts.roleArn ?? '(not named in the log)'}: the role's trust policy does not allow apigateway.amazonaws.com.`;
    case 'http-api-integration-permissions':
      return `HTTP API${route(facts)} cannot call its Lambda integration: the function's resource-based policy (or the integration's credentials role) does not allow API Gateway.`;
    case 'cognito-trigger-access-denied':
      return `Amazon Cognito cannot invoke the ${facts.trigger ?? ''} trigger of a user pool: the function's resource-based policy does not allow cognito-idp.amazonaws.com; the message names neither the pool nor the function, find them with aws cognito-idp describe-user-pool.`;
    case 'http-api-authorizer-permissions':
      return `HTTP API${route(facts)} cannot call its Lambda authorizer: the authorizer function's resource-based policy (or the authorizer's credentials role) does not allow API Gateway.`;
  }
}
