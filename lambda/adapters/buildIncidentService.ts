import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { IncidentService } from '../core/incidents/IncidentService';
import type { Clock } from '../core/ports/Clock';
import type { DeliveryContext, DiagnosisSink } from '../core/ports/DiagnosisSink';
import type { IncidentRepository } from '../core/ports/IncidentRepository';
import type { Notifier } from '../core/ports/Notifier';
import type { Diagnosis } from '../core/types';
import type { RuntimeConfig } from './runtimeConfig';

const MINUTE = 60_000;

/** Metric names of the incident lifecycle (the stack's dashboard and alarms use exactly these). */
export const INCIDENT_METRIC = {
  opened: 'IncidentsOpened',
  resolved: 'IncidentsResolved',
  notificationsFailed: 'NotificationsFailed',
} as const;

/**
 * Builds the incident use case from the runtime config, the same way for the log handler and the
 * sweeper so both agree on the lifecycle timings. Channels that retry on their own (Slack honours
 * Retry-After, the SNS client retries) get one attempt per invocation here: the sweeper's schedule
 * is the backoff beyond that.
 */
export function buildIncidentService(
  config: RuntimeConfig,
  deps: {
    repository: IncidentRepository;
    notifiers: readonly Notifier[];
    clock: Clock & { sleep(ms: number): Promise<void> };
  },
): IncidentService {
  return new IncidentService({
    repository: deps.repository,
    notifiers: deps.notifiers,
    clock: deps.clock,
    sleep: (ms) => deps.clock.sleep(ms),
    retry: { attempts: 1 },
    policy: {
      updateIntervalMs: config.updateIntervalMinutes * MINUTE,
      quietPeriodMs: config.quietPeriodMinutes * MINUTE,
      resolvedTtlDays: config.resolvedTtlDays,
    },
  });
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
    const failed = recorded.flatMap((r) => r.sends.filter((s) => !s.ok));
    const { metrics, logger } = this.telemetry;
    if (opened > 0) metrics.addMetric(INCIDENT_METRIC.opened, MetricUnit.Count, opened);
    if (failed.length > 0) {
      metrics.addMetric(INCIDENT_METRIC.notificationsFailed, MetricUnit.Count, failed.length);
      for (const failure of failed) logger.warn('notification pending', { ...failure });
    }
  }
}
