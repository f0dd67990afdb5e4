import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { buildNotifiers } from '../../lambda/adapters/buildNotifiers';
import {
  SecretsManagerWebhookUrl,
  validateWebhookUrl,
} from '../../lambda/adapters/SecretsManagerWebhookUrl';
import { ConfigError, NotificationError } from '../../lambda/core/errors';
import { DIAGNOSES, notificationFor } from '../helpers/alerts';
import { TEST_REGION } from '../helpers/moto';
import { motoEndpoint } from '../helpers/motoEndpoint';
import { type SlackReceiver, startSlackReceiver } from '../helpers/slackReceiver';

// Unique names: moto is shared by every test file running in parallel.
const PREFIX = `notifiers-secret-${process.pid}`;
const SLACK_URL = 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';

/** A client whose GetSecretValue calls are counted by a middleware (the request still goes to moto). */
function countingClient(): { client: SecretsManagerClient; gets: () => number } {
  const client = new SecretsManagerClient({
    endpoint: motoEndpoint(),
    region: TEST_REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  let gets = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GetSecretValueCommand') gets += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countGets' },
  );
  return { client, gets: () => gets };
}

const admin = countingClient().client;

async function createSecret(name: string, value: string): Promise<string> {
  const out = await admin.send(
    new CreateSecretCommand({ Name: `${PREFIX}-${name}`, SecretString: value }),
  );
  return out.ARN as string;
}

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (error instanceof ConfigError) return error;
  throw new Error(`expected ConfigError, got ${String(error)}`);
}

describe('SecretsManagerWebhookUrl against moto', () => {
  test('reads the secret once: the second call makes no request', async () => {
    // Arrange
    const secretId = await createSecret('plain', SLACK_URL);
    const { client, gets } = countingClient();
    const source = new SecretsManagerWebhookUrl({ secretId, client });
    // Act
    const first = await source.get();
    const second = await source.get();
    // Assert
    expect(first).toBe(SLACK_URL);
    expect(second).toBe(SLACK_URL);
    expect(gets()).toBe(1);
  });

  test('concurrent first calls share one request', async () => {
    const secretId = await createSecret('concurrent', SLACK_URL);
    const { client, gets } = countingClient();
    const source = new SecretsManagerWebhookUrl({ secretId, client });
    const urls = await Promise.all([source.get(), source.get(), source.get()]);
    expect(urls).toEqual([SLACK_URL, SLACK_URL, SLACK_URL]);
    expect(gets()).toBe(1);
  });

  test('a JSON secret with a url key is accepted', async () => {
    const secretId = await createSecret('json', JSON.stringify({ url: SLACK_URL }));
    const { client } = countingClient();
    expect(await new SecretsManagerWebhookUrl({ secretId, client }).get()).toBe(SLACK_URL);
  });

  test('an invalid value is a ConfigError that does not echo it, is not cached, and a fixed secret is then read', async () => {
    // Arrange
    const secretId = await createSecret('invalid', 'https://evil.example/hooks/leakme');
    const { client, gets } = countingClient();
    const source = new SecretsManagerWebhookUrl({ secretId, client });
    // Act
    const error = await configError(source.get());
    await admin.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: SLACK_URL }));
    const fixed = await source.get();
    // Assert
    expect(error.field).toBe('SLACK_WEBHOOK_SECRET_ID');
    expect(error.message).toMatch(/is not a Slack incoming-webhook URL/);
    expect(error.message).not.toContain('leakme');
    expect(fixed).toBe(SLACK_URL);
    expect(gets()).toBe(2);
  });

  test('a secret that does not exist is a ConfigError naming the secret id', async () => {
    const { client } = countingClient();
    const secretId = `${PREFIX}-missing`;
    const error = await configError(new SecretsManagerWebhookUrl({ secretId, client }).get());
    expect(error.message).toContain(secretId);
    expect(error.message).toContain('ResourceNotFoundException');
  });

  test('end to end: buildNotifiers reads the secret once and posts every alert to the webhook', async () => {
    // Arrange: the secret points at the local receiver, allowed only with allowLoopbackWebhook.
    const receiver: SlackReceiver = await startSlackReceiver();
    try {
      const secretId = await createSecret('loopback', receiver.url);
      const { client, gets } = countingClient();
      const [slack] = buildNotifiers(
        { slackWebhookSecretId: secretId, allowLoopbackWebhook: true },
        { secretsManager: client },
      );
      // Act
      for (const kind of ['opened', 'update', 'resolved'] as const) {
        await slack?.send(notificationFor(DIAGNOSES['invoke-access-denied'], kind));
      }
      // Assert
      expect(slack?.channel).toBe('slack');
      expect(gets()).toBe(1);
      expect(receiver.accepted()).toHaveLength(3);
    } finally {
      await receiver.close();
    }
  });

  test('a loopback URL in the secret is refused unless explicitly allowed', async () => {
    const secretId = await createSecret('loopback-refused', 'http://127.0.0.1:9/services/x');
    const { client } = countingClient();
    const [slack] = buildNotifiers({ slackWebhookSecretId: secretId }, { secretsManager: client });
    const error = await slack
      ?.send(notificationFor(DIAGNOSES['invoke-access-denied'], 'opened'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotificationError);
    expect((error as NotificationError).retryable).toBe(false);
    expect((error as NotificationError).message).toMatch(/must be an https URL/);
  });
});

