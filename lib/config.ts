import { z } from 'zod';
import { AWS_FORMAT_HINTS, AWS_FORMATS, type AwsFormat } from '../lambda/core/awsFormats';
import {
  APIGW_EXECUTION_LOG_PREFIX,
  LAMBDA_LOG_GROUP_PREFIX,
  MAX_DESTINATION_POLICY_BYTES,
  ownLogGroupNames,
  STACK_NAMES,
} from '../lambda/core/constants';
import { ConfigError } from '../lambda/core/errors';
import {
  CONFIG_CONTEXT_KEY,
  OPTIONAL_GROUPS,
  SETTINGS,
  type Setting,
  type SettingName,
  type SettingValue,
} from '../lambda/core/settings';

/** Validated deployment configuration (defaults applied), keyed as in cdk.json. */
export type InvokeDoctorConfig = {
  readonly [K in ContextName as TopKey<(typeof SETTINGS)[K]['context']>]: TopKey<
    (typeof SETTINGS)[K]['context']
  > extends infer Head extends string
    ? Head extends GroupName
      ? Head extends OptionalGroup
        ? GroupConfig<Head> | undefined
        : GroupConfig<Head>
      : ConfigValue<(typeof SETTINGS)[K]>
    : never;
};

/** The `central` object: present only when the organisation stacks are configured. */
export type CentralConfig = GroupConfig<'central'>;

type ContextName = {
  [K in SettingName]: (typeof SETTINGS)[K]['context'] extends string ? K : never;
}[SettingName];
type TopKey<P> = P extends `${infer Head}.${string}` ? Head : P;
type ConfigValue<S extends Setting> = S extends { readonly default: null }
  ? SettingValue<S> | undefined
  : SettingValue<S>;
type OptionalGroup = (typeof OPTIONAL_GROUPS)[number];
// Heads of dotted context keys (`incidents`, `central`).
type GroupName = {
  [K in ContextName]: (typeof SETTINGS)[K]['context'] extends `${infer Head}.${string}`
    ? Head
    : never;
}[ContextName];
type GroupConfig<G extends string> = {
  readonly [K in ContextName as (typeof SETTINGS)[K]['context'] extends `${G}.${infer Tail}`
    ? Tail
    : never]: ConfigValue<(typeof SETTINGS)[K]>;
};

/** One log group the configuration asks to watch, with the config field it came from. */
export interface LogGroupTarget {
  /** Config path that produced it, for error messages. */
  readonly field: string;
  readonly logGroupName: string;
}

function formatted(format: AwsFormat): z.ZodString {
  return z
    .string()
    .regex(AWS_FORMATS[format], `expected ${AWS_FORMAT_HINTS[format] ?? `a valid ${format}`}`);
}

// The zod schema of one setting, from its row in the settings table.
function schemaFor(setting: Setting): z.ZodType {
  switch (setting.type) {
    case 'boolean':
      return z.boolean().default(setting.default);
    case 'integer': {
      const n = z
        .number()
        .int(`expected a whole number${setting.unit === null ? '' : ` of ${setting.unit}`}`)
        .min(setting.min)
        .max(setting.max);
      return setting.default === null ? n.optional() : n.default(setting.default);
    }
    case 'oneOf':
      return z
        .number()
        .refine((value) => setting.values.includes(value), {
          message: `expected one of ${setting.values.join(', ')}`,
        })
        .default(setting.default);
    case 'string':
      return formatted(setting.format).optional();
    case 'list':
      return z
        .array(
          setting.format === 'email'
            ? z.email('expected an email address')
            : formatted(setting.format),
        )
        .default([]);
    case 'restApis':
      return z
        .array(
          z.strictObject({
            id: formatted('apiId'),
            stages: z.array(formatted('stageName')).min(1, 'list at least one stage'),
          }),
        )
        .default([]);
  }
}

