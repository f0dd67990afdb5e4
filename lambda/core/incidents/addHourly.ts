const HOUR = 3_600_000;

/** The hourly-bucket key of an epoch-ms time: the UTC ISO hour prefix `YYYY-MM-DDTHH`. */
export function hourKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 13);
}

/**
 * Adds `count` occurrences seen between `fromMs` and `toMs` to an hourly histogram. A delivery only
 * says when its first and last event happened, so a span crossing hours gives one to the first and
 * the last hour and spreads the rest in proportion to the time spent in each hour (largest
 * remainder, so the buckets sum to `count`). Only the newest `maxBuckets` hours are kept: the
 * histogram feeds a sparkline, the total stays exact.
 */
export function addHourly(
  hourly: Readonly<Record<string, number>>,
  fromMs: number,
  toMs: number,
  count: number,
  maxBuckets: number,
): Record<string, number> {
  const next: Record<string, number> = { ...hourly };
  for (const [key, n] of spread(fromMs, toMs, count, maxBuckets)) {
    next[key] = (next[key] ?? 0) + n;
  }
  const keys = Object.keys(next).sort();
  for (const key of keys.slice(0, Math.max(0, keys.length - maxBuckets))) delete next[key];
  return next;
}

function spread(
  fromMs: number,
  toMs: number,
  count: number,
  maxBuckets: number,
): [string, number][] {
  if (count <= 0) return [];
  const end = Math.max(fromMs, toMs);
  // A bogus early timestamp must not make us walk years of hours: start within the kept buckets.
  const earliest = Math.floor(end / HOUR) * HOUR - (maxBuckets - 1) * HOUR;
  const start = Math.max(Math.min(fromMs, toMs), earliest);
  if (hourKey(start) === hourKey(end)) return [[hourKey(end), count]];
  // One event happened at each end of the span: those hours get one each, the rest is spread.
  const spreadable = count - 2;
  const span = end - start;
  const shares: { key: string; exact: number }[] = [];
  for (let hour = Math.floor(start / HOUR) * HOUR; hour <= end; hour += HOUR) {
    const overlap = Math.min(end, hour + HOUR) - Math.max(start, hour);
    shares.push({
      key: hourKey(hour),
      exact: (Math.max(0, spreadable) * Math.max(0, overlap)) / span,
    });
  }
  const counts = shares.map((s) => Math.floor(s.exact));
  let left = Math.max(0, spreadable) - counts.reduce((a, b) => a + b, 0);
  const byRemainder = shares
    .map((s, i) => ({ i, remainder: s.exact - Math.floor(s.exact) }))
    .sort((a, b) => b.remainder - a.remainder || b.i - a.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
    left -= 1;
  }
  counts[0] = (counts[0] ?? 0) + 1;
  if (count >= 2) counts[counts.length - 1] = (counts[counts.length - 1] ?? 0) + 1;
  return shares.map((s, i): [string, number] => [s.key, counts[i] ?? 0]).filter(([, n]) => n > 0);
}
