import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { decodeInput } from '../../lambda/core/decode/decodeInput';
import { prefilter } from '../../lambda/core/diagnose/prefilter';
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
import type { LogBatch } from '../../lambda/core/types';
import { readOne } from '../cli/readInputs';
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
import { JsonLinesNotifier } from '../replay/JsonLinesNotifier';
import type { LocalStore } from '../replay/localStore';
import { type DeliveryPlan, planDeliveries } from '../replay/planDeliveries';
import { ReplayLogLookup } from '../replay/ReplayLogLookup';
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
  progress.total = plan.deliveries.length;

  // Loaded here, not at the top: the SDK and dynalite cost time that `--help` should not pay.
  const { localStore } = require('../replay/localStore') as typeof import('../replay/localStore');
  const store = await localStore({
    ...(options.store ? { dir: options.store } : {}),
    create: true,
  });
  let outcome: ReplayOutcome;
  try {
    outcome = await run(plan, store, channels, progress, trust);
  } finally {
    await store.close();
  }
  const elapsedMs = performance.now() - started;
  const stats = { inputs: inputs.length, failed: failures.length, elapsedMs };
  if (options.json) {
    for (const incident of outcome.incidents) {
      out.write(`${terminalJson({ type: 'incident', ...incident })}\n`);
    }
    out.write(`${terminalJson(replaySummaryJson(plan, outcome, stats))}\n`);
  } else {
    out.write(renderReplaySummary(plan, outcome, stats, storeHint(options.store)));
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
    : new TerminalNotifier({ stream: stdout, color });
  return [terminal, ...built];
}

async function run(
  plan: DeliveryPlan,
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
  const clock = { time: plan.firstTime ?? Date.now(), now: () => clock.time };
  // One attempt per sweep: SlackNotifier already retries (and honours Retry-After) within a send.
  const service = new IncidentService({
    repository,
    notifiers,
    clock,
    retry: { attempts: 1 },
    // The same caps as the deployed responder, on the replay's clock.
    budget: repository,
  });
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

  let lookups = 0;
  // Deliveries without event times (pasted text) happen after everything else.
  const fallback = plan.lastTime ?? Date.now();
  for (const delivery of plan.deliveries) {
    const time = delivery.time ?? fallback;
    await sweeper.runUntil(time);
    clock.time = time;
    const result = await processLogBatch([delivery.batch], { lookup, sink, now: time, trust });
    lookups += result.lookups;
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
    deliveries: plan.deliveries.length,
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
  const flag = store && store !== '.invoke-doctor' ? ` --store ${shellWord(store)}` : '';
  return `npx invoke-doctor incidents${flag}`;
}
