/**
 * A job that fails every hour, in the composition the stack deploys: the log subscription handler
 * and the sweeper (every 5 minutes of a simulated clock) built from the runtime config with verify
 * on, their AWS verifier reading moto's API Gateway and Lambda through a local stand-in (which
 * answers CloudTrail LookupEvents, absent from moto), a DynamoDB incident store on moto, Slack
 * posting over HTTP to a local receiver and SNS publishing to moto (read back through SQS).
 */
import type { Context } from 'aws-lambda';
import { DynamoDbIncidentRepository } from '../../lambda/adapters/DynamoDbIncidentRepository';
import type { RuntimeConfig } from '../../lambda/adapters/runtimeConfig';
import { SlackNotifier } from '../../lambda/adapters/SlackNotifier';
import { SnsNotifier } from '../../lambda/adapters/SnsNotifier';
import type { SystemClock } from '../../lambda/adapters/SystemClock';
import type { IncidentRecord } from '../../lambda/core/incidents/IncidentRecord';
import type { Notifier } from '../../lambda/core/ports/Notifier';
import { createHandler } from '../../lambda/handlers/logSubscription';
import { createSweeper } from '../../lambda/handlers/sweeper';
import { type CapturedTopic, capturedTopic, deployedConfig } from '../helpers/alertTopic';
import { runInBash } from '../helpers/awsCli';
import { awslogsPayload, eventId } from '../helpers/awslogsPayload';
import { type AwsStub, startAwsStub } from '../helpers/awsStub';
import { lookupEventsHandler } from '../helpers/cloudTrail';
import { createIncidentsTable, type IncidentsTable } from '../helpers/createIncidentsTable';
import { MOTO_ACCOUNT_ID, TEST_REGION } from '../helpers/moto';
import { type SlackReceiver, slackTexts, startSlackReceiver } from '../helpers/slackReceiver';
import { SCENARIOS } from '../helpers/verifyScenarios';
import { ACCOUNT } from '../helpers/verifyWorld';

const P = `rcv${process.pid % 1000}`;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const CONTEXT = {
  invokedFunctionArn: `arn:aws:lambda:${TEST_REGION}:${MOTO_ACCOUNT_ID}:function:InvokeDoctor-Responder`,
  functionName: 'InvokeDoctor-Responder',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
} as Context;
const STATUS = /\b(OPENED|ONGOING|RECURRING|STILL FAILING|FIXED|RESOLVED)\b/;

let stub: AwsStub;
let table: IncidentsTable;
let slack: SlackReceiver;
let config: RuntimeConfig;
let notifiers: Notifier[];
let topic: CapturedTopic;
const saved = { endpoint: process.env.AWS_ENDPOINT_URL };

beforeAll(async () => {
  stub = await startAwsStub();
  stub.use(lookupEventsHandler(() => []));
  table = await createIncidentsTable('moto', `${P}-incidents`);
  slack = await startSlackReceiver();
  topic = await capturedTopic(`${P}-alerts`);
  // The shipped lifecycle defaults, verification on.
  config = deployedConfig(table.tableName, topic.topicArn, { verify: true });
  notifiers = [
    new SlackNotifier({ webhookUrl: { get: async () => slack.url }, maxAttempts: 1 }),
    new SnsNotifier({ topicArn: topic.topicArn }),
  ];
  process.env.AWS_ENDPOINT_URL = stub.endpoint;
});

afterAll(async () => {
  process.env.AWS_ENDPOINT_URL = saved.endpoint;
  await Promise.all([stub.close(), slack.close(), table.close()]);
});

async function incidentsOf(logGroup: string): Promise<IncidentRecord[]> {
  const repository = new DynamoDbIncidentRepository({
    client: table.client,
    tableName: table.tableName,
  });
  return (await repository.listIncidents({})).filter((r) => r.diagnosis.logGroup === logGroup);
}

/** Status words of the Slack messages about an incident, in the order they were posted. */
function slackStatuses(incidentId: string): string[] {
  return slack
    .accepted()
    .map((body) => slackTexts(body).map((t) => t.text))
    .filter((texts) => texts.some((t) => t.includes(incidentId)))
    .map((texts) => STATUS.exec(texts[0] ?? '')?.[1] ?? '?');
}

function slackText(incidentId: string, status: string): string {
  const body = slack
    .accepted()
    .map((b) => slackTexts(b).map((t) => t.text))
    .find((texts) => texts.some((t) => t.includes(incidentId)) && texts[0]?.includes(status));
  return (body ?? []).join('\n');
}