// Nested keys (`incidents.quietPeriodMinutes`) become nested strict objects.
function buildSchema(): z.ZodType {
  const top: Record<string, z.ZodType> = {};
  const nested: Record<string, Record<string, z.ZodType>> = {};
  for (const setting of Object.values(SETTINGS) as Setting[]) {
    if (setting.context === null) continue;
    const [head, tail] = setting.context.split('.') as [string, string | undefined];
    if (tail === undefined) {
      top[head] = schemaFor(setting);
    } else {
      nested[head] = { ...nested[head], [tail]: schemaFor(setting) };
    }
  }
  for (const [key, shape] of Object.entries(nested)) {
    const group = z.strictObject(shape);
    top[key] = (OPTIONAL_GROUPS as readonly string[]).includes(key)
      ? group.optional()
      : group.prefault({});
  }
  return z.strictObject(top);
}

/** Schema of the `invoke-doctor` context value; unknown keys are rejected so typos fail loudly. */
export const configSchema = buildSchema();

/**
 * Validates the context value (an object from cdk.json, or the JSON string `-c invoke-doctor=...`
 * passes) and returns the typed configuration; throws ConfigError naming the first bad field.
 */
export function parseConfig(raw: unknown): InvokeDoctorConfig {
  const value = typeof raw === 'string' ? parseJson(raw) : raw;
  if (value === undefined || value === null) {
    throw new ConfigError(
      CONFIG_CONTEXT_KEY,
      `missing: set the "${CONFIG_CONTEXT_KEY}" context key in cdk.json or pass -c ${CONFIG_CONTEXT_KEY}='{...}'`,
    );
  }
  const result = configSchema.safeParse(value);
  if (!result.success) throw toConfigError(result.error);
  const config = result.data as InvokeDoctorConfig;
  checkTargets(config);
  if (config.central !== undefined) checkCentral(config.central);
  return config;
}

/** Context keys that override one setting: `-c invoke-doctor.accountWide=true`. */
const OVERRIDE_PREFIX = `${CONFIG_CONTEXT_KEY}.`;

/** A `-c` value: JSON when it parses (`true`, `5`, `["a"]`, `{"x":1}`), else the string itself. */
function contextValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * The `invoke-doctor` context value with the dotted overrides of the context applied:
 * `-c invoke-doctor.accountWide=true`, `-c invoke-doctor.functions='["orders-api"]'`,
 * `-c invoke-doctor.incidents.quietPeriodMinutes=20` set that one setting over cdk.json's value
 * (values are JSON when they parse, else strings). A path that cannot be set is a ConfigError
 * showing the syntax that works; unknown settings are refused by parseConfig as usual.
 */
export function applyContextOverrides(
  base: unknown,
  context: Readonly<Record<string, unknown>>,
): unknown {
  const overrides = Object.entries(context).filter(([key]) => key.startsWith(OVERRIDE_PREFIX));
  if (overrides.length === 0) return base;
  const parsed = typeof base === 'string' ? parseJson(base) : base;
  if (
    parsed !== undefined &&
    parsed !== null &&
    (typeof parsed !== 'object' || Array.isArray(parsed))
  ) {
    return parsed; // not an object: parseConfig says what is wrong with it
  }
  const config = structuredClone((parsed ?? {}) as Record<string, unknown>);
  for (const [key, value] of overrides.sort(([a], [b]) => a.localeCompare(b))) {
    const path = key.slice(OVERRIDE_PREFIX.length).split('.');
    if (path.some((part) => !/^[A-Za-z][A-Za-z0-9]*$/.test(part))) {
      throw new ConfigError(
        key,
        `cannot be set on its own: set the whole setting as JSON, e.g. -c ${OVERRIDE_PREFIX}restApis='[{"id":"a1b2c3d4e5","stages":["prod"]}]'`,
      );
    }
    let target = config;
    for (const part of path.slice(0, -1)) {
      const next = target[part] ?? {};
      if (typeof next !== 'object' || next === null || Array.isArray(next)) {
        throw new ConfigError(
          `${CONFIG_CONTEXT_KEY}.${part}`,
          `is not an object, so ${key} cannot be set`,
        );
      }
      target[part] = next;
      target = next as Record<string, unknown>;
    }
    target[path[path.length - 1] as string] = contextValue(value);
  }
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
    throw new ConfigError(
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
        throw new ConfigError(
          `${CONFIG_CONTEXT_KEY}.${field}`,
          'must be empty when accountWide is true: the account-level policy already covers every log group',
        );
      }
    }
    return;
  }
  const targets = logGroupTargets(config);
  if (targets.length === 0) {
    throw new ConfigError(
      CONFIG_CONTEXT_KEY,
      `nothing to watch: list restApis, functions or logGroups in the "${CONFIG_CONTEXT_KEY}" key of cdk.json, or set accountWide: true (README, Deploy step 1; every setting: docs/configuration.md), or pass them with -c, e.g. -c ${CONFIG_CONTEXT_KEY}.functions='["orders-api"]'`,
    );
  }
  const seen = new Map<string, string>();
  for (const target of targets) {
    const first = seen.get(target.logGroupName);
    if (first !== undefined) {
      throw new ConfigError(
        target.field,
        `log group "${target.logGroupName}" is already watched by ${first}`,
      );
    }
    seen.set(target.logGroupName, target.field);
  }
}

