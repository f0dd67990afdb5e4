import type { AwsFormat } from './awsFormats';

/** The one cdk.json context key holding invoke-doctor's deployment configuration. */
export const CONFIG_CONTEXT_KEY = 'invoke-doctor';

/**
 * Context objects that stay absent unless configured: their presence switches a deployment shape on
 * (`central` adds the organisation stacks), so they get no defaults object of their own.
 */
export const OPTIONAL_GROUPS = ['central'] as const;

/** CloudWatch Logs accepts only these retention values (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** How a setting's value is written and checked. */
export type SettingType =
  | { readonly type: 'boolean'; readonly default: boolean }
  | {
      readonly type: 'integer';
      readonly min: number;
      readonly max: number;
      /** null: unset unless configured. */
      readonly default: number | null;
    }
  | { readonly type: 'oneOf'; readonly values: readonly number[]; readonly default: number }
  | { readonly type: 'string'; readonly format: AwsFormat; readonly default: null }
  /** A list; in the environment, comma-separated. */
  | { readonly type: 'list'; readonly format: AwsFormat | 'email'; readonly default: readonly [] }
  /** `[{ id, stages: [...] }]`: REST APIs and the stages whose execution logs are watched. */
  | { readonly type: 'restApis'; readonly default: readonly [] };

/** One setting: where it is written, how it is checked, what it means. */
export type Setting = SettingType & {
  /** Dotted path under the `invoke-doctor` context key in cdk.json; null: set by the stack only. */
  readonly context: string | null;
  /** Environment variable the deployed functions read; null: used at deploy time only. */
  readonly env: string | null;
  /** Format the environment variable accepts when wider than the context key's. */
  readonly envFormat?: AwsFormat;
  /** Unit of a number (shown in the reference and in error messages). */
  readonly unit: 'seconds' | 'minutes' | 'hours' | 'days' | null;
  /** One line for the configuration reference. */
  readonly doc: string;
};

/**
 * Every setting invoke-doctor has, in one table: the cdk.json schema (lib/config.ts), the
 * construct's checks and the environment it sets, the functions' runtime configuration
 * (lambda/adapters/runtimeConfig.ts), the incident policy's defaults and docs/configuration.md are
 * all derived from it. Changing a default is changing one line here.
 */
