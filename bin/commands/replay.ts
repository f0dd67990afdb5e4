import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import type { LocalStore } from '../../lambda/adapters/localStore';
import { decodeInput } from '../../lambda/core/decodeInput';
import { InvalidPayloadError, NotificationError } from '../../lambda/core/errors';
import {
  IncidentService,
  type RecordedIncident,
  type SweepReport,
} from '../../lambda/core/IncidentService';
import type { Incident, Notification, NotificationKind } from '../../lambda/core/incident';
import { DEFAULT_INCIDENT_POLICY } from '../../lambda/core/incidents/incidentPolicy';
import { toIncident } from '../../lambda/core/incidents/toIncident';
import type { DiagnosisSink } from '../../lambda/core/ports/DiagnosisSink';
import type { IncidentRepository } from '../../lambda/core/ports/IncidentRepository';
import type { Notifier } from '../../lambda/core/ports/Notifier';
import { prefilter } from '../../lambda/core/prefilter';
import { processLogBatch } from '../../lambda/core/processLogBatch';
import type { LogBatch } from '../../lambda/core/types';
import { JsonLinesNotifier } from './JsonLinesNotifier';
import { type DeliveryPlan, planDeliveries } from './planDeliveries';
import { ReplayLogLookup } from './ReplayLogLookup';
import { readOne } from './readInputs';
import { runAction } from './runAction';
import { samplePath } from './samplePath';

/** Options of `invoke-doctor replay`. */
interface ReplayOptions {
  readonly store?: string;
  readonly slackWebhook?: string;
  readonly json?: boolean;
  readonly logGroup?: string;
}

/** The scheduled sweeper's period in the stack (an EventBridge rule every minute). */
const SWEEP_INTERVAL_MS = 60_000;
/** Progress lines when stderr is not a terminal: one per this many deliveries. */
const PROGRESS_EVERY = 1000;

/**
 * `invoke-doctor replay [FILE...]`: runs log files through the same path as the Lambda handler
 * (decode, engine with context lookup, incident store, notifiers) against a local store, with a
 * clock that follows the events, so alerts open, update and resolve as they would have.
 */
export function replayCommand(): Command {
  return new Command('replay')
    .description(
      'Replay log files through the whole pipeline as the deployed function would see them (decode, diagnose, store incidents, alert), on a local store: no AWS account needed. Without FILE: the bundled outage sample',
    )
    .argument(
      '[FILE...]',
      'log files in any format diagnose reads ("-": stdin); default: the bundled sample',
    )
    .option('--store <DIR>', 'local incident store directory', '.invoke-doctor')
    .option('--slack-webhook <URL>', 'also post the alerts to this Slack incoming webhook')
    .option('--log-group <NAME>', 'log group that plain-text lines came from')
    .option('--json', 'print notifications and the resulting incidents as JSON Lines')
    .action(runAction(async (files: string[], options: ReplayOptions) => replay(files, options)));
}

