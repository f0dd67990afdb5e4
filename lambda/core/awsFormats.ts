/**
 * Strict formats of the AWS identifiers invoke-doctor copies from log lines into commands and
 * snippets. A value reaches a command only after it matched one of these whole-string patterns, so
 * nothing a log line carries (masked ids, `$(...)`, quotes, newlines) can change what a command does.
 */

/** Partitions we render ARNs for. */
const PARTITION = '(?:aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc)';
/**
 * Region codes: a known geography prefix, an optional isolated-partition infix, an optional
 * sub-geography (`eusc-de-east-1`) and a compass direction; a placeholder or garbage never matches.
 */
const REGION =
  '(?:af|ap|ca|cn|eu|eusc|il|me|mx|sa|us)(?:-gov|-iso|-isob|-isoe|-isof)?(?:-[a-z]{2})?' +
  '-(?:central|north|south|east|west|northeast|northwest|southeast|southwest)-[1-9][0-9]?';
const ACCOUNT = '[0-9]{12}';
const FUNCTION_NAME = '[a-zA-Z0-9_-]{1,64}';
/** Version (digits), `$LATEST`, or an alias (not all digits). */
const QUALIFIER = '(?:[0-9]{1,10}|\\$LATEST|(?![0-9]+$)[a-zA-Z0-9_-]{1,128})';
/** IAM role/user names (`[\w+=,.@-]`); ASCII only because the `u` flag is never set. */
const IAM_NAME = '[\\w+=,.@-]{1,64}';
/** IAM paths, restricted to the name alphabet so that no shell-special byte can pass. */
const IAM_PATH = '/(?:[\\w+=,.@-]+/)*';

const whole = (source: string): RegExp => new RegExp(`^${source}$`);

