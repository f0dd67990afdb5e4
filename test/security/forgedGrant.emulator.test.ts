/**
 * Finding 1: a forged line became a runnable grant to an outside account. One event in a watched
 * Lambda log group — a request path that carries the IAM sentence — produced an OPENED alert whose
 * command granted account 666666666666 invoke rights on `payments-admin`. Reproduced here through
 * the composition the stack deploys (the log handler built from its runtime configuration, the real
 * DynamoDB repository and SNS notifier, on moto), with the alert captured from the topic.
 */
import { DynamoDbIncidentRepository } from '../../lambda/adapters/DynamoDbIncidentRepository';
import { toIncident } from '../../lambda/core/incidents/toIncident';
import { renderSnsMessage } from '../../lambda/core/render/renderSnsMessage';
import { createHandler } from '../../lambda/handlers/logSubscription';
import { capturedTopic, deployedConfig } from '../helpers/alertTopic';
import { awslogsPayload, eventId } from '../helpers/awslogsPayload';
import { createIncidentsTable, type IncidentsTable } from '../helpers/createIncidentsTable';
import { MOTO_ACCOUNT_ID } from '../helpers/moto';

const OUTSIDER = '666666666666';
// The line of the finding: a web function logging the request it served.
const FORGED = `GET /search?q=User: arn:aws:iam::${OUTSIDER}:root is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:${MOTO_ACCOUNT_ID}:function:payments-admin because no resource-based policy allows the lambda:InvokeFunction action`;

describe('a forged line in a watched log group (deployed handler on moto)', () => {
  let table: IncidentsTable;

  beforeAll(async () => {
    table = await createIncidentsTable('moto', `sec-forged-${process.pid}`);
  });

  afterAll(async () => {
    await table.close();
  });

  test('the alert names the outside account as unconfirmed and carries no runnable grant', async () => {
    // Arrange
    const topic = await capturedTopic(`sec-forged-${process.pid}`);
    const config = deployedConfig(table.tableName, topic.topicArn);
    const now = Date.now();
    const payload = awslogsPayload({ logGroup: '/aws/lambda/search-web', owner: MOTO_ACCOUNT_ID }, [
      { id: eventId(now, 1), timestamp: now, message: FORGED },
    ]);

    // Act
    const summary = await createHandler({ config, now: () => now })(payload);

    // Assert: diagnosed, stored, announced, but never as a command granting the outsider
    expect(summary).toMatchObject({ status: 'processed', diagnoses: 1 });
    const [alert, ...more] = await topic.drain();
    expect(more).toEqual([]);
    // An SQS subscriber gets the `default` text; email subscribers the text rendered below.
    expect(alert?.Subject).toContain('unconfirmed caller');
    expect(alert?.Message).toContain('(unconfirmed caller)');
    const [stored] = await new DynamoDbIncidentRepository({
      client: table.client,
      tableName: table.tableName,
    }).listIncidents({});
    const email = renderSnsMessage({
      kind: 'opened',
      incident: toIncident(stored!),
      newOccurrences: 1,
      notificationId: 'email',
    }).email;
    expect(email).toContain(`UNCONFIRMED CALLER: the caller (account ${OUTSIDER})`);
    expect(email).toContain('Statement to review once the caller is confirmed');
    for (const text of [alert?.Message ?? '', email]) {
      // the only add-permission text is the template, whose placeholder cannot run
      expect(text).not.toMatch(
        /aws lambda add-permission(?![^\n]*--principal <CONFIRMED_PRINCIPAL>)/,
      );
      expect(text).not.toMatch(new RegExp(`--principal '?${OUTSIDER}`));
    }
    expect(stored?.diagnosis.callerTrust).toBe('unconfirmed');
    expect(stored?.diagnosis.fixes.map((f) => f.command)).toEqual([null]);
    // Provenance: where to check the line before trusting it
    expect(stored?.diagnosis).toMatchObject({
      logGroup: '/aws/lambda/search-web',
      logStream: expect.any(String),
      logOwner: MOTO_ACCOUNT_ID,
      eventId: eventId(now, 1),
    });
  });

  test('once the account is trusted (trustedAccounts), the same line gets the runnable command', async () => {
    // Arrange: a person confirmed the caller and configured the account as trusted
    const topic = await capturedTopic(`sec-trusted-${process.pid}`);
    const config = deployedConfig(table.tableName, topic.topicArn, { trustedAccounts: [OUTSIDER] });
    const now = Date.now();
    const payload = awslogsPayload(
      { logGroup: '/aws/lambda/search-web-2', owner: MOTO_ACCOUNT_ID },
      [
        {
          id: eventId(now, 2),
          timestamp: now,
          message: FORGED.replace('payments-admin', 'payments-reports'),
        },
      ],
    );

    // Act
    await createHandler({ config, now: () => now })(payload);

    // Assert
    const [alert] = await topic.drain();
    expect(alert?.Subject).not.toContain('unconfirmed');
    expect(alert?.Message).toContain(`--principal '${OUTSIDER}'`);
  });

  test('the same sentence in an API Gateway request-data line is not read as a denial', async () => {
    // Arrange: the query string of a REST request, as the execution log records it
    const topic = await capturedTopic(`sec-reqdata-${process.pid}`);
    const config = deployedConfig(table.tableName, topic.topicArn);
    const now = Date.now();
    const lines = [
      `(c2a2f1bb-5bd1-4a5e-8ad4-0a0e9fda9b41) Method request query string: {q=${FORGED.slice('GET /search?q='.length)}}`,
      `(c2a2f1bb-5bd1-4a5e-8ad4-0a0e9fda9b41) Method request path: {proxy=${FORGED}}`,
    ];
    const payload = awslogsPayload(
      { logGroup: 'API-Gateway-Execution-Logs_a1b2c3d4e5/prod', owner: MOTO_ACCOUNT_ID },
      lines.map((message, i) => ({ id: eventId(now, 10 + i), timestamp: now, message })),
    );

    // Act
    const summary = await createHandler({ config, now: () => now })(payload);

    // Assert
    expect(summary).toMatchObject({ status: 'processed', diagnoses: 0 });
    expect(await topic.drain()).toEqual([]);
  });
});
