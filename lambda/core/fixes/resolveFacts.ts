/**
 * Validates every value of a diagnosis that a fix may use, once, so renderers only ever see checked
 * values. The facts come from log lines and may be masked, truncated or hostile; nothing here throws.
 */
import {
  AWS_FORMATS,
  accountOfArn,
  looksMasked,
  parseAssumedRoleArn,
  parseFunctionArn,
  parseIamArn,
  partitionOfRegion,
} from '../awsFormats';
import { COGNITO_TRIGGERS, type CognitoTrigger } from '../formats/cognitoTrigger';
import {
  DIAGNOSIS_KINDS,
  type DiagnosisFacts,
  type DiagnosisKind,
  PRINCIPAL_TYPES,
  type PrincipalType,
  REASONS,
  type Reason,
} from '../types';
import { type Checked, checked, composite, invalid, valid } from './checked';

/** The function as far as it is known, every part checked. */
export interface ResolvedFunction {
  /** True when the log named the function at all (name or ARN). */
  readonly known: boolean;
  readonly partition: Checked;
  readonly region: Checked;
  readonly accountId: Checked;
  readonly name: Checked;
  /** Version or alias; null for unqualified and `$LATEST` (whose policy is the function's). */
  readonly qualifier: Checked | null;
  /** Unqualified function ARN. */
  readonly arn: Checked;
  /** ARN including the qualifier when there is one. */
  readonly qualifiedArn: Checked;
}

/** The denied principal, every part checked. */
export interface ResolvedPrincipal {
  readonly type: PrincipalType;
  /** Service principal when the caller is (or maps to) an AWS service. */
  readonly service: Checked | null;
  readonly accountId: Checked;
  /** Role name (without path) for roles and assumed roles. */
  readonly roleName: Checked | null;
  /** User name (without path) for IAM users. */
  readonly userName: Checked | null;
  /** Role or user ARN (with path) usable as a resource-policy principal; null for other types. */
  readonly iamArn: Checked | null;
  /** The resource that invoked as a service (a CloudWatch alarm ARN), when the log names it. */
  readonly sourceArn?: Checked | null;
}

/** The API Gateway route, every part checked; null parts are unknown. */
export interface ResolvedApi {
  readonly id: Checked;
  readonly stage: Checked | null;
  /** Upper-case method; null when unknown. */
  readonly method: Checked | null;
  readonly resourcePath: Checked | null;
  readonly authorizerId: Checked | null;
}