describe('validateWebhookUrl', () => {
  test.each([
    SLACK_URL,
    'https://hooks.slack-gov.com/services/T0/B0/X',
    'https://hooks.slack.com/triggers/T0/1/abc',
  ])('accepts %s', (url) => {
    expect(validateWebhookUrl(url)).toBe(url);
  });

  test.each([
    ['not a url', /is not a URL/],
    ['http://hooks.slack.com/services/T0/B0/X', /must be an https URL/],
    ['https://hooks.slack.com.evil.example/services/x', /not a Slack incoming-webhook URL/],
    ['https://user:pw@hooks.slack.com/services/x', /not a Slack incoming-webhook URL/],
    ['https://hooks.slack.com/', /has no webhook path/],
    ['http://127.0.0.1:8080/services/x', /must be an https URL/],
    ['', /is not a URL/],
  ])('refuses %s', (url, message) => {
    expect(() => validateWebhookUrl(url)).toThrow(message);
  });

  test('loopback http is accepted only when allowed', () => {
    expect(
      validateWebhookUrl('http://127.0.0.1:8080/services/x', { allowLoopbackHttp: true }),
    ).toBe('http://127.0.0.1:8080/services/x');
    expect(() =>
      validateWebhookUrl('http://10.0.0.1/services/x', { allowLoopbackHttp: true }),
    ).toThrow(/must be an https URL/);
  });
});

describe('buildNotifiers', () => {
  test('builds only the channels configured, Slack first', () => {
    const channels = buildNotifiers({
      slackWebhookUrl: SLACK_URL,
      topicArn: `arn:aws:sns:${TEST_REGION}:123456789012:alerts`,
    }).map((n) => n.channel);
    expect(channels).toEqual(['slack', 'sns']);
    expect(buildNotifiers({ topicArn: null, slackWebhookSecretId: null })).toEqual([]);
  });

  test('slackRetry tunes the Slack notifier it builds', async () => {
    const receiver = await startSlackReceiver();
    try {
      receiver.script({ status: 500, times: 5 });
      const [slack] = buildNotifiers(
        {
          slackWebhookUrl: receiver.url,
          allowLoopbackWebhook: true,
          slackRetry: { maxAttempts: 2 },
        },
        { sleep: async () => {} },
      );
      const error = await slack
        ?.send(notificationFor(DIAGNOSES['invoke-access-denied'], 'opened'))
        .catch((e: unknown) => e);
      expect((error as NotificationError).message).toMatch(/gave up after 2 attempts$/);
      expect(receiver.requests).toHaveLength(2);
    } finally {
      await receiver.close();
    }
  });

  test('a secret and a direct URL together, or a bad direct URL, are ConfigErrors', () => {
    expect(() => buildNotifiers({ slackWebhookSecretId: 'x', slackWebhookUrl: SLACK_URL })).toThrow(
      ConfigError,
    );
    expect(() => buildNotifiers({ slackWebhookUrl: 'http://127.0.0.1:1/x' })).toThrow(
      /slackWebhookUrl: the --slack-webhook URL must be an https URL/,
    );
  });
});
