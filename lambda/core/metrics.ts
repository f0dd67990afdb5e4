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
  /**
   * Channel sends given up: the channel refused for good (a deleted topic, a revoked webhook) or
   * failed its last allowed attempt. The alarm on it says a channel is down for good.
   */
  notificationsAbandoned: 'NotificationsAbandoned',
  /** Sends whose outcome is unknown (a timeout after the request went out): not sent again. */
  notificationsUnconfirmed: 'NotificationsUnconfirmed',
  /**
   * Alerts not sent on their own (beyond the new incidents per delivery or the alerts per channel
   * per minute) and summed up in an aggregated alert; their incidents are stored.
   */
  alertsHeld: 'AlertsHeld',
} as const;
