import type { Notification } from '../incidents/incident';
import { alertContent } from './alertContent';
import { slackEscape, slackEscapeFit, slackLiteral, wellFormed } from './slackEscape';

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
 * the chat platform's markdown (Slack mrkdwn in Slack), so log-derived text is escaped and put in
 * code exactly as for the Slack webhook. The thread id is the incident id: the update and the
 * resolution land in the thread of the opening message.
 */
export function renderChatMessage(notification: Notification): ChatNotification {
  const c = alertContent(notification);
  const incident = notification.incident;
  const d = incident.diagnosis;
  const lines = [
    slackEscape(c.summary),
    slackEscape(c.progress),
    '',
    ...[...c.facts, ...c.timing, ...c.verification].map(
      (f) => `*${f.label}:* ${slackLiteral(f.value, 600)}`,
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
  nextSteps.push(`History: ${slackLiteral(c.historyCommand, 400)}`);
  return {
    version: '1.0',
    source: 'custom',
    id: notification.notificationId,
    content: {
      textType: 'client-markdown',
      title: slackEscapeFit(`${c.emoji} ${c.status}: ${c.headline}`, TITLE_MAX),
      description: fitLines(lines, DESCRIPTION_MAX),
      nextSteps,
      keywords: ['invoke-doctor', c.status.toLowerCase(), d.kind],
    },
    metadata: {
      threadId: incident.id,
      summary: slackEscapeFit(`${c.status}: ${c.headline}`, TITLE_MAX),
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
