import type { AccountCallName, AccountCalls } from '../ports/AccountReader';

const MAX_VALUE = 160;
const MAX_LINE = 400;
const LIST = 5;

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function list(values: readonly string[]): string {
  const shown = values.slice(0, LIST).join(', ');
  return values.length > LIST ? `${shown} and ${values.length - LIST} more` : shown;
}

/** IAM's own operation names for the calls that differ only by the kind of holder. */
const HOLDER_CALLS: Partial<Record<AccountCallName, Record<string, string>>> = {
  'iam:ListInlinePolicies': {
    role: 'iam:ListRolePolicies',
    user: 'iam:ListUserPolicies',
    group: 'iam:ListGroupPolicies',
  },
  'iam:GetInlinePolicy': {
    role: 'iam:GetRolePolicy',
    user: 'iam:GetUserPolicy',
    group: 'iam:GetGroupPolicy',
  },
  'iam:ListAttachedPolicies': {
    role: 'iam:ListAttachedRolePolicies',
    user: 'iam:ListAttachedUserPolicies',
    group: 'iam:ListAttachedGroupPolicies',
  },
};

/** The AWS operation a port call makes (`iam:ListRolePolicies` for a role's inline policies). */
export function operationOf(name: AccountCallName, params: unknown): string {
  const holder = (params as { holder?: unknown } | null)?.holder;
  return typeof holder === 'string' ? (HOLDER_CALLS[name]?.[holder] ?? name) : name;
}

/** `lambda:GetPolicy functionName=orders qualifier=live region=us-east-1`: the call as evidence shows it. */
export function describeCall<N extends AccountCallName>(
  name: N,
  params: AccountCalls[N]['params'],
): string {
  const words: string[] = [operationOf(name, params)];
  const holder = (params as { holder?: unknown }).holder;
  for (const [rawKey, value] of Object.entries(params as Record<string, unknown>)) {
    if (value === null || value === undefined || rawKey === 'holder') continue;
    const key = rawKey === 'name' && typeof holder === 'string' ? `${holder}Name` : rawKey;
    const text =
      typeof value === 'string'
        ? value
        : Object.entries(value as Record<string, unknown>)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(',');
    if (text !== '') words.push(`${key}=${clip(text, MAX_VALUE)}`);
  }
  return clip(words.join(' '), MAX_LINE);
}

type Describers = { [N in AccountCallName]: (result: AccountCalls[N]['result']) => string };

const sids = (policy: string): string => {
  try {
    const doc = JSON.parse(policy) as { Statement?: unknown };
    const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    const names = statements.map((s, i) =>
      typeof (s as { Sid?: unknown })?.Sid === 'string'
        ? String((s as { Sid: string }).Sid)
        : `#${i}`,
    );
    return `${names.length} statement${names.length === 1 ? '' : 's'}: ${list(names)}`;
  } catch {
    return 'a policy that is not valid JSON';
  }
};

const statementCount = (document: string): string => {
  try {
    const text = document.trim().startsWith('{') ? document : decodeURIComponent(document);
    const doc = JSON.parse(text) as { Statement?: unknown };
    const n = Array.isArray(doc.Statement) ? doc.Statement.length : 1;
    return `${n} statement${n === 1 ? '' : 's'}`;
  } catch {
    return 'a policy that is not valid JSON';
  }
};

