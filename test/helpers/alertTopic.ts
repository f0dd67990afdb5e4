import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { RuntimeConfig } from '../../lambda/adapters/runtimeConfig';
import { SETTINGS } from '../../lambda/core/settings';
import { MOTO_ACCOUNT_ID, TEST_REGION } from './moto';
import { sqs } from './sqs';

/** An SNS message as an SQS subscriber receives it (raw delivery off). */
export interface TopicMessage {
  readonly Subject: string;
  readonly Message: string;
}

/** An alert topic on moto with an SQS queue subscribed, so a test reads every alert published. */
export interface CapturedTopic {
  readonly topicArn: string;
  /** Receives (and removes) every message published so far. */
  drain(): Promise<TopicMessage[]>;
}

/** Creates the topic `name` and a queue of the same name subscribed to it. */
export async function capturedTopic(name: string): Promise<CapturedTopic> {
  const sns = new SNSClient({});
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const queue = await sqs<{ QueueUrl: string }>('CreateQueue', { QueueName: name });
  await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: `arn:aws:sqs:${TEST_REGION}:${MOTO_ACCOUNT_ID}:${name}`,
    }),
  );
  return {
    topicArn: TopicArn as string,
    async drain() {
      const out: TopicMessage[] = [];
      for (;;) {
        const page = await sqs<{ Messages?: { Body: string }[] }>('ReceiveMessage', {
          QueueUrl: queue.QueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
        });
        if (!page.Messages?.length) return out;
        for (const m of page.Messages) out.push(JSON.parse(m.Body));
      }
    },
  };
}

/** The runtime configuration the stack gives the functions, for a table and a topic. */
export function deployedConfig(
  tableName: string,
  topicArn: string,
  overrides: Partial<RuntimeConfig> = {},
): RuntimeConfig {
  return {
    incidentsTableName: tableName,
    alertTopicArn: topicArn,
    slackWebhookSecretId: null,
    chatFormat: false,
    updateIntervalMinutes: SETTINGS.updateIntervalMinutes.default,
    quietPeriodMinutes: SETTINGS.quietPeriodMinutes.default,
    resolvedTtlDays: SETTINGS.resolvedTtlDays.default,
    holdWindowHours: SETTINGS.holdWindowHours.default,
    reminderIntervalHours: SETTINGS.reminderIntervalHours.default,
    recurringQuietMultiplier: SETTINGS.recurringQuietMultiplier.default,
    recurringAfterBursts: SETTINGS.recurringAfterBursts.default,
    contextLookup: false,
    // Security tests are about alerts; verification has its own (test/verify).
    verify: false,
    reverifyIntervalMinutes: SETTINGS.reverifyIntervalMinutes.default,
    trustedAccounts: [],
    trustedOrganizationId: null,
    maxNewIncidentsPerDelivery: SETTINGS.maxNewIncidentsPerDelivery.default,
    maxAlertsPerChannelPerMinute: SETTINGS.maxAlertsPerChannelPerMinute.default,
    centralExternalId: null,
    ...overrides,
  };
}
