import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { prefilter } from '../../lambda/core/diagnose/prefilter';
import { StreamingAnalysis } from '../../lambda/core/diagnose/StreamingAnalysis';
import { InvalidPayloadError, NotificationError } from '../../lambda/core/errors';
import type { GrantTrust } from '../../lambda/core/fixes/callerTrust';
import {
  IncidentService,
  type RecordedIncident,
  type SweepReport,
} from '../../lambda/core/incidents/IncidentService';
import type {
  AlertDigest,
  Incident,
  Notification,
  NotificationKind,
} from '../../lambda/core/incidents/incident';
import { DEFAULT_INCIDENT_POLICY } from '../../lambda/core/incidents/incidentPolicy';
import { toIncident } from '../../lambda/core/incidents/toIncident';
import type { DiagnosisSink } from '../../lambda/core/ports/DiagnosisSink';
import type { Notifier } from '../../lambda/core/ports/Notifier';
import { processLogBatch } from '../../lambda/core/processLogBatch';
import { shellWord } from '../../lambda/core/render/alertContent';
import { terminalJson } from '../../lambda/core/render/sanitize';
import type { Diagnosis, LogBatch } from '../../lambda/core/types';
import { inputBatches } from '../cli/readInput';
import { runAction } from '../cli/runAction';
import { safeStdout } from '../cli/safeStdout';
import { samplePath } from '../cli/samplePath';
import { type TrustFlags, trustFromFlags, trustOptions } from '../cli/trustOptions';
import { ProgressLine } from '../render/ProgressLine';
import {
  type ReplayOutcome,
  renderReplaySummary,
  replaySummaryJson,
} from '../render/renderReplaySummary';
import { DeliveryCutter, type PlannedDelivery } from '../replay/DeliveryCutter';
import { JsonLinesNotifier } from '../replay/JsonLinesNotifier';
import type { LocalStore } from '../replay/localStore';
import { mergeByTime } from '../replay/mergeByTime';
import { RecentRequestLines } from '../replay/RecentRequestLines';
import { ReplaySweeper, SWEEP_INTERVAL_MS } from '../replay/ReplaySweeper';
import { TerminalNotifier } from '../replay/TerminalNotifier';

/** Options of `invoke-doctor replay`. */
interface ReplayOptions extends TrustFlags {
  readonly store?: string;
  readonly slackWebhook?: string;
  readonly json?: boolean;
  readonly logGroup?: string;
}

/**
 * `invoke-doctor replay [FILE...]`: runs log files through the same path as the Lambda handler
 * (decode, engine with context lookup, incident store, notifiers) against a local store, with a
 * clock that follows the events, so alerts open, update and resolve as they would have.
 */
export function replayCommand(): Command {
  return trustOptions(new Command('replay'))
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
  // Channels first: a bad --slack-webhook is refused before anything is read or stored.
  const trust = trustFromFlags(options);
  const progress = new ProgressLine();
  const channels = buildChannels(options, progress);
  const out = safeStdout();
  const inputs = files.length > 0 ? files : bundledSample();
  // Loaded here, not at the top: the SDK and dynalite cost time that `--help` should not pay.
  const { localStore } = require('../replay/localStore') as typeof import('../replay/localStore');
  const store = await localStore({
    ...(options.store ? { dir: options.store } : {}),
    create: true,
  });
  const failures: string[] = [];
  let outcome: ReplayOutcome;
  try {
    outcome = await run(inputs, options, failures, store, channels, progress, trust);
  } finally {
    await store.close();
  }
  const elapsedMs = performance.now() - started;
  const stats = { inputs: inputs.length, failed: failures.length, elapsedMs };
  if (options.json) {
    for (const incident of outcome.incidents) {
      out.write(`${terminalJson({ type: 'incident', ...incident })}\n`);
    }
    out.write(`${terminalJson(replaySummaryJson(outcome, stats))}\n`);
  } else {
    out.write(renderReplaySummary(outcome, stats, storeHint(options.store)));
  }

  if (failures.length > 0) {
    throw new InvalidPayloadError('bad-input', failures.join('; '));
  }
  if (outcome.undelivered.size > 0) {
    const [channel, reason] = [...outcome.undelivered][0] as [string, string];
    throw new NotificationError(
      channel,
      `some alerts could not be sent (${reason}); they stay pending in the store and the next replay with this channel sends them`,
    );
  }
}

