import { SETTINGS } from '../../lambda/core/settings';

/** The environment variable names the stack sets, by the role tests give them. */
export const RUNTIME_ENV = {
  incidentsTable: SETTINGS.incidentsTableName.env,
  alertTopicArn: SETTINGS.alertTopicArn.env,
  slackWebhookSecret: SETTINGS.slackWebhookSecretId.env,
  chatFormat: SETTINGS.chatFormat.env,
  updateIntervalMinutes: SETTINGS.updateIntervalMinutes.env,
  quietPeriodMinutes: SETTINGS.quietPeriodMinutes.env,
  resolvedTtlDays: SETTINGS.resolvedTtlDays.env,
  contextLookup: SETTINGS.contextLookup.env,
  verify: SETTINGS.verify.env,
  reverifyIntervalMinutes: SETTINGS.reverifyIntervalMinutes.env,
  holdWindowHours: SETTINGS.holdWindowHours.env,
  reminderIntervalHours: SETTINGS.reminderIntervalHours.env,
  recurringQuietMultiplier: SETTINGS.recurringQuietMultiplier.env,
  recurringAfterBursts: SETTINGS.recurringAfterBursts.env,
  trustedAccounts: SETTINGS.trustedAccounts.env,
  trustedOrganizationId: SETTINGS.trustedOrganizationId.env,
  maxNewIncidentsPerDelivery: SETTINGS.maxNewIncidentsPerDelivery.env,
  maxAlertsPerChannelPerMinute: SETTINGS.maxAlertsPerChannelPerMinute.env,
  centralExternalId: SETTINGS.centralExternalId.env,
} as const;