/** Compiled whole-string patterns, exported for tests and callers that need the raw regex. */
export const AWS_FORMATS = {
  accountId: whole(ACCOUNT),
  region: whole(REGION),
  partition: whole(PARTITION),
  functionName: whole(FUNCTION_NAME),
  qualifier: whole(QUALIFIER),
  version: /^[0-9]{1,10}$/,
  alias: /^(?![0-9]+$)[a-zA-Z0-9_-]{1,128}$/,
  functionArn: whole(
    `arn:(${PARTITION}):lambda:(${REGION}):(${ACCOUNT}):function:(${FUNCTION_NAME})(?::(${QUALIFIER}))?`,
  ),
  roleArn: whole(`arn:(${PARTITION}):iam::(${ACCOUNT}):role(${IAM_PATH})(${IAM_NAME})`),
  userArn: whole(`arn:(${PARTITION}):iam::(${ACCOUNT}):user(${IAM_PATH})(${IAM_NAME})`),
  assumedRoleArn: whole(
    `arn:(${PARTITION}):sts::(${ACCOUNT}):assumed-role/(${IAM_NAME})/([\\w+=,.@-]{2,64})`,
  ),
  /** The account root user: `arn:<partition>:iam::<account>:root`. */
  rootArn: whole(`arn:(${PARTITION}):iam::(${ACCOUNT}):root`),
  /** A federated user (GetFederationToken): `arn:<partition>:sts::<account>:federated-user/<name>`. */
  federatedUserArn: whole(
    `arn:(${PARTITION}):sts::(${ACCOUNT}):federated-user/([\\w+=,.@-]{2,32})`,
  ),
  /** A CloudWatch alarm, the source of `lambda.alarms.cloudwatch.amazonaws.com` invocations. */
  alarmArn: whole(
    `arn:${PARTITION}:cloudwatch:${REGION}:${ACCOUNT}:alarm:[A-Za-z0-9_.+=@/-]{1,255}`,
  ),
  iamName: whole(IAM_NAME),
  /** Inline policy names: `[\w+=,.@-]{1,128}`. */
  policyName: /^[\w+=,.@-]{1,128}$/,
  /** Customer or AWS managed IAM policy ARN. */
  iamPolicyArn: whole(
    `arn:(${PARTITION}):iam::(${ACCOUNT}|aws):policy(${IAM_PATH})([\\w+=,.@-]{1,128})`,
  ),
  /** SCP / RCP ARN as IAM appends it after `with an explicit deny in a service control policy`. */
  organizationsPolicyArn: whole(
    `arn:(${PARTITION}):organizations::(${ACCOUNT}|aws):policy/(?:o-[a-z0-9]{10,32}/)?` +
      '(service_control_policy|resource_control_policy)/(p-[0-9a-zA-Z_]{8,128})',
  ),
  /** `execute-api` source ARNs we render: a route (any stage or one stage) or an authorizer. */
  executeApiArn: whole(
    `arn:${PARTITION}:execute-api:${REGION}:${ACCOUNT}:[a-z0-9]{10}/(?:authorizers/(?:\\*|[a-z0-9]{6,10})` +
      '|(?:\\*|[a-zA-Z0-9_-]{1,128})/(?:\\*|\\$default|(?:\\*|GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|ANY)' +
      '/(?:\\*|[A-Za-z0-9._:{}+/-]*)))',
  ),
  /** REST and HTTP/WebSocket API ids. */
  apiId: /^[a-z0-9]{10}$/,
  /** REST API authorizer ids. */
  authorizerId: /^[a-z0-9]{6,10}$/,
  stageName: /^[a-zA-Z0-9_-]{1,128}$/,
  httpMethod: /^(?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|ANY)$/,
  /**
   * REST resource paths: `/`, or segments of `[A-Za-z0-9._:-]`, `{param}` or a greedy `{proxy+}`;
   * HTTP API route paths additionally allow `$default`.
   */
  resourcePath: /^(?:\/|(?:\/(?:[A-Za-z0-9._:-]+|\{[A-Za-z0-9._:-]+\+?\}))+\/?|\$default)$/,
  /** Service principals such as `sns.amazonaws.com` or `lambda.alarms.cloudwatch.amazonaws.com`. */
  servicePrincipal: /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,4}amazonaws\.com(?:\.cn)?$/,
  statementId: /^[A-Za-z0-9_-]{1,100}$/,
  /** Statement ids as Lambda stores them (AddPermission accepts `.` too). */
  policyStatementId: /^[A-Za-z0-9._-]{1,100}$/,
  /** Stage variable names: letters, digits and `_`. */
  stageVariableName: /^[A-Za-z0-9_]{1,64}$/,
  /** CloudWatch Logs log group names: 1-512 of `[.-_/#A-Za-z0-9]`. */
  logGroupName: /^[.\-_/#A-Za-z0-9]{1,512}$/,
  /** Secrets Manager secret names (an ARN is not a name: the IAM scope is built from the name). */
  secretName: /^[A-Za-z0-9/_+=.@-]{1,512}$/,
  /** A secret name or a full secret ARN. */
  secretId: whole(
    `(?:arn:${PARTITION}:secretsmanager:${REGION}:${ACCOUNT}:secret:[A-Za-z0-9/_+=.@-]{1,512}|[A-Za-z0-9/_+=.@-]{1,512})`,
  ),
  /** DynamoDB table names: 3-255 of `[a-zA-Z0-9_.-]`. */
  tableName: /^[A-Za-z0-9_.-]{3,255}$/,
  /** AWS Organizations organisation ids (`o-` and 10 to 32 lowercase letters or digits). */
  organizationId: /^o-[a-z0-9]{10,32}$/,
  /** sts:ExternalId values: 2 to 1224 of `[\w+=,.@:/-]`. */
  externalId: /^[\w+=,.@:/-]{2,1224}$/,
  snsTopicArn: whole(`arn:${PARTITION}:sns:${REGION}:${ACCOUNT}:[A-Za-z0-9_-]{1,256}(?:\\.fifo)?`),
} as const;

