import { ALERT_MARKER } from '../constants';
import type { Notification } from '../incidents/incident';
import { alertContent } from './alertContent';
import { renderTerminalAlert } from './renderTerminalAlert';
import { TRUNCATION_MARKER, terminalLine } from './sanitize';

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
// SNS messages may be 256 KB (UTF-8, after JSON escaping); 40,000 characters stays well under it
// and is already more than anyone reads.
const EMAIL_MAX = 40_000;

/**
 * Renders a notification for SNS: a short `default`, a fuller plain-text `email` (the terminal
 * rendering without colour, fix command and forms included, so log text is sanitised by the
 * terminal rules) and an ASCII subject. Both bodies carry the alert marker.
 */
export function renderSnsMessage(notification: Notification): SnsMessage {
  const c = alertContent(notification);
  const first = c.fixes[0];
  const v = notification.incident.diagnosis.verification;
  // The verdict in a few words: protocols without the email body (SQS, Lambda, SMS) get it too.
  const verdict =
    v && notification.kind !== 'resolved'
      ? v.status === 'confirmed' || v.status === 'refuted'
        ? ` Live account: ${v.status}, root cause ${v.rootCause}.`
        : ` Live account: ${v.status}.`
      : '';
  const head = oneLine(
    `invoke-doctor ${c.status} ${c.incidentId}: ${c.headline}. ${c.progress}${verdict}`,
  );
  // The command goes in whole and unchanged, or not at all: a cut command may run and do the
  // wrong thing. A multi-line command does not fit a one-line message; the email has it.
  const command = first?.command ?? null;
  const fits =
    command !== null &&
    command === oneLine(command) &&
    head.length + command.length + 6 <= DEFAULT_MAX;
  const elsewhere = ` Fix: see the email or ${c.historyCommand}`;
  const fix = !first
    ? ''
    : fits
      ? ` Fix: ${command}`
      : elsewhere.length <= 300
        ? elsewhere
        : ' Fix: see the email.';
  const email = `${renderTerminalAlert(notification, { color: false })}\n-- \nSent by invoke-doctor, the Lambda invoke-permission incident responder. ${ALERT_MARKER}\n`;
  const tail = ` ${ALERT_MARKER}`;
  return {
    subject: snsSubject(`invoke-doctor ${c.status}: ${c.headline}`),
    default: `${clip(`${clip(head, DEFAULT_MAX - fix.length - tail.length)}${fix}`, DEFAULT_MAX - tail.length)}${tail}`,
    email: clipLines(email, EMAIL_MAX),
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

function oneLine(text: string): string {
  return terminalLine(text.replace(/\s+/g, ' ').trim());
}

/** Cuts at a line end so that no line (a command) is ever shown in part. */
function clipLines(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = text.lastIndexOf('\n', max - TRUNCATION_MARKER.length - 1);
  return `${text.slice(0, Math.max(0, end))}\n${TRUNCATION_MARKER}\n`;
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - TRUNCATION_MARKER.length;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end) + TRUNCATION_MARKER;
}
