import { RUNTIME_ENV } from '../core/constants';
import { ConfigError } from '../core/errors';

/** The handler's settings, read once from the environment the stack sets (see RUNTIME_ENV). */
export interface RuntimeConfig {
  /** DynamoDB incidents table; null: incidents disabled, diagnoses are only logged. */
  readonly incidentsTableName: string | null;
  /** SNS topic for alerts; null: no SNS alerts. */
  readonly alertTopicArn: string | null;
  /** Secrets Manager secret id (name or ARN) holding the Slack webhook URL; null: no Slack. */
  readonly slackWebhookSecretId: string | null;
  /** Publish Amazon Q Developer in chat applications custom notifications to SNS. */
  readonly chatFormat: boolean;
  readonly updateIntervalMinutes: number;
  readonly quietPeriodMinutes: number;
  readonly resolvedTtlDays: number;
  /** Fetch API Gateway request context with FilterLogEvents when a batch lacks it. */
  readonly contextLookup: boolean;
}

/** Environment as Node exposes it; a parameter so tests pass their own. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Defaults for the optional numeric settings (RUNTIME_ENV documents them). */
export const RUNTIME_DEFAULTS = {
  updateIntervalMinutes: 15,
  quietPeriodMinutes: 10,
  resolvedTtlDays: 90,
} as const;

// DynamoDB table names: 3-255 of [a-zA-Z0-9_.-].
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
// Secrets Manager accepts a name (letters, digits, /_+=.@-) or a full secret ARN.
const SECRET_ID =
  /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}|[A-Za-z0-9/_+=.@-]{1,512})$/;

/**
 * Reads and validates the handler's environment in one place. Absent or empty variables take their
 * default; a malformed one throws ConfigError naming the variable, so a misconfigured deployment
 * fails on its first invocation instead of half-working.
 */
export function runtimeConfig(env: Env = process.env): RuntimeConfig {
  return {
    incidentsTableName: optionalMatching(
      env,
      RUNTIME_ENV.incidentsTable,
      TABLE_NAME,
      'a table name',
    ),
    alertTopicArn: optionalMatching(
      env,
      RUNTIME_ENV.alertTopicArn,
      SNS_TOPIC_ARN,
      'an SNS topic ARN',
    ),
    slackWebhookSecretId: optionalMatching(
      env,
      RUNTIME_ENV.slackWebhookSecret,
      SECRET_ID,
      'a secret name or ARN',
      // Someone may paste the webhook URL itself here: never echo it into the logs.
      false,
    ),
    chatFormat: flag(env, RUNTIME_ENV.chatFormat, false),
    updateIntervalMinutes: whole(
      env,
      RUNTIME_ENV.updateIntervalMinutes,
      RUNTIME_DEFAULTS.updateIntervalMinutes,
      1,
      1440,
    ),
    quietPeriodMinutes: whole(
      env,
      RUNTIME_ENV.quietPeriodMinutes,
      RUNTIME_DEFAULTS.quietPeriodMinutes,
      1,
      1440,
    ),
    resolvedTtlDays: whole(
      env,
      RUNTIME_ENV.resolvedTtlDays,
      RUNTIME_DEFAULTS.resolvedTtlDays,
      1,
      3650,
    ),
    contextLookup: flag(env, RUNTIME_ENV.contextLookup, true),
  };
}

function value(env: Env, name: string): string | null {
  const raw = env[name]?.trim();
  return raw ? raw : null;
}

function optionalMatching(
  env: Env,
  name: string,
  pattern: RegExp,
  what: string,
  echo = true,
): string | null {
  const raw = value(env, name);
  if (raw === null) return null;
  if (!pattern.test(raw)) {
    throw new ConfigError(name, `expected ${what}, got ${echo ? quote(raw) : 'something else'}`);
  }
  return raw;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = value(env, name);
  if (raw === null) return fallback;
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new ConfigError(name, `expected true or false, got ${quote(raw)}`);
}

function whole(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = value(env, name);
  if (raw === null) return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got ${quote(raw)}`);
  }
  return n;
}

// Values are echoed in error messages: keep them short and on one line.
function quote(raw: string): string {
  return JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);
}
