const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
const HOUR = 3_600_000;

/** Options of {@link sparkline}. */
export interface SparklineOptions {
  /** At most this many characters; older hours are merged into wider bins (default 24). */
  readonly width?: number;
}

/**
 * Occurrences over time from an incident's hourly histogram (`YYYY-MM-DDTHH` -> count): one bar per
 * hour from `from` to `to` (ISO times, both included), hours without occurrences as `·`, the
 * busiest hour as `█`. Longer spans are summed into at most `width` equal bins. Empty when the
 * times do not parse.
 */
export function sparkline(
  hourly: Readonly<Record<string, number>>,
  from: string,
  to: string,
  options: SparklineOptions = {},
): string {
  const width = Math.max(1, options.width ?? 24);
  const start = hourStart(from);
  const end = hourStart(to);
  if (start === null || end === null) return '';
  const hours: number[] = [];
  for (let t = Math.min(start, end); t <= Math.max(start, end); t += HOUR) {
    hours.push(hourly[new Date(t).toISOString().slice(0, 13)] ?? 0);
  }
  const size = Math.ceil(hours.length / width);
  const bins: number[] = [];
  for (let i = 0; i < hours.length; i += size) {
    bins.push(hours.slice(i, i + size).reduce((a, b) => a + b, 0));
  }
  const max = Math.max(...bins);
  return bins
    .map((value) => {
      if (value <= 0 || max <= 0) return '·';
      // Any occurrence shows at least the lowest bar; only the busiest bins reach the top.
      return BARS[Math.min(BARS.length - 1, Math.ceil((value / max) * BARS.length) - 1)];
    })
    .join('');
}

function hourStart(iso: string): number | null {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / HOUR) * HOUR : null;
}