// Bytes of the policy text around the account list, with the longest destination ARN the stack
// renders (region and partition at their longest): what a listed account must fit next to.
const POLICY_OVERHEAD_BYTES = 420;
const BYTES_PER_ACCOUNT = 15;

/** Accounts a destination policy can list one by one (each `"123456789012",` is 15 bytes). */
export const MAX_LISTED_ACCOUNTS = Math.floor(
  (MAX_DESTINATION_POLICY_BYTES - POLICY_OVERHEAD_BYTES) / BYTES_PER_ACCOUNT,
);

// The organisation shape: who may send, how the stream is sized, what members create.
function checkCentral(central: CentralConfig): void {
  const field = `${CONFIG_CONTEXT_KEY}.central`;
  const byOrg = central.organizationId !== undefined;
  const byAccounts = central.accountIds.length > 0;
  if (byOrg === byAccounts) {
    throw new ConfigError(
      field,
      byOrg
        ? 'set organizationId or accountIds, not both: the destination policy admits either an organisation or a list of accounts'
        : 'say who may send logs: "organizationId": "o-..." or "accountIds": ["111111111111", ...]',
    );
  }
  const seen = new Set<string>();
  central.accountIds.forEach((id, i) => {
    if (seen.has(id)) throw new ConfigError(`${field}.accountIds[${i}]`, `${id} is listed twice`);
    seen.add(id);
  });
  if (central.accountIds.length > MAX_LISTED_ACCOUNTS) {
    throw new ConfigError(
      `${field}.accountIds`,
      `${central.accountIds.length} accounts do not fit in a destination policy (${MAX_DESTINATION_POLICY_BYTES} bytes, about ${MAX_LISTED_ACCOUNTS} accounts): use organizationId`,
    );
  }
  if (central.readRole && central.externalId === undefined) {
    throw new ConfigError(
      `${field}.externalId`,
      'required with readRole: the member role trusts the central responder only with this external id',
    );
  }
  if (!central.readRole && central.externalId !== undefined) {
    throw new ConfigError(
      `${field}.externalId`,
      'only used with "readRole": true; set readRole or remove externalId',
    );
  }
  const groups = new Set<string>();
  const own = [STACK_NAMES.single, STACK_NAMES.central].flatMap((name) => ownLogGroupNames(name));
  central.memberLogGroups.forEach((name, i) => {
    if (own.includes(name)) {
      throw new ConfigError(
        `${field}.memberLogGroups[${i}]`,
        `"${name}" is invoke-doctor's own log group: subscribing it would feed the responder its own output in a loop`,
      );
    }
    if (groups.has(name)) {
      throw new ConfigError(`${field}.memberLogGroups[${i}]`, `"${name}" is listed twice`);
    }
    groups.add(name);
  });
}

function toConfigError(error: z.ZodError): ConfigError {
  const issue = error.issues[0];
  if (issue === undefined) return new ConfigError(CONFIG_CONTEXT_KEY, 'invalid');
  let path = issue.path;
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    // Name the unknown key itself, so a typo such as `restApi` points at the right place.
    path = [...issue.path, issue.keys[0] ?? ''];
    message = 'unknown setting (check the spelling; docs/configuration.md lists every setting)';
  }
  return new ConfigError(formatPath(path), message);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = CONFIG_CONTEXT_KEY;
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  }
  return out;
}
