import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../core/errors';
import { SETTINGS } from '../core/settings';
import { awsSdk } from './awsSdk';
import type { WebhookUrlSource } from './SlackNotifier';

/** Options of {@link SecretsManagerWebhookUrl}. */
export interface SecretsManagerWebhookUrlOptions {
  /** Secret name or ARN. */
  readonly secretId: string;
  /** Injectable client (tests point it at the emulator). */
  readonly client?: SecretsManagerClient;
  /** Accept `http://127.0.0.1:<port>/...` (and localhost, [::1]): only for tests and local replay. */
  readonly allowLoopbackHttp?: boolean;
}

/** Hosts that serve Slack incoming webhooks (commercial and GovSlack). */
export const SLACK_WEBHOOK_HOSTS = ['hooks.slack.com', 'hooks.slack-gov.com'] as const;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
// Errors that need a person (wrong name, missing grant, unusable key), not a retry.
const CONFIG_ERRORS = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'DecryptionFailure',
  'InvalidRequestException',
  'InvalidParameterException',
]);
const SECRET_FIELD = SETTINGS.slackWebhookSecretId.env;

/**
 * The Slack webhook URL read from Secrets Manager once per container (per instance; build it at
 * module scope). Only a successful, valid read is cached, so a fixed secret is picked up on the
 * next attempt. The secret is either the URL itself or JSON with a `url` / `webhookUrl` key. The
 * value never appears in an error message.
 */
export class SecretsManagerWebhookUrl implements WebhookUrlSource {
  private cached: Promise<string> | undefined;
  private sdkClient: SecretsManagerClient | undefined;

  constructor(private readonly options: SecretsManagerWebhookUrlOptions) {}

  // The SDK is loaded and the client built on the first read (see awsSdk).
  private get client(): SecretsManagerClient {
    this.sdkClient ??=
      this.options.client ?? new (awsSdk.secretsManager().SecretsManagerClient)({});
    return this.sdkClient;
  }

  /** The validated URL; throws ConfigError for a missing or invalid secret, the SDK error otherwise. */
  get(): Promise<string> {
    if (!this.cached) {
      this.cached = this.read().catch((error: unknown) => {
        this.cached = undefined;
        throw error;
      });
    }
    return this.cached;
  }

  private async read(): Promise<string> {
    const { secretId } = this.options;
    let secret: string | undefined;
    try {
      const out = await this.client.send(
        new (awsSdk.secretsManager().GetSecretValueCommand)({ SecretId: secretId }),
      );
      secret = out.SecretString;
    } catch (error) {
      const name = String((error as { name?: unknown } | null)?.name ?? '');
      if (CONFIG_ERRORS.has(name)) {
        throw new ConfigError(SECRET_FIELD, `cannot read secret ${secretId} (${name})`, {
          cause: error,
        });
      }
      throw error;
    }
    if (secret === undefined) {
      throw new ConfigError(
        SECRET_FIELD,
        `secret ${secretId} has no SecretString (binary secrets are not supported)`,
      );
    }
    return validateWebhookUrl(extractUrl(secret), {
      allowLoopbackHttp: this.options.allowLoopbackHttp ?? false,
      what: `secret ${secretId}`,
    });
  }
}

/** Reads the URL out of a secret string: the URL itself, or JSON `{"url": ...}` / `{"webhookUrl": ...}`. */
function extractUrl(secret: string): string {
  const trimmed = secret.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (parsed && typeof parsed === 'object') {
      const record = parsed as Record<string, unknown>;
      for (const key of ['url', 'webhookUrl', 'webhook_url']) {
        const value = record[key];
        if (typeof value === 'string') return value.trim();
      }
    }
  } catch {
    // Falls through to the validation error below, which does not echo the value.
  }
  return '';
}

/**
 * Checks that `value` is a Slack incoming-webhook URL (https, a Slack webhook host), or with
 * `allowLoopbackHttp` a loopback URL for tests and replay. Returns it unchanged; the error names
 * what was wrong without echoing the value.
 */
export function validateWebhookUrl(
  value: string,
  options: {
    readonly allowLoopbackHttp?: boolean;
    readonly what?: string;
    readonly field?: string;
  } = {},
): string {
  const what = options.what ?? 'the Slack webhook URL';
  const FIELD = options.field ?? SECRET_FIELD;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      FIELD,
      `${what} is not a URL (expected https://hooks.slack.com/services/...)`,
    );
  }
  const loopback = options.allowLoopbackHttp === true && LOOPBACK_HOSTS.has(url.hostname);
  if (loopback && (url.protocol === 'http:' || url.protocol === 'https:')) return value;
  if (url.protocol !== 'https:') {
    throw new ConfigError(FIELD, `${what} must be an https URL`);
  }
  if (
    !(SLACK_WEBHOOK_HOSTS as readonly string[]).includes(url.hostname) ||
    url.username ||
    url.password
  ) {
    throw new ConfigError(
      FIELD,
      `${what} is not a Slack incoming-webhook URL (expected host ${SLACK_WEBHOOK_HOSTS.join(' or ')})`,
    );
  }
  if (url.pathname.length <= 1) {
    throw new ConfigError(FIELD, `${what} has no webhook path`);
  }
  return value;
}
