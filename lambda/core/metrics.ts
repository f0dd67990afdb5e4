/**
 * Names of invoke-doctor's CloudWatch metrics: the functions emit them (EMF through Powertools
 * Metrics) and the stack's dashboard and alarms read them, so both use this one module.
 */

/** CloudWatch metrics namespace (POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'InvokeDoctor';

/** Service name on every log record and the `service` dimension of every metric. */
export const SERVICE_NAME = 'invoke-doctor';

/**
 * Metric names. Every metric carries the `service` dimension Powertools adds; `Diagnoses` also
 * carries `kind`. Dashboards and alarms must use exactly these dimension sets.
 */
export const METRIC = {
  /** Diagnoses produced, per `kind`. */
  diagnoses: 'Diagnoses',
  /** Log events read from deliveries. */
  eventsScanned: 'EventsScanned',
  /** Deliveries or stream records that could not be decoded. */
  badPayloads: 'BadPayloads',
  /** Stream records reported as batch item failures (retried, then kept in the failure queue). */
  failedRecords: 'FailedRecords',
  /** FilterLogEvents context lookups made. */
  lookups: 'Lookups',
  /** Incidents opened (first OPENED alert claimed). */
  incidentsOpened: 'IncidentsOpened',
  /** Incidents the sweeper resolved. */
  incidentsResolved: 'IncidentsResolved',
  /** Channel sends that failed and stay pending for the sweeper. */
  notificationsFailed: 'NotificationsFailed',
} as const;
