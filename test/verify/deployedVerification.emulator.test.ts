/**
 * Verification in the composition the stack deploys: the log subscription handler and the sweeper
 * built from the runtime config (verify on), their default AWS verifier reaching moto through
 * AWS_ENDPOINT_URL, a real DynamoDB incident store, the Slack notifier posting over HTTP to a local
 * receiver and the SNS notifier publishing to moto. Every AWS request goes through a local
 * stand-in that answers CloudTrail LookupEvents (moto has none) and forwards the rest to moto, so
 * the read calls of each delivery are counted on the wire.
 */
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { DynamoDbIncidentRepository } from '../../lambda/adapters/DynamoDbIncidentRepository';
import type { RuntimeConfig } from '../../lambda/adapters/runtimeConfig';
import { SlackNotifier } from '../../lambda/adapters/SlackNotifier';
import { SnsNotifier } from '../../lambda/adapters/SnsNotifier';
import { SystemClock } from '../../lambda/adapters/SystemClock';
import type { IncidentRecord } from '../../lambda/core/incidents/IncidentRecord';
import type { Notifier } from '../../lambda/core/ports/Notifier';
import { createHandler } from '../../lambda/handlers/logSubscription';
import { createSweeper } from '../../lambda/handlers/sweeper';
import { deployedConfig } from '../helpers/alertTopic';
import { runInBash } from '../helpers/awsCli';
import { awslogsPayload, eventId } from '../helpers/awslogsPayload';
import { type AwsStub, restJsonError, startAwsStub } from '../helpers/awsStub';
import { lambdaEvent, lookupEventsHandler, simulateHandler } from '../helpers/cloudTrail';
import { createIncidentsTable, type IncidentsTable } from '../helpers/createIncidentsTable';
import { MOTO_ACCOUNT_ID, TEST_REGION } from '../helpers/moto';
import {
  type SlackReceiver,
  slackCodeBlocks,
  slackTexts,
  startSlackReceiver,
} from '../helpers/slackReceiver';
import { sqs } from '../helpers/sqs';
import { SCENARIOS } from '../helpers/verifyScenarios';
import { ACCOUNT } from '../helpers/verifyWorld';

const P = `vdc${process.pid % 1000}`;
const READ_SERVICES = new Set(['lambda', 'apigateway', 'iam', 'cloudtrail', 'sts']);
const CONTEXT = {
  invokedFunctionArn: `arn:aws:lambda:${TEST_REGION}:${MOTO_ACCOUNT_ID}:function:InvokeDoctor-Responder`,
  functionName: 'InvokeDoctor-Responder',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
} as Context;

let stub: AwsStub;
let denying: AwsStub;
const history: ReturnType<typeof lambdaEvent>[] = [];
let table: IncidentsTable;
let slack: SlackReceiver;
let config: RuntimeConfig;
let notifiers: Notifier[];
let queueUrl: string;
const saved = { endpoint: process.env.AWS_ENDPOINT_URL };

beforeAll(async () => {
  stub = await startAwsStub();
  stub.use(lookupEventsHandler(() => history));
  denying = await startAwsStub({ forward: false });
  denying.use(() =>
    restJsonError(
      403,
      'AccessDeniedException',
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/InvokeDoctor-Responder/InvokeDoctor-Responder is not authorized to perform: lambda:GetPolicy`,
    ),
  );
  table = await createIncidentsTable('moto', `${P}-incidents`);
  slack = await startSlackReceiver();
  const sns = new SNSClient({});
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${P}-alerts` }));
  queueUrl = (await sqs<{ QueueUrl: string }>('CreateQueue', { QueueName: `${P}-alerts` }))
    .QueueUrl;
  await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: `arn:aws:sqs:${TEST_REGION}:${MOTO_ACCOUNT_ID}:${P}-alerts`,
    }),
  );
  // The lifecycle timings this test asserts, pinned; the rest as the stack sets it.
  config = deployedConfig(table.tableName, TopicArn as string, {
    updateIntervalMinutes: 15,
    quietPeriodMinutes: 10,
    resolvedTtlDays: 90,
    verify: true,
    reverifyIntervalMinutes: 5,
    maxNewIncidentsPerDelivery: 20,
    maxAlertsPerChannelPerMinute: 20,
  });
  notifiers = [
    new SlackNotifier({ webhookUrl: { get: async () => slack.url }, maxAttempts: 1 }),
    new SnsNotifier({ topicArn: TopicArn as string }),
  ];
  // The deployed verifier uses the SDK's endpoint resolution: every service through the stand-in.
  process.env.AWS_ENDPOINT_URL = stub.endpoint;
});

