import { SlackNotifier, type WebhookUrlSource } from '../../lambda/adapters/SlackNotifier';
import { ConfigError, NotificationError } from '../../lambda/core/errors';
import { DIAGNOSES, NOTIFICATION_KINDS, notificationFor } from '../helpers/alerts';
import { freePort } from '../helpers/moto';
import { type SlackReceiver, startSlackReceiver } from '../helpers/slackReceiver';

const opened = notificationFor(DIAGNOSES['apigw-invalid-permissions'], 'opened');

let receiver: SlackReceiver;
beforeEach(async () => {
  receiver = await startSlackReceiver();
});
afterEach(async () => {
  await receiver.close();
});

/** A notifier against the receiver whose sleeps are recorded instead of waited. */
function notifier(
  overrides: { url?: string; source?: WebhookUrlSource; maxAttempts?: number } = {},
) {
  const delays: number[] = [];
  const url = overrides.url ?? receiver.url;
  const slack = new SlackNotifier({
    webhookUrl: overrides.source ?? { get: async () => url },
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    ...(overrides.maxAttempts ? { maxAttempts: overrides.maxAttempts } : {}),
  });
  return { slack, delays };
}

async function failure(promise: Promise<unknown>): Promise<NotificationError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof NotificationError) return error;
    throw error;
  }
  throw new Error('expected a NotificationError');
}

describe('SlackNotifier', () => {
  test.each(NOTIFICATION_KINDS)(
    '%s is posted once, as JSON, and passes the receiver validator',
    async (kind) => {
      // Arrange
      const { slack, delays } = notifier();
      // Act
      await slack.send(notificationFor(DIAGNOSES['invoke-access-denied'], kind));
      // Assert
      expect(receiver.requests).toHaveLength(1);
      expect(receiver.requests[0]?.problems).toEqual([]);
      expect(receiver.requests[0]?.contentType).toMatch(/^application\/json/);
      expect(receiver.requests[0]?.path).toBe(new URL(receiver.url).pathname);
      expect(delays).toEqual([]);
    },
  );

  test('429 with Retry-After: 1 waits exactly 1 s, then delivers', async () => {
    // Arrange
    receiver.script({
      status: 429,
      times: 1,
      headers: { 'retry-after': '1' },
      body: 'rate_limited',
    });
    const { slack, delays } = notifier();
    // Act
    await slack.send(opened);
    // Assert
    expect(delays).toEqual([1000]);
    expect(receiver.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  test('a Retry-After longer than we may wait fails now as retryable, for the sweeper to retry', async () => {
    receiver.script({ status: 429, times: 1, headers: { 'retry-after': '600' } });
    const { slack, delays } = notifier();
    const error = await failure(slack.send(opened));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/Retry-After 600 s/);
    expect(delays).toEqual([]);
    expect(receiver.requests).toHaveLength(1);
  });

  test('5xx is retried with growing backoff, then NotificationError (retryable)', async () => {
    // Arrange
    receiver.script({ status: 500, times: 4, body: 'internal_error' });
    const { slack, delays } = notifier({ maxAttempts: 4 });
    // Act
    const error = await failure(slack.send(opened));
    // Assert
    expect(receiver.requests).toHaveLength(4);
    expect(error.channel).toBe('slack');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('slack: HTTP 500 (internal_error); gave up after 4 attempts');
    expect(delays).toEqual([375, 750, 1500]);
  });

  test('by default a send makes at most 3 attempts', async () => {
    receiver.script({ status: 502, times: 5 });
    const { slack } = notifier();
    const error = await failure(slack.send(opened));
    expect(error.message).toMatch(/gave up after 3 attempts$/);
    expect(receiver.requests).toHaveLength(3);
  });

  test('5xx then success delivers on the retry', async () => {
    receiver.script({ status: 503, times: 2 });
    const { slack } = notifier();
    await slack.send(opened);
    expect(receiver.requests.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  test.each([
    [400, 'invalid_blocks'],
    [403, 'action_prohibited'],
    [404, 'no_service'],
    [410, 'channel_is_archived'],
  ])('%i %s is not retried: NotificationError with retryable false', async (status, body) => {
    receiver.script({ status, times: 1, body });
    const { slack, delays } = notifier();
    const error = await failure(slack.send(opened));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(`slack: HTTP ${status} (${body}); not retried`);
    expect(receiver.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  test('network errors are retried and the error never contains the webhook URL', async () => {
    // Arrange: nothing listens on this port.
    const url = `http://127.0.0.1:${await freePort()}/services/T1/B1/superSecretToken`;
    const { slack, delays } = notifier({ url, maxAttempts: 3 });
    // Act
    const error = await failure(slack.send(opened));
    // Assert
    expect(error.retryable).toBe(true);
    expect(delays).toHaveLength(2);
    expect(error.message).toMatch(
      /^slack: network error \(TypeError: ECONNREFUSED\); gave up after 3 attempts$/,
    );
    const everything = `${error.message} ${error.stack} ${JSON.stringify(error)} ${String(error.cause)}`;
    expect(everything).not.toContain('superSecretToken');
  });

  test('a webhook body echoing the URL is redacted in the error', async () => {
    receiver.script({ status: 400, times: 1, body: `bad request to ${receiver.url}` });
    const { slack } = notifier();
    const error = await failure(slack.send(opened));
    expect(error.message).not.toContain('notARealSecretToken');
    expect(error.message).toContain('[webhook]');
  });

  test('a missing or invalid secret is a non-retryable NotificationError; an unreachable store is retryable', async () => {
    const broken = notifier({
      source: {
        get: async () => {
          throw new ConfigError(
            'SLACK_WEBHOOK_SECRET_ID',
            'secret x is not a Slack incoming-webhook URL',
          );
        },
      },
    });
    const configError = await failure(broken.slack.send(opened));
    expect(configError.retryable).toBe(false);
    const down = notifier({
      source: {
        get: async () => {
          throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
        },
      },
    });
    const transient = await failure(down.slack.send(opened));
    expect(transient.retryable).toBe(true);
    expect(receiver.requests).toHaveLength(0);
  });
});
