import { ALERT_MARKER } from '../constants';
import type { AlertDigest } from '../incidents/incident';
import { displayTime, plural, shellWord } from './alertContent';
import type { ChatNotification } from './renderChatMessage';
import type { SlackMessage } from './renderSlackMessage';
import { snsSubject } from './renderSnsMessage';
import { slackEscape, terminalLine } from './sanitize';

/** An aggregated alert for every channel: the same words, formatted per sink. */
export interface DigestMessages {
  /** One line: what was held back. */
  readonly title: string;
  /** The plain text (terminal, SNS email and default), marker included. */
  readonly text: string;
  readonly slack: SlackMessage;
  readonly sns: { readonly subject: string; readonly default: string; readonly email: string };
  readonly chat: ChatNotification;
}

function sentences(d: AlertDigest): string[] {
  const list = 'npx invoke-doctor incidents --since 1h';
  const examples = d.incidentIds.map((id) => `npx invoke-doctor incidents show ${shellWord(id)}`);
  if (d.reason === 'new-incidents-per-delivery') {
    const from = d.logGroup === null ? '' : ` from ${terminalLine(d.logGroup)}`;
    return [
      `One delivery${from} opened ${plural(d.held, 'more new incident')} than the ${d.limit} that get an alert of their own: they are stored, without an alert each.`,
      'Many distinct failures at once are often forged log lines: check where they come from before acting on any of them.',
      `List them with ${list}${examples.length > 0 ? `, or start with ${examples.join(', ')}` : ''}.`,
    ];
  }
  return [
    `This channel held back ${plural(d.held, 'alert')} during the minute from ${displayTime(d.from)} (at most ${d.limit} per minute); their incidents are stored.`,
    `List them with ${list}.`,
  ];
}

/**
 * Renders an aggregated alert (see AlertDigest) for every sink. Only numbers, times, incident ids
 * and the delivery's log group (sanitised) appear: no log line is quoted. Each form carries the
 * alert marker, like every alert.
 */
export function renderDigest(digest: AlertDigest): DigestMessages {
  const title = `invoke-doctor: ${plural(digest.held, digest.reason === 'new-incidents-per-delivery' ? 'more distinct failure' : 'more alert')} held back`;
  const body = sentences(digest);
  const text = `${[`[HELD BACK] ${title}`, ...body.map((s) => `  ${s}`)].join('\n')}\n  ${ALERT_MARKER}\n`;
  const slackBody = slackEscape(body.join('\n'));
  return {
    title,
    text,
    slack: {
      text: `${slackEscape(title)} ${ALERT_MARKER}`,
      mrkdwn: false,
      unfurl_links: false,
      unfurl_media: false,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: `📦 ${title}`, emoji: false } },
        { type: 'section', text: { type: 'plain_text', text: slackBody, emoji: false } },
        {
          type: 'context',
          elements: [
            {
              type: 'plain_text',
              text: `${digest.digestId.slice(0, 120)} ${ALERT_MARKER}`,
              emoji: false,
            },
          ],
        },
      ],
    },
    sns: {
      subject: snsSubject(title),
      default: `${title}. ${body.join(' ')} ${ALERT_MARKER}`,
      email: text,
    },
    chat: {
      version: '1.0',
      source: 'custom',
      id: digest.digestId.slice(0, 256),
      content: {
        textType: 'client-markdown',
        title: `📦 ${slackEscape(title)}`,
        description: `${slackBody}\n${ALERT_MARKER}`,
        nextSteps: [],
        keywords: ['invoke-doctor', 'held-back'],
      },
      metadata: {
        threadId: `invoke-doctor-digest-${digest.reason}`,
        summary: slackEscape(title),
        eventType: 'invoke-doctor.digest',
        relatedResources: [],
        additionalContext: { held: String(digest.held), limit: String(digest.limit) },
      },
    },
  };
}