async function replay(files: string[], options: ReplayOptions): Promise<void> {
  const started = performance.now();
  const inputs = files.length > 0 ? files : bundledSample();
  // Each file on its own: a bad one is reported at the end but never loses the good ones beside it.
  const batches: LogBatch[] = [];
  const failures: string[] = [];
  for (const file of inputs) {
    try {
      const input = await readOne(file);
      try {
        for (const batch of decodeInput(input.bytes, { logGroup: options.logGroup })) {
          batches.push(batch);
        }
      } catch (error) {
        if (!(error instanceof InvalidPayloadError)) throw error;
        failures.push(`${input.label}: ${error.message}`);
      }
    } catch (error) {
      if (!(error instanceof InvalidPayloadError)) throw error;
      failures.push(error.message);
    }
  }
  const plan = planDeliveries(batches, { streams: prefilter });

  // The SDK only talks to the in-process store here: its Node-version notice would be noise on stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Loaded here, not at the top: the SDK and dynalite cost time that `--help` should not pay.
  const { localStore } =
    require('../../lambda/adapters/localStore') as typeof import('../../lambda/adapters/localStore');
  const store = await localStore({
    ...(options.store ? { dir: options.store } : {}),
    create: true,
  });
  let outcome: ReplayOutcome;
  try {
    outcome = await run(plan, store, options);
  } finally {
    await store.close();
  }
  const elapsedMs = performance.now() - started;
  const stats = { inputs: inputs.length, failed: failures.length, elapsedMs };
  if (options.json) {
    for (const incident of outcome.incidents) {
      process.stdout.write(`${JSON.stringify({ type: 'incident', ...incident })}\n`);
    }
    process.stdout.write(`${JSON.stringify(summaryJson(plan, outcome, stats))}\n`);
  } else {
    process.stdout.write(summaryText(plan, outcome, stats, storeHint(options.store)));
  }

  if (failures.length > 0) {
    throw new InvalidPayloadError('bad-input', failures.join('; '));
  }
  if (outcome.undelivered.size > 0) {
    const [channel, reason] = [...outcome.undelivered][0] as [string, string];
    throw new NotificationError(
      channel,
      `some alerts could not be sent (${reason}); they stay pending in the store and are retried by the next replay that sweeps with this channel`,
    );
  }
}

/** What the replay did to the store and the channels. */
interface ReplayOutcome {
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
  /** Final state of every incident this replay touched, oldest first. */
  readonly incidents: readonly Incident[];
}

async function run(
  plan: DeliveryPlan,
  store: LocalStore,
  options: ReplayOptions,
): Promise<ReplayOutcome> {
  const { DynamoDbIncidentRepository } =
    require('../../lambda/adapters/DynamoDbIncidentRepository') as typeof import('../../lambda/adapters/DynamoDbIncidentRepository');
  const { buildNotifiers } =
    require('../../lambda/adapters/buildNotifiers') as typeof import('../../lambda/adapters/buildNotifiers');

  const progress = new Progress(plan.deliveries.length);
  // Alerts and the progress line share the terminal: clear the line before an alert is printed.
  const stdout = new Writable({
    write(chunk, _encoding, done) {
      progress.clear();
      process.stdout.write(chunk, done);
    },
  });
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const built = buildNotifiers({
    ...(options.json ? {} : { terminal: { stream: stdout, color } }),
    slackWebhookUrl: options.slackWebhook ?? null,
    // A local receiver (http://127.0.0.1:PORT) is fine for a replay on your own machine.
    allowLoopbackWebhook: true,
  });
  const channels = options.json ? [new JsonLinesNotifier(stdout), ...built] : built;
  const counts = new Map<string, Record<NotificationKind, number>>();
  const undelivered = new Map<string, string>();
  const notifiers = channels.map((n) => counted(failFast(n, undelivered), counts));

  const repository = new DynamoDbIncidentRepository({
    client: store.client,
    tableName: store.tableName,
  });
  const clock = { time: plan.firstTime ?? Date.now(), now: () => clock.time };
  // One attempt per sweep: SlackNotifier already retries (and honours Retry-After) within a send.
  const service = new IncidentService({ repository, notifiers, clock, retry: { attempts: 1 } });
  const lookup = new ReplayLogLookup(plan.logs);
  const touched = new Set<string>();
  let opened = 0;
  let added = 0;
  let duplicates = 0;
  let resolved = 0;
  // The service is the sink, as in the handler; this one also keeps the replay's tally.
  const sink: DiagnosisSink = {
    async accept(diagnoses, context) {
      for (const r of await service.record(diagnoses, context)) tally(r);
    },
  };
  const tally = (r: RecordedIncident) => {
    touched.add(r.incidentId);
    added += r.added;
    if (r.outcome === 'opened') opened += 1;
    if (r.outcome === 'duplicate') duplicates += 1;
    else sweeper.noteActivity(r.incidentId, clock.time);
  };
  const sweeper = new Sweeper(
    async (at) => {
      clock.time = at;
      const report: SweepReport = await service.sweep();
      resolved += report.resolved.length;
      for (const id of report.resolved) touched.add(id);
    },
    repository,
    DEFAULT_INCIDENT_POLICY.quietPeriodMs,
  );
  // Incidents a previous run left open (an interrupted replay) are swept on this run's clock.
  await sweeper.refresh();

  let lookups = 0;
  // Deliveries without event times (pasted text) happen after everything else.
  const fallback = plan.lastTime ?? Date.now();
  for (const delivery of plan.deliveries) {
    const time = delivery.time ?? fallback;
    await sweeper.runUntil(time);
    clock.time = time;
    const result = await processLogBatch([delivery.batch], { lookup, sink, now: time });
    lookups += result.lookups;
    progress.tick();
  }
  // The logs end here: let the quiet period pass, so the incidents that ended get resolved.
  const end = fallback + DEFAULT_INCIDENT_POLICY.quietPeriodMs + SWEEP_INTERVAL_MS;
  await sweeper.runUntil(end);
  progress.done();

  const incidents: Incident[] = [];
  for (const id of touched) {
    const record = await repository.getIncident(id);
    if (record) incidents.push(toIncident(record));
  }
  incidents.sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.id.localeCompare(b.id));
  return {
    deliveries: plan.deliveries.length,
    lookups,
    opened,
    added,
    duplicates,
    resolved,
    printed: counts.get('terminal') ?? zeroCounts(),
    slack: counts.get('slack') ?? zeroCounts(),
    undelivered,
    incidents,
  };
}

