import { ConfigError } from '../../lambda/core/errors';

const UNITS: Readonly<Record<string, number>> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * Reads `--since` (or another time flag, `flag`): a duration back from `now` (`30m`, `12h`, `7d`, `2w`) or an ISO 8601 date or
 * time (`2026-10-06`, `2026-10-06T14:00Z`). Returns epoch ms; anything else is a ConfigError
 * naming the flag (exit 2).
 */
export function parseSince(value: string, now: number, flag = '--since'): number {
  const text = value.trim();
  const duration = /^(\d{1,6})\s*([mhdw])$/i.exec(text);
  if (duration) {
    const unit = UNITS[(duration[2] as string).toLowerCase()] as number;
    return now - Number(duration[1]) * unit;
  }
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    // A date or time without a zone means UTC, like every time invoke-doctor prints.
    const zoned = /T|\s/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? `${text}Z` : text;
    const ms = Date.parse(zoned.replace(' ', 'T'));
    if (Number.isFinite(ms)) return ms;
  }
  throw new ConfigError(
    flag,
    `expected a duration such as 30m, 12h, 7d or 2w, or an ISO date such as 2026-10-06, got ${JSON.stringify(value)}`,
  );
}