/** What a value of a format looks like, for error messages that name the expected form. */
export const AWS_FORMAT_HINTS: Partial<Record<keyof typeof AWS_FORMATS, string>> = {
  apiId: 'a REST API id: 10 lowercase letters or digits',
  stageName: 'a stage name: letters, digits, - or _',
  functionName: 'a Lambda function name (not an ARN), up to 64 of A-Z a-z 0-9 - _',
  logGroupName: 'a log group name: up to 512 of A-Z a-z 0-9 . - _ / #',
  secretName: "the secret's NAME (not its ARN): letters, digits and /_+=.@-",
  secretId: 'a secret name or ARN',
  tableName: 'a table name',
  snsTopicArn: 'an SNS topic ARN',
  accountId: 'a 12-digit AWS account id',
  organizationId: 'an organisation id: o- and 10 to 32 lowercase letters or digits',
  externalId: 'an external id: 2 to 1224 of A-Z a-z 0-9 _ + = , . @ : / -',
};

/** A named AWS format, a key of {@link AWS_FORMATS}. */
export type AwsFormat = keyof typeof AWS_FORMATS;

/** True when `value` is a string that wholly matches the named format. */
export function awsFormats(format: AwsFormat, value: unknown): value is string {
  return typeof value === 'string' && AWS_FORMATS[format].test(value);
}

/** Partition of a valid region code (`cn-north-1` -> `aws-cn`). */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

/** The parts of a valid Lambda function ARN. */
export interface ParsedFunctionArn {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly name: string;
  readonly qualifier: string | null;
}

/** Parses a (qualified or unqualified) Lambda function ARN; null unless it is wholly valid. */
export function parseFunctionArn(value: unknown): ParsedFunctionArn | null {
  if (typeof value !== 'string') return null;
  const m = AWS_FORMATS.functionArn.exec(value);
  if (!m) return null;
  return {
    partition: m[1]!,
    region: m[2]!,
    accountId: m[3]!,
    name: m[4]!,
    qualifier: m[5] ?? null,
  };
}

/** The parts of a valid IAM role or user ARN (the name is without its path). */
export interface ParsedIamArn {
  readonly partition: string;
  readonly accountId: string;
  readonly path: string;
  readonly name: string;
}

/** Parses `arn:<partition>:iam::<account>:role/<path/>name` (or `user/...`); null unless valid. */
export function parseIamArn(kind: 'role' | 'user', value: unknown): ParsedIamArn | null {
  if (typeof value !== 'string') return null;
  const m = (kind === 'role' ? AWS_FORMATS.roleArn : AWS_FORMATS.userArn).exec(value);
  if (!m) return null;
  return { partition: m[1]!, accountId: m[2]!, path: m[3]!, name: m[4]! };
}

/** Account id of a whole valid root or federated-user ARN; null unless valid. */
export function accountOfArn(
  format: 'rootArn' | 'federatedUserArn',
  value: unknown,
): string | null {
  if (typeof value !== 'string') return null;
  return AWS_FORMATS[format].exec(value)?.[2] ?? null;
}

/** Parses `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`; null unless valid. */
export function parseAssumedRoleArn(
  value: unknown,
): { partition: string; accountId: string; roleName: string; session: string } | null {
  if (typeof value !== 'string') return null;
  const m = AWS_FORMATS.assumedRoleArn.exec(value);
  if (!m) return null;
  return { partition: m[1]!, accountId: m[2]!, roleName: m[3]!, session: m[4]! };
}

/**
 * True for values that look like an account id someone masked or templated (`xxxx`, `95**********`,
 * `<ACCOUNT_ID>`, `accountid`, 10/11-digit stand-ins), so the fix can say "masked" instead of "invalid".
 */
export function looksMasked(value: string): boolean {
  return (
    /[*]/.test(value) ||
    /^x+$/i.test(value) ||
    /^<[^>]*>$/.test(value) ||
    /^\{[^}]*\}$/.test(value) ||
    /^\$\{?[A-Za-z_]+\}?$/.test(value) ||
    /^(?:account[-_ ]?id|accountid|account|acct|aws[-_ ]?account[-_ ]?id)$/i.test(value) ||
    /^[0-9]{1,11}$/.test(value) ||
    /^[0-9]{13,}$/.test(value) ||
    /^(?:xx|<REGION>|region)$/i.test(value)
  );
}
