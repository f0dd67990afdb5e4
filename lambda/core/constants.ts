/**
 * Constants shared by the engine (lambda/core) and the CDK stack (lib/): the subscription filter is
 * built from the same terms the engine's prefilter uses, so what is streamed and what is detected
 * cannot drift apart.
 */

/**
 * Literal substrings, one of which every line the engine diagnoses contains. CloudWatch Logs filter
 * patterns are case-sensitive and so is the prefilter.
 */
export const FILTER_TERMS = [
  // IAM sentence for lambda:InvokeFunction and lambda:InvokeFunctionUrl
  'lambda:InvokeFunction',
  // API Gateway REST execution logs
  'Invalid permissions on Lambda function',
  'does not have permission to assume the provided role',
  'Authorizer error',
  // HTTP API access logs ($context.integrationErrorMessage / authorizer error), both apostrophes
  'have permissions to call the',
  // Cognito user pool triggers: `<Trigger> invocation failed due to error AccessDeniedException`
  'invocation failed due to error',
] as const;

/** CloudWatch Logs filter pattern matching any of {@link FILTER_TERMS} (`?"a" ?"b"` is an OR). */
export const FILTER_PATTERN: string = FILTER_TERMS.map((term) => `?"${term}"`).join(' ');

/** Log group prefix API Gateway uses for REST execution logs: `API-Gateway-Execution-Logs_{id}/{stage}`. */
export const APIGW_EXECUTION_LOG_PREFIX = 'API-Gateway-Execution-Logs_';

/**
 * Names of the stacks bin/app.ts creates: the single-account responder, and the organisation's
 * central responder and member (source) stacks.
 */
export const STACK_NAMES = {
  single: 'InvokeDoctor',
  central: 'InvokeDoctorCentral',
  source: 'InvokeDoctorSource',
} as const;

/**
 * Log groups invoke-doctor's functions write to in a stack (responder, sweeper): never subscribed,
 * or the responder would read its own diagnoses in a loop.
 */
export function ownLogGroupNames(stackName: string): readonly [string, string] {
  return [`/invoke-doctor/${stackName}/responder`, `/invoke-doctor/${stackName}/sweeper`];
}

/**
 * Most bytes CloudWatch Logs accepts in a destination access policy (PutDestinationPolicy
 * `accessPolicy`: "This can be up to 5120 bytes").
 */
export const MAX_DESTINATION_POLICY_BYTES = 5120;

/** Name of the central CloudWatch Logs destination member accounts subscribe to. */
export const CENTRAL_DESTINATION_NAME = 'invoke-doctor-central';

/**
 * Name of the central responder's role, fixed so that member read roles can trust exactly it
 * (`aws:PrincipalArn`); the Region is appended because role names are global to an account.
 */
export const CENTRAL_RESPONDER_ROLE_PREFIX = 'invoke-doctor-central-responder-';

/** Name of the read-only role in each member account (Region appended, as above). */
export const MEMBER_READ_ROLE_PREFIX = 'invoke-doctor-read-';

/** Log group prefix of Lambda functions. */
export const LAMBDA_LOG_GROUP_PREFIX = '/aws/lambda/';

/**
 * Key and attribute names of the incidents table: the stack creates it (lib/), the repository codes
 * against it and the local store / tests create the same schema (ensureIncidentsTable).
 */
export const INCIDENTS_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** GSI for "list by time / status". */
  indexName: 'gsi1',
  indexPartitionKey: 'gsi1pk',
  indexSortKey: 'gsi1sk',
  /** Epoch seconds after which DynamoDB TTL deletes a resolved incident. */
  ttlAttribute: 'expiresAt',
} as const;

/**
 * Marker every alert carries next to the log text it quotes (the sample line, the message body).
 * The engine skips any log message containing it, so an alert that ends up in a watched log group
 * (a logged SNS message, a captured replay) is not diagnosed again. Spaces and brackets cannot
 * occur in the ARNs and names of a real IAM denial.
 */
export const ALERT_MARKER = '[invoke-doctor alert]';
