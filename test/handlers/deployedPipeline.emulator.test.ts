import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { DynamoDbIncidentRepository } from '../../lambda/adapters/DynamoDbIncidentRepository';
import type { RuntimeConfig } from '../../lambda/adapters/runtimeConfig';
import { SystemClock } from '../../lambda/adapters/SystemClock';
import { createHandler } from '../../lambda/handlers/logSubscription';
import { createSweeper } from '../../lambda/handlers/sweeper';
import { deployedConfig } from '../helpers/alertTopic';
import { awslogsPayload, eventId } from '../helpers/awslogsPayload';
import { createIncidentsTable, type IncidentsTable } from '../helpers/createIncidentsTable';
import { fixture } from '../helpers/fixture';
import { MOTO_ACCOUNT_ID, TEST_REGION } from '../helpers/moto';
import { sqs } from '../helpers/sqs';

/**
 * The composition the stack deploys: the log subscription handler and the sweeper built from the
 * runtime config alone (real DynamoDB repository, real SNS notifier, default SDK clients that reach
 * moto through AWS_ENDPOINT_URL), fed real awslogs payloads.
 */
const NAME = `deployed-pipeline-${process.pid}`;
// Real line (test/events/iam-sentence/no-identity-policy.log) as the Lambda runtime logs it inside a JSON error record.
const DENIAL = fixture('iam-sentence/no-identity-policy.log').trim();

async function drain(queueUrl: string): Promise<{ Subject: string; Message: string }[]> {
  const out: { Subject: string; Message: string }[] = [];
  for (let i = 0; i < 5; i++) {
    const page = await sqs<{ Messages?: { Body: string }[] }>('ReceiveMessage', {
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
    });
    if (!page.Messages?.length) break;
    for (const m of page.Messages) out.push(JSON.parse(m.Body));
  }
  return out;
}

describe('deployed pipeline (handler + sweeper from runtime config) against moto', () => {
  let table: IncidentsTable;
  let queueUrl: string;
  let config: RuntimeConfig;

  beforeAll(async () => {
    table = await createIncidentsTable('moto', NAME);
    const sns = new SNSClient({});
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: NAME }));
    const queue = await sqs<{ QueueUrl: string }>('CreateQueue', { QueueName: NAME });
    queueUrl = queue.QueueUrl;
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: `arn:aws:sqs:${TEST_REGION}:${MOTO_ACCOUNT_ID}:${NAME}`,
      }),
    );
    // The lifecycle timings this test asserts, pinned; the rest as the stack sets it.
    config = deployedConfig(table.tableName, TopicArn as string, {
      updateIntervalMinutes: 15,
      quietPeriodMinutes: 10,
      resolvedTtlDays: 90,
      // This test is about the lifecycle; verification has its own (test/verify).
      verify: false,
      reverifyIntervalMinutes: 5,
      maxNewIncidentsPerDelivery: 20,
      maxAlertsPerChannelPerMinute: 20,
    });
  });

  afterAll(async () => {
    await table.close();
  });

  test('one alert per outage, exact counts across a redelivery, resolved by the sweeper', async () => {
    // Arrange: a delivery of 3 denials from a Lambda log group, delivered twice (at-least-once)
    const start = Date.now() - 30 * 60_000;
    const events = [0, 1, 2].map((i) => ({
      id: eventId(start + i * 1000, i),
      timestamp: start + i * 1000,
      message: DENIAL,
    }));
    const payload = awslogsPayload(
      { logGroup: '/aws/lambda/CdkWorkshopStack-HelloHitCounterHitCounterHandlerD-GbRYSkrqPIYV' },
      events,
    );
    const handler = createHandler({ config, now: () => start + 5_000 });

    // Act
    const first = await handler(payload);
    const second = await handler(payload);

    // Assert: one incident, counted once, one "opened" alert on SNS
    expect(first).toMatchObject({ status: 'processed', diagnoses: 1 });
    expect(second).toMatchObject({ status: 'processed', diagnoses: 1 });
    const repository = new DynamoDbIncidentRepository({ tableName: table.tableName });
    const incidents = await repository.listIncidents({});
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ status: 'open', occurrences: 3 });
    const opened = await drain(queueUrl);
    expect(opened).toHaveLength(1);
    expect(opened[0]?.Subject).toMatch(/OPENED/);

    // Act: the sweeper runs once the quiet period (10 minutes) has passed since the last delivery
    const later = new (class extends SystemClock {
      override now(): number {
        return Date.now() + 11 * 60_000;
      }
    })();
    const early = await createSweeper({ config })();
    const sweep = await createSweeper({ config, clock: later })();

    // Assert: nothing resolved while the quiet period runs; then resolved once, one "resolved" alert
    expect(early).toMatchObject({ status: 'swept', resolved: 0 });
    expect(sweep).toMatchObject({ status: 'swept', resolved: 1, failed: 0 });
    const [after] = await repository.listIncidents({});
    expect(after?.status).toBe('resolved');
    const resolved = await drain(queueUrl);
    expect(resolved.map((m) => m.Subject)).toEqual([expect.stringMatching(/RESOLVED/)]);
  });
});