/**
 * The stack's scheduled sweeper (every minute) on the replay's clock. A sweep only changes
 * something at the first minute after an open incident's quiet period has passed, so the replay
 * runs just those sweeps: the result is the same as sweeping every minute, without hundreds of
 * idle sweeps (or thousands over long gaps in the logs).
 */
class Sweeper {
  /** Open incident id -> time from which the sweeper may resolve it. */
  private due = new Map<string, number>();
  /** Latest tick swept: a tick is never swept twice. */
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly sweep: (at: number) => Promise<void>,
    private readonly repository: IncidentRepository,
    private readonly quietMs: number,
  ) {}

  /** An incident recorded new occurrences at `at`: its quiet period starts again. */
  noteActivity(incidentId: string, at: number): void {
    this.due.set(incidentId, Math.max(this.due.get(incidentId) ?? 0, at + this.quietMs));
  }

  /** Reads the open incidents (those of earlier runs included) and when each may resolve. */
  async refresh(): Promise<void> {
    const open = await this.repository.listOpenIncidents();
    this.due = new Map(
      open.map((r) => [
        r.id,
        Math.max(r.lastActivityAt, Date.parse(r.lastSeen) || 0) + this.quietMs,
      ]),
    );
  }

  /** Runs the sweeps that would have changed something up to `time`. */
  async runUntil(time: number): Promise<void> {
    for (;;) {
      const next = Math.min(...this.due.values());
      if (!Number.isFinite(next)) return;
      const tick = Math.max(
        Math.ceil(next / SWEEP_INTERVAL_MS) * SWEEP_INTERVAL_MS,
        this.last + SWEEP_INTERVAL_MS,
      );
      if (tick > time) return;
      await this.sweep(tick);
      this.last = tick;
      await this.refresh();
    }
  }
}

/**
 * After a channel's first failure, fail its later sends at once (they stay pending in the store):
 * a dead webhook must not make a replay of thousands of events wait on retries for each alert.
 */
function failFast(notifier: Notifier, undelivered: Map<string, string>): Notifier {
  return {
    channel: notifier.channel,
    async send(notification: Notification) {
      const known = undelivered.get(notifier.channel);
      if (known !== undefined) {
        throw new NotificationError(notifier.channel, known, { retryable: false });
      }
      try {
        await notifier.send(notification);
      } catch (error) {
        undelivered.set(notifier.channel, error instanceof Error ? error.message : String(error));
        throw error;
      }
    },
  };
}

