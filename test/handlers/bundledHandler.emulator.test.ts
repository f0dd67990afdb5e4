import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { measureBundle } from '../../bench/measureBundle';
import { DynamoDbIncidentRepository } from '../../lambda/adapters/DynamoDbIncidentRepository';
import { awslogsPayload, eventId } from '../helpers/awslogsPayload';
import { createIncidentsTable, type IncidentsTable } from '../helpers/createIncidentsTable';
import { fixture } from '../helpers/fixture';
import { RUNTIME_ENV } from '../helpers/runtimeEnv';

const run = promisify(execFile);

/**
 * The deployed artefact: the handler bundled exactly as the CDK construct bundles it (ESM, minified,
 * `@aws-sdk/*` left to the runtime and loaded lazily through `require` from the createRequire
 * banner), imported by a fresh `node` and invoked with the stack's environment against moto. Proves
 * the lazy SDK path works inside the ESM bundle, not only in the TypeScript sources.
 */
describe('bundled responder (as deployed)', () => {
  let table: IncidentsTable;

  beforeAll(async () => {
    table = await createIncidentsTable('moto', `bundled-${process.pid}`);
  });
  afterAll(async () => {
    await table.close();
  });

  test('records an incident and publishes the alert from the ESM bundle', async () => {
    // Arrange
    const bundle = await measureBundle(1);
    const { TopicArn } = await new SNSClient({}).send(
      new CreateTopicCommand({ Name: `bundled-${process.pid}` }),
    );
    const start = Date.now();
    const event = awslogsPayload(
      { logGroup: '/aws/lambda/CdkWorkshopStack-HelloHitCounterHitCounterHandlerD-GbRYSkrqPIYV' },
      [0, 1].map((i) => ({
        id: eventId(start + i, i),
        timestamp: start + i,
        message: fixture('iam-sentence/no-identity-policy.log').trim(),
      })),
    );
    const script = join(bundle.dir, 'invoke.mjs');
    writeFileSync(
      script,
      [
        "const { handler } = await import('./index.mjs');",
        'const out = await handler(JSON.parse(process.argv[2]));',
        "process.stdout.write('RESULT ' + JSON.stringify(out) + '\\n');",
      ].join('\n'),
    );

    // Act
    const { stdout } = await run(process.execPath, [script, JSON.stringify(event)], {
      env: {
        ...process.env,
        [RUNTIME_ENV.incidentsTable]: table.tableName,
        [RUNTIME_ENV.alertTopicArn]: TopicArn as string,
        [RUNTIME_ENV.contextLookup]: 'false',
        POWERTOOLS_METRICS_NAMESPACE: 'InvokeDoctor',
      },
    });

    // Assert
    const result = JSON.parse(
      stdout
        .split('\n')
        .find((l) => l.startsWith('RESULT '))!
        .slice(7),
    );
    expect(result).toMatchObject({ status: 'processed', diagnoses: 1 });
    const repository = new DynamoDbIncidentRepository({ tableName: table.tableName });
    const incidents = await repository.listIncidents();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.occurrences).toBe(2);
    expect(stdout).toContain('"IncidentsOpened"');
    // the OPENED alert went out on SNS: nothing is left pending for the sweeper
    expect(await repository.listPendingNotifications()).toEqual([]);
  });
});
