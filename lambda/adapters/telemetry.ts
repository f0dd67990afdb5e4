import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC, METRICS_NAMESPACE, SERVICE_NAME } from '../core/metrics';
import type { Diagnosis } from '../core/types';

/** The handler's logger and metrics. */
export interface Telemetry {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Creates the Powertools Logger and Metrics the handler uses. Environment variables the stack sets
 * (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_LOG_LEVEL) take precedence over
 * the defaults here.
 */
export function telemetry(options: { readonly logger?: Logger } = {}): Telemetry {
  const env = process.env;
  const logger =
    options.logger ??
    new Logger({ ...(env.POWERTOOLS_SERVICE_NAME ? {} : { serviceName: SERVICE_NAME }) });
  const metrics = new Metrics({
    ...(env.POWERTOOLS_METRICS_NAMESPACE ? {} : { namespace: METRICS_NAMESPACE }),
    ...(env.POWERTOOLS_SERVICE_NAME ? {} : { serviceName: SERVICE_NAME }),
    // Powertools' own warnings (e.g. an invalid dimension) go through our structured logger.
    logger,
  });
  return { logger, metrics };
}

/** Counts one delivery's results: diagnoses per kind, events scanned, lookups made. */
export function recordDelivery(
  metrics: Metrics,
  result: {
    readonly diagnoses: readonly Diagnosis[];
    readonly eventsScanned: number;
    readonly lookups: number;
  },
): void {
  metrics.addMetric(METRIC.eventsScanned, MetricUnit.Count, result.eventsScanned);
  metrics.addMetric(METRIC.lookups, MetricUnit.Count, result.lookups);
  const byKind = new Map<string, number>();
  for (const d of result.diagnoses) byKind.set(d.kind, (byKind.get(d.kind) ?? 0) + 1);
  // A stored metric set shares one dimension set, so each kind is its own EMF record.
  for (const [kind, count] of byKind) {
    metrics
      .singleMetric()
      .addDimension('kind', kind)
      .addMetric(METRIC.diagnoses, MetricUnit.Count, count);
  }
}

/** Counts one delivery that could not be decoded. */
export function recordBadPayload(metrics: Metrics): void {
  metrics.addMetric(METRIC.badPayloads, MetricUnit.Count, 1);
}