afterAll(async () => {
  process.env.AWS_ENDPOINT_URL = saved.endpoint;
  await Promise.all([stub.close(), denying.close(), slack.close(), table.close()]);
});

/** AWS read calls (not the incident store's or the alerts') the stand-in saw. */
function reads(): number {
  return [...stub.answered, ...stub.forwarded].filter((r) => READ_SERVICES.has(r.service)).length;
}

async function incidentFor(logGroup: string): Promise<IncidentRecord> {
  const repository = new DynamoDbIncidentRepository({
    client: table.client,
    tableName: table.tableName,
  });
  const all = await repository.listIncidents({});
  const found = all.find((r) => r.diagnosis.logGroup === logGroup);
  if (!found) throw new Error(`no incident for ${logGroup}`);
  return (await repository.getIncident(found.id)) ?? found;
}

function slackFor(incidentId: string, status: string): unknown[] {
  return slack
    .accepted()
    .filter((body) => slackTexts(body).some((t) => t.text.includes(incidentId)))
    .filter((body) => slackTexts(body)[0]?.text.includes(status));
}

async function snsMessages(): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < 10; i++) {
    const page = await sqs<{ Messages?: { Body: string }[] }>('ReceiveMessage', {
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
    });
    if (!page.Messages?.length) break;
    for (const m of page.Messages) out.push((JSON.parse(m.Body) as { Message: string }).Message);
  }
  return out;
}

function payload(logGroup: string, lines: readonly string[], at: number, first = 0) {
  return awslogsPayload(
    { logGroup, owner: ACCOUNT },
    lines.map((message, i) => ({ id: eventId(at + i, first + i), timestamp: at + i, message })),
  );
}

describe('deployed responder: each scenario verified once when its incident opens', () => {
  test.each(SCENARIOS.map((s) => [s.id, s.title, s] as const))(
    '%s: %s',
    async (_id, _title, scenario) => {
      // Arrange
      const built = await scenario.build(`${P}${scenario.id}`);
      history.push(...built.history);
      const simulation = built.simulation;
      stub.use(
        lookupEventsHandler(() => history),
        ...(simulation ? [simulateHandler((action) => simulation(action))] : []),
      );
      const handler = createHandler({ config, notifiers, now: () => Date.now() });
      const at = Date.now() - 5 * 60_000;
      if (built.deniedService) process.env.AWS_ENDPOINT_URL_LAMBDA = denying.endpoint;

      // Act: the opening delivery, then a later one of the same incident
      const before = reads();
      await handler(payload(built.logGroup, built.lines, at), CONTEXT);
      const opening = reads() - before;
      const between = reads();
      await handler(payload(built.logGroup, built.lines, at + 60_000, 100), CONTEXT);
      const repeated = reads() - between;
      delete process.env.AWS_ENDPOINT_URL_LAMBDA;

      // Assert: the stored verdict
      const incident = await incidentFor(built.logGroup);
      const v = incident.diagnosis.verification;
      expect(v?.status).toBe(built.status);
      if (built.rootCause) expect(v?.rootCause).toBe(built.rootCause);
      expect(incident.occurrences).toBe(2);
      // At most 8 AWS read calls for a new incident, none for a known one
      expect(opening).toBeGreaterThan(0);
      expect(opening).toBeLessThanOrEqual(8);
      expect(repeated).toBe(0);

      // Assert: the OPENED Slack alert carries the verdict and its evidence
      const [opened, ...more] = slackFor(incident.id, 'OPENED');
      expect(more).toHaveLength(0);
      const texts = slackTexts(opened).map((t) => t.text);
      const verdict =
        built.status === 'unverifiable'
          ? 'Live account: unverifiable'
          : `Live account: ${built.status}: ${built.rootCause}`;
      expect(texts.some((t) => t.includes(verdict))).toBe(true);
      const evidence = slackCodeBlocks(opened).find((b) => b.includes('sts:GetCallerIdentity'));
      expect(evidence).toBeDefined();
      if (built.deniedService) expect(evidence).toContain('failed: AccessDeniedException');

      // Assert: the SNS alert names the verdict too
      const sns = (await snsMessages()).filter((m) => m.includes(incident.id));
      expect(
        sns.some((m) => m.includes('OPENED') && m.includes(`Live account: ${built.status}`)),
      ).toBe(true);
    },
  );
});

