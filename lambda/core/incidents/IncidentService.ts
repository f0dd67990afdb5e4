import { ConfigError, InvokeDoctorError, NotificationError } from '../errors';
import type { AlertBudget } from '../ports/AlertBudget';
import type { Clock } from '../ports/Clock';
import type { DeliveryContext, DiagnosisSink } from '../ports/DiagnosisSink';
import type { DiagnosisVerifier } from '../ports/DiagnosisVerifier';
import type { IncidentRepository } from '../ports/IncidentRepository';
import type { Notifier } from '../ports/Notifier';
import type { Diagnosis } from '../types';
import { acknowledgeOutbox, type SendResult } from './acknowledgeOutbox';
import { applyDelivery } from './applyDelivery';
import { applyVerification } from './applyVerification';
import type { Transition } from './claimNotification';
import { claimOutbox } from './claimOutbox';
import { dueForReverify } from './dueForReverify';
import type { IncidentRecord } from './IncidentRecord';
import type { AlertDigest, Notification, NotificationKind } from './incident';
import { type IncidentPolicy, incidentPolicy } from './incidentPolicy';
import { resolveQuietIncident } from './resolveQuietIncident';
import { type IncidentDelivery, toIncidentDeliveries } from './toIncidentDeliveries';
import { toNotification } from './toNotification';

/** How a failing channel is retried within one invocation before the notification is left pending. */
export interface RetryPolicy {
  /** Sends per notification and channel, the first included. */
  readonly attempts: number;
  /** Backoff before the n-th retry is about `baseDelayMs * 2^(n-1)`, jittered, capped at `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Default in-line retries: 3 sends over about a second, well inside a Lambda's time budget. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 2_000,
};

/** Collaborators and settings of an {@link IncidentService}. */
export interface IncidentServiceOptions {
  readonly repository: IncidentRepository;
  /** Alert channels; their `channel` names must be unique (they key pending notifications). */
  readonly notifiers: readonly Notifier[];
  readonly clock: Clock;
  readonly policy?: Partial<IncidentPolicy>;
  readonly retry?: Partial<RetryPolicy>;
  /** Waits between retries; injectable so tests do not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  readonly random?: () => number;
  /**
   * Checks a diagnosis against the live account: once when its incident opens (before the OPENED
   * alert), then on the sweeper's cadence while it is open. Absent: no verification.
   */
  readonly verifier?: DiagnosisVerifier | undefined;
  /** The per-channel, per-minute alert budget (absent: no per-minute cap). */
  readonly budget?: AlertBudget;
  /** Told about every aggregated alert and how each channel took it (metrics, logs, tallies). */
  readonly onDigest?: (digest: AlertDigest, sends: readonly SendResult[]) => void;
}

/** When a sweep must stop starting new work (a Lambda's remaining time, less a send's timeout). */
export interface SweepOptions {
  /** Clock time (epoch ms) after which no new incident is started; the next sweep takes it. */
  readonly deadline?: number;
}

/** What happened to one fingerprint of a delivery. */
export interface RecordedIncident {
  readonly fingerprint: string;
  readonly incidentId: string;
  /** `duplicate`: a redelivery already counted, nothing changed. */
  readonly outcome: 'opened' | 'recorded' | 'duplicate';
  /** Occurrences this delivery added. */
  readonly added: number;
  /** The notification this delivery claimed, if any. */
  readonly claimed: NotificationKind | null;
  /**
   * Opened beyond the delivery's cap of new incidents: stored, but announced in the delivery's
   * aggregated alert instead of an OPENED alert of its own.
   */
  readonly muted: boolean;
  /** Sends this invocation made (empty when another invocation owns the outbox). */
  readonly sends: readonly SendResult[];
}

/** What one sweep did. */
export interface SweepReport {
  /** Ids of incidents this sweep resolved. */
  readonly resolved: readonly string[];
  /** Sends of `resolved` and of retried pending notifications. */
  readonly sends: readonly SendResult[];
  /** Ids of open incidents re-checked against the live account (only with a verifier). */
  readonly reverified?: readonly string[];
  /** Aggregated alerts sent for minutes in which a channel held alerts back. */
  readonly digests: number;
  /** Incidents not started because the deadline passed; the next sweep takes them. */
  readonly deferred: number;
}

// Optimistic-concurrency retries before giving up on a hot incident (each is one read + one write).
const MAX_CONFLICTS = 25;
/**
 * Incidents a sweep works on at once: a slow or hanging channel costs one send timeout for all of
 * them together rather than one per incident in turn.
 */
export const SWEEP_CONCURRENCY = 8;
/** Fingerprints of one delivery recorded at once (each a read and a conditional write). */
export const RECORD_CONCURRENCY = 32;
const never = (): boolean => false;
/** Incident ids a digest lists. */
const DIGEST_EXAMPLES = 5;
const MINUTE_MS = 60_000;

/** Runs `work` over `items`, at most `limit` at a time, starting none once `stop()` says so. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  stop: () => boolean,
  work: (item: T) => Promise<void>,
): Promise<number> {
  let next = 0;
  let skipped = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      if (stop()) {
        skipped++;
        continue;
      }
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return skipped;
}

/**
 * The incident use case behind the log handler and the sweeper. Each delivery's diagnoses become
 * one conditional write per fingerprint (count, history and any claimed notification together),
 * whatever the number of events; a redelivered batch is recognised by its delivery key and costs no
 * write. Writes are optimistic (read, decide in the pure lifecycle, write if the version is
 * unchanged, else re-read and retry), so concurrent invocations serialise on an incident: counting
 * is exact and each notification is claimed once. A claimed notification is sent to every channel
 * (with retries) by the invocation holding the incident's outbox lease and acknowledged per
 * channel; what a channel did not take stays pending on the incident for the sweeper. The one
 * window for a repeat: a send that succeeded but whose acknowledgement was never written (the
 * invocation died in between) is sent again once the lease expires.
 */
export class IncidentService implements DiagnosisSink {
  private readonly repository: IncidentRepository;
  private readonly notifiers: readonly Notifier[];
  private readonly channels: readonly string[];
  private readonly clock: Clock;
  private readonly policy: IncidentPolicy;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly verifier: DiagnosisVerifier | undefined;
  private readonly budget: AlertBudget | undefined;
  private readonly onDigest: IncidentServiceOptions['onDigest'];

