import type { SNSClient } from '@aws-sdk/client-sns';
import { NotificationError } from '../core/errors';
import type { AlertDigest, Notification } from '../core/incidents/incident';
import type { Notifier } from '../core/ports/Notifier';
import { renderChatMessage } from '../core/render/renderChatMessage';
import { renderDigest } from '../core/render/renderDigest';
import { renderSnsMessage } from '../core/render/renderSnsMessage';
import { awsSdk } from './awsSdk';

/** Options of {@link SnsNotifier}. */
export interface SnsNotifierOptions {
  readonly topicArn: string;
  /** Injectable client (tests point it at the emulator). Its own retry strategy does the backoff. */
  readonly client?: SNSClient;
  /**
   * Publish the Amazon Q Developer in chat applications custom-notification JSON as the `default`
   * (and `https`) message, for topics a chat channel configuration subscribes to. Email
   * subscribers still get the plain-text body.
   */
  readonly chatFormat?: boolean;
}

const CHANNEL = 'sns';
// Errors retrying will not fix: a wrong topic, a missing grant, a payload SNS rejects.
const PERMANENT = new Set([
  'NotFoundException',
  'AuthorizationErrorException',
  'InvalidParameterException',
  'InvalidParameterValueException',
  'KMSDisabledException',
  'KMSNotFoundException',
  'KMSAccessDeniedException',
  'KMSInvalidStateException',
]);

/**
 * Notifier publishing to the alert topic with `MessageStructure: 'json'`: one publish carries the
 * short `default`, the plain-text `email` and, with `chatFormat`, the chat notification JSON as
 * `default` and `https` (the protocol chat integrations subscribe with), so every subscriber gets
 * exactly one message per state change.
 */
export class SnsNotifier implements Notifier {
  readonly channel = CHANNEL;
  private sdkClient: SNSClient | undefined;

  constructor(private readonly options: SnsNotifierOptions) {}

  // The SDK is loaded and the client built on the first send (see awsSdk).
  private get client(): SNSClient {
    this.sdkClient ??= this.options.client ?? new (awsSdk.sns().SNSClient)({});
    return this.sdkClient;
  }

  /** Publishes; throws NotificationError (retryable unless SNS says the request itself is wrong). */
  async send(notification: Notification): Promise<void> {
    const sns = renderSnsMessage(notification);
    const message: Record<string, string> = { default: sns.default, email: sns.email };
    if (this.options.chatFormat) {
      const chat = JSON.stringify(renderChatMessage(notification));
      message.default = chat;
      message.https = chat;
      // SMS subscribers keep the short text rather than JSON.
      message.sms = sns.default;
    }
    await this.publish(sns.subject, message);
  }

  /** Publishes an aggregated alert: subject, short default, email text (chat JSON with chatFormat). */
  async sendDigest(digest: AlertDigest): Promise<void> {
    const rendered = renderDigest(digest);
    const message: Record<string, string> = {
      default: rendered.sns.default,
      email: rendered.sns.email,
    };
    if (this.options.chatFormat) {
      const chat = JSON.stringify(rendered.chat);
      message.default = chat;
      message.https = chat;
      message.sms = rendered.sns.default;
    }
    await this.publish(rendered.sns.subject, message);
  }

  private async publish(subject: string, message: Record<string, string>): Promise<void> {
    try {
      await this.client.send(
        new (awsSdk.sns().PublishCommand)({
          TopicArn: this.options.topicArn,
          Subject: subject,
          MessageStructure: 'json',
          Message: JSON.stringify(message),
        }),
      );
    } catch (error) {
      const name = String((error as { name?: unknown } | null)?.name ?? 'unknown error');
      throw new NotificationError(CHANNEL, `publish to ${this.options.topicArn} failed (${name})`, {
        retryable: !PERMANENT.has(name),
        cause: error,
      });
    }
  }
}
