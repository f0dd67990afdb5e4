import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSClient } from '@aws-sdk/client-sns';
import { ConfigError } from '../core/errors';
import type { Notifier } from '../core/ports/Notifier';
import { SecretsManagerWebhookUrl, validateWebhookUrl } from './SecretsManagerWebhookUrl';
import { SlackNotifier, type SlackNotifierOptions } from './SlackNotifier';
import { SnsNotifier } from './SnsNotifier';

/** Which alert channels exist; built by the handler / sweeper from runtime config, by replay from flags. */
export interface NotifierConfig {
  /** SNS alert topic ARN; absent: no SNS channel. */
  readonly topicArn?: string | null;
  /** Secrets Manager secret (name or ARN) holding the Slack webhook URL; absent: no Slack from it. */
  readonly slackWebhookSecretId?: string | null;
  /** A webhook URL given directly (replay `--slack-webhook`); never used in Lambda. */
  readonly slackWebhookUrl?: string | null;
  /** Also accept `http://127.0.0.1:<port>` webhooks (tests, replay against a local receiver). */
  readonly allowLoopbackWebhook?: boolean;
  /** Publish the Amazon Q Developer in chat applications custom-notification format to SNS. */
  readonly chatFormat?: boolean;
  /** Slack retry tuning (defaults: 3 attempts, waits up to 10 s); lower it when the caller retries too. */
  readonly slackRetry?: { readonly maxAttempts?: number; readonly maxDelayMs?: number };
}

/** Injectable clients and seams; defaults are the SDK clients and global fetch. */
export interface NotifierClients {
  readonly sns?: SNSClient;
  readonly secretsManager?: SecretsManagerClient;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Builds the notifiers the configuration asks for: Slack, then SNS. Call it
 * once per container (module scope) so the webhook secret is read once. Throws ConfigError for an
 * impossible combination or an invalid direct webhook URL.
 */
export function buildNotifiers(config: NotifierConfig, clients: NotifierClients = {}): Notifier[] {
  const notifiers: Notifier[] = [];
  const slack = slackOptions(config, clients);
  if (slack) notifiers.push(new SlackNotifier(slack));
  if (config.topicArn) {
    notifiers.push(
      new SnsNotifier({
        topicArn: config.topicArn,
        chatFormat: config.chatFormat ?? false,
        ...(clients.sns ? { client: clients.sns } : {}),
      }),
    );
  }
  return notifiers;
}

function slackOptions(
  config: NotifierConfig,
  clients: NotifierClients,
): SlackNotifierOptions | null {
  const seams = {
    ...(clients.fetch ? { fetch: clients.fetch } : {}),
    ...(clients.sleep ? { sleep: clients.sleep } : {}),
    ...(config.slackRetry?.maxAttempts !== undefined
      ? { maxAttempts: config.slackRetry.maxAttempts }
      : {}),
    ...(config.slackRetry?.maxDelayMs !== undefined
      ? { maxDelayMs: config.slackRetry.maxDelayMs }
      : {}),
  };
  if (config.slackWebhookSecretId && config.slackWebhookUrl) {
    throw new ConfigError(
      'slackWebhookUrl',
      'give either a webhook secret or a webhook URL, not both',
    );
  }
  if (config.slackWebhookUrl) {
    const url = validateWebhookUrl(config.slackWebhookUrl, {
      allowLoopbackHttp: config.allowLoopbackWebhook ?? false,
      what: 'the --slack-webhook URL',
      field: 'slackWebhookUrl',
    });
    return { webhookUrl: { get: async () => url }, ...seams };
  }
  if (config.slackWebhookSecretId) {
    const source = new SecretsManagerWebhookUrl({
      secretId: config.slackWebhookSecretId,
      allowLoopbackHttp: config.allowLoopbackWebhook ?? false,
      ...(clients.secretsManager ? { client: clients.secretsManager } : {}),
    });
    return { webhookUrl: source, ...seams };
  }
  return null;
}
