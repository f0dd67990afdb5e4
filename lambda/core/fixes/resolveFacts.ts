/**
 * Validates every value of a diagnosis that a fix may use, once, so renderers only ever see checked
 * values. The facts come from log lines and may be masked, truncated or hostile; nothing here throws.
 */
import {
  AWS_FORMATS,
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

/** Role name of an assumed-role ARN whose other parts (e.g. a masked account) may not validate. */
function assumedRoleSegment(arn: unknown): string | null {
  return typeof arn === 'string' ? (/:assumed-role\/([^/]*)\//.exec(arn)?.[1] ?? null) : null;
}

function resolvePrincipal(facts: DiagnosisFacts): ResolvedPrincipal {
  const p = (facts.principal ?? {}) as Partial<DiagnosisFacts['principal']>;
  const type: PrincipalType = (PRINCIPAL_TYPES as readonly string[]).includes(p.type as string)
    ? (p.type as PrincipalType)
    : 'unknown';
  const role = parseIamArn('role', p.arn);
  const user = parseIamArn('user', p.arn);
  const assumed = parseAssumedRoleArn(p.arn);
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
  const accountId = checked(
    str(p.accountId) ?? role?.accountId ?? user?.accountId ?? assumed?.accountId,
    'accountId',
    "the caller's account id",
    '<CALLER_ACCOUNT_ID>',
    'the 12-digit account id of the caller',
  );
  const lastSegment = (kind: string): string | null => {
    const m =
      typeof p.arn === 'string' ? new RegExp(`:${kind}/(?:.*/)?([^/]*)$`).exec(p.arn) : null;
    return m?.[1] ?? null;
  };
  let roleName: Checked | null = null;
  let userName: Checked | null = null;
  let iamArn: Checked | null = null;
  if (type === 'assumed-role' || type === 'iam-role') {
    roleName = checked(
      // names parsed from a valid ARN first: they are path-free by construction
      role?.name ??
        assumed?.roleName ??
        str(p.roleName) ??
        (type === 'iam-role' ? lastSegment('role') : assumedRoleSegment(p.arn)),
      'iamName',
      "the caller's role name",
      '<ROLE_NAME>',
      'an IAM role name',
    );
  }
  if (type === 'iam-role') {
    iamArn = checked(p.arn, 'roleArn', "the caller's role ARN", '<ROLE_ARN>', 'an IAM role ARN');
  }
  if (type === 'iam-user') {
    userName = checked(
      user?.name ?? lastSegment('user'),
      'iamName',
      "the caller's user name",
      '<USER_NAME>',
      'an IAM user name',
    );
    iamArn = checked(p.arn, 'userArn', "the caller's user ARN", '<USER_ARN>', 'an IAM user ARN');
  }
  return { type, service, accountId, roleName, userName, iamArn };
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
        : checked(path, 'resourcePath', 'the resource path', '<RESOURCE_PATH>', 'a resource path'),
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