/** Counts what each channel accepted, by kind. */
function counted(
  notifier: Notifier,
  counts: Map<string, Record<NotificationKind, number>>,
): Notifier {
  return {
    channel: notifier.channel,
    async send(notification: Notification) {
      await notifier.send(notification);
      const byKind = counts.get(notifier.channel) ?? zeroCounts();
      byKind[notification.kind] += 1;
      counts.set(notifier.channel, byKind);
    },
  };
}

function zeroCounts(): Record<NotificationKind, number> {
  return { opened: 0, update: 0, resolved: 0 };
}

/** A progress line on stderr: redrawn in place on a terminal, every N deliveries otherwise. */
class Progress {
  private done_ = 0;
  private shown = false;
  private lastDraw = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly total: number) {}

  tick(): void {
    this.done_ += 1;
    if (this.tty) {
      const now = performance.now();
      if (now - this.lastDraw < 100 || this.total < 50) return;
      this.lastDraw = now;
      process.stderr.write(`\r\u001b[Kreplay: ${this.done_}/${this.total} deliveries`);
      this.shown = true;
    } else if (this.done_ % PROGRESS_EVERY === 0) {
      process.stderr.write(`replay: ${this.done_}/${this.total} deliveries\n`);
    }
  }

  clear(): void {
    if (!this.shown) return;
    process.stderr.write('\r\u001b[K');
    this.shown = false;
  }

  done(): void {
    this.clear();
  }
}

/** The bundled sample's log files: samples/outage/<log group>/<stream>.json. */
function bundledSample(): string[] {
  const root = samplePath('outage');
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) =>
      readdirSync(join(root, dir.name))
        .filter((name) => name.endsWith('.json'))
        .map((name) => join(root, dir.name, name)),
    )
    .sort();
}

function storeHint(store: string | undefined): string {
  const flag = store && store !== '.invoke-doctor' ? ` --store ${shellWord(store)}` : '';
  return `npx invoke-doctor incidents${flag}`;
}

function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

interface RunStats {
  readonly inputs: number;
  readonly failed: number;
  readonly elapsedMs: number;
}

function summaryJson(
  plan: DeliveryPlan,
  outcome: ReplayOutcome,
  stats: RunStats,
): Record<string, unknown> {
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
    elapsedMs: Math.round(stats.elapsedMs),
  };
}

function summaryText(
  plan: DeliveryPlan,
  outcome: ReplayOutcome,
  stats: RunStats,
  hint: string,
): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const span =
    plan.firstTime !== null && plan.lastTime !== null
      ? ` (${timeRange(plan.firstTime, plan.lastTime)})`
      : '';
  const files = `${n(stats.inputs)} file${stats.inputs === 1 ? '' : 's'}`;
  const lines = [
    `Replayed ${n(plan.eventsRead)} log events from ${files}${span}: ${n(plan.eventsDelivered)} streamed in ${n(outcome.deliveries)} deliveries, ${n(outcome.lookups)} context lookups, ${(stats.elapsedMs / 1000).toFixed(1)} s.`,
  ];
  const p = outcome.printed;
  const count = outcome.incidents.length;
  if (count === 0) {
    lines.push('No incidents: nothing in these logs is a Lambda invoke permission failure.');
  } else if (outcome.added === 0 && outcome.opened === 0) {
    lines.push(
      `Nothing new: the store already has these events (${n(count)} incident${count === 1 ? '' : 's'}); replaying the same logs again never counts them twice.`,
    );
  } else {
    lines.push(
      `${n(count)} incident${count === 1 ? '' : 's'}, ${n(outcome.added)} occurrences: ${n(p.opened)} opened, ${n(p.update)} update${p.update === 1 ? '' : 's'}, ${n(p.resolved)} resolved alert${p.resolved === 1 ? '' : 's'} printed.`,
    );
  }
  const s = outcome.slack;
  if (s.opened + s.update + s.resolved > 0 || outcome.undelivered.has('slack')) {
    lines.push(`Slack: ${n(s.opened + s.update + s.resolved)} alerts posted.`);
  }
  if (count > 0) lines.push(`History: ${hint}`);
  return `${lines.join('\n')}\n`;
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
