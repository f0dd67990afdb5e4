import { z } from 'zod';
import { APIGW_EXECUTION_LOG_PREFIX, LAMBDA_LOG_GROUP_PREFIX } from '../lambda/core/constants';

/** The one cdk.json context key holding invoke-doctor's deployment configuration. */
export const CONFIG_CONTEXT_KEY = 'invoke-doctor';

/** CloudWatch Logs accepts only these retention values (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** A configuration value that cannot be deployed; `field` is its path, e.g. `invoke-doctor.restApis[0].id`. */
export class InvalidConfigError extends Error {
  /** Path of the bad field, rooted at the context key. */
  readonly field: string;
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(`${field}: ${message}`, options);
    this.name = 'InvalidConfigError';
    this.field = field;
  }
}

// REST API ids are 10 lowercase letters/digits (e.g. `a1b2c3d4e5`).
const restApiId = z
  .string()
  .regex(/^[a-z0-9]{10}$/, 'expected a REST API id: 10 lowercase letters or digits');
// Stage names: letters, digits, hyphens and underscores, up to 128.
const stageName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'expected a stage name: letters, digits, - or _');
// A function NAME (not an ARN, not name:alias): its log group is /aws/lambda/{name}.
const functionName = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]{1,64}$/,
    'expected a Lambda function name (not an ARN), up to 64 of A-Z a-z 0-9 - _',
  );