/** One input read batch by batch; a bad one ends with its error recorded, never the others'. */
async function* guardedInput(
  file: string,
  index: number,
  options: ReplayOptions,
  failures: string[],
): AsyncGenerator<LogBatch> {
  try {
    yield* inputBatches(file, {
      logGroup: options.logGroup ?? null,
      idPrefix: index === 0 ? '' : `input${index + 1}:`,
    });
  } catch (error) {
    if (!(error instanceof InvalidPayloadError)) throw error;
    const label = file === '-' ? 'stdin' : file;
    failures.push(error.message.startsWith(label) ? error.message : `${label}: ${error.message}`);
  }
}

/**
 * The alert channels: the terminal (rendered alerts, or JSON Lines with --json) and Slack when a
 * webhook is given. Throws ConfigError for a webhook that is not Slack's (or a loopback receiver).
 */
function buildChannels(options: ReplayOptions, progress: ProgressLine): Notifier[] {
  const { buildNotifiers } =
    require('../../lambda/adapters/buildNotifiers') as typeof import('../../lambda/adapters/buildNotifiers');
  // Alerts and the progress line share the terminal: clear the line before an alert is printed.
  const stdout = new Writable({
    write(chunk, _encoding, done) {
      progress.clear();
      safeStdout().write(chunk, () => done());
    },
  });
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const built = buildNotifiers({
    slackWebhookUrl: options.slackWebhook ?? null,
    // A local receiver (http://127.0.0.1:PORT) is fine for a replay on your own machine.
    allowLoopbackWebhook: true,
  });
  const terminal = options.json
    ? new JsonLinesNotifier(stdout)
    : new TerminalNotifier({
        stream: stdout,
        color,
        historyCommand: (id) =>
          `npx invoke-doctor incidents show ${shellWord(id)}${storeFlag(options.store)}`,
      });
  return [terminal, ...built];
}

async function run(
  inputs: readonly string[],
  options: ReplayOptions,
  failures: string[],
  store: LocalStore,
  channels: readonly Notifier[],
  progress: ProgressLine,
  trust: GrantTrust,
): Promise<ReplayOutcome> {
  const { DynamoDbIncidentRepository } =
    require('../../lambda/adapters/DynamoDbIncidentRepository') as typeof import('../../lambda/adapters/DynamoDbIncidentRepository');

  const counts = new Map<string, Record<NotificationKind, number>>();
  const undelivered = new Map<string, string>();
  const notifiers = channels.map((n) => counted(failFast(n, undelivered), counts));

  const repository = new DynamoDbIncidentRepository({
    client: store.client,
    tableName: store.tableName,
  });
  const clock = { time: Date.now(), now: () => clock.time };
  // One attempt per sweep: SlackNotifier already retries (and honours Retry-After) within a send.
  const service = new IncidentService({
    repository,
    notifiers,
    clock,
    retry: { attempts: 1 },
    // The same caps as the deployed responder, on the replay's clock.
    budget: repository,
  });
  const lookup = new RecentRequestLines();
  const touched = new Set<string>();
  let opened = 0;
  let added = 0;
  let duplicates = 0;
  let resolved = 0;
  let deliveries = 0;
  let lookups = 0;
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
  const sweeper = new ReplaySweeper(
    async (at) => {
      clock.time = at;
      const report: SweepReport = await service.sweep();
      resolved += report.resolved.length;
      for (const id of report.resolved) touched.add(id);
    },
    repository,
    DEFAULT_INCIDENT_POLICY,
  );
  // Incidents a previous run left open (an interrupted replay) are swept on this run's clock.
  await sweeper.refresh();

  const deliver = async (delivery: PlannedDelivery) => {
    await sweeper.runUntil(delivery.time);
    clock.time = delivery.time;
    const result = await processLogBatch([delivery.batch], {
      lookup,
      sink,
      now: delivery.time,
      trust,
    });
    lookups += result.lookups;
    deliveries += 1;
    progress.tick();
  };
  // Input without event times (pasted text) has no clock to follow: it is analysed as diagnose
  // analyses it, each window one delivery, after everything else.
  const timeless: Diagnosis[][] = [];
  const text = new StreamingAnalysis({
    trust,
    onWindow: (diagnoses) => timeless.push(diagnoses),
  });
  const cutter = new DeliveryCutter({ streams: prefilter });
  const sources = inputs.map((file, index) => guardedInput(file, index, options, failures));
  for await (const item of mergeByTime(sources, (batch, source) => text.push(batch, source))) {
    lookup.add(item.batch.logGroup, item.batch.logStream, item.event);
    for (const delivery of cutter.add(item)) await deliver(delivery);
  }
  for (const delivery of cutter.end()) await deliver(delivery);
  text.finish();
  const fallback = cutter.counts.lastTime ?? Date.now();
  for (const diagnoses of timeless) {
    await sweeper.runUntil(fallback);
    clock.time = fallback;
    const first = diagnoses[0]?.logGroup ?? null;
    const logGroup = diagnoses.every((d) => d.logGroup === first) ? first : null;
    await sink.accept(diagnoses, { logGroup, owner: null, receivedAt: fallback });
    deliveries += 1;
    progress.tick();
  }
  // The logs end here: let each incident's quiet period pass (a recurring one's learned period,
  // at most the hold window), so the incidents that ended get resolved.
  const end = fallback + DEFAULT_INCIDENT_POLICY.holdWindowMs + SWEEP_INTERVAL_MS;
  await sweeper.runUntil(end);
  // Alerts a channel could not take (now or in an earlier replay) are retried, as the sweeper does.
  await sweeper.retryPending(end);
  const pending: Record<string, number> = {};
  for (const p of await repository.listPendingNotifications()) {
    for (const channel of p.channels) pending[channel] = (pending[channel] ?? 0) + 1;
  }
  progress.done();

  const incidents: Incident[] = [];
  for (const id of touched) {
    const record = await repository.getIncident(id);
    if (record) incidents.push(toIncident(record));
  }
  incidents.sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.id.localeCompare(b.id));
  return {
    counts: { ...cutter.counts },
    deliveries,
    lookups,
    opened,
    added,
    duplicates,
    resolved,
    printed: counts.get('terminal') ?? zeroCounts(),
    slack: counts.get('slack') ?? zeroCounts(),
    undelivered,
    pending,
    incidents,
  };
}

