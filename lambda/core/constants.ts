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
] as const;

/** CloudWatch Logs filter pattern matching any of {@link FILTER_TERMS} (`?"a" ?"b"` is an OR). */
export const FILTER_PATTERN: string = FILTER_TERMS.map((term) => `?"${term}"`).join(' ');

/** Log group prefix API Gateway uses for REST execution logs: `API-Gateway-Execution-Logs_{id}/{stage}`. */
export const APIGW_EXECUTION_LOG_PREFIX = 'API-Gateway-Execution-Logs_';

/** Log group prefix of Lambda functions. */
export const LAMBDA_LOG_GROUP_PREFIX = '/aws/lambda/';

/**
 * Names of the environment variables the stack sets on its functions. Only lambda/adapters reads
 * them (runtimeConfig); lib/ sets them. Listed here so the two cannot disagree.
 */
export const RUNTIME_ENV = {
  /** DynamoDB incidents table name (absent: incidents disabled, diagnoses are only logged). */
  incidentsTable: 'INCIDENTS_TABLE_NAME',
  /** SNS alert topic ARN. */
  alertTopicArn: 'ALERT_TOPIC_ARN',
  /** Secrets Manager secret id (ARN or name) holding the Slack incoming-webhook URL; absent: no Slack. */
  slackWebhookSecret: 'SLACK_WEBHOOK_SECRET_ID',
  /** `true` to publish Amazon Q Developer in chat applications custom notifications to SNS. */
  chatFormat: 'SNS_CHAT_FORMAT',
  /** Minutes between update notifications while an incident continues (default 15). */
  updateIntervalMinutes: 'UPDATE_INTERVAL_MINUTES',
  /** Minutes without occurrences after which an incident is resolved (default 10). */
  quietPeriodMinutes: 'QUIET_PERIOD_MINUTES',
  /** Days a resolved incident is kept before DynamoDB TTL removes it (default 90). */
  resolvedTtlDays: 'RESOLVED_TTL_DAYS',
  /** `false` disables the FilterLogEvents context lookup (default enabled). */
  contextLookup: 'CONTEXT_LOOKUP',
} as const;

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