const DESCRIBE: Describers = {
  'sts:GetCallerIdentity': (r) => `account ${r.account}`,
  'lambda:GetPolicy': (r) =>
    r === null ? 'ResourceNotFoundException: no resource-based policy' : sids(r.policy),
  'lambda:GetFunctionConfiguration': (r) =>
    r === null
      ? 'ResourceNotFoundException: no such function or qualifier'
      : `exists: ${r.functionArn}${r.version ? ` (version ${r.version})` : ''}`,
  'lambda:GetFunctionUrlConfig': (r) =>
    r === null
      ? 'ResourceNotFoundException: no function URL'
      : `function URL, AuthType ${r.authType}`,
  'apigateway:GetResources': (r) =>
    r === null
      ? 'NotFoundException: no such REST API'
      : `${r.length} resources, ${r.flatMap((x) => x.methods).filter((m) => m.integration?.uri?.includes(':lambda:')).length} Lambda integrations`,
  'apigateway:GetStage': (r) =>
    r === null
      ? 'NotFoundException: no such stage'
      : Object.keys(r.variables).length === 0
        ? 'no stage variables'
        : `stage variables ${list(Object.entries(r.variables).map(([k, v]) => `${k}=${v}`))}`,
  'apigateway:GetAuthorizers': (r) =>
    r === null ? 'NotFoundException: no such REST API' : `${r.length} authorizers`,
  'apigatewayv2:GetRoutes': (r) =>
    r === null
      ? 'NotFoundException: no such API'
      : `${r.length} routes: ${list(r.map((x) => x.routeKey))}`,
  'apigatewayv2:GetIntegrations': (r) =>
    r === null ? 'NotFoundException: no such API' : `${r.length} integrations`,
  'apigatewayv2:GetAuthorizer': (r) =>
    r === null ? 'NotFoundException: no such authorizer' : `authorizer ${r.name ?? r.id}`,
  'apigatewayv2:GetStage': (r) =>
    r === null
      ? 'NotFoundException: no such stage'
      : Object.keys(r.variables).length === 0
        ? 'no stage variables'
        : `stage variables ${list(Object.entries(r.variables).map(([k, v]) => `${k}=${v}`))}`,
  'iam:GetRole': (r) =>
    r === null
      ? 'NoSuchEntity: no such role'
      : `${r.arn}, ${r.permissionsBoundaryArn ? `permissions boundary ${r.permissionsBoundaryArn}` : 'no permissions boundary'}`,
  'iam:GetUser': (r) =>
    r === null
      ? 'NoSuchEntity: no such user'
      : `${r.arn}, ${r.permissionsBoundaryArn ? `permissions boundary ${r.permissionsBoundaryArn}` : 'no permissions boundary'}`,
  'iam:ListGroupsForUser': (r) => (r.length === 0 ? 'no groups' : `groups ${list(r)}`),
  'iam:ListInlinePolicies': (r) => (r.length === 0 ? 'no inline policies' : `inline ${list(r)}`),
  'iam:GetInlinePolicy': (r) => (r === null ? 'NoSuchEntity' : statementCount(r.document)),
  'iam:ListAttachedPolicies': (r) =>
    r.length === 0 ? 'no managed policies attached' : `attached ${list(r)}`,
  'iam:GetPolicy': (r) => (r === null ? 'NoSuchEntity' : `default version ${r.defaultVersionId}`),
  'iam:GetPolicyVersion': (r) => (r === null ? 'NoSuchEntity' : statementCount(r.document)),
  'iam:SimulatePrincipalPolicy': (results) =>
    results
      .map(
        (r) =>
          `${results.length > 1 ? `${r.action}: ` : ''}${r.decision}${r.matched.length > 0 ? ` (matched ${list(r.matched.map((m) => m.policyId))})` : ''}${r.allowedByBoundary === false ? ', not allowed by the permissions boundary' : ''}${r.allowedByOrganizations === false ? ', not allowed by the organization' : ''}`,
      )
      .join('; '),
  'cloudtrail:LookupEvents': (r) =>
    r.length === 0
      ? 'no events'
      : `${r.length} event${r.length === 1 ? '' : 's'}: ${list(r.map((e) => `${e.eventName} ${e.eventTime}`))}`,
};

/** The answer of a call in one line. */
export function describeResult<N extends AccountCallName>(
  name: N,
  result: AccountCalls[N]['result'],
): string {
  return clip((DESCRIBE[name] as (r: AccountCalls[N]['result']) => string)(result), MAX_LINE);
}

/** A failed call in one line: `failed: AccessDeniedException: User … is not authorized …`. */
export function describeFailure(code: string, message: string): string {
  return clip(`failed: ${code}: ${message}`, MAX_LINE);
}
