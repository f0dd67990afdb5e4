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
  'set-stage-variable',
  'remove-permission',
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
  /** Events of the delivery skipped because they were malformed (a message that is not a string). */
  readonly malformed?: number;
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

/** Verdicts of checking a diagnosis against the live account (the JSON contract's `verification.status`). */
export const VERIFICATION_STATUSES = ['confirmed', 'fixed', 'refuted', 'unverifiable'] as const;
/** One of {@link VERIFICATION_STATUSES}. */
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/** Why the request is denied, as the live account shows it (docs/verify.md explains each). */
export const ROOT_CAUSES = [
  'permission-missing',
  'source-arn-mismatch',
  'qualifier-mismatch',
  'stage-variable-unresolved',
  'function-not-found',
  'principal-not-allowed',
  'identity-policy-missing',
  'explicit-deny',
  'permissions-boundary',
  'trust-policy',
  'function-url-needs-both',
  'unknown',
] as const;
/** One of {@link ROOT_CAUSES}. */
export type RootCause = (typeof ROOT_CAUSES)[number];

/** One read-only call made while verifying, and its answer in one line. */
export interface VerificationEvidence {
  /** `lambda:GetPolicy function=orders qualifier=live region=us-east-1`. */
  readonly call: string;
  readonly result: string;
}

/** The policy statement the verdict rests on: the one that denies, or the nearest miss. */
export interface VerificationStatement {
  readonly sid: string | null;
  /** `resource-based policy`, an inline policy name or a managed policy ARN. */
  readonly policy: string | null;
  /** The element that decides, e.g. `ArnLike AWS:SourceArn`, `Resource`, `Principal`, `Deny`. */
  readonly subject: string;
  /** What the statement asks for. */
  readonly expected: readonly string[];
  /** What the failing request carries; null when it carries nothing there. */
  readonly actual: string | null;
}

/** The recent change CloudTrail recorded that explains the verdict. */
export interface VerificationChange {
  /** CloudTrail event name as recorded, e.g. `RemovePermission20150331v2`. */
  readonly event: string;
  /** ISO time of the event. */
  readonly at: string;
  /** Who made it (`userIdentity`), with `via cloudformation.amazonaws.com` when CloudFormation did. */
  readonly actor: string | null;
}

/** A Lambda integration or authorizer a request would be denied on, when the log names no route. */
export interface VerificationCandidate {
  /** Function ARN as the integration calls it (qualified when it is). */
  readonly function: string;
  /** `GET /orders`, `$default` or `authorizer <id>`. */
  readonly route: string;
  readonly rootCause: RootCause;
  /** The exact add-permission for this candidate, when one can be built. */
  readonly fix: string | null;
}

/** The verdict of checking a diagnosis against the live account, with the evidence it rests on. */
export interface Verification {
  readonly status: VerificationStatus;
  readonly rootCause: RootCause;
  /** ISO time of the check. */
  readonly checkedAt: string;
  /** Every read-only call made, in order, with its answer. */
  readonly evidence: readonly VerificationEvidence[];
  readonly statement: VerificationStatement | null;
  readonly change: VerificationChange | null;
  /** One paragraph for people; for `unverifiable`, which call failed and why. */
  readonly reason: string;
  /** Several integrations or authorizers fail and the log does not say which: all of them. */
  readonly candidates: readonly VerificationCandidate[];
}

/**
 * Whether a runnable grant to the caller may be rendered: `trusted` (its account is the function's,
 * the log group owner's or a configured trusted account), `organization` (only through a grant
 * limited to the trusted organization), `unconfirmed` (outside them: no runnable grant, the caller
 * must be confirmed first).
 */
export type CallerTrust = 'trusted' | 'organization' | 'unconfirmed';

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
  /** The live-account verdict, when verification ran (`--verify`, or the deployed responder). */
  readonly verification?: Verification | null;
  /**
   * Provenance of the first occurrence, so a person can check the source before acting: the log
   * stream, the account owning the log group (the delivery's `owner`), the CloudWatch event id
   * (`line:N` for pasted text) and the API Gateway request id. Null when unknown; absent only in
   * incidents stored before these fields existed.
   */
  readonly logStream?: string | null;
  readonly logOwner?: string | null;
  readonly eventId?: string | null;
  readonly requestId?: string | null;
  /** Trust of the caller's account; null when the caller is not an account (a service, unknown). */
  readonly callerTrust?: CallerTrust | null;
}
