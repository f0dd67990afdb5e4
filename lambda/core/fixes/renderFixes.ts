/**
 * Turns the facts of a diagnosis into fixes, in priority order. Every value copied from a log line
 * is checked against a strict AWS format (resolveFacts) before a renderer sees it, and a command is
 * null whenever a value it needs is missing, masked or malformed.
 */

import type { CallerTrust, DiagnosisFacts, Fix } from '../types';
import { callerTrust, type GrantTrust, NO_EXTRA_TRUST } from './callerTrust';
import { type Checked, invalid, shown, valid } from './checked';
import { executeApiArn, isRouteKey } from './executeApiArn';
import { type PermissionGrant, renderAddPermission } from './renderAddPermission';
import { renderExplicitDeny } from './renderExplicitDeny';
import { renderIdentityPolicy } from './renderIdentityPolicy';
import { renderLocateFunction } from './renderLocateFunction';
import { renderPolicyGuardrail } from './renderPolicyGuardrail';
import { renderTrustPolicy } from './renderTrustPolicy';
import { type ResolvedFacts, resolveFacts } from './resolveFacts';

const APIGATEWAY = 'apigateway.amazonaws.com';

/** What the `--source-arn` of a service principal usually is, for the narrowing hint. */
const SOURCE_ARN_HINTS: Record<string, string> = {
  'sns.amazonaws.com': 'the topic ARN',
  'events.amazonaws.com': 'the EventBridge rule ARN',
  's3.amazonaws.com': 'the bucket ARN (arn:aws:s3:::<bucket>)',
  'logs.amazonaws.com': 'the log group ARN ending in :*',
  'lambda.alarms.cloudwatch.amazonaws.com': 'the alarm ARN',
  'cognito-idp.amazonaws.com': 'the user pool ARN',
  'sqs.amazonaws.com': 'the queue ARN',
  'iot.amazonaws.com': 'the IoT rule ARN',
  'config.amazonaws.com': 'the Config rule ARN',
  'secretsmanager.amazonaws.com': 'the secret ARN',
};

const isExplicitDeny = (r: ResolvedFacts): boolean => r.reason.startsWith('explicit-deny');

/** How a grant to the caller is limited by the trust boundary (see callerTrust). */
interface Boundary {
  readonly trust: CallerTrust | null;
  readonly organizationId: string | null;
}

/**
 * Why a grant to an account outside the trusted ones is not runnable: the line may be forged,
 * so the caller must be confirmed before anything is granted.
 */
function untrusted(r: ResolvedFacts): string {
  const account = r.principal.accountId.ok ? r.principal.accountId.value : null;
  const named = account === null ? 'its account' : `account ${account}`;
  return `the caller (${named}) is not one of the trusted accounts (the function's account, the account owning the log group, trustedAccounts / --trust-account): anyone who can write to a watched log can name any account, so confirm who the caller is, then trust ${account === null ? 'its account' : `it (--trust-account ${account})`} to get a runnable command`;
}

/** The resource-policy statement a withheld grant would add, as text to review (never a command). */
function statementToReview(r: ResolvedFacts, principal: string | null): string | null {
  if (principal === null || !r.fn.qualifiedArn.ok) return null;
  const aws = /^[0-9]{12}$/.test(principal) ? `arn:aws:iam::${principal}:root` : principal;
  return JSON.stringify({
    Effect: 'Allow',
    Principal: { AWS: aws },
    Action: r.action,
    Resource: r.fn.qualifiedArn.value,
  });
}