export const SETTINGS = {
  restApis: {
    context: 'restApis',
    env: null,
    type: 'restApis',
    default: [],
    unit: null,
    doc: 'REST APIs (`{ "id": "a1b2c3d4e5", "stages": ["prod"] }`) whose stages’ execution logs are watched.',
  },
  functions: {
    context: 'functions',
    env: null,
    type: 'list',
    format: 'functionName',
    default: [],
    unit: null,
    doc: 'Lambda functions (by name) whose log groups `/aws/lambda/<name>` are watched.',
  },
  logGroups: {
    context: 'logGroups',
    env: null,
    type: 'list',
    format: 'logGroupName',
    default: [],
    unit: null,
    doc: 'Any other log groups to watch, such as HTTP API access-log groups.',
  },
  accountWide: {
    context: 'accountWide',
    env: null,
    type: 'boolean',
    default: false,
    unit: null,
    doc: 'One account-level subscription filter policy for every log group instead of per-group filters.',
  },
  alarmEmails: {
    context: 'alarmEmails',
    env: null,
    type: 'list',
    format: 'email',
    default: [],
    unit: null,
    doc: 'Email addresses subscribed to the alert topic (each must confirm the subscription).',
  },
  slackWebhookSecretId: {
    context: 'slackWebhookSecretName',
    env: 'SLACK_WEBHOOK_SECRET_ID',
    envFormat: 'secretId',
    type: 'string',
    format: 'secretName',
    default: null,
    unit: null,
    doc: 'Name of an existing Secrets Manager secret holding the Slack incoming-webhook URL (unset: no Slack alerts).',
  },
  chatFormat: {
    context: 'snsChatFormat',
    env: 'SNS_CHAT_FORMAT',
    type: 'boolean',
    default: false,
    unit: null,
    doc: 'Publish Amazon Q Developer in chat applications custom notifications to the alert topic.',
  },
  contextLookup: {
    context: 'contextLookup',
    env: 'CONTEXT_LOOKUP',
    type: 'boolean',
    default: true,
    unit: null,
    doc: 'Fetch missing API Gateway request context with FilterLogEvents (false: no read access to any log group).',
  },
  verify: {
    context: 'verify',
    env: 'VERIFY',
    type: 'boolean',
    default: true,
    unit: null,
    doc: 'Check each new incident against the live account with read-only calls (policies, integrations, CloudTrail) and put the root cause in its alert; the sweeper re-checks open incidents and posts FIXED (false: no read access beyond the incident store).',
  },
  trustedAccounts: {
    context: 'trustedAccounts',
    env: 'TRUSTED_ACCOUNTS',
    type: 'list',
    format: 'accountId',
    default: [],
    unit: null,
    doc: 'Accounts whose callers may get a runnable grant besides the function’s own and the log group’s (a caller from any other account gets a statement to review, never a command).',
  },
  trustedOrganizationId: {
    context: 'trustedOrganizationId',
    env: 'TRUSTED_ORGANIZATION_ID',
    type: 'string',
    format: 'organizationId',
    default: null,
    unit: null,
    doc: 'AWS Organizations id: callers from other accounts get a grant limited to it (`--principal-org-id`) instead of none.',
  },
  updateIntervalMinutes: {
    context: 'incidents.updateIntervalMinutes',
    env: 'UPDATE_INTERVAL_MINUTES',
    type: 'integer',
    min: 1,
    max: 1440,
    default: 15,
    unit: 'minutes',
    doc: 'Time between update notifications while an incident continues.',
  },
  quietPeriodMinutes: {
    context: 'incidents.quietPeriodMinutes',
    env: 'QUIET_PERIOD_MINUTES',
    type: 'integer',
    min: 1,
    max: 1440,
    default: 10,
    unit: 'minutes',
    doc: 'Time without occurrences after which the sweeper resolves an incident.',
  },
  reverifyIntervalMinutes: {
    context: 'incidents.reverifyIntervalMinutes',
    env: 'REVERIFY_INTERVAL_MINUTES',
    type: 'integer',
    min: 1,
    max: 1440,
    default: 5,
    unit: 'minutes',
    doc: 'Time between the sweeper’s re-checks of an open incident against the live account (with verify on).',
  },
  holdWindowHours: {
    context: 'incidents.holdWindowHours',
    env: 'HOLD_WINDOW_HOURS',
    type: 'integer',
    min: 1,
    max: 168,
    default: 24,
    unit: 'hours',
    doc: 'A failure that comes back within this time of the last one reopens the same incident instead of opening a new one; also the longest an incident stays open without failures.',
  },
  reminderIntervalHours: {
    context: 'incidents.reminderIntervalHours',
    env: 'REMINDER_INTERVAL_HOURS',
    type: 'integer',
    min: 1,
    max: 168,
    default: 24,
    unit: 'hours',
    doc: 'Least time between two alerts about a recurring incident that keeps failing (after its one recurring alert).',
  },
  recurringQuietMultiplier: {
    context: 'incidents.recurringQuietMultiplier',
    env: 'RECURRING_QUIET_MULTIPLIER',
    type: 'integer',
    min: 1,
    max: 10,
    default: 2,
    unit: null,
    doc: 'A recurring incident resolves after this many times its longest recent interval without failures (at least the quiet period, at most the hold window).',
  },
  recurringAfterBursts: {
    context: 'incidents.recurringAfterBursts',
    env: 'RECURRING_AFTER_BURSTS',
    type: 'integer',
    min: 2,
    max: 10,
    default: 3,
    unit: null,
    doc: 'Bursts of failures (separated by at least the quiet period) after which an open incident is announced as recurring.',
  },
  resolvedTtlDays: {
    context: 'incidents.resolvedTtlDays',
    env: 'RESOLVED_TTL_DAYS',
    type: 'integer',
    min: 1,
    max: 3650,
    default: 90,
    unit: 'days',
    doc: 'Days a resolved incident is kept before DynamoDB TTL removes it.',
  },
  maxNewIncidentsPerDelivery: {
    context: 'incidents.maxNewPerDelivery',
    env: 'MAX_NEW_INCIDENTS_PER_DELIVERY',
    type: 'integer',
    min: 1,
    max: 1000,
    default: 20,
    unit: null,
    doc: 'New incidents one delivery may alert on; the rest are stored and announced in one aggregated alert.',
  },
  maxAlertsPerChannelPerMinute: {
    context: 'incidents.maxAlertsPerChannelPerMinute',
    env: 'MAX_ALERTS_PER_CHANNEL_PER_MINUTE',
    type: 'integer',
    min: 1,
    max: 1000,
    default: 20,
    unit: null,
    doc: 'Alerts one channel gets per minute; the rest are held (their incidents stay stored) and summed up in one aggregated alert.',
  },
  logRetentionDays: {
    context: 'logRetentionDays',
    env: null,
    type: 'oneOf',
    values: LOG_RETENTION_DAYS,
    default: 30,
    unit: 'days',
    doc: 'Retention of invoke-doctor’s own log groups.',
  },
  reservedConcurrency: {
    context: 'reservedConcurrency',
    env: null,
    type: 'integer',
    min: 1,
    max: 1000,
    default: null,
    unit: null,
    doc: 'Reserved concurrency of the responder (unset: the account’s unreserved pool).',
  },
  centralOrganizationId: {
    context: 'central.organizationId',
    env: null,
    type: 'string',
    format: 'organizationId',
    default: null,
    unit: null,
    doc: 'Organisation whose accounts may send logs to the central destination (`aws:PrincipalOrgID`); set this or `central.accountIds`.',
  },
  centralAccountIds: {
    context: 'central.accountIds',
    env: null,
    type: 'list',
    format: 'accountId',
    default: [],
    unit: null,
    doc: 'Accounts that may send logs to the central destination, when not admitting a whole organisation.',
  },
  centralAccount: {
    context: 'central.account',
    env: null,
    type: 'string',
    format: 'accountId',
    default: null,
    unit: null,
    doc: 'Account of the central stack: the default of the member stack’s `CentralAccountId` parameter (unset: pass it at deploy time).',
  },
  centralShards: {
    context: 'central.shards',
    env: null,
    type: 'integer',
    min: 1,
    max: 500,
    default: null,
    unit: null,
    doc: 'Provisioned shards of the central stream (unset: on-demand capacity).',
  },
  centralBatchSize: {
    context: 'central.batchSize',
    env: null,
    type: 'integer',
    min: 1,
    max: 10000,
    default: 100,
    unit: null,
    doc: 'Most stream records per responder invocation.',
  },
  centralBatchWindowSeconds: {
    context: 'central.batchWindowSeconds',
    env: null,
    type: 'integer',
    min: 0,
    max: 300,
    default: 5,
    unit: 'seconds',
    doc: 'Longest the event source mapping gathers records before invoking the responder.',
  },
  centralParallelizationFactor: {
    context: 'central.parallelizationFactor',
    env: null,
    type: 'integer',
    min: 1,
    max: 10,
    default: 1,
    unit: null,
    doc: 'Concurrent responder invocations per shard.',
  },
  centralMaxRecordAgeHours: {
    context: 'central.maxRecordAgeHours',
    env: null,
    type: 'integer',
    min: 1,
    max: 168,
    default: 6,
    unit: 'hours',
    doc: 'Age after which a record still failing goes to the failure queue (its shard and sequence numbers) instead of being retried.',
  },
  centralMemberLogGroups: {
    context: 'central.memberLogGroups',
    env: null,
    type: 'list',
    format: 'logGroupName',
    default: [],
    unit: null,
    doc: 'Log groups each member account subscribes one by one (empty: one account-level subscription filter policy).',
  },
  centralReadRole: {
    context: 'central.readRole',
    env: null,
    type: 'boolean',
    default: false,
    unit: null,
    doc: 'Give each member a read-only role the central responder may assume for live verification.',
  },
  centralExternalId: {
    context: 'central.externalId',
    env: 'MEMBER_READ_ROLE_EXTERNAL_ID',
    type: 'string',
    format: 'externalId',
    default: null,
    unit: null,
    doc: 'External id the central responder passes when it assumes a member’s read role (required with `central.readRole`).',
  },
  incidentsTableName: {
    context: null,
    env: 'INCIDENTS_TABLE_NAME',
    type: 'string',
    format: 'tableName',
    default: null,
    unit: null,
    doc: 'DynamoDB incidents table (unset: incidents disabled, diagnoses are only logged).',
  },
  alertTopicArn: {
    context: null,
    env: 'ALERT_TOPIC_ARN',
    type: 'string',
    format: 'snsTopicArn',
    default: null,
    unit: null,
    doc: 'SNS alert topic (unset: no SNS alerts).',
  },
} as const satisfies Record<string, Setting>;

/** Name of a setting, a key of {@link SETTINGS}. */
export type SettingName = keyof typeof SETTINGS;

/** The value type of a setting. */
export type SettingValue<S extends Setting> = S extends { readonly type: 'boolean' }
  ? boolean
  : S extends { readonly type: 'integer' | 'oneOf' }
    ? number
    : S extends { readonly type: 'string' }
      ? string
      : S extends { readonly type: 'restApis' }
        ? readonly { readonly id: string; readonly stages: readonly string[] }[]
        : readonly string[];

/** Names of the settings the deployed functions read from their environment. */
export type EnvSettingName = {
  [K in SettingName]: (typeof SETTINGS)[K]['env'] extends string ? K : never;
}[SettingName];

/**
 * The functions' runtime settings: one property per setting that has an environment variable.
 * Text settings are null when unset.
 */
export type RuntimeSettings = {
  readonly [K in EnvSettingName]: (typeof SETTINGS)[K] extends { readonly type: 'boolean' }
    ? boolean
    : (typeof SETTINGS)[K] extends { readonly type: 'integer' }
      ? number
      : (typeof SETTINGS)[K] extends { readonly type: 'list' }
        ? readonly string[]
        : string | null;
};
