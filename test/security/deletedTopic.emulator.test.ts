/**
 * Finding 8 (last part): a deleted SNS topic was retried forever. Reproduced through the deployed
 * handler and sweeper on moto: the first publish fails with NotFound, the alert is given up for that
 * channel at once (counted in NotificationsAbandoned, which an alarm watches), and no sweep retries
 * it.
 */
import { DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDbIncidentRepository } from '../../lambda/adapters/DynamoDbIncidentRepository';
import { METRIC } from '../../lambda/core/metrics';
import { createHandler } from '../../lambda/handlers/logSubscription';
import { createSweeper } from '../../lambda/handlers/sweeper';
import { capturedTopic, deployedConfig } from '../helpers/alertTopic';
import { awslogsPayload, eventId } from '../helpers/awslogsPayload';
import { captureStdout, metricSum } from '../helpers/capture';
import { createIncidentsTable, type IncidentsTable } from '../helpers/createIncidentsTable';
import { fixture } from '../helpers/fixture';

// A real denial (test/events/iam-sentence/no-identity-policy.log).
const DENIAL = fixture('iam-sentence/no-identity-policy.log').trim();

describe('a deleted alert topic (deployed handler and sweeper on moto)', () => {
  let table: IncidentsTable;

  beforeAll(async () => {
    table = await createIncidentsTable('moto', `sec-deleted-${process.pid}`);
  });

  afterAll(async () => {
    await table.close();
  });

  test('the alert is given up at once with the abandoned metric, and never retried', async () => {
    // Arrange: a topic that existed when the stack was deployed and was deleted since
    const topic = await capturedTopic(`sec-deleted-${process.pid}`);
    await new SNSClient({}).send(new DeleteTopicCommand({ TopicArn: topic.topicArn }));
    const config = deployedConfig(table.tableName, topic.topicArn);
    const now = Date.now();
    const payload = awslogsPayload(
      { logGroup: '/aws/lambda/CdkWorkshopStack-HelloHitCounterHitCounterHandlerD-GbRYSkrqPIYV' },
      [{ id: eventId(now, 1), timestamp: now, message: DENIAL }],
    );

    // Act
    const delivery = await captureStdout(() => createHandler({ config, now: () => now })(payload));
    const sweeps = await captureStdout(async () => [
      await createSweeper({ config })(),
      await createSweeper({ config })(),
    ]);

    // Assert: the delivery itself succeeded (no retry of the whole delivery)
    expect(delivery.error).toBeUndefined();
    expect(delivery.result).toMatchObject({ status: 'processed', diagnoses: 1 });
    expect(metricSum(delivery.emf, METRIC.notificationsAbandoned)).toBe(1);
    expect(metricSum(delivery.emf, METRIC.notificationsFailed)).toBe(0);
    expect(
      delivery.logs.find((l) => l.message === 'notification abandoned for this channel'),
    ).toMatchObject({
      channel: 'sns',
      status: 'abandoned',
      error: expect.stringMatching(/NotFound/),
    });
    // nothing left pending, nothing retried by the sweeper
    const repository = new DynamoDbIncidentRepository({
      client: table.client,
      tableName: table.tableName,
    });
    expect(await repository.listPendingNotifications()).toEqual([]);
    for (const sweep of sweeps.result ?? []) {
      expect(sweep).toMatchObject({ status: 'swept', delivered: 0, failed: 0, abandoned: 0 });
    }
  });
});
