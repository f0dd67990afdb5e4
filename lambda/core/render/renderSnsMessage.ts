import type { Notification } from '../incident';
import { alertContent } from './alertContent';
import { renderTerminalAlert } from './renderTerminalAlert';
import { TRUNCATION_MARKER, wellFormed } from './slackEscape';

/** Subject and per-protocol bodies of one SNS publish (`MessageStructure: 'json'`). */
export interface SnsMessage {
  /** ASCII, no control characters, at most {@link SNS_SUBJECT_MAX} characters (SNS rules). */
  readonly subject: string;
  /** Short text for every protocol without its own key (SQS, Lambda, HTTPS, SMS). */
  readonly default: string;
  /** Plain-text email body with the fix command. */
  readonly email: string;
}

/** SNS requires the subject to be shorter than 100 characters. */
export const SNS_SUBJECT_MAX = 99;
const DEFAULT_MAX = 1000;
// SNS messages may be 256 KB; an email body this long is already more than anyone reads.
const EMAIL_MAX = 64_000;

/**
 * Renders a notification for SNS: a short `default`, a fuller plain-text `email` (the terminal
 * rendering without colour, fix command and forms included) and an ASCII subject.
 */
export function renderSnsMessage(notification: Notification): SnsMessage {
  const c = alertContent(notification);
  const first = c.fixes[0];
  const fix = first ? ` Fix: ${first.command ?? first.description}` : '';
  const short = `invoke-doctor ${c.status} ${c.incidentId}: ${c.headline}. ${c.progress}${fix}`;
  const email = `${renderTerminalAlert(notification, { color: false })}\n-- \nSent by invoke-doctor, the Lambda invoke-permission incident responder.\n`;
  return {
    subject: snsSubject(`invoke-doctor ${c.status}: ${c.headline}`),
    default: clip(wellFormed(short).replace(/\s+/g, ' ').trim(), DEFAULT_MAX),
    email: clip(email, EMAIL_MAX),
  };
}

/**
 * Makes a valid SNS subject: printable ASCII only (accents folded, anything else `?`), no line
 * breaks or control characters, starts with a letter, digit or punctuation, under 100 characters.
 */
export function snsSubject(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  const subject = ascii === '' ? 'invoke-doctor alert' : ascii;
  return subject.length <= SNS_SUBJECT_MAX
    ? subject
    : `${subject.slice(0, SNS_SUBJECT_MAX - 3).trimEnd()}...`;
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - TRUNCATION_MARKER.length;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end) + TRUNCATION_MARKER;
}