/** Facts after validation. */
export interface ResolvedFacts {
  readonly kind: DiagnosisKind;
  readonly reason: Reason;
  readonly action: 'lambda:InvokeFunction' | 'lambda:InvokeFunctionUrl';
  readonly fn: ResolvedFunction;
  readonly principal: ResolvedPrincipal;
  readonly api: ResolvedApi | null;
  readonly denyPolicyArn: string | null;
  readonly roleArn: unknown;
  /** Cognito trigger name, only when it is one of COGNITO_TRIGGERS. */
  readonly trigger: CognitoTrigger | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function resolveFunction(facts: DiagnosisFacts): ResolvedFunction {
  const ref = (facts.function ?? {}) as Partial<DiagnosisFacts['function']>;
  const fromArn = parseFunctionArn(ref.arn);
  const name = str(ref.name) ?? fromArn?.name ?? null;
  const known = name !== null || str(ref.arn) !== null;
  const region = checked(
    str(ref.region) ?? fromArn?.region,
    'region',
    "the function's region",
    '<REGION>',
    'a region code such as us-east-1',
  );
  const accountId = checked(
    str(ref.accountId) ?? fromArn?.accountId,
    'accountId',
    "the function's account id",
    '<FUNCTION_ACCOUNT_ID>',
    'the 12-digit account id that owns the function',
  );
  const nameChecked = checked(
    name,
    'functionName',
    'the function name',
    '<FUNCTION_NAME>',
    'a Lambda function name',
  );
  const partition: Checked = fromArn
    ? valid(fromArn.partition)
    : region.ok
      ? valid(partitionOfRegion(region.value))
      : invalid('<PARTITION>', region.ok ? '' : region.problem);
  const rawQualifier = str(ref.qualifier) ?? fromArn?.qualifier ?? null;
  const qualifier =
    rawQualifier === null || rawQualifier === '$LATEST'
      ? null
      : checked(
          rawQualifier,
          'qualifier',
          'the function qualifier',
          '<VERSION_OR_ALIAS>',
          'a version number or alias name',
        );
  const arnParts = [partition, region, accountId, nameChecked];
  const build = ([p, r, a, n, q]: string[]) =>
    `arn:${p}:lambda:${r}:${a}:function:${n}${q === undefined ? '' : `:${q}`}`;
  const arn = composite(arnParts, build, '<FUNCTION_ARN>');
  const qualifiedArn = composite(
    qualifier ? [...arnParts, qualifier] : arnParts,
    build,
    '<FUNCTION_ARN>',
  );
  return {
    known,
    partition,
    region,
    accountId,
    name: nameChecked,
    qualifier,
    arn: verified(arn, AWS_FORMATS.functionArn),
    qualifiedArn: verified(qualifiedArn, AWS_FORMATS.functionArn),
  };
}

/** Re-checks a composed value against its whole format (belt and braces). */
function verified(value: Checked, format: RegExp): Checked {
  if (!value.ok || format.test(value.value)) return value;
  return invalid('<FUNCTION_ARN>', 'the function ARN could not be built from the log');
}

/** The caller's ARN parsed as a whole for its type; null when it does not validate. */
interface WholeArn {
  readonly accountId: string;
  /** Role or user name without its path (null for root and federated users). */
  readonly name: string | null;
}

const ARN_KINDS: Partial<
  Record<PrincipalType, { readonly what: string; readonly placeholder: string }>
> = {
  'iam-role': { what: 'an IAM role ARN', placeholder: '<ROLE_ARN>' },
  'iam-user': { what: 'an IAM user ARN', placeholder: '<USER_ARN>' },
  'assumed-role': { what: 'an assumed-role ARN', placeholder: '<ROLE_NAME>' },
  root: { what: 'a root user ARN', placeholder: '<CALLER_ACCOUNT_ID>' },
  'federated-user': { what: 'a federated user ARN', placeholder: '<CALLER_ACCOUNT_ID>' },
};

function wholeArn(type: PrincipalType, arn: string): WholeArn | null {
  switch (type) {
    case 'iam-role':
    case 'iam-user': {
      const parsed = parseIamArn(type === 'iam-role' ? 'role' : 'user', arn);
      return parsed ? { accountId: parsed.accountId, name: parsed.name } : null;
    }
    case 'assumed-role': {
      const parsed = parseAssumedRoleArn(arn);
      return parsed ? { accountId: parsed.accountId, name: parsed.roleName } : null;
    }
    case 'root':
    case 'federated-user': {
      const accountId = accountOfArn(type === 'root' ? 'rootArn' : 'federatedUserArn', arn);
      return accountId ? { accountId, name: null } : null;
    }
    default:
      return null;
  }
}

/**
 * Why a caller ARN that does not validate as a whole yields no principal: a masked account says
 * so; anything else (`role/x$(touch /tmp/x)`, `role/*`, a look-alike letter, an escape sequence)
 * is refused whole. No part of it (its account, its last segment) is used instead, because a
 * shorter or broader principal is a different identity: `role/x;y` is not `role/y`, and the
 * account is every principal of that account.
 */
function arnProblem(type: PrincipalType, arn: string): string {
  const account = arn.split(':')[4];
  if (account !== undefined && account !== '' && looksMasked(account)) {
    return `the caller's account id is masked in the log: fill in <CALLER_ACCOUNT_ID> and the caller's name`;
  }
  const expected = ARN_KINDS[type]?.what ?? 'an IAM principal ARN';
  return `the caller's ARN in the log is not valid as a whole (expected ${expected}), so no principal was taken from any part of it: confirm the caller and fill in ${ARN_KINDS[type]?.placeholder ?? '<PRINCIPAL>'}`;
}

function resolvePrincipal(facts: DiagnosisFacts): ResolvedPrincipal {
  const p = (facts.principal ?? {}) as Partial<DiagnosisFacts['principal']>;
  const type: PrincipalType = (PRINCIPAL_TYPES as readonly string[]).includes(p.type as string)
    ? (p.type as PrincipalType)
    : 'unknown';
  const service =
    str(p.service) !== null || type === 'service'
      ? checked(
          str(p.service) ?? (type === 'service' ? str(p.arn) : null),
          'servicePrincipal',
          'the service principal',
          '<SERVICE_PRINCIPAL>',
          'a service principal such as sns.amazonaws.com',
        )
      : null;
  const arn = str(p.arn);
  const whole = arn === null ? null : wholeArn(type, arn);
  // An ARN that does not validate as a whole: nothing about the caller is usable. Nor is anything
  // of a caller whose ARN the parser dropped (masked or malformed) but whose account it kept: the
  // account alone would widen the grant from one caller to a whole account.
  const refused =
    service === null && arn !== null && whole === null
      ? arnProblem(type, arn)
      : service === null && arn === null && type !== 'account' && str(p.accountId) !== null
        ? "the caller's ARN is masked or malformed in the log: fill in the caller once it is confirmed"
        : null;
  const accountId = refused
    ? invalid('<CALLER_ACCOUNT_ID>', refused)
    : checked(
        whole?.accountId ?? str(p.accountId),
        'accountId',
        "the caller's account id",
        '<CALLER_ACCOUNT_ID>',
        'the 12-digit account id of the caller',
      );
  const name = (placeholder: string, label: string, expected: string): Checked =>
    refused
      ? invalid(placeholder, refused)
      : checked(whole?.name ?? str(p.roleName), 'iamName', label, placeholder, expected);
  let roleName: Checked | null = null;
  let userName: Checked | null = null;
  let iamArn: Checked | null = null;
  if (type === 'assumed-role' || type === 'iam-role') {
    roleName = name('<ROLE_NAME>', "the caller's role name", 'an IAM role name');
  }
  if (type === 'iam-role') {
    iamArn = refused
      ? invalid('<ROLE_ARN>', refused)
      : checked(arn, 'roleArn', "the caller's role ARN", '<ROLE_ARN>', 'an IAM role ARN');
  }
  if (type === 'iam-user') {
    userName = refused
      ? invalid('<USER_NAME>', refused)
      : checked(
          whole?.name ?? null,
          'iamName',
          "the caller's user name",
          '<USER_NAME>',
          'an IAM user name',
        );
    iamArn = refused
      ? invalid('<USER_ARN>', refused)
      : checked(arn, 'userArn', "the caller's user ARN", '<USER_ARN>', 'an IAM user ARN');
  }
  // `Resource: arn:aws:cloudwatch:...:alarm:<name> is not authorized`: the alarm is the source.
  const sourceArn = service !== null && AWS_FORMATS.alarmArn.test(arn ?? '') ? valid(arn!) : null;
  return { type, service, accountId, roleName, userName, iamArn, sourceArn };
}

function resolveApi(facts: DiagnosisFacts): ResolvedApi | null {
  const api = facts.api as
    | (Partial<NonNullable<DiagnosisFacts['api']>> & { authorizerId?: unknown })
    | null;
  if (!api || typeof api !== 'object') return null;
  const method = str(api.httpMethod);
  const path = str(api.resourcePath);
  const stage = str(api.stage);
  return {
    id: checked(api.id, 'apiId', 'the API id', '<API_ID>', 'a 10-character API Gateway id'),
    stage:
      stage === null ? null : checked(stage, 'stageName', 'the stage', '<STAGE>', 'a stage name'),
    method:
      method === null
        ? null
        : checked(
            method.toUpperCase(),
            'httpMethod',
            'the HTTP method',
            '<METHOD>',
            'an HTTP method',
          ),
    resourcePath:
      path === null
        ? null
        : method === null && !path.startsWith('/')
          ? // A route key without a method: an HTTP API's `$default`, a WebSocket API's `$connect`.
            checked(path, 'routeKey', 'the route key', '<ROUTE_KEY>', 'a route key')
          : checked(
              path,
              'resourcePath',
              'the resource path',
              '<RESOURCE_PATH>',
              'a resource path',
            ),
    authorizerId:
      str(api.authorizerId) === null
        ? null
        : checked(
            api.authorizerId,
            'authorizerId',
            'the authorizer id',
            '<AUTHORIZER_ID>',
            'an authorizer id',
          ),
  };
}

/** Validates the facts of a diagnosis for fix rendering; unknown enum values degrade safely. */
export function resolveFacts(facts: DiagnosisFacts): ResolvedFacts {
  const kind: DiagnosisKind = (DIAGNOSIS_KINDS as readonly string[]).includes(facts.kind)
    ? facts.kind
    : 'invoke-access-denied';
  const reason: Reason = (REASONS as readonly string[]).includes(facts.reason)
    ? facts.reason
    : 'unspecified';
  return {
    kind,
    reason,
    action:
      facts.action === 'lambda:InvokeFunctionUrl'
        ? 'lambda:InvokeFunctionUrl'
        : 'lambda:InvokeFunction',
    fn: resolveFunction(facts),
    principal: resolvePrincipal(facts),
    api: resolveApi(facts),
    denyPolicyArn: str(facts.denyPolicyArn),
    roleArn: facts.roleArn,
    trigger: (COGNITO_TRIGGERS as readonly unknown[]).includes(facts.trigger)
      ? (facts.trigger as CognitoTrigger)
      : null,
  };
}
