import { AWS_FORMAT_HINTS, AWS_FORMATS } from '../core/awsFormats';
import { ConfigError } from '../core/errors';
import { type RuntimeSettings, SETTINGS, type Setting, type SettingName } from '../core/settings';

/** The functions' settings, read once from the environment the stack sets (see SETTINGS). */
export type RuntimeConfig = RuntimeSettings;

/** Environment as Node exposes it; a parameter so tests pass their own. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates the functions' environment in one place, from the settings table. Absent or
 * empty variables take their default; a malformed one throws ConfigError naming the variable, so a
 * misconfigured deployment fails on its first invocation instead of half-working.
 */
export function runtimeConfig(env: Env = process.env): RuntimeConfig {
  const config: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as [SettingName, Setting][]) {
    if (setting.env !== null) config[name] = read(env, setting.env, setting);
  }
  return config as RuntimeConfig;
}

function read(env: Env, name: string, setting: Setting): unknown {
  const raw = env[name]?.trim() || null;
  switch (setting.type) {
    case 'boolean':
      return raw === null ? setting.default : flag(name, raw);
    case 'integer':
      return raw === null ? setting.default : whole(name, raw, setting.min, setting.max);
    case 'string': {
      if (raw === null) return null;
      const format = setting.envFormat ?? setting.format;
      if (AWS_FORMATS[format].test(raw)) return raw;
      // Someone may paste a webhook URL where a secret goes: never echo secrets' neighbours.
      const shown = format === 'secretId' ? 'something else' : quote(raw);
      throw new ConfigError(name, `expected ${AWS_FORMAT_HINTS[format] ?? format}, got ${shown}`);
    }
    case 'list': {
      if (raw === null) return setting.default;
      const items = raw.split(',').map((item) => item.trim());
      const format = setting.format;
      for (const item of items) {
        if (format === 'email' || !AWS_FORMATS[format].test(item)) {
          throw new ConfigError(
            name,
            `expected a comma-separated list of ${format === 'email' ? 'addresses' : (AWS_FORMAT_HINTS[format] ?? format)}, got ${quote(item)}`,
          );
        }
      }
      return items;
    }
    default:
      throw new ConfigError(name, `cannot be set through the environment`);
  }
}

function flag(name: string, raw: string): boolean {
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new ConfigError(name, `expected true or false, got ${quote(raw)}`);
}

function whole(name: string, raw: string, min: number, max: number): number {
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
