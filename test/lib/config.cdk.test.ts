import { ConfigError } from '../../lambda/core/errors';
import { CONFIG_CONTEXT_KEY, SETTINGS } from '../../lambda/core/settings';
import { logGroupTargets, MAX_LISTED_ACCOUNTS, parseConfig } from '../../lib/config';
import { exampleConfig } from '../helpers/synth';

const K = CONFIG_CONTEXT_KEY;

describe('parseConfig', () => {
  it('accepts the example cdk.json ships with and applies the defaults', () => {
    expect(parseConfig({ functions: ['orders-api'] })).toEqual({
      restApis: [],
      functions: ['orders-api'],
      logGroups: [],
      accountWide: false,
      alarmEmails: [],
      snsChatFormat: false,
      contextLookup: true,
      verify: true,
      trustedAccounts: [],
      incidents: {
        updateIntervalMinutes: SETTINGS.updateIntervalMinutes.default,
        quietPeriodMinutes: SETTINGS.quietPeriodMinutes.default,
        reverifyIntervalMinutes: SETTINGS.reverifyIntervalMinutes.default,
        holdWindowHours: SETTINGS.holdWindowHours.default,
        reminderIntervalHours: SETTINGS.reminderIntervalHours.default,
        recurringQuietMultiplier: SETTINGS.recurringQuietMultiplier.default,
        recurringAfterBursts: SETTINGS.recurringAfterBursts.default,
        resolvedTtlDays: SETTINGS.resolvedTtlDays.default,
        maxNewPerDelivery: SETTINGS.maxNewIncidentsPerDelivery.default,
        maxAlertsPerChannelPerMinute: SETTINGS.maxAlertsPerChannelPerMinute.default,
      },
      logRetentionDays: SETTINGS.logRetentionDays.default,
    });
    expect(parseConfig(exampleConfig()).restApis).toEqual([{ id: 'a1b2c3d4e5', stages: ['prod'] }]);
  });

  it('reads the JSON string `-c invoke-doctor=...` passes', () => {
    const config = parseConfig('{"accountWide":true,"incidents":{"quietPeriodMinutes":20}}');
    expect(config.accountWide).toBe(true);
    expect(config.incidents).toEqual({
      updateIntervalMinutes: SETTINGS.updateIntervalMinutes.default,
      quietPeriodMinutes: 20,
      reverifyIntervalMinutes: SETTINGS.reverifyIntervalMinutes.default,
      holdWindowHours: SETTINGS.holdWindowHours.default,
      reminderIntervalHours: SETTINGS.reminderIntervalHours.default,
      recurringQuietMultiplier: SETTINGS.recurringQuietMultiplier.default,
      recurringAfterBursts: SETTINGS.recurringAfterBursts.default,
      resolvedTtlDays: SETTINGS.resolvedTtlDays.default,
      maxNewPerDelivery: SETTINGS.maxNewIncidentsPerDelivery.default,
      maxAlertsPerChannelPerMinute: SETTINGS.maxAlertsPerChannelPerMinute.default,
    });
  });

  it('trusted accounts must be account ids, the organization an organization id', () => {
    expect(
      parseConfig({ functions: ['f'], trustedAccounts: ['111122223333'] }).trustedAccounts,
    ).toEqual(['111122223333']);
    expect(() => parseConfig({ functions: ['f'], trustedAccounts: ['*'] })).toThrow(
      `${K}.trustedAccounts[0]`,
    );
    expect(() => parseConfig({ functions: ['f'], trustedOrganizationId: 'org' })).toThrow(
      `${K}.trustedOrganizationId`,
    );
  });

  it.each<[string, unknown, string]>([
    ['missing context', undefined, `${K}: missing`],
    ['broken -c JSON', '{"accountWide":', `${K}: not valid JSON`],
    ['not an object', 42, `${K}: Invalid input`],
    ['unknown key (typo)', { restApi: [] }, `${K}.restApi: unknown setting`],
    [
      'unknown nested key',
      { accountWide: true, incidents: { quiet: 5 } },
      `${K}.incidents.quiet: unknown setting`,
    ],
    [
      'REST API id',
      { restApis: [{ id: 'ABC', stages: ['prod'] }] },
      `${K}.restApis[0].id: expected a REST API id`,
    ],
    [
      'no stages',
      { restApis: [{ id: 'a1b2c3d4e5', stages: [] }] },
      `${K}.restApis[0].stages: list at least one stage`,
    ],
    [
      'stage name',
      { restApis: [{ id: 'a1b2c3d4e5', stages: ['prod', 'v 2'] }] },
      `${K}.restApis[0].stages[1]: expected a stage name`,
    ],
    [
      'function ARN',
      { functions: ['arn:aws:lambda:us-east-1:123456789012:function:x'] },
      `${K}.functions[0]: expected a Lambda function name (not an ARN)`,
    ],
    [
      'log group name',
      { logGroups: ['/ok', 'bad name'] },
      `${K}.logGroups[1]: expected a log group name`,
    ],
    [
      'accountWide type',
      { accountWide: 'yes' },
      `${K}.accountWide: Invalid input: expected boolean`,
    ],
    [
      'email',
      { accountWide: true, alarmEmails: ['oncall'] },
      `${K}.alarmEmails[0]: expected an email address`,
    ],
    [
      'secret ARN',
      {
        accountWide: true,
        slackWebhookSecretName: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x',
      },
      `${K}.slackWebhookSecretName: expected the secret's NAME (not its ARN)`,
    ],
    [
      'webhook URL pasted where the secret name goes (it would land in the template)',
      {
        accountWide: true,
        slackWebhookSecretName: 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXX',
      },
      `${K}.slackWebhookSecretName: expected the secret's NAME (not its ARN)`,
    ],
    [
      'chat format type',
      { accountWide: true, snsChatFormat: 1 },
      `${K}.snsChatFormat: Invalid input: expected boolean`,
    ],
    [
      'update interval',
      { accountWide: true, incidents: { updateIntervalMinutes: 0 } },
      `${K}.incidents.updateIntervalMinutes: Too small`,
    ],
    [
      'quiet period',
      { accountWide: true, incidents: { quietPeriodMinutes: 2.5 } },
      `${K}.incidents.quietPeriodMinutes: expected a whole number of minutes`,
    ],
    [
      'TTL days',
      { accountWide: true, incidents: { resolvedTtlDays: 4000 } },
      `${K}.incidents.resolvedTtlDays: Too big`,
    ],
    [
      'retention',
      { accountWide: true, logRetentionDays: 10 },
      `${K}.logRetentionDays: expected one of 1, 3, 5, 7, 14, 30`,
    ],
    [
      'concurrency',
      { accountWide: true, reservedConcurrency: 0 },
      `${K}.reservedConcurrency: Too small`,
    ],
    ['nothing to watch', {}, `${K}: nothing to watch`],
    [
      'account-wide plus lists',
      { accountWide: true, functions: ['x'] },
      `${K}.functions: must be empty when accountWide is true`,
    ],
    [
      'central without senders',
      { functions: ['x'], central: {} },
      `${K}.central: say who may send logs`,
    ],
    [
      'central with both an organisation and accounts',
      {
        functions: ['x'],
        central: { organizationId: 'o-a1b2c3d4e5', accountIds: ['111111111111'] },
      },
      `${K}.central: set organizationId or accountIds, not both`,
    ],
    [
      'organisation id',
      { functions: ['x'], central: { organizationId: 'r-a1b2' } },
      `${K}.central.organizationId: expected an organisation id`,
    ],
    [
      'masked member account',
      { functions: ['x'], central: { accountIds: ['111111111111', '95**********'] } },
      `${K}.central.accountIds[1]: expected a 12-digit AWS account id`,
    ],
    [
      'member account listed twice',
      { functions: ['x'], central: { accountIds: ['111111111111', '111111111111'] } },
      `${K}.central.accountIds[1]: 111111111111 is listed twice`,
    ],
    [
      'more accounts than a destination policy holds',
      {
        functions: ['x'],
        central: {
          accountIds: Array.from({ length: MAX_LISTED_ACCOUNTS + 1 }, (_, i) =>
            String(100000000000 + i),
          ),
        },
      },
      `${K}.central.accountIds: ${MAX_LISTED_ACCOUNTS + 1} accounts do not fit in a destination policy`,
    ],
    [
      'read role without external id',
      { functions: ['x'], central: { organizationId: 'o-a1b2c3d4e5', readRole: true } },
      `${K}.central.externalId: required with readRole`,
    ],
    [
      'external id without read role',
      { functions: ['x'], central: { organizationId: 'o-a1b2c3d4e5', externalId: 'abc-123' } },
      `${K}.central.externalId: only used with "readRole": true`,
    ],
    [
      'external id with a space',
      {
        functions: ['x'],
        central: { organizationId: 'o-a1b2c3d4e5', readRole: true, externalId: 'a b' },
      },
      `${K}.central.externalId: expected an external id`,
    ],
    [
      'batch window',
      { functions: ['x'], central: { organizationId: 'o-a1b2c3d4e5', batchWindowSeconds: 301 } },
      `${K}.central.batchWindowSeconds: Too big`,
    ],
    [
      'shards',
      { functions: ['x'], central: { organizationId: 'o-a1b2c3d4e5', shards: 0 } },
      `${K}.central.shards: Too small`,
    ],
    [
      'unknown central key',
      { functions: ['x'], central: { organizationId: 'o-a1b2c3d4e5', orgId: 'o-a1b2c3d4e5' } },
      `${K}.central.orgId: unknown setting`,
    ],
    [
      'a member subscription of invoke-doctor’s own log group',
      {
        functions: ['x'],
        central: {
          organizationId: 'o-a1b2c3d4e5',
          memberLogGroups: ['/aws/lambda/orders', '/invoke-doctor/InvokeDoctorCentral/responder'],
        },
      },
      `${K}.central.memberLogGroups[1]: "/invoke-doctor/InvokeDoctorCentral/responder" is invoke-doctor's own log group`,
    ],
    [
      'member log group listed twice',
      {
        functions: ['x'],
        central: { organizationId: 'o-a1b2c3d4e5', memberLogGroups: ['/a', '/a'] },
      },
      `${K}.central.memberLogGroups[1]: "/a" is listed twice`,
    ],
    [
      'duplicate target',
      { functions: ['orders'], logGroups: ['/aws/lambda/orders'] },
      `${K}.logGroups[0]: log group "/aws/lambda/orders" is already watched by ${K}.functions[0]`,
    ],
  ])('rejects %s, naming the field', (_case, raw, message) => {
    // Act
    const attempt = () => parseConfig(raw);

    // Assert
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });

  it('leaves central absent unless configured, and applies its defaults when it is', () => {
    // Act
    const single = parseConfig({ functions: ['orders-api'] });
    const central = parseConfig({
      functions: ['orders-api'],
      central: { organizationId: 'o-a1b2c3d4e5' },
    });

    // Assert
    expect(single.central).toBeUndefined();
    expect(central.central).toEqual({
      organizationId: 'o-a1b2c3d4e5',
      accountIds: [],
      batchSize: SETTINGS.centralBatchSize.default,
      batchWindowSeconds: SETTINGS.centralBatchWindowSeconds.default,
      parallelizationFactor: SETTINGS.centralParallelizationFactor.default,
      maxRecordAgeHours: SETTINGS.centralMaxRecordAgeHours.default,
      memberLogGroups: [],
      readRole: false,
    });
  });

  it('accepts a list of accounts as long as a destination policy holds', () => {
    const accountIds = Array.from({ length: MAX_LISTED_ACCOUNTS }, (_, i) =>
      String(100000000000 + i),
    );
    expect(parseConfig({ accountWide: true, central: { accountIds } }).central?.accountIds).toEqual(
      accountIds,
    );
  });

  it('carries the field path on the error', () => {
    // Act
    let caught: unknown;
    try {
      parseConfig({ restApis: [{ id: 'a1b2c3d4e5', stages: ['prod', ''] }] });
    } catch (error) {
      caught = error;
    }

    // Assert
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).field).toBe(`${K}.restApis[0].stages[1]`);
  });
});

describe('logGroupTargets', () => {
  it('maps REST stages, functions and log groups to log group names with their fields', () => {
    // Arrange
    const config = parseConfig({
      restApis: [{ id: 'a1b2c3d4e5', stages: ['prod', 'beta'] }],
      functions: ['orders-api'],
      logGroups: ['/aws/vendedlogs/http-api/access'],
    });

    // Act
    const targets = logGroupTargets(config);

    // Assert
    expect(targets).toEqual([
      {
        field: `${K}.restApis[0].stages[0]`,
        logGroupName: 'API-Gateway-Execution-Logs_a1b2c3d4e5/prod',
      },
      {
        field: `${K}.restApis[0].stages[1]`,
        logGroupName: 'API-Gateway-Execution-Logs_a1b2c3d4e5/beta',
      },
      { field: `${K}.functions[0]`, logGroupName: '/aws/lambda/orders-api' },
      { field: `${K}.logGroups[0]`, logGroupName: '/aws/vendedlogs/http-api/access' },
    ]);
  });

  it('is empty in account-wide mode', () => {
    expect(logGroupTargets(parseConfig({ accountWide: true }))).toEqual([]);
  });
});
