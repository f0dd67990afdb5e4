import { type RuntimeSettings, SETTINGS } from '../lambda/core/settings';

/**
 * The functions' environment variables for the given runtime settings, named by the settings table;
 * every setting the functions read must be given (null or an empty list: left unset; a list is
 * comma-separated).
 */
export function runtimeEnvironment(
  values: {
    readonly [K in keyof RuntimeSettings]: RuntimeSettings[K] | string;
  },
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === null || (Array.isArray(value) && value.length === 0)) continue;
    environment[SETTINGS[name as keyof RuntimeSettings].env] = Array.isArray(value)
      ? value.join(',')
      : String(value);
  }
  return environment;
}
