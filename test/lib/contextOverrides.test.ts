/** `-c invoke-doctor.<setting>=<value>`: dotted overrides either apply or say the syntax that works. */
import { ConfigError } from '../../lambda/core/errors';
import { applyContextOverrides, parseConfig } from '../../lib/config';

describe('applyContextOverrides', () => {
  test('a dotted override sets one setting over the cdk.json value, as JSON when it parses', () => {
    // Arrange
    const base = { functions: ['orders-api'], incidents: { quietPeriodMinutes: 10 } };
    const context = {
      'invoke-doctor': base,
      'invoke-doctor.functions': '["orders-api","billing"]',
      'invoke-doctor.incidents.quietPeriodMinutes': '20',
      'invoke-doctor.slackWebhookSecretName': 'invoke-doctor/slack',
      '@aws-cdk/core:checkSecretUsage': true,
    };
    // Act
    const config = parseConfig(applyContextOverrides(base, context));
    // Assert
    expect(config.functions).toEqual(['orders-api', 'billing']);
    expect(config.incidents.quietPeriodMinutes).toBe(20);
    expect(config.slackWebhookSecretName).toBe('invoke-doctor/slack');
    expect(base.functions).toEqual(['orders-api']);
  });

  test('-c invoke-doctor.accountWide=true on an empty cdk.json is account-wide mode', () => {
    const raw = applyContextOverrides({}, { 'invoke-doctor.accountWide': 'true' });
    expect(parseConfig(raw).accountWide).toBe(true);
  });

  test('works over the JSON string -c invoke-doctor=... passes', () => {
    const raw = applyContextOverrides('{"functions":["a"]}', {
      'invoke-doctor.logGroups': '["/x"]',
    });
    expect(parseConfig(raw)).toMatchObject({ functions: ['a'], logGroups: ['/x'] });
  });

  test('without overrides the value is returned as it is', () => {
    const base = { accountWide: true };
    expect(applyContextOverrides(base, { 'invoke-doctor': base })).toBe(base);
  });

  test.each([
    ['invoke-doctor.accountWid', 'true', 'invoke-doctor.accountWid: unknown setting'],
    [
      'invoke-doctor.restApis[0].id',
      '"a1b2c3d4e5"',
      `set the whole setting as JSON, e.g. -c invoke-doctor.restApis='[`,
    ],
    ['invoke-doctor.accountWide.x', '1', 'invoke-doctor.accountWide: is not an object'],
    [
      'invoke-doctor.accountWide',
      'yes',
      'invoke-doctor.accountWide: Invalid input: expected boolean',
    ],
  ])('%s=%s is refused, naming the setting and the syntax', (key, value, message) => {
    const attempt = () =>
      parseConfig(applyContextOverrides({ accountWide: true }, { [key]: value }));
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });
});