/** A service grant: always `--source-account`, and `--source-arn` when the log names the source. */
function serviceGrant(r: ResolvedFacts, service: Checked): PermissionGrant {
  const name = service.ok ? service.value : null;
  const isLogs = name !== null && /^logs\.([a-z0-9-]+\.)?amazonaws\.com$/.test(name);
  const hint = name
    ? (SOURCE_ARN_HINTS[name] ?? (isLogs ? SOURCE_ARN_HINTS['logs.amazonaws.com'] : undefined))
    : undefined;
  const sourceArn = r.principal.sourceArn ?? null;
  // The source lives in the function's account unless the log names it (an alarm ARN).
  const sourceAccount: Checked =
    sourceArn?.ok === true
      ? valid(sourceArn.value.split(':')[4] ?? '')
      : r.fn.accountId.ok
        ? r.fn.accountId
        : invalid(
            '<SOURCE_ACCOUNT_ID>',
            "the account of the resource that invokes the function is unknown (the function's account is not known either): fill in <SOURCE_ACCOUNT_ID>",
          );
  const notes = [
    '--source-account limits the statement to sources in that account: without it, a topic, rule, bucket or pool of any other account could invoke the function (the confused deputy); change it if the source lives in another account.',
  ];
  if (sourceArn === null) {
    notes.push(
      `Narrow it to the one resource that invokes the function by adding --source-arn <${hint ?? 'ARN of the resource that invokes it'}>.`,
    );
  }
  return {
    principal: service,
    principalKind: 'service',
    label: name ? name.replace(/\.amazonaws\.com(\.cn)?$/, '') : 'service',
    sourceArn,
    sourceAccount,
    principalOrgId: null,
    why: `${name ?? 'The service'} is not allowed to invoke the function: services invoke through the function's resource-based policy.`,
    notes,
  };
}

/** The add-permission grant for the denied caller itself (service, other account, or same account). */
function callerGrant(r: ResolvedFacts, crossAccount: boolean, boundary: Boundary): PermissionGrant {
  const p = r.principal;
  if (p.service) return serviceGrant(r, p.service);
  const useArn = p.iamArn?.ok === true;
  const principal = useArn ? p.iamArn! : p.accountId;
  const notes = useArn
    ? []
    : [
        `This grants the whole account ${shown(p.accountId)}; the caller's identity policy still decides which of its roles may invoke. To name one role instead, use --principal arn:aws:iam::<account>:role/<path/><name> (the role ARN, with its path).`,
      ];
  let withheld: Checked = principal;
  let principalOrgId: Checked | null = null;
  if (boundary.trust === 'unconfirmed' && principal.ok) {
    withheld = invalid('<CONFIRMED_PRINCIPAL>', untrusted(r));
    const review = statementToReview(r, principal.value);
    if (review !== null) notes.push(`Statement to review once the caller is confirmed: ${review}`);
  } else if (boundary.trust === 'organization' && boundary.organizationId !== null) {
    principalOrgId = valid(boundary.organizationId);
    notes.push(
      `Account ${shown(p.accountId)} is not a listed trusted account: --principal-org-id limits the statement to callers in organization ${boundary.organizationId}, so it grants nothing if the account is outside it.`,
    );
  }
  return {
    principal: withheld,
    principalKind: useArn ? 'arn' : 'account',
    label: crossAccount ? 'cross-account' : 'caller',
    sourceArn: null,
    sourceAccount: null,
    principalOrgId,
    why: crossAccount
      ? `The caller is in account ${shown(p.accountId)}, the function in ${shown(r.fn.accountId)}: a cross-account invoke needs a statement in the function's resource-based policy (run this in the function's account) as well as an identity policy allowing it in the caller's account.`
      : "The function's resource-based policy does not allow this caller.",
    notes,
  };
}

/** The add-permission grant for API Gateway (REST integration/authorizer or HTTP API). */
function apiGatewayGrant(r: ResolvedFacts): PermissionGrant {
  const authorizer =
    r.kind === 'apigw-authorizer-invalid-permissions' ||
    r.kind === 'http-api-authorizer-permissions';
  const sourceArn = executeApiArn(r, authorizer ? 'authorizer' : 'route-any-stage');
  const notes: string[] = [];
  if (authorizer) {
    notes.push(
      'Authorizer permissions are stage-independent; with the authorizer id the source ARN can name just that authorizer (…/authorizers/<AUTHORIZER_ID>).',
    );
  } else {
    // Console tests run as stage `null` / `test-invoke-stage`: no stage-specific form for those.
    const realStage =
      r.api?.stage?.ok && !['null', 'test-invoke-stage'].includes(r.api.stage.value);
    const stage = realStage ? executeApiArn(r, 'route-this-stage') : null;
    if (stage?.ok) {
      notes.push(
        `To allow only stage ${r.api?.stage?.ok ? r.api.stage.value : ''}, use --source-arn ${stage.value} instead (the console's Test button calls with stage null/test-invoke-stage and will still fail).`,
      );
    }
    const whole = executeApiArn(r, 'whole-api');
    if (!isRouteKey(r)) {
      notes.push(
        `The source ARN names the resource's method and path template; if the resource is a greedy {proxy+} or the method is ANY and the log showed the request instead, use ${whole.ok ? whole.value : 'arn:<partition>:execute-api:<region>:<account>:<API_ID>/*/*/*'} (every route of this API).`,
      );
    }
    notes.push(
      'If the integration uses a credentials role (or caller credentials), that role needs lambda:InvokeFunction instead of this statement.',
    );
  }
  return {
    principal: valid(APIGATEWAY),
    principalKind: 'service',
    label: authorizer ? 'apigateway-authorizer' : 'apigateway',
    // The execute-api source ARN names the API's account: no --source-account needed.
    sourceArn,
    sourceAccount: null,
    principalOrgId: null,
    why: authorizer
      ? 'API Gateway may not invoke the authorizer function: its resource-based policy must allow apigateway.amazonaws.com for this API.'
      : 'API Gateway may not invoke the integration function: its resource-based policy must allow apigateway.amazonaws.com for this API route.',
    notes,
  };
}

