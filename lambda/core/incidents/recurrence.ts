import type { IncidentRecord } from './IncidentRecord';
import type { Recurrence } from './incident';
import type { IncidentPolicy } from './incidentPolicy';

/**
 * Whether failures starting at `firstSeenMs` begin a new burst of an incident last seen at
 * `lastSeenMs`: they come at least the (base) quiet period after it, the gap that would have
 * resolved a one-off outage. Out-of-order (older) failures never do.
 */
export function startsBurst(
  lastSeenMs: number,
  firstSeenMs: number,
  policy: IncidentPolicy,
): boolean {
  return Number.isFinite(lastSeenMs) && firstSeenMs - lastSeenMs >= policy.quietPeriodMs;
}

/** The incident's recurrence with one more burst starting at `startMs` (event time). */
export function withBurst(
  record: Pick<IncidentRecord, 'firstSeen' | 'recurrence'>,
  startMs: number,
  policy: IncidentPolicy,
): Recurrence {
  const known = record.recurrence ?? { bursts: 1, starts: [record.firstSeen], announcedAt: null };
  return {
    ...known,
    bursts: known.bursts + 1,
    starts: [...known.starts, new Date(startMs).toISOString()].slice(-policy.maxBurstStarts),
  };
}

/** Intervals between consecutive burst starts, ms (empty before a second burst). */
export function burstIntervals(recurrence: Recurrence | undefined): number[] {
  if (!recurrence) return [];
  const starts = recurrence.starts.map((s) => Date.parse(s)).filter(Number.isFinite);
  const out: number[] = [];
  for (let i = 1; i < starts.length; i += 1) {
    const gap = starts[i]! - starts[i - 1]!;
    if (gap > 0) out.push(gap);
  }
  return out;
}

/** The median interval between bursts, ms: what "fails about every …" says; null before two. */
export function typicalInterval(recurrence: Recurrence | undefined): number | null {
  const sorted = burstIntervals(recurrence).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Event time (epoch ms) of the next burst if the rhythm holds; null before two bursts. */
export function nextExpected(recurrence: Recurrence | undefined): number | null {
  const every = typicalInterval(recurrence);
  const last = recurrence?.starts.at(-1);
  if (every === null || last === undefined) return null;
  const at = Date.parse(last) + every;
  return Number.isFinite(at) ? at : null;
}

/**
 * Epoch ms from which an incident counts as quiet: the later of its last event time and the last
 * time new events were recorded, so neither late delivery nor a replay of old logs makes an
 * outage that is still being reported look quiet.
 */
export function quietSince(record: Pick<IncidentRecord, 'lastActivityAt' | 'lastSeen'>): number {
  const lastSeenMs = Date.parse(record.lastSeen);
  return Math.max(record.lastActivityAt, Number.isFinite(lastSeenMs) ? lastSeenMs : 0);
}

/**
 * Quiet time after which an open incident resolves: the quiet period while it failed in one
 * burst; once it recurs, the multiplier times its longest recent interval, so a job that fails
 * every hour (or at irregular times) is not resolved between runs, never more than the hold
 * window and never less than the quiet period.
 */
export function quietPeriodFor(
  record: Pick<IncidentRecord, 'recurrence'>,
  policy: IncidentPolicy,
): number {
  const intervals = burstIntervals(record.recurrence);
  if (intervals.length === 0) return policy.quietPeriodMs;
  const learned = policy.recurringQuietMultiplier * Math.max(...intervals);
  return Math.max(policy.quietPeriodMs, Math.min(policy.holdWindowMs, learned));
}
