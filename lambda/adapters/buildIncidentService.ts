import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SendResult } from '../core/incidents/acknowledgeOutbox';
import { IncidentService } from '../core/incidents/IncidentService';
import type { AlertDigest } from '../core/incidents/incident';
import { METRIC } from '../core/metrics';
import type { AlertBudget } from '../core/ports/AlertBudget';
import type { Clock } from '../core/ports/Clock';
import type { DeliveryContext, DiagnosisSink } from '../core/ports/DiagnosisSink';
import type { DiagnosisVerifier } from '../core/ports/DiagnosisVerifier';
import type { IncidentRepository } from '../core/ports/IncidentRepository';
import type { Notifier } from '../core/ports/Notifier';
import type { Diagnosis } from '../core/types';
import { buildNotifiers } from './buildNotifiers';
import { buildVerifier, VERDICT_CACHE_MS } from './buildVerifier';
import { DynamoDbIncidentRepository } from './DynamoDbIncidentRepository';
import type { RuntimeConfig } from './runtimeConfig';
import { SystemClock } from './SystemClock';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Parts of the incident use case a caller may supply instead of the production defaults. */
export interface IncidentServiceParts {
  /** Default: DynamoDbIncidentRepository on the configured table. */
  readonly repository?: IncidentRepository | undefined;
  /** Default: the channels the configuration names (Slack secret, SNS topic). */
  readonly notifiers?: readonly Notifier[] | undefined;
  readonly clock?: (Clock & { sleep(ms: number): Promise<void> }) | undefined;
  /**
   * Default: with `verify` on, an AWS verifier in the function's Region (its account and partition
   * from the Lambda context when given), verdicts cached per container; null: no verification.
   */
  readonly verifier?: DiagnosisVerifier | null | undefined;
  /** The function's own account and partition (from the Lambda context), to skip GetCallerIdentity. */
  readonly identity?: { readonly account: string; readonly partition: string } | undefined;
  /** Default: the repository when it keeps the budget (DynamoDbIncidentRepository), else none. */
  readonly budget?: AlertBudget | undefined;
  /** Told about each aggregated alert (the sink and the sweeper count and log them). */
  readonly onDigest?: ((digest: AlertDigest, sends: readonly SendResult[]) => void) | undefined;
}

/**
 * Builds the incident use case from the runtime config, the one way both the log handler and the
 * sweeper do, so they agree on the store, the channels and the lifecycle timings. Null when no
 * incidents table is configured (diagnoses are then only logged). Channels that retry on their own
 * (Slack honours Retry-After, the SNS client retries) get one attempt per invocation here: the
 * sweeper's schedule is the backoff beyond that. SDK clients are created on first use.
 */
export function buildIncidentService(
  config: RuntimeConfig,
  parts: IncidentServiceParts = {},
): IncidentService | null {
  let repository = parts.repository;
  if (!repository) {
    if (!config.incidentsTableName) return null;
    repository = new DynamoDbIncidentRepository({ tableName: config.incidentsTableName });
  }
  const budget =
    parts.budget ?? (repository instanceof DynamoDbIncidentRepository ? repository : undefined);
  const clock = parts.clock ?? new SystemClock();
  return new IncidentService({
    repository,
    ...(budget ? { budget } : {}),
    ...(parts.onDigest ? { onDigest: parts.onDigest } : {}),
    notifiers:
      parts.notifiers ??
      buildNotifiers({
        topicArn: config.alertTopicArn,
        slackWebhookSecretId: config.slackWebhookSecretId,
        chatFormat: config.chatFormat,
      }),
    clock,
    sleep: (ms) => clock.sleep(ms),
    retry: { attempts: 1 },
    policy: {
      updateIntervalMs: config.updateIntervalMinutes * MINUTE,
      quietPeriodMs: config.quietPeriodMinutes * MINUTE,
      resolvedTtlDays: config.resolvedTtlDays,
      holdWindowMs: config.holdWindowHours * HOUR,
      reminderIntervalMs: config.reminderIntervalHours * HOUR,
      recurringQuietMultiplier: config.recurringQuietMultiplier,
      recurringAfterBursts: config.recurringAfterBursts,
      reverifyIntervalMs: config.reverifyIntervalMinutes * MINUTE,
      maxNewIncidentsPerDelivery: config.maxNewIncidentsPerDelivery,
      maxAlertsPerChannelPerMinute: config.maxAlertsPerChannelPerMinute,
    },
    verifier:
      parts.verifier === undefined
        ? config.verify
          ? buildVerifier({
              region: process.env.AWS_REGION,
              identity: parts.identity,
              cacheMs: VERDICT_CACHE_MS,
              now: () => clock.now(),
              trust: {
                accounts: config.trustedAccounts,
                organizationId: config.trustedOrganizationId,
              },
            })
          : undefined
        : (parts.verifier ?? undefined),
  });
}

