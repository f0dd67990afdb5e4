import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { buildIncidentService } from '../adapters/buildIncidentService';
import { identityOf } from '../adapters/identityOf';
import { type RuntimeConfig, runtimeConfig } from '../adapters/runtimeConfig';
import type { SystemClock } from '../adapters/SystemClock';
import { type Telemetry, telemetry } from '../adapters/telemetry';
import type { IncidentService } from '../core/incidents/IncidentService';
import { METRIC } from '../core/metrics';
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
}

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
 * notifications, then retries notifications still pending. Safe to run concurrently or twice:
 * every state change is a conditional write and every send is claimed first. A failure is logged
 * and rethrown (after all incidents were tried) so the invocation shows as failed.
 */
export function createSweeper(deps: SweeperDeps = {}) {
  let wiring: { service: IncidentService | null; telemetry: Telemetry } | undefined;
  return async (_event?: unknown, context?: Context): Promise<SweepSummary> => {
    wiring ??= wire(deps, context);
    const { logger } = wiring.telemetry;
    if (context) logger.addContext(context);
    if (!wiring.service) {
      logger.info('incidents are disabled (no table configured): nothing to sweep');
      return { status: 'incidents-disabled', resolved: 0, delivered: 0, failed: 0 };
    }
    try {
      const report = await wiring.service.sweep();
      const failures = report.sends.filter((s) => !s.ok);
      const summary: SweepSummary = {
        status: 'swept',
        resolved: report.resolved.length,
        reverified: report.reverified?.length ?? 0,
        delivered: report.sends.length - failures.length,
        failed: failures.length,
      };
      for (const failure of failures) {
        logger.warn('notification still pending', { ...failure });
      }
      logger.info('sweep done', { ...summary, resolvedIds: report.resolved });
      const { metrics } = wiring.telemetry;
      metrics.addMetric(METRIC.incidentsResolved, MetricUnit.Count, summary.resolved);
      metrics.addMetric(METRIC.notificationsFailed, MetricUnit.Count, summary.failed);
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

function wire(
  deps: SweeperDeps,
  context: Context | undefined,
): { service: IncidentService | null; telemetry: Telemetry } {
  const config = deps.config ?? runtimeConfig();
  const { repository, notifiers, clock, verifier } = deps;
  return {
    service: buildIncidentService(config, {
      repository,
      notifiers,
      clock,
      verifier,
      identity: identityOf(context),
    }),
    telemetry: deps.telemetry ?? telemetry(),
  };
}

/** Lambda entry point (EventBridge schedule). */
export const handler = createSweeper();
