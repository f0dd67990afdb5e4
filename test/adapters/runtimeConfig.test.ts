import { runtimeConfig } from '../../lambda/adapters/runtimeConfig';
import { ConfigError } from '../../lambda/core/errors';
import { SETTINGS } from '../../lambda/core/settings';
import { RUNTIME_ENV } from '../helpers/runtimeEnv';

describe('runtimeConfig', () => {
  test('an empty environment gives the logging-only defaults', () => {
    expect(runtimeConfig({})).toEqual({
      incidentsTableName: null,
      alertTopicArn: null,
      slackWebhookSecretId: null,
      chatFormat: false,
      updateIntervalMinutes: SETTINGS.updateIntervalMinutes.default,
      quietPeriodMinutes: SETTINGS.quietPeriodMinutes.default,
      resolvedTtlDays: SETTINGS.resolvedTtlDays.default,
      contextLookup: true,
      verify: true,
      reverifyIntervalMinutes: SETTINGS.reverifyIntervalMinutes.default,
      holdWindowHours: SETTINGS.holdWindowHours.default,
      reminderIntervalHours: SETTINGS.reminderIntervalHours.default,
      recurringQuietMultiplier: SETTINGS.recurringQuietMultiplier.default,
      recurringAfterBursts: SETTINGS.recurringAfterBursts.default,
      trustedAccounts: [],
      trustedOrganizationId: null,
      maxNewIncidentsPerDelivery: SETTINGS.maxNewIncidentsPerDelivery.default,
      maxAlertsPerChannelPerMinute: SETTINGS.maxAlertsPerChannelPerMinute.default,
      centralExternalId: null,
    });
  });

  test('trusted accounts are a comma-separated list of account ids; anything else is refused', () => {
    const env = {
      [RUNTIME_ENV.trustedAccounts]: '111122223333, 444455556666',
      [RUNTIME_ENV.trustedOrganizationId]: 'o-abcdefghij',
    };
    expect(runtimeConfig(env)).toMatchObject({
      trustedAccounts: ['111122223333', '444455556666'],
      trustedOrganizationId: 'o-abcdefghij',
    });
    expect(() => runtimeConfig({ [RUNTIME_ENV.trustedAccounts]: '111122223333,*' })).toThrow(
      ConfigError,
    );
    expect(() => runtimeConfig({ [RUNTIME_ENV.trustedOrganizationId]: 'o-x' })).toThrow(
      ConfigError,
    );
  });

  test('reads every variable the stack sets', () => {
    // Arrange
    const env = {
      [RUNTIME_ENV.incidentsTable]: 'InvokeDoctor-Incidents-1A2B3C',
      [RUNTIME_ENV.alertTopicArn]: 'arn:aws:sns:us-east-1:123456789012:InvokeDoctorAlerts',
      [RUNTIME_ENV.slackWebhookSecret]:
        'arn:aws:secretsmanager:us-east-1:123456789012:secret:invoke-doctor/slack-AbCdEf',
      [RUNTIME_ENV.chatFormat]: 'TRUE',
      [RUNTIME_ENV.updateIntervalMinutes]: '30',
      [RUNTIME_ENV.quietPeriodMinutes]: '5',
      [RUNTIME_ENV.resolvedTtlDays]: '7',
      [RUNTIME_ENV.contextLookup]: 'false',
      [RUNTIME_ENV.verify]: 'false',
      [RUNTIME_ENV.reverifyIntervalMinutes]: '20',
      [RUNTIME_ENV.holdWindowHours]: '48',
      [RUNTIME_ENV.reminderIntervalHours]: '12',
      [RUNTIME_ENV.recurringQuietMultiplier]: '3',
      [RUNTIME_ENV.recurringAfterBursts]: '4',
      [RUNTIME_ENV.trustedAccounts]: '111122223333',
      [RUNTIME_ENV.trustedOrganizationId]: 'o-abcdefghij',
      [RUNTIME_ENV.maxNewIncidentsPerDelivery]: '5',
      [RUNTIME_ENV.maxAlertsPerChannelPerMinute]: '50',
      [RUNTIME_ENV.centralExternalId]: 'invoke-doctor-o-a1b2c3d4e5',
    };

    // Act
    const config = runtimeConfig(env);

    // Assert
    expect(config).toEqual({
      incidentsTableName: 'InvokeDoctor-Incidents-1A2B3C',
      alertTopicArn: 'arn:aws:sns:us-east-1:123456789012:InvokeDoctorAlerts',
      slackWebhookSecretId:
        'arn:aws:secretsmanager:us-east-1:123456789012:secret:invoke-doctor/slack-AbCdEf',
      chatFormat: true,
      updateIntervalMinutes: 30,
      quietPeriodMinutes: 5,
      resolvedTtlDays: 7,
      contextLookup: false,
      verify: false,
      reverifyIntervalMinutes: 20,
      holdWindowHours: 48,
      reminderIntervalHours: 12,
      recurringQuietMultiplier: 3,
      recurringAfterBursts: 4,
      trustedAccounts: ['111122223333'],
      trustedOrganizationId: 'o-abcdefghij',
      maxNewIncidentsPerDelivery: 5,
      maxAlertsPerChannelPerMinute: 50,
      centralExternalId: 'invoke-doctor-o-a1b2c3d4e5',
    });
  });

  test('blank values count as unset', () => {
    const config = runtimeConfig({
      [RUNTIME_ENV.incidentsTable]: '  ',
      [RUNTIME_ENV.contextLookup]: '',
    });
    expect(config.incidentsTableName).toBeNull();
    expect(config.contextLookup).toBe(true);
  });

  test('a webhook URL put where the secret id belongs is rejected without echoing it', () => {
    const read = () =>
      runtimeConfig({
        [RUNTIME_ENV.slackWebhookSecret]: 'https://hooks.slack.com/services/T000/B000/XXXX',
      });
    expect(read).toThrow(ConfigError);
    expect(read).not.toThrow(/hooks\.slack\.com/);
  });

  test('a secret given by name is accepted', () => {
    expect(
      runtimeConfig({ [RUNTIME_ENV.slackWebhookSecret]: 'invoke-doctor/slack' })
        .slackWebhookSecretId,
    ).toBe('invoke-doctor/slack');
  });

  test.each([
    [RUNTIME_ENV.contextLookup, 'yes'],
    [RUNTIME_ENV.chatFormat, '1'],
    [RUNTIME_ENV.updateIntervalMinutes, '0'],
    [RUNTIME_ENV.updateIntervalMinutes, '1.5'],
    [RUNTIME_ENV.quietPeriodMinutes, 'ten'],
    [RUNTIME_ENV.resolvedTtlDays, '99999'],
    [RUNTIME_ENV.incidentsTable, 'a b'],
    [RUNTIME_ENV.alertTopicArn, 'arn:aws:sqs:us-east-1:123456789012:queue'],
    [RUNTIME_ENV.slackWebhookSecret, 'https://hooks.slack.com/services/T000/B000/XXXX'],
  ])('%s=%j is rejected with an error naming the variable', (name, raw) => {
    // Act
    const read = () => runtimeConfig({ [name]: raw });

    // Assert
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(new RegExp(`^${name}: expected `));
  });
});