/**
 * Counts and logs what the channels did with a delivery's or a sweep's sends: failures stay
 * pending (`NotificationsFailed`), give-ups (`NotificationsAbandoned`, alarmed), unknown outcomes
 * never resent (`NotificationsUnconfirmed`), alerts held by the per-minute cap (`AlertsHeld`).
 */
export function recordSends(
  sends: readonly SendResult[],
  telemetry: { readonly logger: Logger; readonly metrics: Metrics },
): void {
  const { metrics, logger } = telemetry;
  const count = (metric: string, list: readonly SendResult[]) => {
    if (list.length > 0) metrics.addMetric(metric, MetricUnit.Count, list.length);
  };
  const failed = sends.filter((s) => !s.ok);
  const abandoned = sends.filter((s) => s.status === 'abandoned');
  const unconfirmed = sends.filter((s) => s.status === 'unconfirmed');
  count(METRIC.notificationsFailed, failed);
  count(METRIC.notificationsAbandoned, abandoned);
  count(METRIC.notificationsUnconfirmed, unconfirmed);
  count(
    METRIC.alertsHeld,
    sends.filter((s) => s.status === 'held'),
  );
  for (const failure of failed) logger.warn('notification pending', { ...failure });
  for (const given of abandoned)
    logger.error('notification abandoned for this channel', { ...given });
  for (const unknown of unconfirmed) {
    logger.warn('notification outcome unknown; not sent again', { ...unknown });
  }
}

/** Counts an aggregated alert's held alerts (per-delivery cap) and logs how it went out. */
export function recordDigest(
  digest: AlertDigest,
  sends: readonly SendResult[],
  telemetry: { readonly logger: Logger; readonly metrics: Metrics },
): void {
  if (digest.reason === 'new-incidents-per-delivery') {
    telemetry.metrics.addMetric(METRIC.alertsHeld, MetricUnit.Count, digest.held);
  }
  telemetry.logger.warn('alerts held back; aggregated alert sent', { ...digest, sends });
}

/**
 * DiagnosisSink of the deployed responder: every diagnosis is logged (LoggingSink) and recorded as
 * an incident; opened incidents and failed channel sends are counted as EMF metrics, and a failed
 * send is logged as a warning (it stays pending on the incident for the sweeper).
 */
export class IncidentSink implements DiagnosisSink {
  constructor(
    private readonly service: IncidentService,
    private readonly log: DiagnosisSink,
    private readonly telemetry: { readonly logger: Logger; readonly metrics: Metrics },
  ) {}

  /** Logs, then records; a store failure is rethrown so Lambda retries the delivery. */
  async accept(diagnoses: readonly Diagnosis[], context: DeliveryContext): Promise<void> {
    await this.log.accept(diagnoses, context);
    const recorded = await this.service.record(diagnoses, context);
    const opened = recorded.filter((r) => r.outcome === 'opened').length;
    if (opened > 0)
      this.telemetry.metrics.addMetric(METRIC.incidentsOpened, MetricUnit.Count, opened);
    recordSends(
      recorded.flatMap((r) => r.sends),
      this.telemetry,
    );
  }
}
