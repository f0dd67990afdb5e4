import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { buildNotifiers } from '../../lambda/adapters/buildNotifiers';
import { SnsNotifier } from '../../lambda/adapters/SnsNotifier';
import { NotificationError } from '../../lambda/core/errors';
import { renderSnsMessage } from '../../lambda/core/render/renderSnsMessage';
import { DIAGNOSES, notificationFor } from '../helpers/alerts';
import { MOTO_ACCOUNT_ID, TEST_REGION } from '../helpers/moto';
import { motoEndpoint } from '../helpers/motoEndpoint';
import { sqs } from '../helpers/sqs';

// Unique names: moto is shared by every test file running in parallel.
const PREFIX = `notifiers-sns-${process.pid}`;

function snsClient(): SNSClient {
  return new SNSClient({
    endpoint: motoEndpoint(),
    region: TEST_REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}
const client = snsClient();

/** A topic with an SQS queue subscribed, to read back what was published. */
async function topicWithQueue(
  name: string,
  raw: boolean,
): Promise<{ topicArn: string; receive: () => Promise<string> }> {
  const { TopicArn } = await client.send(new CreateTopicCommand({ Name: name }));
  const { QueueUrl } = await sqs<{ QueueUrl: string }>('CreateQueue', { QueueName: name });
  const queueArn = `arn:aws:sqs:${TEST_REGION}:${MOTO_ACCOUNT_ID}:${name}`;
  await client.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      Attributes: { RawMessageDelivery: String(raw) },
    }),
  );
  return {
    topicArn: TopicArn as string,
    receive: async () => {
      const out = await sqs<{ Messages?: { Body: string }[] }>('ReceiveMessage', {
        QueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      });
      const messages = out.Messages ?? [];
      if (messages.length !== 1) throw new Error(`expected 1 message, got ${messages.length}`);
      return (messages[0] as { Body: string }).Body;
    },
  };
}

const opened = notificationFor(DIAGNOSES['apigw-invalid-permissions'], 'opened');

describe('SnsNotifier against moto, read back through SQS', () => {
  test('publishes one message: the subject and the short default reach an SQS subscriber', async () => {
    // Arrange
    const { topicArn, receive } = await topicWithQueue(`${PREFIX}-envelope`, false);
    const expected = renderSnsMessage(opened);
    // Act
    await new SnsNotifier({ topicArn, client }).send(opened);
    // Assert
    const envelope = JSON.parse(await receive()) as Record<string, string>;
    expect(envelope.Type).toBe('Notification');
    expect(envelope.TopicArn).toBe(topicArn);
    expect(envelope.Subject).toBe(expected.subject);
    expect(envelope.Subject).toMatch(
      /^invoke-doctor OPENED: API Gateway cannot invoke Lambda: resumes-api$/,
    );
    expect(envelope.Message).toBe(expected.default);
  });

  test('raw delivery carries the default text as the body', async () => {
    const { topicArn, receive } = await topicWithQueue(`${PREFIX}-raw`, true);
    const update = notificationFor(DIAGNOSES['invoke-access-denied'], 'update');
    await new SnsNotifier({ topicArn, client }).send(update);
    expect(await receive()).toBe(renderSnsMessage(update).default);
  });

  test('the publish uses MessageStructure json with a default and a plain-text email carrying the fix command', async () => {
    // Arrange: observe the request the SDK serialises (no mock: it still goes to moto).
    const { topicArn, receive } = await topicWithQueue(`${PREFIX}-structure`, true);
    const seen: Record<string, unknown>[] = [];
    const observed = snsClient();
    observed.middlewareStack.add(
      (next, _context) => async (args) => {
        seen.push(args.input as Record<string, unknown>);
        return next(args);
      },
      { step: 'initialize', name: 'recordInput' },
    );
    // Act
    await new SnsNotifier({ topicArn, client: observed }).send(opened);
    // Assert
    expect(seen).toHaveLength(1);
    const input = seen[0] as { MessageStructure: string; Message: string; Subject: string };
    expect(input.MessageStructure).toBe('json');
    const structure = JSON.parse(input.Message) as Record<string, string>;
    expect(Object.keys(structure).sort()).toEqual(['default', 'email']);
    expect(structure.email).toContain(DIAGNOSES['apigw-invalid-permissions'].fixes[0]?.command);
    expect(await receive()).toBe(structure.default);
  });

  test('chatFormat publishes the Amazon Q Developer custom notification as the default (and https) message', async () => {
    // Arrange
    const { topicArn, receive } = await topicWithQueue(`${PREFIX}-chat`, false);
    const [notifier] = buildNotifiers({ topicArn, chatFormat: true }, { sns: client });
    // Act
    await notifier?.send(opened);
    // Assert
    const envelope = JSON.parse(await receive()) as { Message: string; Subject: string };
    const chat = JSON.parse(envelope.Message);
    expect(chat).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
      metadata: { threadId: opened.incident.id },
    });
    expect(chat.content.title).toContain('OPENED');
    expect(envelope.Subject).toBe(renderSnsMessage(opened).subject);
  });

  test('a topic that does not exist is a non-retryable NotificationError naming the channel', async () => {
    const topicArn = `arn:aws:sns:${TEST_REGION}:${MOTO_ACCOUNT_ID}:${PREFIX}-missing`;
    const error = await new SnsNotifier({ topicArn, client }).send(opened).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotificationError);
    expect((error as NotificationError).channel).toBe('sns');
    expect((error as NotificationError).retryable).toBe(false);
    expect((error as NotificationError).message).toMatch(
      /^sns: publish to arn:aws:sns:.* failed \(NotFound/,
    );
  });
});
