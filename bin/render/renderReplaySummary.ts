import type { Incident, NotificationKind } from '../../lambda/core/incidents/incident';
import type { CutCounts } from '../replay/DeliveryCutter';

/** What the replay did to the store and the channels. */
export interface ReplayOutcome {
  /** Events read, streamed and dropped as duplicates, and their time span. */
  readonly counts: CutCounts;
  readonly deliveries: number;
  readonly lookups: number;
  readonly opened: number;
  /** Occurrences added to incidents (events not seen before). */
  readonly added: number;
  /** Deliveries (per incident) that the store had already recorded. */
  readonly duplicates: number;
  readonly resolved: number;
  /** Notifications the terminal (or JSON) channel printed, by kind. */
  readonly printed: Readonly<Record<NotificationKind, number>>;
  /** Notifications Slack accepted, by kind (all zero without --slack-webhook). */
  readonly slack: Readonly<Record<NotificationKind, number>>;
  /** Channels that failed, with their last error. */
  readonly undelivered: ReadonlyMap<string, string>;
  /** Notifications still pending per channel after the replay (kept in the store). */
  readonly pending: Readonly<Record<string, number>>;
  /** Final state of every incident this replay touched, oldest first. */
  readonly incidents: readonly Incident[];
}

/** Files read and time taken. */
export interface RunStats {
  readonly inputs: number;
  readonly failed: number;
  readonly elapsedMs: number;
}

/** The `--json` summary record, the last line of `replay --json`. */
export function replaySummaryJson(
  outcome: ReplayOutcome,
  stats: RunStats,
): Record<string, unknown> {
  const plan = outcome.counts;
  return {
    type: 'summary',
    files: stats.inputs,
    badFiles: stats.failed,
    events: plan.eventsRead,
    duplicateEvents: plan.duplicates,
    streamedEvents: plan.eventsDelivered,
    deliveries: outcome.deliveries,
    lookups: outcome.lookups,
    firstEvent: iso(plan.firstTime),
    lastEvent: iso(plan.lastTime),
    incidents: outcome.incidents.length,
    opened: outcome.opened,
    resolved: outcome.resolved,
    occurrencesAdded: outcome.added,
    alreadyRecorded: outcome.duplicates,
    notifications: outcome.printed,
    slack: outcome.slack,
    pending: outcome.pending,
    elapsedMs: Math.round(stats.elapsedMs),
  };
}

/** The summary lines printed after the alerts (`hint`: the command that lists the history). */
export function renderReplaySummary(outcome: ReplayOutcome, stats: RunStats, hint: string): string {
  const plan = outcome.counts;
  const span =
    plan.firstTime !== null && plan.lastTime !== null
      ? ` (${timeRange(plan.firstTime, plan.lastTime)})`
      : '';
  const seconds = (stats.elapsedMs / 1000).toFixed(1);
  const lines = [
    `Replayed ${count(plan.eventsRead, 'log event')} from ${count(stats.inputs, 'file')}${span}: ${n(plan.eventsDelivered)} streamed in ${count(outcome.deliveries, 'delivery', 'deliveries')}, ${count(outcome.lookups, 'context lookup')}, ${seconds} s.`,
  ];
  const p = outcome.printed;
  const incidents = count(outcome.incidents.length, 'incident');
  if (outcome.incidents.length === 0) {
    lines.push('No incidents: nothing in these logs is a Lambda invoke permission failure.');
  } else if (outcome.added === 0 && outcome.opened === 0) {
    lines.push(
      `Nothing new: the store already has these events (${incidents}); replaying the same logs again never counts them twice.`,
    );
  } else {
    lines.push(
      `${incidents}, ${count(outcome.added, 'new occurrence')}; alerts printed: ${printedKinds(p)}.`,
    );
  }
  const s = outcome.slack;
  const slackPending = outcome.pending.slack ?? 0;
  const posted = Object.values(s).reduce((sum, k) => sum + k, 0);
  if (posted + slackPending > 0) {
    const waiting = slackPending > 0 ? `, ${n(slackPending)} pending in the store` : '';
    lines.push(`Slack: ${count(posted, 'alert')} posted${waiting}.`);
  }
  if (outcome.incidents.length > 0) lines.push(`History: ${hint}`);
  return `${lines.join('\n')}\n`;
}

function n(value: number): string {
  return value.toLocaleString('en-US');
}

function count(value: number, one: string, many = `${one}s`): string {
  return `${n(value)} ${value === 1 ? one : many}`;
}

function iso(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}

/** `12:30–14:29 UTC on 2026-10-06`, or two full dates when the logs span days. */
function timeRange(from: number, to: number): string {
  const a = new Date(from).toISOString();
  const b = new Date(to).toISOString();
  if (a.slice(0, 10) === b.slice(0, 10)) {
    return `${a.slice(11, 16)}–${b.slice(11, 16)} UTC on ${a.slice(0, 10)}`;
  }
  return `${a.slice(0, 16).replace('T', ' ')} – ${b.slice(0, 16).replace('T', ' ')} UTC`;
}

/** `1 opened, 0 updates, 1 recurring, 2 resolved`: every kind, the ones a replay may not have only when it has them. */
function printedKinds(p: Readonly<Record<NotificationKind, number>>): string {
  const parts = [`${n(p.opened)} opened`, count(p.update, 'update')];
  if (p.recurring > 0) parts.push(`${n(p.recurring)} recurring`);
  if (p.reminder > 0) parts.push(count(p.reminder, 'reminder'));
  if (p.fixed > 0) parts.push(`${n(p.fixed)} fixed`);
  parts.push(`${n(p.resolved)} resolved`);
  return parts.join(', ');
}
