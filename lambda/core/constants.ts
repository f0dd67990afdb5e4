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
