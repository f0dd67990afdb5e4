import { type RuntimeSettings, SETTINGS } from '../lambda/core/settings';

/**
 * The functions' environment variables for the given runtime settings, named by the settings table;
 * every setting the functions read must be given (null: left unset).
 */
export function runtimeEnvironment(
  values: {
    readonly [K in keyof RuntimeSettings]: RuntimeSettings[K] | string;
  },
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === null) continue;
    environment[SETTINGS[name as keyof RuntimeSettings].env] = String(value);
  }
  return environment;
}