/**
 * After a channel's first failure, fail its later sends at once: a dead webhook must not make a
 * replay of thousands of events wait on each alert. Every failure is reported as retryable, so the
 * alerts stay pending in the store for the next replay with a working channel (and a send that may
 * have been delivered stays unconfirmed, never sent again).
 */
function failFast(notifier: Notifier, undelivered: Map<string, string>): Notifier {
  return {
    channel: notifier.channel,
    async send(notification: Notification) {
      const known = undelivered.get(notifier.channel);
      if (known !== undefined) {
        throw new NotificationError(notifier.channel, known, { retryable: true });
      }
      try {
        await notifier.send(notification);
      } catch (error) {
        if (error instanceof NotificationError && error.mayHaveBeenDelivered) throw error;
        const text = error instanceof Error ? error.message : String(error);
        const prefix = `${notifier.channel}: `;
        const reason = text.startsWith(prefix) ? text.slice(prefix.length) : text;
        undelivered.set(notifier.channel, reason);
        throw new NotificationError(notifier.channel, reason, { retryable: true, cause: error });
      }
    },
    ...(notifier.sendDigest
      ? { sendDigest: (digest: AlertDigest) => notifier.sendDigest?.(digest) ?? Promise.resolve() }
      : {}),
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
    ...(notifier.sendDigest
      ? { sendDigest: (digest: AlertDigest) => notifier.sendDigest?.(digest) ?? Promise.resolve() }
      : {}),
  };
}

function zeroCounts(): Record<NotificationKind, number> {
  return { opened: 0, update: 0, recurring: 0, reminder: 0, fixed: 0, resolved: 0 };
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

/** The command that lists what this replay stored. */
function storeHint(store: string | undefined): string {
  return `npx invoke-doctor incidents${storeFlag(store)}`;
}

/** ` --store DIR` for a store other than the default (`incidents` finds ./.invoke-doctor itself). */
function storeFlag(store: string | undefined): string {
  return store && store !== '.invoke-doctor' ? ` --store ${shellWord(store)}` : '';
}
