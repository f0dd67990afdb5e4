import { AWS_FORMATS } from '../awsFormats';
import { ALERT_MARKER } from '../constants';
import type { Notification } from '../incidents/incident';
import { type AlertContent, alertContent } from './alertContent';
import { chatLiteral, slackEscape, slackEscapeFit, slackLiteral, wellFormed } from './sanitize';

/**
 * An Amazon Q Developer in chat applications (formerly AWS Chatbot) custom notification, the JSON
 * published to an SNS topic that a chat channel configuration subscribes to. Schema: "Custom
 * notifications using Amazon Q Developer in chat applications" (version `1.0`, source `custom`,
 * `content.textType` `client-markdown`, `metadata.threadId` groups updates into one thread).
 */
export interface ChatNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps: readonly string[];
    readonly keywords: readonly string[];
  };
  readonly metadata: {
    readonly threadId: string;
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources: readonly string[];
    readonly additionalContext: Readonly<Record<string, string>>;
  };
}

// The documentation gives no lengths; these keep a notification inside one Slack section (3,000)
// and short enough to read, whatever the chat platform.
const TITLE_MAX = 150;
const DESCRIPTION_MAX = 2900;
const STEP_MAX = 2400;
const COMMAND_MAX = 1800;
const CONTEXT_MAX = 256;
// Only ARNs without markup characters go into metadata, which the chat client may show as is.
const PLAIN_ARN = /^arn:[a-z-]+:[A-Za-z0-9:/_+=,.@*$-]+$/;

/**
 * Renders a notification in the chat custom-notification format. client-markdown is rendered in
 * the chat platform's markdown (Slack mrkdwn in Slack, markdown in Teams), so log-derived text only
 * ever appears inside code spans ({@link chatLiteral}), where `*bold*` and bare links are not
 * rendered; the title names the function only when it is a valid function name. The thread id is
 * the incident id: the update and the resolution land in the thread of the opening message.
 */
export function renderChatMessage(notification: Notification): ChatNotification {
  const c = alertContent(notification);
  const incident = notification.incident;
  const d = incident.diagnosis;
  const lines = [
    ...(c.caution ? [`⚠️ ${chatLiteral(c.caution, 900)}`] : []),
    chatLiteral(c.summary, 1200),
    slackEscape(c.progress),
    '',
    ...[...c.facts, ...c.timing, ...c.verification].map(
      (f) => `*${f.label}:* ${chatLiteral(f.value, 600)}`,
    ),
  ];
  const nextSteps: string[] = c.fixes.map((fix) => {
    const what = slackEscapeFit(`${fix.title}. ${fix.description}`, STEP_MAX - COMMAND_MAX);
    if (!fix.command) return what;
    // A command is shown whole or not at all: a cut command may run and do the wrong thing.
    const code = slackLiteral(fix.command, Number.POSITIVE_INFINITY);
    return code.length <= COMMAND_MAX
      ? `${what}\n${code}`
      : `${what}\nThe command is too long for chat; see it with ${slackLiteral(c.historyCommand, 400)}`;
  });
  nextSteps.push(`History: ${slackLiteral(c.historyCommand, 400)} ${ALERT_MARKER}`);
  const title = `${c.emoji} ${c.status}: ${chatHeadline(c)}`;
  return {
    version: '1.0',
    source: 'custom',
    id: notification.notificationId,
    content: {
      textType: 'client-markdown',
      title: slackEscapeFit(title, TITLE_MAX),
      description: `${fitLines(lines, DESCRIPTION_MAX - ALERT_MARKER.length - 1)}\n${ALERT_MARKER}`,
      nextSteps,
      keywords: ['invoke-doctor', c.status.toLowerCase(), d.kind],
    },
    metadata: {
      threadId: incident.id,
      summary: slackEscapeFit(`${c.status}: ${chatHeadline(c)}`, TITLE_MAX),
      eventType: `invoke-doctor.incident.${notification.kind}`,
      relatedResources: [d.function.arn, d.principal.arn, d.roleArn].filter(
        (arn): arn is string => typeof arn === 'string' && PLAIN_ARN.test(arn),
      ),
      additionalContext: {
        incidentId: clip(incident.id),
        fingerprint: clip(incident.fingerprint),
        status: incident.status,
        occurrences: String(incident.occurrences),
        newOccurrences: String(notification.newOccurrences),
        firstSeen: clip(incident.firstSeen),
        lastSeen: clip(incident.lastSeen),
      },
    },
  };
}

/**
 * The headline for titles, which are not code: the function is named only when it is a valid
 * function name (optionally `:qualifier`), a value that cannot hold markdown or a link.
 */
function chatHeadline(c: AlertContent): string {
  const [name = '', qualifier] = c.subject.split(':');
  const named =
    AWS_FORMATS.functionName.test(name) &&
    (qualifier === undefined || AWS_FORMATS.qualifier.test(qualifier)) &&
    c.subject.split(':').length <= 2;
  const unconfirmed = c.caution === null ? '' : ' (unconfirmed caller)';
  return named ? c.headline : `${c.problem}${unconfirmed}`;
}

/** Joins lines, dropping whole lines from the end (and saying so) when the text would be too long. */
function fitLines(lines: readonly string[], max: number): string {
  const marker = '… (truncated)';
  let out = '';
  for (const line of lines) {
    const next = out === '' ? line : `${out}\n${line}`;
    if (next.length > max - marker.length - 1) return `${out}\n${marker}`;
    out = next;
  }
  return out;
}

function clip(value: string): string {
  return wellFormed(value.length <= CONTEXT_MAX ? value : `${value.slice(0, CONTEXT_MAX - 1)}…`);
}