/** Fixes for the IAM sentence (`... is not authorized to perform: lambda:InvokeFunction ...`). */
function invokeDenied(r: ResolvedFacts, boundary: Boundary): Fix[] {
  if (isExplicitDeny(r)) return [renderExplicitDeny(r)];
  if (
    r.reason === 'no-permissions-boundary' ||
    r.reason === 'no-session-policy' ||
    r.reason === 'no-vpc-endpoint-policy'
  ) {
    return [renderPolicyGuardrail(r)];
  }
  const p = r.principal;
  if (p.service) return [renderAddPermission(r, callerGrant(r, false, boundary))];
  const crossAccount =
    p.accountId.ok && r.fn.accountId.ok && p.accountId.value !== r.fn.accountId.value;
  const identity = identityFix(r, crossAccount, boundary);
  const grant = () => renderAddPermission(r, callerGrant(r, crossAccount, boundary));
  if (r.reason === 'no-resource-policy') return [grant()];
  if (r.reason === 'no-identity-policy') return crossAccount ? [identity, grant()] : [identity];
  // No reason clause (older messages): same account -> identity policy; cross-account needs both.
  return crossAccount ? [grant(), identity] : [identity];
}

/**
 * The identity of the caller withheld by the trust boundary: the name becomes a placeholder whose
 * problem says why; the notes carry the policy to review. An identity policy cannot be limited to
 * an organization, so `organization` withholds it too.
 */
function withheldName(r: ResolvedFacts, name: Checked, boundary: Boundary): Checked {
  if (boundary.trust === 'trusted' || boundary.trust === null || !name.ok) return name;
  const problem =
    boundary.trust === 'organization'
      ? `the caller's account ${shown(r.principal.accountId)} is not a listed trusted account and an identity policy cannot be limited to organization ${boundary.organizationId}: confirm the caller, then trust it (--trust-account ${shown(r.principal.accountId)}) to get a runnable command`
      : untrusted(r);
  return invalid('<CONFIRMED_NAME>', problem);
}

const IAM_IDENTITIES: ReadonlySet<string> = new Set(['assumed-role', 'iam-role', 'iam-user']);

/**
 * The identity-policy fix for the caller, or an explanation when the caller cannot carry one. When
 * the caller's account is masked (or missing), whether the call crossed accounts is unknown, and so
 * is the account the command must run in: no runnable command then, only the template.
 */
function identityFix(r: ResolvedFacts, crossAccount: boolean, boundary: Boundary): Fix {
  const fix = identityFixFor(r, crossAccount, boundary);
  if (fix.command === null || r.principal.accountId.ok || !IAM_IDENTITIES.has(r.principal.type)) {
    return fix;
  }
  // snippets go with the command: neither is given when the account to apply them in is unknown
  return {
    kind: fix.kind,
    description: `${fix.description} No runnable command: ${r.principal.accountId.problem}; run it in that account (if it is not the function's, the function also needs add-permission for the caller). Template: ${fix.command}`,
    command: null,
  };
}

