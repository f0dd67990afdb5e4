import { ALERT_MARKER } from '../constants';
import type { Notification } from '../incidents/incident';
import { type AlertContent, type AlertFact, type AlertFix, alertContent } from './alertContent';
import {
  slackCodeBlock,
  slackEscape,
  slackEscapeFit,
  slackLiteral,
  TRUNCATION_MARKER,
} from './sanitize';

/** Slack's Block Kit limits that a message must respect (a webhook answers 400 `invalid_blocks` otherwise). */
export const SLACK_LIMITS = {
  /** Blocks per message. */
  blocks: 50,
  /** Header block text (plain_text only). */
  headerText: 150,
  /** Section block `text`. */
  sectionText: 3000,
  /** Section block `fields`: count and length of each. */
  fields: 10,
  fieldText: 2000,
  /** Context block elements. */
  contextElements: 10,
  /** Top-level `text`, the notification fallback; Slack truncates messages at 40,000 characters. */
  messageText: 40_000,
} as const;

/** Our own ceiling on all block text of one alert: an alert is read on a phone during an outage. */
export const SLACK_TEXT_BUDGET = 16_000;

// Our caps, below Slack's, so that a diagnosis made of huge values still leaves room for the fix.
const FALLBACK_MAX = 1000;
const SUMMARY_MAX = 1500;
const FIELD_MAX = 600;
const DESCRIPTION_MAX = 1000;
const SAMPLE_MAX = 1500;
const VERDICT_MAX = 1200;
const EVIDENCE_MAX = 1500;
const FOOTER_RESERVE = 1000;

/** A Block Kit plain_text object; `emoji: false` so `:shortcodes:` in log text stay text. */
export interface SlackPlainText {
  readonly type: 'plain_text';
  readonly text: string;
  readonly emoji: boolean;
}
/** A Block Kit mrkdwn object. */
export interface SlackMrkdwn {
  readonly type: 'mrkdwn';
  readonly text: string;
}
/** Either text object. */
export type SlackText = SlackPlainText | SlackMrkdwn;

/** The blocks an alert uses. */
export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackPlainText }
  | { readonly type: 'section'; readonly text?: SlackText; readonly fields?: readonly SlackText[] }
  | { readonly type: 'context'; readonly elements: readonly SlackText[] }
  | { readonly type: 'divider' };

/** An incoming-webhook payload. */
export interface SlackMessage {
  /** Notification / fallback text (escaped, not formatted: `mrkdwn` is false). */
  readonly text: string;
  readonly mrkdwn: false;
  /** Log lines carry URLs; never fetch previews of them into the channel. */
  readonly unfurl_links: false;
  readonly unfurl_media: false;
  readonly blocks: readonly SlackBlock[];
}

/**
 * Renders a notification as a Slack incoming-webhook payload: a header, the summary and progress,
 * who / what / where and timing fields, each fix as its description and its command in a code
 * block with the CloudFormation / Terraform / CDK forms behind it, a sample line and a footer.
 * Every text copied from a log is escaped (mentions, links and `&` cannot take effect) and shown in
 * plain_text or in code, where mrkdwn formatting does not apply. Everything stays within
 * {@link SLACK_LIMITS} and {@link SLACK_TEXT_BUDGET}; anything cut says so with the truncation marker.
 */
export function renderSlackMessage(notification: Notification): SlackMessage {
  const c = alertContent(notification);
  const head: SlackBlock[] = [
    {
      type: 'header',
      // A header is one line: line breaks from a log value become spaces.
      text: plain(
        `${c.emoji} ${c.status}: ${c.headline}`.replace(/\s+/g, ' '),
        SLACK_LIMITS.headerText,
      ),
    },
    ...(c.caution
      ? [{ type: 'section', text: plain(`⚠️ ${c.caution}`, SUMMARY_MAX) } as const]
      : []),
    { type: 'section', text: plain(`${c.summary}\n${c.progress}`, SUMMARY_MAX) },
    { type: 'section', fields: c.facts.map(field) },
    { type: 'section', fields: c.timing.map(timingField) },
    ...verdictBlocks(c),
  ];
  const [first, ...rest] = c.fixes;
  // The evidence follows the first fix: the command stays the first code block of the alert.
  const primary: SlackBlock[] = [
    ...(first ? [{ type: 'divider' } as const, ...fixBlocks(first, 1, c)] : []),
    ...evidenceBlocks(c),
  ];
  const tail: SlackBlock[] = c.sample
    ? [section(`*Sample log line*\n${slackCodeBlock(c.sample, SAMPLE_MAX)}`)]
    : [];

  // Optional extras in the order they are shown; kept while they fit, the rest is counted. A
  // snippet too long for one section is never cut (a cut policy or command is dangerous): skipped.
  const extras: (SlackBlock[] | null)[] = [];
  if (first && c.showForms) extras.push(...first.forms.map(formBlocks));
  rest.forEach((fix, i) => {
    extras.push(fixBlocks(fix, i + 2, c));
    if (c.showForms) extras.push(...fix.forms.map(formBlocks));
  });

  const fixed = [...head, ...primary, ...tail];
  let blocksLeft = SLACK_LIMITS.blocks - fixed.length - 1; // one for the footer
  let textLeft = SLACK_TEXT_BUDGET - textSize(fixed) - FOOTER_RESERVE;
  const kept: SlackBlock[] = [];
  let omitted = 0;
  let full = false;
  for (const group of extras) {
    if (group !== null && !full && group.length <= blocksLeft && textSize(group) <= textLeft) {
      kept.push(...group);
      blocksLeft -= group.length;
      textLeft -= textSize(group);
    } else {
      omitted += 1;
      // Keep the order readable: once one fix section did not fit, later ones are not shown either.
      if (group !== null) full = true;
    }
  }

  const blocks = [...head, ...primary, ...kept, ...tail, footer(c, omitted)];
  return {
    text: `${slackEscapeFit(`${c.emoji} ${c.status}: ${c.headline}. ${c.progress}`, FALLBACK_MAX - ALERT_MARKER.length - 1)} ${ALERT_MARKER}`,
    mrkdwn: false,
    unfurl_links: false,
    unfurl_media: false,
    blocks,
  };
}

