/**
 * Finding 7: delivery blocked by item size. An HTTP API access line with a 250,000-character path
 * failed the DynamoDB write (item over 400 KB) on every retry, and the whole delivery ended in the
 * failure queue; an event whose message was not a string made the whole delivery a bad payload.
 * Reproduced through the deployed handler on moto: the delivery is processed, the incident stored
 * with every string bounded, and the good events beside a malformed one are diagnosed.
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbIncidentRepository } from '../../lambda/adapters/DynamoDbIncidentRepository';
import { STORED_LIMITS } from '../../lambda/core/incidents/boundDiagnosis';
import { createHandler } from '../../lambda/handlers/logSubscription';
import { capturedTopic, deployedConfig } from '../helpers/alertTopic';
import { awslogsEvent, eventId } from '../helpers/awslogsPayload';
import { createIncidentsTable, type IncidentsTable } from '../helpers/createIncidentsTable';
import { fixture } from '../helpers/fixture';
import { MOTO_ACCOUNT_ID } from '../helpers/moto';

const DYNAMODB_ITEM_LIMIT = 400 * 1024;

describe('oversized and malformed events (deployed handler on moto)', () => {
  let table: IncidentsTable;

  beforeAll(async () => {
    table = await createIncidentsTable('moto', `sec-oversized-${process.pid}`);
  });

  afterAll(async () => {
    await table.close();
  });

  test('a 250,000-character path is stored bounded; a non-string message costs only itself', async () => {
    // Arrange: the real CLF line (test/events/http-api-access-log/integration-permissions-clf.log)
    // with its route replaced by a 250,000-character path, and a malformed event beside it
    const real = fixture('http-api-access-log/integration-permissions-clf.log').trim();
    const huge = real.replace('$default', `/${'a'.repeat(250_000)}`);
    const topic = await capturedTopic(`sec-oversized-${process.pid}`);
    const config = deployedConfig(table.tableName, topic.topicArn);
    const now = Date.now();
    const payload = awslogsEvent(
      JSON.stringify({
        messageType: 'DATA_MESSAGE',
        owner: MOTO_ACCOUNT_ID,
        logGroup: '/aws/vendedlogs/orders-http-api/access',
        logStream: 'access',
        subscriptionFilters: ['invoke-doctor'],
        logEvents: [
          { id: eventId(now, 1), timestamp: now, message: huge },
          { id: eventId(now, 2), timestamp: now, message: { not: 'a string' } },
          { id: eventId(now, 3), timestamp: now, message: real },
        ],
      }),
    );

    // Act
    const summary = await createHandler({ config, now: () => now })(payload);

    // Assert: processed (not thrown, so no retry and no failure queue), both good events diagnosed
    expect(summary).toMatchObject({ status: 'processed', diagnoses: 2, malformedEvents: 1 });
    const repository = new DynamoDbIncidentRepository({
      client: table.client,
      tableName: table.tableName,
    });
    const incidents = await repository.listIncidents({});
    expect(incidents).toHaveLength(2);
    const big = incidents.find((i) => (i.diagnosis.api?.resourcePath ?? '').length > 100);
    expect(big?.diagnosis.api?.resourcePath?.length).toBe(STORED_LIMITS.field);
    expect(big?.diagnosis.api?.resourcePath).toMatch(/… \(cut to store\)$/);
    // the stored item, as DynamoDB holds it, is far from the limit
    const raw = await DynamoDBDocumentClient.from(table.client).send(
      new GetCommand({
        TableName: table.tableName,
        Key: { pk: `INC#${big?.fingerprint}`, sk: 'EP#000001' },
      }),
    );
    expect(raw.Item).toBeDefined();
    const bytes = Buffer.byteLength(JSON.stringify(raw.Item), 'utf8');
    expect(bytes).toBeLessThan(DYNAMODB_ITEM_LIMIT / 4);
  });
});