function identityFixFor(r: ResolvedFacts, crossAccount: boolean, boundary: Boundary): Fix {
  const p = r.principal;
  const where = crossAccount
    ? ` Run it with credentials of the caller's account ${shown(p.accountId)}.`
    : '';
  const why = `No identity-based policy of the caller allows ${r.action} on the function.${where}`;
  if (p.roleName) {
    const notes =
      p.roleName.ok && p.roleName.value.startsWith('AWSReservedSSO_')
        ? [
            'This role is managed by IAM Identity Center: add the statement to the permission set instead, or the change will be reverted.',
          ]
        : [];
    return renderIdentityPolicy(r, {
      kind: 'role',
      name: withheldName(r, p.roleName, boundary),
      why,
      notes,
      reviewName: p.roleName.ok ? p.roleName.value : null,
    });
  }
  if (p.userName) {
    return renderIdentityPolicy(r, {
      kind: 'user',
      name: withheldName(r, p.userName, boundary),
      why,
      notes: [],
      reviewName: p.userName.ok ? p.userName.value : null,
    });
  }
  const who =
    p.type === 'root'
      ? 'The caller is the account root user, which cannot carry IAM policies'
      : p.type === 'federated-user'
        ? 'The caller is a federated user: its permissions are those of the IAM user that called GetFederationToken, intersected with the session policy passed then'
        : 'The log does not say which role or user made the call';
  return {
    kind: 'identity-policy',
    description: `${why} ${who}; grant ${r.action} on ${r.fn.arn.ok ? `${r.fn.arn.value} and ${r.fn.arn.value}:*` : 'the function ARN and <FUNCTION_ARN>:*'} to the calling identity.`,
    command: null,
  };
}

/** Fixes for API Gateway REST "Invalid permissions on Lambda function" (integration or authorizer). */
function apiGatewayInvalidPermissions(r: ResolvedFacts): Fix[] {
  const grant = renderAddPermission(r, apiGatewayGrant(r));
  return r.fn.known ? [grant] : [renderLocateFunction(r), grant];
}

/** Fixes for HTTP API access-log findings: locate first unless the function is known. */
function httpApi(r: ResolvedFacts): Fix[] {
  if (r.fn.known) return [renderAddPermission(r, apiGatewayGrant(r)), renderLocateFunction(r)];
  return [renderLocateFunction(r)];
}

/**
 * Fixes for a Cognito trigger Cognito could not invoke: find the pool and its trigger function
 * first (the message names neither), then the grant to fill in with them.
 */
function cognitoTrigger(r: ResolvedFacts): Fix[] {
  const trigger = r.trigger ?? 'trigger';
  return [
    renderLocateFunction(r),
    renderAddPermission(r, {
      principal: valid('cognito-idp.amazonaws.com'),
      principalKind: 'service',
      label: 'cognito',
      sourceArn: invalid(
        '<USER_POOL_ARN>',
        'the user pool is not in the message: fill in <USER_POOL_ARN> (arn:aws:cognito-idp:<region>:<account>:userpool/<POOL_ID>)',
      ),
      sourceAccount: null,
      why: `Cognito may not invoke the ${trigger} function: its resource-based policy must allow cognito-idp.amazonaws.com from this user pool.`,
      notes: [],
    }),
  ];
}

/**
 * Renders the fixes for a diagnosis, in priority order; never throws on odd or hostile facts. A
 * grant to a caller outside `trust` (and the function's own account) is never runnable: its
 * command is null and its description says to confirm the caller and shows what to review.
 */
export function renderFixes(facts: DiagnosisFacts, trust: GrantTrust = NO_EXTRA_TRUST): Fix[] {
  const r = resolveFacts(facts);
  const boundary: Boundary = {
    trust: callerTrust(facts, trust),
    organizationId: trust.organizationId,
  };
  switch (r.kind) {
    case 'apigw-cannot-assume-role':
      return [renderTrustPolicy(r)];
    case 'apigw-invalid-permissions':
    case 'apigw-authorizer-invalid-permissions':
      return isExplicitDeny(r) ? [renderExplicitDeny(r)] : apiGatewayInvalidPermissions(r);
    case 'http-api-integration-permissions':
    case 'http-api-authorizer-permissions':
      return httpApi(r);
    case 'cognito-trigger-access-denied':
      return isExplicitDeny(r) ? [renderExplicitDeny(r)] : cognitoTrigger(r);
    default:
      return invokeDenied(r, boundary);
  }
}