/** The live-account verdict: one sentence, and its statement / change / candidates. */
function verdictBlocks(c: AlertContent): SlackBlock[] {
  if (c.verification.length === 0) return [];
  const byLabel = new Map(c.verification.map((f) => [f.label, f.value]));
  const blocks: SlackBlock[] = [
    {
      type: 'section',
      text: plain(
        `Live account: ${byLabel.get('Verified') ?? ''}. ${byLabel.get('Why') ?? ''}`,
        VERDICT_MAX,
      ),
    },
  ];
  const fields = c.verification.filter((f) =>
    ['Statement', 'Change', 'Candidates'].includes(f.label),
  );
  if (fields.length > 0) blocks.push({ type: 'section', fields: fields.map(field) });
  return blocks;
}

/** The calls the verdict rests on, in a code block. */
function evidenceBlocks(c: AlertContent): SlackBlock[] {
  const evidence = c.verification.find((f) => f.label === 'Evidence')?.value;
  return evidence ? [section(`*Evidence*\n${slackCodeBlock(evidence, EVIDENCE_MAX)}`)] : [];
}

function fixBlocks(fix: AlertFix, n: number, c: AlertContent): SlackBlock[] {
  const of = c.fixes.length > 1 ? ` of ${c.fixes.length}` : '';
  const blocks: SlackBlock[] = [
    {
      type: 'section',
      text: plain(`Fix ${n}${of}: ${fix.title}. ${fix.description}`, DESCRIPTION_MAX),
    },
  ];
  if (fix.command) {
    const run = `*Run*\n${slackCodeBlock(fix.command, Number.POSITIVE_INFINITY)}`;
    blocks.push(
      run.length <= SLACK_LIMITS.sectionText
        ? section(run)
        : {
            type: 'section',
            text: plain(
              `The command (${fix.command.length} characters) is too long to show whole in Slack, and a cut command is unsafe to run; see it with: ${c.historyCommand}`,
              DESCRIPTION_MAX,
            ),
          },
    );
  }
  return blocks;
}

/** A fix form in a code block, whole; null when it cannot fit one section. */
function formBlocks(form: AlertFact): SlackBlock[] | null {
  const text = `*${form.label}*\n${slackCodeBlock(form.value, Number.POSITIVE_INFINITY)}`;
  return text.length <= SLACK_LIMITS.sectionText ? [section(text)] : null;
}

function footer(c: AlertContent, omitted: number): SlackBlock {
  const elements: SlackText[] = [
    plain(`${c.reference} ${ALERT_MARKER}`, 300),
    { type: 'mrkdwn', text: `History: ${slackLiteral(c.historyCommand, 400)}` },
  ];
  if (omitted > 0) {
    elements.push(
      plain(
        `${TRUNCATION_MARKER}: ${omitted} more fix section${omitted === 1 ? '' : 's'} not shown; the history command shows every fix.`,
        200,
      ),
    );
  }
  return { type: 'context', elements };
}

function field(fact: AlertFact): SlackMrkdwn {
  const label = `*${slackEscape(fact.label)}*\n`;
  return { type: 'mrkdwn', text: label + slackLiteral(fact.value, FIELD_MAX) };
}

// Counts and timestamps read better without code styling; anything else (a raw timestamp from a
// log) is shown in code like every other log-derived value. `:word:` would be an emoji.
const PLAIN_SAFE = /^[A-Za-z0-9 .:+()-]{1,200}$/;
const EMOJI_CODE = /:[A-Za-z][^\s:]*:/;

function timingField(fact: AlertFact): SlackMrkdwn {
  if (!PLAIN_SAFE.test(fact.value) || EMOJI_CODE.test(fact.value)) return field(fact);
  return { type: 'mrkdwn', text: `*${slackEscape(fact.label)}*\n${fact.value}` };
}

function plain(text: string, max: number): SlackPlainText {
  const fitted = slackEscapeFit(text, max);
  // Slack rejects empty (or blank) text objects.
  return { type: 'plain_text', text: fitted.trim() === '' ? '—' : fitted, emoji: false };
}

function section(mrkdwn: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: mrkdwn } };
}

/** Sum of the text lengths of blocks (what counts against the budget). */
function textSize(blocks: readonly SlackBlock[]): number {
  let size = 0;
  for (const block of blocks) {
    if (block.type === 'header') size += block.text.text.length;
    if (block.type === 'section') {
      size += block.text?.text.length ?? 0;
      for (const f of block.fields ?? []) size += f.text.length;
    }
    if (block.type === 'context') for (const e of block.elements) size += e.text.length;
  }
  return size;
}
