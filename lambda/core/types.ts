/** Shared data contract of the engine; the CLI's `--json` output and the incident store are built on it. */

/** Kinds of diagnosis the engine produces (the JSON contract's `kind`). */
export const DIAGNOSIS_KINDS = [
  'invoke-access-denied',
  'apigw-invalid-permissions',
  'apigw-authorizer-invalid-permissions',
  'apigw-cannot-assume-role',
  'http-api-integration-permissions',
  'http-api-authorizer-permissions',
  'cognito-trigger-access-denied',
] as const;
/** One of {@link DIAGNOSIS_KINDS}. */
export type DiagnosisKind = (typeof DIAGNOSIS_KINDS)[number];

/** Why IAM refused the call, from the reason clause of the message. */
export const REASONS = [
  'no-identity-policy',
  'no-resource-policy',
  'no-permissions-boundary',
  'no-session-policy',
  'no-vpc-endpoint-policy',
  'explicit-deny-scp',
  'explicit-deny-rcp',
  'explicit-deny-identity-policy',
  'explicit-deny-resource-policy',
  'explicit-deny-permissions-boundary',
  'explicit-deny-session-policy',
  'explicit-deny-vpc-endpoint-policy',
  'explicit-deny',
  'unspecified',
] as const;
/** One of {@link REASONS}. */
export type Reason = (typeof REASONS)[number];

/** Principal kinds (the JSON contract's `principal.type`). */
export const PRINCIPAL_TYPES = [
  'iam-user',
  'assumed-role',
  'iam-role',
  'root',
  'service',
  'account',
  'federated-user',
  'unknown',
] as const;
/** One of {@link PRINCIPAL_TYPES}. */
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];

/** Kinds of fix, in the order they are usually offered. */
export const FIX_KINDS = [
  'add-permission',
  'identity-policy',
  'trust-policy',
  'remove-explicit-deny',
  'locate-function',
] as const;
/** One of {@link FIX_KINDS}. */
export type FixKind = (typeof FIX_KINDS)[number];

/** Lambda actions the engine reports on. */
export type InvokeAction = 'lambda:InvokeFunction' | 'lambda:InvokeFunctionUrl';

/** One CloudWatch Logs event, whatever format it arrived in. */
export interface LogEvent {
  /** CloudWatch event id (56-digit string in real payloads); null for pasted text. */
  readonly id: string | null;
  /** Epoch milliseconds; null when the input carried no time. */
  readonly timestamp: number | null;
  readonly message: string;
}

/** Where a batch of events came from (detected by `decodeInput`). */
export type InputFormat = 'awslogs' | 'data-message' | 'filter-log-events' | 'text';

/** A group of events from one log group (and stream when known). */
export interface LogBatch {
  readonly format: InputFormat;
  readonly owner: string | null;
  readonly logGroup: string | null;
  readonly logStream: string | null;
  /** `ACCOUNT_LEVEL_POLICY` for account-level subscription policies. */
  readonly policyLevel: string | null;
  readonly events: readonly LogEvent[];
}

/** Who was denied. Unknown fields are null. */
export interface Principal {
  readonly arn: string | null;
  readonly type: PrincipalType;
  readonly accountId: string | null;
  readonly roleName: string | null;
  /** Service principal (e.g. `sns.amazonaws.com`) when the caller is, or maps to, a service. */
  readonly service: string | null;
}

/** The function that could not be invoked. Unknown fields are null. */
export interface FunctionRef {
  readonly arn: string | null;
  readonly name: string | null;
  /** Version number or alias name (`1`, `live`, `$LATEST`). */
  readonly qualifier: string | null;
  readonly accountId: string | null;
  readonly region: string | null;
}

/** The API Gateway route in front of the function, when known. */
export interface ApiRoute {
  readonly id: string | null;
  readonly stage: string | null;
  readonly httpMethod: string | null;
  readonly resourcePath: string | null;
  /** REST Lambda authorizer id (`Starting authorizer: <id> for request`), for authorizer failures. */
  readonly authorizerId?: string | null;
}

/** One way to fix the problem. `command` is null when no safe runnable command can be built. */
export interface Fix {
  readonly kind: FixKind;
  readonly description: string;
  readonly command: string | null;
  readonly cloudformation?: string;
  readonly terraform?: string;
  readonly cdk?: string;
}

/** What the engine knows about one finding before fixes are rendered. */
export interface DiagnosisFacts {
  readonly kind: DiagnosisKind;
  readonly action: InvokeAction | null;
  readonly principal: Principal;
  readonly function: FunctionRef;
  readonly api: ApiRoute | null;
  readonly reason: Reason;
  /** Policy ARN named after an explicit deny (`: arn:aws:organizations::...:policy/...`), else null. */
  readonly denyPolicyArn: string | null;
  /** Role API Gateway could not assume (`apigw-cannot-assume-role`), else null. */
  readonly roleArn: string | null;
  /** Cognito user pool trigger that could not be invoked (`PostConfirmation`), else null/absent. */
  readonly trigger?: string | null;
}

/** A diagnosis: facts, a summary and fixes, grouped over identical findings. */
export interface Diagnosis extends DiagnosisFacts {
  readonly summary: string;
  readonly fixes: readonly Fix[];
  readonly occurrences: number;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  /** Stable hash of kind + principal + function (+ qualifier) + API route; the incident key. */
  readonly fingerprint: string;
  /** Log group the finding came from, when known. */
  readonly logGroup: string | null;
  /** Ids of the distinct log events behind this diagnosis (used for exact incident counts). */
  readonly eventIds: readonly string[];
  /** API Gateway request ids behind this diagnosis (REST/HTTP), if any. */
  readonly requestIds: readonly string[];
  /** The matched text of one occurrence, trimmed to 500 characters. */
  readonly sample: string;
}