describe('deployed sweeper: re-checks open incidents, posts FIXED, resolves once no failure follows', () => {
  test('scenario 1: the grant is applied; FIXED names who applied it; then RESOLVED', async () => {
    // Arrange: the incident opens with a confirmed verdict
    stub.use(lookupEventsHandler(() => history));
    const built = await SCENARIOS[0]!.build(`${P}fix`);
    history.push(...built.history);
    const at = Date.now() - 5 * 60_000;
    await createHandler({ config, notifiers })(payload(built.logGroup, built.lines, at), CONTEXT);
    const opened = await incidentFor(built.logGroup);
    expect(opened.diagnosis.verification?.status).toBe('confirmed');
    const grant = opened.diagnosis.fixes.find((f) => f.kind === 'add-permission')?.command;
    expect(grant).toBeTruthy();
    const clockAt = (ms: number) =>
      new (class extends SystemClock {
        override now(): number {
          return Date.now() + ms;
        }
      })();

    // Act: a sweep before the re-check interval changes nothing
    const early = await createSweeper({ config, notifiers, clock: clockAt(0) })(undefined, CONTEXT);
    // Act: someone applies the suggested grant, unchanged; CloudTrail records who
    await runInBash(grant as string);
    const fnName = opened.diagnosis.function.name as string;
    history.push(
      lambdaEvent('AddPermission20150331v2', fnName, new Date().toISOString(), {
        account: ACCOUNT,
        userName: 'oncall-alice',
      }),
    );
    const recheck = await createSweeper({ config, notifiers, clock: clockAt(6 * 60_000) })(
      undefined,
      CONTEXT,
    );
    const settle = await createSweeper({ config, notifiers, clock: clockAt(9 * 60_000) })(
      undefined,
      CONTEXT,
    );

    // Assert
    expect(early).toMatchObject({ reverified: 0, resolved: 0 });
    // Every open incident of the table is re-checked; this one's verdict turns to fixed.
    expect(recheck.reverified).toBeGreaterThanOrEqual(1);
    expect(settle.resolved).toBeGreaterThanOrEqual(1);
    const fixed = slackFor(opened.id, 'FIXED');
    expect(fixed).toHaveLength(1);
    const text = slackTexts(fixed[0])
      .map((t) => t.text)
      .join('\n');
    expect(text).toContain(
      'AddPermission20150331v2 by arn:aws:iam::123456789012:user/oncall-alice',
    );
    expect(slackFor(opened.id, 'RESOLVED')).toHaveLength(1);
    const final = await incidentFor(built.logGroup);
    expect(final).toMatchObject({ status: 'resolved' });
    expect(final.diagnosis.verification).toMatchObject({
      status: 'fixed',
      change: {
        event: 'AddPermission20150331v2',
        actor: `arn:aws:iam::${ACCOUNT}:user/oncall-alice`,
      },
    });
  });
});