  constructor(options: IncidentServiceOptions) {
    this.repository = options.repository;
    this.notifiers = options.notifiers;
    this.channels = options.notifiers.map((n) => n.channel);
    if (new Set(this.channels).size !== this.channels.length) {
      throw new ConfigError(
        'notifiers',
        `channel names must be unique: ${this.channels.join(', ')}`,
      );
    }
    this.clock = options.clock;
    this.policy = incidentPolicy(options.policy);
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.verifier = options.verifier;
    this.budget = options.budget;
    this.onDigest = options.onDigest;
  }

  /** DiagnosisSink: records a delivery's diagnoses (see {@link record}). */
  async accept(diagnoses: readonly Diagnosis[], context: DeliveryContext): Promise<void> {
    await this.record(diagnoses, context);
  }

  /**
   * Records a delivery. Fingerprints are independent: all are attempted, and if any failed to be
   * stored the first error is thrown afterwards so that Lambda retries the delivery (the retry is
   * recognised as a redelivery for those already stored). At most `maxNewIncidentsPerDelivery`
   * new incidents get an OPENED alert of their own; the others are stored just the same and
   * announced together in one aggregated alert (a flood of forged lines costs one message).
   */
  async record(
    diagnoses: readonly Diagnosis[],
    context: DeliveryContext,
  ): Promise<RecordedIncident[]> {
    const now = this.clock.now();
    const deliveries = toIncidentDeliveries(diagnoses, context.receivedAt, context.account);
    const openings = { left: this.policy.maxNewIncidentsPerDelivery };
    const settled: PromiseSettledResult<RecordedIncident>[] = [];
    // A bounded number at a time: a flood of 1,500 distinct failures must not open 1,500 sockets.
    await pool(deliveries, RECORD_CONCURRENCY, never, async (d) => {
      try {
        settled.push({ status: 'fulfilled', value: await this.recordOne(d, now, openings) });
      } catch (reason) {
        settled.push({ status: 'rejected', reason });
      }
    });
    const recorded = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const muted = recorded.filter((r) => r.muted);
    if (muted.length > 0) {
      await this.sendDigest({
        digestId: `delivery:${muted
          .map((r) => r.incidentId)
          .sort()
          .join(',')
          .slice(0, 64)}:${muted.length}`,
        reason: 'new-incidents-per-delivery',
        held: muted.length,
        limit: this.policy.maxNewIncidentsPerDelivery,
        from: new Date(context.receivedAt).toISOString(),
        logGroup: context.logGroup,
        incidentIds: muted.slice(0, DIGEST_EXAMPLES).map((r) => r.incidentId),
      });
    }
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return recorded;
  }