// CloudWatch Logs log group names: 1-512 of [.-_/#A-Za-z0-9].
const logGroupName = z
  .string()
  .regex(
    /^[.\-_/#A-Za-z0-9]{1,512}$/,
    'expected a log group name: up to 512 of A-Z a-z 0-9 . - _ / #',
  );
// Secrets Manager names: letters, digits, /_+=.@-; an ARN is rejected so the IAM scope stays exact.
const secretName = z
  .string()
  .regex(
    /^[A-Za-z0-9/_+=.@-]{1,512}$/,
    "expected the secret's NAME (not its ARN): letters, digits and /_+=.@-",
  );
const minutes = z.number().int('expected a whole number of minutes').min(1).max(1440);

const incidentsSchema = z.strictObject({
  /** Minutes between update notifications while an incident continues. */
  updateIntervalMinutes: minutes.default(15),
  /** Minutes without occurrences after which the sweeper resolves an incident. */
  quietPeriodMinutes: minutes.default(10),
  /** Days a resolved incident is kept before DynamoDB TTL removes it. */
  resolvedTtlDays: z.number().int('expected a whole number of days').min(1).max(3650).default(90),
});

/** Schema of the `invoke-doctor` context value; unknown keys are rejected so typos fail loudly. */
export const configSchema = z.strictObject({
  /** REST APIs whose stages' execution logs are watched. */
  restApis: z
    .array(
      z.strictObject({
        id: restApiId,
        stages: z.array(stageName).min(1, 'list at least one stage'),
      }),
    )
    .default([]),
  /** Lambda functions (by name) whose log groups are watched. */
  functions: z.array(functionName).default([]),
  /** Any other log groups, e.g. HTTP API access-log groups. */
  logGroups: z.array(logGroupName).default([]),
  /** One account-level subscription filter policy instead of per-group filters. */
  accountWide: z.boolean().default(false),
  /** Email addresses subscribed to the alert topic (each must confirm). */
  alarmEmails: z.array(z.email('expected an email address')).default([]),
  /** Name of an existing Secrets Manager secret holding the Slack incoming-webhook URL. */
  slackWebhookSecretName: secretName.optional(),
  /** Publish Amazon Q Developer in chat applications custom notifications to the topic. */
  snsChatFormat: z.boolean().default(false),
  /** Fetch missing API Gateway request context with FilterLogEvents. */
  contextLookup: z.boolean().default(true),
  /** Incident lifecycle settings. */
  incidents: incidentsSchema.prefault({}),
  /** Retention of invoke-doctor's own log groups. */
  logRetentionDays: z
    .number()
    .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
      message: `expected one of ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .default(30),
  /** Reserved concurrency of the responder; unset leaves it on the account's unreserved pool. */
  reservedConcurrency: z.number().int().min(1).max(1000).optional(),
});

/** Validated deployment configuration (defaults applied). */
export type InvokeDoctorConfig = z.output<typeof configSchema>;

/** One log group the configuration asks to watch, with the config field it came from. */
export interface LogGroupTarget {
  /** Config path that produced it, for error messages. */
  readonly field: string;
  readonly logGroupName: string;
}

/**
 * Validates the context value (an object from cdk.json, or the JSON string `-c invoke-doctor=...`
 * passes) and returns the typed configuration; throws InvalidConfigError naming the first bad field.
 */
export function parseConfig(raw: unknown): InvokeDoctorConfig {
  const value = typeof raw === 'string' ? parseJson(raw) : raw;
  if (value === undefined || value === null) {
    throw new InvalidConfigError(
      CONFIG_CONTEXT_KEY,
      `missing: set the "${CONFIG_CONTEXT_KEY}" context key in cdk.json or pass -c ${CONFIG_CONTEXT_KEY}='{...}'`,
    );
  }
  const result = configSchema.safeParse(value);
  if (!result.success) throw toConfigError(result.error);
  const config = result.data;
  checkTargets(config);
  return config;
}

/** The log groups a configuration watches per group, in config order (empty when account-wide). */
export function logGroupTargets(config: InvokeDoctorConfig): LogGroupTarget[] {
  const targets: LogGroupTarget[] = [];
  config.restApis.forEach((api, i) => {
    api.stages.forEach((stage, j) => {
      targets.push({
        field: `${CONFIG_CONTEXT_KEY}.restApis[${i}].stages[${j}]`,
        logGroupName: `${APIGW_EXECUTION_LOG_PREFIX}${api.id}/${stage}`,
      });
    });
  });
  config.functions.forEach((name, i) => {
    targets.push({
      field: `${CONFIG_CONTEXT_KEY}.functions[${i}]`,
      logGroupName: `${LAMBDA_LOG_GROUP_PREFIX}${name}`,
    });
  });
  config.logGroups.forEach((name, i) => {
    targets.push({ field: `${CONFIG_CONTEXT_KEY}.logGroups[${i}]`, logGroupName: name });
  });
  return targets;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InvalidConfigError(
      CONFIG_CONTEXT_KEY,
      `not valid JSON (${(cause as Error).message}); quote the whole object for your shell: -c ${CONFIG_CONTEXT_KEY}='{"accountWide":true}'`,
      { cause },
    );
  }
}

// Cross-field rules the schema cannot express: something to watch, no overlap, one mode.
function checkTargets(config: InvokeDoctorConfig): void {
  if (config.accountWide) {
    for (const field of ['restApis', 'functions', 'logGroups'] as const) {
      if (config[field].length > 0) {
        throw new InvalidConfigError(
          `${CONFIG_CONTEXT_KEY}.${field}`,
          'must be empty when accountWide is true: the account-level policy already covers every log group',
        );
      }
    }
    return;
  }
  const targets = logGroupTargets(config);
  if (targets.length === 0) {
    throw new InvalidConfigError(
      CONFIG_CONTEXT_KEY,
      'nothing to watch: list restApis, functions or logGroups, or set accountWide: true',
    );
  }
  const seen = new Map<string, string>();
  for (const target of targets) {
    const first = seen.get(target.logGroupName);
    if (first !== undefined) {
      throw new InvalidConfigError(
        target.field,
        `log group "${target.logGroupName}" is already watched by ${first}`,
      );
    }
    seen.set(target.logGroupName, target.field);
  }
}

function toConfigError(error: z.ZodError): InvalidConfigError {
  const issue = error.issues[0];
  if (issue === undefined) return new InvalidConfigError(CONFIG_CONTEXT_KEY, 'invalid');
  let path = issue.path;
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    // Name the unknown key itself, so a typo such as `restApi` points at the right place.
    path = [...issue.path, issue.keys[0] ?? ''];
    message = 'unknown setting (check the spelling; see docs/deploy.md for the settings)';
  }
  return new InvalidConfigError(formatPath(path), message);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = CONFIG_CONTEXT_KEY;
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  }
  return out;
}
