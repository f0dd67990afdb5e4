import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { SlackNotifier } from '../../lambda/adapters/SlackNotifier';
import { SnsNotifier } from '../../lambda/adapters/SnsNotifier';
import type { Clock } from '../../lambda/core/ports/Clock';
import type { Notifier } from '../../lambda/core/ports/Notifier';
import { MOTO_ACCOUNT_ID, TEST_REGION } from './moto';
import { motoEndpoint } from './motoEndpoint';
import { type SlackReceiver, startSlackReceiver } from './slackReceiver';
import { sqs } from './sqs';

/** What an alert says about its incident, read back from what the channel delivered. */
export interface ChannelAlert {
  readonly status: 'OPENED' | 'ONGOING' | 'RESOLVED';
  readonly incidentId: string;
  /** Occurrences in total, as the message states them. */
  readonly total: number;
  /** Occurrences the message reports as new: all of them when opened; a resolved alert states none. */
  readonly added: number;
  /** Clock time of the delivery (or sweep) during which the channel received the alert. */
  readonly at: number;
}

/** The storm's two real alert channels: Slack into the local receiver, SNS on moto into SQS. */
export interface StormChannels {
  readonly receiver: SlackReceiver;
  /** Backoff waits the Slack notifiers asked for (recorded, never waited). */
  readonly slackDelays: number[];
  /** A Slack and an SNS notifier for one more service instance (a Lambda instance of its own). */
  notifiers(): Notifier[];
  /** Reads what reached both channels since the last call and stamps it with the clock's time. */
  collect(): Promise<void>;
  readonly slack: ChannelAlert[];
  readonly sns: ChannelAlert[];
  /** SNS subjects, parallel to `sns`. */
  readonly snsSubjects: string[];
  close(): Promise<void>;
}

const STATUS = /^(OPENED|ONGOING|RESOLVED)$/;

/**
 * Starts a Slack receiver and creates an SNS topic with an SQS queue subscribed, named after
 * `name` (moto is shared by parallel test files).
 */
export async function stormChannels(name: string, clock: Clock): Promise<StormChannels> {
  const receiver = await startSlackReceiver();
  const client = new SNSClient({
    endpoint: motoEndpoint(),
    region: TEST_REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const { TopicArn } = await client.send(new CreateTopicCommand({ Name: name }));
  const topicArn = TopicArn as string;
  const { QueueUrl } = await sqs<{ QueueUrl: string }>('CreateQueue', { QueueName: name });
  await client.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: `arn:aws:sqs:${TEST_REGION}:${MOTO_ACCOUNT_ID}:${name}`,
    }),
  );
  const slackDelays: number[] = [];
  const slack: ChannelAlert[] = [];
  const sns: ChannelAlert[] = [];
  const snsSubjects: string[] = [];
  let slackRead = 0;
  return {
    receiver,
    slackDelays,
    slack,
    sns,
    snsSubjects,
    notifiers: () => [
      new SlackNotifier({
        webhookUrl: { get: async () => receiver.url },
        sleep: async (ms) => {
          slackDelays.push(ms);
        },
        random: () => 0.5,
      }),
      new SnsNotifier({ topicArn, client }),
    ],
    collect: async () => {
      const at = clock.now();
      // Every request, valid or not: the test asserts separately that all of them passed.
      for (const request of receiver.requests.slice(slackRead)) {
        slack.push({ ...slackAlert(request.body), at });
      }
      slackRead = receiver.requests.length;
      // Moto delivers to the subscribed queue within Publish, so the queue is complete now.
      for (;;) {
        const { Messages = [] } = await sqs<{ Messages?: { Body: string }[] }>('ReceiveMessage', {
          QueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          // Read once: a message must not come back while the storm is still running.
          VisibilityTimeout: 43_200,
        });
        if (Messages.length === 0) break;
        for (const { Body } of Messages) {
          const envelope = JSON.parse(Body) as {
            TopicArn: string;
            Subject: string;
            Message: string;
          };
          if (envelope.TopicArn !== topicArn) throw new Error(`message from ${envelope.TopicArn}`);
          sns.push({ ...snsAlert(envelope.Message), at });
          snsSubjects.push(envelope.Subject);
        }
      }
    },
    close: async () => {
      await receiver.close();
      client.destroy();
    },
  };
}

/**
 * Reads a Slack payload: the status from the header, the incident from the footer reference and
 * the counts from the Occurrences field (`15000` or `15000 (+1234 since last update)`).
 */
function slackAlert(payload: unknown): Omit<ChannelAlert, 'at'> {
  const blocks = (payload as { blocks: Record<string, unknown>[] }).blocks;
  const header = (blocks[0] as { text: { text: string } }).text.text;
  const status = header.split(' ')[1]?.replace(/:$/, '') ?? '';
  const footer = blocks.at(-1) as { elements: { text: string }[] };
  const incidentId = /^Incident (\S+) · episode /.exec(footer.elements[0]?.text ?? '')?.[1];
  const fields = blocks.flatMap((b) => (b.fields ?? []) as { text: string }[]);
  const occurrences = fields.find((f) => f.text.startsWith('*Occurrences*\n'))?.text ?? '';
  const counts = /^\*Occurrences\*\n(\d+)(?: \(\+(\d+) since last update\))?$/.exec(occurrences);
  if (!STATUS.test(status) || !incidentId || !counts) {
    throw new Error(`unreadable Slack alert: ${JSON.stringify(payload).slice(0, 300)}`);
  }
  const total = Number(counts[1]);
  return {
    status: status as ChannelAlert['status'],
    incidentId,
    total,
    added: status === 'OPENED' ? total : Number(counts[2] ?? 0),
  };
}

// The progress sentence of each status (alertContent), with the counts it carries.
const SNS_PROGRESS: Readonly<Record<ChannelAlert['status'], RegExp>> = {
  OPENED: /^(?<total>\d+) occurrences? since \d{4}-/,
  ONGOING:
    /^(?<added>\d+) new occurrences? since the last update, (?<total>\d+) occurrences? in total;/,
  RESOLVED:
    /^(?:No failures for|Verified fixed at|No occurrences since) .*\. The outage lasted .* with (?<total>\d+) occurrences? in total\./,
};

/** Reads the SNS `default` text: `invoke-doctor <STATUS> <incident id>: <headline>. <progress>`. */
function snsAlert(message: string): Omit<ChannelAlert, 'at'> {
  const head = /^invoke-doctor (OPENED|ONGOING|RESOLVED) (\S+): [^.]*\. /.exec(message);
  const status = head?.[1] as ChannelAlert['status'] | undefined;
  const counts = status && SNS_PROGRESS[status].exec(message.slice(head?.[0].length))?.groups;
  if (!head || !status || !counts)
    throw new Error(`unreadable SNS alert: ${message.slice(0, 300)}`);
  const total = Number(counts.total);
  const added = status === 'OPENED' ? total : Number(counts.added ?? 0);
  return { status, incidentId: head[2] as string, total, added };
}
