import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { buildIncidentService, recordDigest, recordSends } from '../adapters/buildIncidentService';
import { identityOf } from '../adapters/identityOf';
import { type RuntimeConfig, runtimeConfig } from '../adapters/runtimeConfig';
import { SystemClock } from '../adapters/SystemClock';
import { type Telemetry, telemetry } from '../adapters/telemetry';
import type { IncidentService } from '../core/incidents/IncidentService';
import { METRIC } from '../core/metrics';
import type { Clock } from '../core/ports/Clock';
import type { DiagnosisVerifier } from '../core/ports/DiagnosisVerifier';
import type { IncidentRepository } from '../core/ports/IncidentRepository';
import type { Notifier } from '../core/ports/Notifier';

/** What one sweep did; returned to Lambda and logged. */
export interface SweepSummary {
  readonly status: 'swept' | 'incidents-disabled';
  /** Incidents resolved by this sweep. */
  readonly resolved: number;
  /** Open incidents re-checked against the live account. */
  readonly reverified?: number;
  /** Notifications delivered to a channel / still failing, per channel send. */
  readonly delivered: number;
  readonly failed: number;
  /** Sends given up for good (the channel refused, or its last allowed attempt failed). */
  readonly abandoned?: number;
  /** Aggregated alerts sent for minutes in which a channel held alerts back. */
  readonly digests?: number;
  /** Incidents left for the next sweep because this one ran out of time. */
  readonly deferred?: number;
}

/**
 * Time kept back from the invocation's remaining time: no incident is started later than this
 * before the Lambda timeout, so sends already under way (each bounded by a channel's timeout)
 * finish inside it.
 */
export const SWEEP_MARGIN_MS = 15_000;

/** Everything the sweeper composes; each part has a production default. */
export interface SweeperDeps {
  /** Default: {@link runtimeConfig} of process.env, read on the first invocation. */
  readonly config?: RuntimeConfig;
  readonly telemetry?: Telemetry;
  /** Default: DynamoDbIncidentRepository on `config.incidentsTableName`. */
  readonly repository?: IncidentRepository;
  /** Default: {@link buildNotifiers} from the config (Slack secret, SNS topic). */
  readonly notifiers?: readonly Notifier[];
  readonly clock?: SystemClock;
  /** Default: with VERIFY on, an AWS verifier in the function's own account; null: none. */
  readonly verifier?: DiagnosisVerifier | null;
}

/**
 * The scheduled sweeper: resolves incidents quiet for the quiet period and sends their `resolved`
 * notifications, retries notifications still pending, and sends the digests of held alerts.
 * Incidents are worked on several at a time and none is started within SWEEP_MARGIN_MS of the
 * Lambda timeout (the rest wait for the next minute), so a hanging channel cannot time the sweep
 * out. Safe to run concurrently or twice: every state change is a conditional write and every send
 * is claimed first. A failure is logged and rethrown (after all incidents were tried) so the
 * invocation shows as failed.
 */
export function createSweeper(deps: SweeperDeps = {}) {
  let wiring: SweeperWiring | undefined;
  return async (_event?: unknown, context?: Context): Promise<SweepSummary> => {
    wiring ??= wire(deps, context);
    const { logger } = wiring.telemetry;
    if (context) logger.addContext(context);
    if (!wiring.service) {
      logger.info('incidents are disabled (no table configured): nothing to sweep');
      return { status: 'incidents-disabled', resolved: 0, delivered: 0, failed: 0 };
    }
    try {
      const remaining = context?.getRemainingTimeInMillis?.();
      const deadline =
        remaining === undefined ? undefined : wiring.clock.now() + remaining - SWEEP_MARGIN_MS;
      const report = await wiring.service.sweep(deadline === undefined ? {} : { deadline });
      const failures = report.sends.filter((s) => !s.ok);
      const abandoned = report.sends.filter((s) => s.status === 'abandoned').length;
      const summary: SweepSummary = {
        status: 'swept',
        resolved: report.resolved.length,
        reverified: report.reverified?.length ?? 0,
        delivered: report.sends.filter((s) => s.ok && s.status === undefined).length,
        failed: failures.length,
        abandoned,
        digests: report.digests,
        deferred: report.deferred,
      };
      recordSends(report.sends, wiring.telemetry);
      logger.info('sweep done', { ...summary, resolvedIds: report.resolved });
      const { metrics } = wiring.telemetry;
      metrics.addMetric(METRIC.incidentsResolved, MetricUnit.Count, summary.resolved);
      if (failures.length === 0) metrics.addMetric(METRIC.notificationsFailed, MetricUnit.Count, 0);
      return summary;
    } catch (error) {
      logger.error('sweep failed', error as Error);
      throw error;
    } finally {
      if (wiring.telemetry.metrics.hasStoredMetrics())
        wiring.telemetry.metrics.publishStoredMetrics();
    }
  };
}

interface SweeperWiring {
  readonly service: IncidentService | null;
  readonly telemetry: Telemetry;
  readonly clock: Clock;
}

function wire(deps: SweeperDeps, context: Context | undefined): SweeperWiring {
  const config = deps.config ?? runtimeConfig();
  const t = deps.telemetry ?? telemetry();
  const clock = deps.clock ?? new SystemClock();
  const { repository, notifiers, verifier } = deps;
  return {
    service: buildIncidentService(config, {
      repository,
      notifiers,
      clock,
      verifier,
      identity: identityOf(context),
      onDigest: (digest, sends) => recordDigest(digest, sends, t),
    }),
    telemetry: t,
    clock,
  };
}

/** Lambda entry point (EventBridge schedule). */
export const handler = createSweeper();