/** Status words of the SNS messages about an incident, in the order SQS received them. */
async function snsStatuses(incidentId: string): Promise<string[]> {
  return (await topic.drain())
    .filter((m) => `${m.Subject}${m.Message}`.includes(incidentId))
    .map((m) => STATUS.exec(m.Subject ?? m.Message)?.[1] ?? '?');
}

/**
 * One hourly job on the simulated clock: a run of the scenario's failing request at each of
 * `runs` hours, the sweeper every 5 minutes until `untilHours`; `between` runs at a time.
 */
async function hourlyJob(
  logGroup: string,
  lines: readonly string[],
  runs: number,
  untilHours: number,
  between?: { atMinutes: number; act: () => Promise<void> },
): Promise<void> {
  const start = Date.now() - (untilHours + 1) * HOUR;
  const sim = { t: start };
  const clock = { now: () => sim.t, sleep: async () => undefined } as unknown as SystemClock;
  const handler = createHandler({ config, notifiers, clock, now: () => sim.t });
  const sweep = createSweeper({ config, notifiers, clock });
  let acted = false;
  for (let minute = 0; minute <= untilHours * 60; minute += 5) {
    sim.t = start + minute * MINUTE;
    if (between && !acted && minute >= between.atMinutes) {
      await between.act();
      acted = true;
    }
    if (minute % 60 === 0 && minute / 60 < runs) {
      const n = minute / 60;
      await handler(
        awslogsPayload(
          { logGroup, owner: ACCOUNT },
          lines.map((message, i) => ({
            id: eventId(sim.t + i, n * 100 + i),
            timestamp: sim.t + i,
            message,
          })),
        ),
        CONTEXT,
      );
    }
    await sweep(undefined, CONTEXT);
  }
}

describe('a job failing every hour, deployed, verification on', () => {
  test('6 hourly runs, still denied: one OPENED and one RECURRING on Slack and SNS, one incident of 6 bursts', async () => {
    // Arrange: scenario 1 (no permission at all, ERROR-level execution log)
    const built = await SCENARIOS[0]!.build(`${P}h`);

    // Act
    await hourlyJob(built.logGroup, built.lines, 6, 6);

    // Assert
    const incidents = await incidentsOf(built.logGroup);
    expect(incidents).toHaveLength(1);
    const [incident] = incidents as [IncidentRecord];
    expect(incident).toMatchObject({ status: 'open', episode: 1 });
    expect(incident.recurrence?.bursts).toBe(6);
    expect(incident.occurrences % 6).toBe(0);
    expect(incident.diagnosis.verification?.status).toBe('confirmed');
    expect(slackStatuses(incident.id)).toEqual(['OPENED', 'RECURRING']);
    expect(await snsStatuses(incident.id)).toEqual(['OPENED', 'RECURRING']);
    expect(slackText(incident.id, 'RECURRING')).toContain(
      'fails about every 1h 00m, 3 times so far',
    );
  });

  test('fixed after 3 runs with the suggested grant: OPENED, RECURRING, FIXED, RESOLVED as verified fixed', async () => {
    // Arrange
    const built = await SCENARIOS[0]!.build(`${P}f`);
    let grant: string | undefined;

    // Act: the on-call engineer runs the suggested command, unchanged, after the third run
    await hourlyJob(built.logGroup, built.lines, 3, 4, {
      atMinutes: 150,
      act: async () => {
        const [opened] = await incidentsOf(built.logGroup);
        grant = opened?.diagnosis.fixes.find((f) => f.kind === 'add-permission')?.command ?? '';
        await runInBash(grant);
      },
    });

    // Assert
    expect(grant).toMatch(/^aws lambda add-permission /);
    const [incident, ...others] = await incidentsOf(built.logGroup);
    expect(others).toHaveLength(0);
    expect(incident).toMatchObject({ status: 'resolved' });
    expect(incident?.resolution?.reason).toBe('verified-fixed');
    const expected = ['OPENED', 'RECURRING', 'FIXED', 'RESOLVED'];
    expect(slackStatuses(incident!.id)).toEqual(expected);
    expect(await snsStatuses(incident!.id)).toEqual(expected);
    expect(slackText(incident!.id, 'RESOLVED')).toContain('Verified fixed at');
  });
});