  /**
   * The scheduled job: resolves incidents quiet for the quiet period (and sends `resolved`),
   * retries notifications still pending, and sends the digest of every minute in which a channel
   * held alerts back. Incidents are handled on their own, several at a time, and none is started
   * after `options.deadline`; the first failure is thrown after all were tried.
   */
  async sweep(options: SweepOptions = {}): Promise<SweepReport> {
    const now = this.clock.now();
    const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
    const late = () => this.clock.now() >= deadline;
    const resolved: string[] = [];
    const sends: SendResult[] = [];
    const errors: unknown[] = [];
    const reverified: string[] = [];
    // An incident resolved here just had its outbox sent: retrying it again now would only fail again.
    const handled = new Set<string>();
    let deferred = await pool(
      await this.repository.listOpenIncidents(),
      SWEEP_CONCURRENCY,
      late,
      async (listed) => {
        try {
          let current: IncidentRecord = listed;
          if (this.verifier && dueForReverify(listed, now, this.policy)) {
            const outcome = await this.reverifyOne(listed, now);
            if (outcome) {
              reverified.push(listed.id);
              sends.push(...outcome.sends);
              current = outcome.record;
              if (outcome.sends.length > 0) handled.add(listed.id);
            }
          }
          const result = await this.resolveOne(current, now);
          if (result) {
            resolved.push(listed.id);
            handled.add(listed.id);
            sends.push(...result);
          }
        } catch (error) {
          errors.push(error);
        }
      },
    );
    const pending = await this.repository.listPendingNotifications();
    const ids = [...new Set(pending.map((p) => p.incidentId))].filter((id) => !handled.has(id));
    deferred += await pool(ids, SWEEP_CONCURRENCY, late, async (id) => {
      try {
        sends.push(...(await this.retryPending(id, now)));
      } catch (error) {
        errors.push(error);
      }
    });
    let digests = 0;
    if (!late()) {
      try {
        digests = await this.sendHeldDigests(now);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
    return this.verifier
      ? { resolved, sends, digests, deferred, reverified }
      : { resolved, sends, digests, deferred };
  }

  /** Sends the digest of each finished minute in which a channel held alerts back, once. */
  private async sendHeldDigests(now: number): Promise<number> {
    if (!this.budget) return 0;
    const thisMinute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    let sent = 0;
    for (const held of await this.budget.listHeld(thisMinute)) {
      const notifier = this.notifiers.find((n) => n.channel === held.channel);
      const claimed = await this.budget.claimDigest(held.channel, held.minute);
      if (!notifier || !claimed) continue;
      const digest: AlertDigest = {
        digestId: `minute:${held.channel}:${new Date(held.minute).toISOString()}`,
        reason: 'alerts-per-channel-per-minute',
        held: claimed.held,
        limit: this.policy.maxAlertsPerChannelPerMinute,
        from: new Date(held.minute).toISOString(),
        logGroup: null,
        incidentIds: [],
      };
      const results = await this.deliverDigest(digest, [notifier]);
      this.onDigest?.(digest, results);
      sent += 1;
    }
    return sent;
  }

  /** Sends a digest to every channel that takes digests; outside the per-minute budget. */
  private async sendDigest(digest: AlertDigest): Promise<void> {
    const results = await this.deliverDigest(digest, this.notifiers);
    this.onDigest?.(digest, results);
  }

  private async deliverDigest(
    digest: AlertDigest,
    notifiers: readonly Notifier[],
  ): Promise<SendResult[]> {
    return Promise.all(
      notifiers
        .filter((n) => n.sendDigest !== undefined)
        .map(async (n): Promise<SendResult> => {
          try {
            await n.sendDigest?.(digest);
            return { notificationId: digest.digestId, channel: n.channel, ok: true };
          } catch (error) {
            return {
              notificationId: digest.digestId,
              channel: n.channel,
              ok: false,
              error: oneLine(error),
            };
          }
        }),
    );
  }

  private async recordOne(
    delivery: IncidentDelivery,
    now: number,
    openings: { left: number },
  ): Promise<RecordedIncident> {
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt += 1) {
      const head = await this.repository.getHead(delivery.fingerprint);
      const input = {
        latest: head.latest,
        lastEpisode: head.lastEpisode,
        delivery,
        now,
        channels: this.channels,
        policy: this.policy,
      };
      const first = applyDelivery(input);
      if (first.kind === 'duplicate') {
        return report(delivery, first.record.id, 'duplicate', 0, null, [], false);
      }
      // Beyond the delivery's cap a new incident opens without queueing its OPENED alert.
      const muted = first.kind === 'opened' && openings.left <= 0;
      let decision = muted ? applyDelivery({ ...input, channels: [] }) : first;
      if (decision.kind === 'duplicate') continue;
      // Only an opening delivery is verified, within the verifier's budget, so the OPENED alert
      // carries the root cause; a known incident's deliveries cost no AWS call.
      if (decision.kind === 'opened' && this.verifier) {
        const diagnosis = await this.verifier.verify(decision.record.diagnosis);
        decision = { ...decision, record: { ...decision.record, diagnosis } };
      }
      if (decision.kind === 'opened' && !muted) openings.left -= 1;
      const written =
        decision.kind === 'opened'
          ? await this.repository.create(decision.record)
          : await this.repository.replace(decision.record, head.latest?.version ?? 0);
      if (written) {
        const sends = await this.afterWrite(decision);
        const claimed = decision.claimed?.kind ?? null;
        return report(
          delivery,
          decision.record.id,
          decision.kind,
          delivery.count,
          claimed,
          sends,
          muted,
        );
      }
      if (decision.kind === 'opened' && !muted) openings.left += 1;
      await this.conflictBackoff(attempt);
    }
    throw tooContended(delivery.fingerprint);
  }

  private async resolveOne(listed: IncidentRecord, now: number): Promise<SendResult[] | null> {
    let current: IncidentRecord | null = listed;
    for (let attempt = 0; current && attempt < MAX_CONFLICTS; attempt += 1) {
      const transition = resolveQuietIncident(current, now, this.channels, this.policy);
      if (!transition) return null;
      // Remember the episode number before its item can expire, so ids are never reused.
      if (attempt === 0)
        await this.repository.rememberEpisode(current.fingerprint, current.episode);
      if (await this.repository.replace(transition.record, current.version)) {
        return this.afterWrite(transition);
      }
      await this.conflictBackoff(attempt);
      current = await this.repository.getIncident(listed.id);
    }
    if (!current) return null;
    throw tooContended(listed.fingerprint);
  }

  /** Re-checks one open incident and stores the verdict (claiming FIXED the first time it is). */
  private async reverifyOne(
    listed: IncidentRecord,
    now: number,
  ): Promise<{ record: IncidentRecord; sends: SendResult[] } | null> {
    const verified = await this.verifier!.verify(listed.diagnosis);
    let current: IncidentRecord | null = listed;
    for (let attempt = 0; current && attempt < MAX_CONFLICTS; attempt += 1) {
      const transition = applyVerification(current, verified, now, this.channels, this.policy);
      if (!transition) return null;
      if (await this.repository.replace(transition.record, current.version)) {
        const sends = await this.afterWrite(transition);
        return {
          record: (await this.repository.getIncident(listed.id)) ?? transition.record,
          sends,
        };
      }
      await this.conflictBackoff(attempt);
      current = await this.repository.getIncident(listed.id);
    }
    if (!current) return null;
    throw tooContended(listed.fingerprint);
  }

  private async retryPending(id: string, now: number): Promise<SendResult[]> {
    let current = await this.repository.getIncident(id);
    for (let attempt = 0; current && attempt < MAX_CONFLICTS; attempt += 1) {
      const transition = claimOutbox(current, now, this.policy);
      if (!transition) return [];
      if (await this.repository.replace(transition.record, current.version)) {
        return this.afterWrite(transition);
      }
      await this.conflictBackoff(attempt);
      current = await this.repository.getIncident(id);
    }
    if (!current) return [];
    throw tooContended(current.fingerprint);
  }

  /** Sends the outbox when the write took its lease, then acknowledges the outcomes. */
  private async afterWrite(transition: Transition): Promise<SendResult[]> {
    if (!transition.leased) return [];
    const record = transition.record;
    const perChannel = await Promise.all(this.notifiers.map((n) => this.sendChannel(record, n)));
    const results = perChannel.flat();
    let current: IncidentRecord | null = record;
    for (let attempt = 0; current && attempt < MAX_CONFLICTS; attempt += 1) {
      const acked = acknowledgeOutbox(current, results, record.leaseUntil);
      if (await this.repository.replace(acked, current.version)) return results;
      await this.conflictBackoff(attempt);
      current = await this.repository.getIncident(record.id);
    }
    if (!current) return results;
    throw tooContended(record.fingerprint);
  }

  /**
   * Sends a channel its pending notifications in order; stops at the first that still fails, so a
   * channel never gets an `update` before the `opened` it follows. Each send first takes one of the
   * channel's alerts for the current minute; without one it is held (summed up in the minute's
   * digest). A send whose outcome is unknown is never repeated; a channel that refuses for good, or
   * fails its last allowed attempt, is given up for that notification.
   */
  private async sendChannel(record: IncidentRecord, notifier: Notifier): Promise<SendResult[]> {
    const channel = notifier.channel;
    const results: SendResult[] = [];
    const entries = [...record.outbox].sort((a, b) => a.seq - b.seq);
    for (const entry of entries) {
      if (!entry.pendingChannels.includes(channel)) continue;
      const { notificationId } = entry;
      if ((record.notified[channel] ?? 0) >= entry.seq) {
        results.push({ notificationId, channel, ok: true });
        continue;
      }
      if (!(await this.takeBudget(channel))) {
        results.push({ notificationId, channel, ok: true, status: 'held' });
        continue;
      }
      const outcome = await this.sendWithRetry(notifier, toNotification(record, entry));
      if (outcome.kind === 'sent') {
        results.push({ notificationId, channel, ok: true });
        continue;
      }
      if (outcome.kind === 'unconfirmed') {
        results.push({
          notificationId,
          channel,
          ok: true,
          status: 'unconfirmed',
          error: outcome.error,
        });
        continue;
      }
      const lastAttempt = entry.attempts + 1 >= this.policy.maxSendAttempts;
      if (outcome.kind === 'refused' || lastAttempt) {
        results.push({
          notificationId,
          channel,
          ok: true,
          status: 'abandoned',
          error: outcome.error,
        });
        continue;
      }
      results.push({ notificationId, channel, ok: false, error: outcome.error });
      break;
    }
    return results;
  }

  /** One send of the channel's budget for the current minute; true without a budget. */
  private async takeBudget(channel: string): Promise<boolean> {
    if (!this.budget) return true;
    const minute = Math.floor(this.clock.now() / MINUTE_MS) * MINUTE_MS;
    return this.budget.take(channel, minute, this.policy.maxAlertsPerChannelPerMinute);
  }

  /**
   * Sends with the in-line retries: `sent`; `unconfirmed` when the request may have reached the
   * channel (never retried: a second post could duplicate the alert); `refused` when the channel
   * said retrying cannot help; else `failed` with the last error, one line.
   */
  private async sendWithRetry(
    notifier: Notifier,
    notification: Notification,
  ): Promise<
    | { readonly kind: 'sent' }
    | { readonly kind: 'unconfirmed' | 'refused' | 'failed'; readonly error: string }
  > {
    let lastError = 'not sent';
    for (let attempt = 1; attempt <= this.retry.attempts; attempt += 1) {
      try {
        await notifier.send(notification);
        return { kind: 'sent' };
      } catch (error) {
        lastError = oneLine(error);
        if (error instanceof NotificationError && error.mayHaveBeenDelivered) {
          return { kind: 'unconfirmed', error: lastError };
        }
        if (error instanceof NotificationError && !error.retryable) {
          return { kind: 'refused', error: lastError };
        }
        if (attempt < this.retry.attempts) await this.sleep(this.backoffMs(attempt));
      }
    }
    return { kind: 'failed', error: lastError };
  }

  private backoffMs(retry: number): number {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (retry - 1));
    // Equal jitter: at least half the ceiling, so retries really back off, spread so they do not align.
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  private async conflictBackoff(attempt: number): Promise<void> {
    await this.sleep(Math.round(this.random() * Math.min(500, 10 * 2 ** attempt)));
  }
}

function report(
  delivery: IncidentDelivery,
  incidentId: string,
  outcome: RecordedIncident['outcome'],
  added: number,
  claimed: NotificationKind | null,
  sends: readonly SendResult[],
  muted: boolean,
): RecordedIncident {
  return { fingerprint: delivery.fingerprint, incidentId, outcome, added, claimed, sends, muted };
}

function tooContended(fingerprint: string): InvokeDoctorError {
  return new InvokeDoctorError(
    `incident ${fingerprint}: gave up after ${MAX_CONFLICTS} concurrent updates; the delivery will be retried`,
  );
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}
