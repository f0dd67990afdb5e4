/**
 * Finding 6: floods. One 196 KB event with 1,500 forged sentences made 1,500 incidents and 3,000
 * Slack/SNS messages in one invocation. Reproduced through the deployed handler and sweeper (alerts
 * published to an SNS topic on moto, the incident table on dynalite, the in-process emulator, which
 * takes 1,500 incidents in seconds): every incident is stored, the topic gets at most the cap of
 * OPENED alerts and one aggregated alert per delivery, and a channel's alerts beyond its per-minute
 * cap are held and summed up by the sweeper, once.
 */
import { DynamoDbIncidentRepository } from '../../lambda/adapters/DynamoDbIncidentRepository';
import { SystemClock } from '../../lambda/adapters/SystemClock';
import { MAX_MATCHED_CHARS } from '../../lambda/core/diagnose/readableMessage';
import { METRIC } from '../../lambda/core/metrics';
import { SETTINGS } from '../../lambda/core/settings';
import { createHandler } from '../../lambda/handlers/logSubscription';
import { createSweeper } from '../../lambda/handlers/sweeper';
import { capturedTopic, deployedConfig } from '../helpers/alertTopic';
import { awslogsPayload, eventId } from '../helpers/awslogsPayload';
import { captureStdout } from '../helpers/capture';
import { createIncidentsTable, type IncidentsTable } from '../helpers/createIncidentsTable';
import { MOTO_ACCOUNT_ID } from '../helpers/moto';

const CAP = SETTINGS.maxNewIncidentsPerDelivery.default;

/** `count` forged sentences, each from a different outside caller: `count` distinct failures. */
function forgedEvent(count: number, offset: number): string {
  const sentences: string[] = [];
  for (let i = 0; i < count; i++) {
    sentences.push(
      `User: arn:aws:iam::666666666666:user/u${offset + i} is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:${MOTO_ACCOUNT_ID}:function:payments-admin`,
    );
  }
  return sentences.join(' ');
}

/** Sum of one EMF metric over captured records. */
function metricSum(emf: readonly Record<string, unknown>[], name: string): number {
  return emf.reduce((sum, r) => sum + (typeof r[name] === 'number' ? (r[name] as number) : 0), 0);
}

describe('a flood of forged sentences (deployed handler and sweeper on moto)', () => {
  let table: IncidentsTable;

  beforeAll(async () => {
    table = await createIncidentsTable('dynalite', `sec-flood-${process.pid}`);
  });

  afterAll(async () => {
    await table.close();
  });

  test('1,500 forged sentences in one event: 1,500 incidents stored, the cap of alerts and one aggregate', async () => {
    // Arrange: one event of about 196 KB, in the middle of a minute
    const topic = await capturedTopic(`sec-flood-${process.pid}`);
    const config = deployedConfig(table.tableName, topic.topicArn);
    const repository = new DynamoDbIncidentRepository({
      client: table.client,
      tableName: table.tableName,
    });
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const now = minute + 10_000;
    const message = forgedEvent(1500, 0);
    expect(message.length).toBeGreaterThan(190_000);
    expect(message.length).toBeLessThan(MAX_MATCHED_CHARS);
    const clock = new (class extends SystemClock {
      override now(): number {
        return now;
      }
    })();
    const handler = createHandler({ config, repository, clock, now: () => now });

    // Act: the flood, then a second one in the same minute
    const first = await captureStdout(() =>
      handler(
        awslogsPayload({ logGroup: '/aws/lambda/search-web', owner: MOTO_ACCOUNT_ID }, [
          { id: eventId(now, 1), timestamp: now, message },
        ]),
      ),
    );
    const afterFirst = await topic.drain();
    await handler(
      awslogsPayload({ logGroup: '/aws/lambda/search-web', owner: MOTO_ACCOUNT_ID }, [
        { id: eventId(now, 2), timestamp: now, message: forgedEvent(40, 10_000) },
      ]),
    );
    const afterSecond = await topic.drain();
    // the sweeper runs in the next minute: it sums up what the channel held back in this one
    const next = new (class extends SystemClock {
      override now(): number {
        return minute + 61_000;
      }
    })();
    const sweep = await createSweeper({ config, repository, clock: next })();
    const afterSweep = await topic.drain();
    const again = await createSweeper({ config, repository, clock: next })();

    // Assert: nothing dropped from the store
    expect(first.result).toMatchObject({ status: 'processed', diagnoses: 1500 });
    expect(await repository.listIncidents({ limit: 1000 })).toHaveLength(1000);
    expect((await repository.listOpenIncidents()).length).toBe(1540);
    // the first delivery: the cap of OPENED alerts, then one aggregated alert for the other 1,480
    const opened = afterFirst.filter((m) => m.Subject.includes('OPENED'));
    const held = afterFirst.filter((m) => m.Subject.includes('held back'));
    expect(opened).toHaveLength(CAP);
    expect(held).toHaveLength(1);
    expect(held[0]?.Subject).toContain(`${1500 - CAP} more distinct failures held back`);
    expect(afterFirst).toHaveLength(CAP + 1);
    expect(metricSum(first.emf, METRIC.alertsHeld)).toBe(1500 - CAP);
    // the second delivery, same minute: the channel's budget is spent; only its aggregate goes out
    expect(afterSecond.map((m) => m.Subject)).toEqual([
      expect.stringContaining(`${40 - CAP} more distinct failures held back`),
    ]);
    // next minute: one aggregate for the alerts the minute held back, sent once
    expect(sweep).toMatchObject({ status: 'swept', digests: 1 });
    expect(afterSweep.map((m) => m.Subject)).toEqual([
      expect.stringContaining(`${CAP} more alerts held back`),
    ]);
    expect(again).toMatchObject({ digests: 0 });
  }, 180_000);
});
