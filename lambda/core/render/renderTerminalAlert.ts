import { ALERT_MARKER } from '../constants';
import type { Notification, NotificationKind } from '../incidents/incident';
import { type AlertFact, alertContent } from './alertContent';
import { terminalBlock, terminalLine } from './sanitize';

/** How to render for a terminal. */
export interface TerminalAlertOptions {
  /** ANSI colours (default false: only a caller that knows it writes to a TTY turns them on). */
  readonly color?: boolean;
  /**
   * The command that shows the incident, with the options the reader needs to run it (the local
   * store's `--store DIR`); default: the content's own history command.
   */
  readonly historyCommand?: string;
}

const ANSI = {
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
  reset: '\u001b[0m',
} as const;
type Style = keyof typeof ANSI;

const STATUS_STYLE: Readonly<Record<NotificationKind, Style>> = {
  opened: 'red',
  update: 'yellow',
  recurring: 'yellow',
  reminder: 'yellow',
  fixed: 'green',
  resolved: 'green',
};

const INDENT = '  ';
const CODE_INDENT = '      ';

/**
 * Renders a notification for a terminal: the same content as the Slack message, as plain text.
 * Log-derived text goes through the terminal sanitiser (an ESC, a CR or a line break in a log value
 * is shown as a visible stand-in, never obeyed), each value stays on its own line, and the sample
 * line carries the alert marker so that this text, if it is ever logged, is not diagnosed again.
 * Colour codes are added only when asked.
 */
export function renderTerminalAlert(
  notification: Notification,
  options: TerminalAlertOptions = {},
): string {
  const c = alertContent(notification);
  const paint = (style: Style, text: string): string =>
    options.color ? `${ANSI[style]}${text}${ANSI.reset}` : text;
  const out: string[] = [];
  out.push(
    `${paint('bold', paint(STATUS_STYLE[c.kind], `[${c.status}]`))} ${paint('bold', terminalLine(c.headline))}`,
  );
  if (c.caution) out.push(`${INDENT}${paint('bold', terminalLine(c.caution))}`);
  out.push(`${INDENT}${terminalLine(c.summary)}`, `${INDENT}${terminalLine(c.progress)}`, '');

  const facts = [...c.facts, ...c.timing, ...c.verification];
  const width = Math.max(...facts.map((f) => f.label.length)) + 2;
  for (const fact of [...c.facts, ...c.timing]) out.push(...factLines(fact, width, paint));
  if (c.verification.length > 0) {
    out.push('', paint('bold', `${INDENT}Live account`));
    for (const fact of c.verification) out.push(...factLines(fact, width, paint));
  }

  c.fixes.forEach((fix, i) => {
    const of = c.fixes.length > 1 ? ` of ${c.fixes.length}` : '';
    out.push('', paint('bold', `${INDENT}Fix ${i + 1}${of}: ${fix.title}`));
    // the command first: in an outage it is what the reader is looking for
    if (fix.command) out.push(paint('cyan', `${CODE_INDENT}${terminalLine(fix.command)}`));
    out.push(`${INDENT}${terminalLine(fix.description)}`);
    if (!c.showForms) return;
    for (const form of fix.forms) {
      out.push(paint('dim', `${INDENT}${INDENT}${form.label}:`));
      out.push(...indentLines(terminalBlock(form.value), CODE_INDENT));
    }
  });

  if (c.sample) {
    out.push(
      '',
      paint('dim', `${INDENT}Sample log line:`),
      `${CODE_INDENT}${ALERT_MARKER} ${terminalLine(c.sample)}`,
    );
  }
  out.push(
    '',
    paint(
      'dim',
      `${INDENT}${terminalLine(c.reference)} · details: ${terminalLine(options.historyCommand ?? c.historyCommand)}`,
    ),
  );
  return `${out.join('\n')}\n`;
}

function factLines(
  fact: AlertFact,
  width: number,
  paint: (style: Style, text: string) => string,
): string[] {
  return [`${INDENT}${paint('dim', fact.label.padEnd(width))}${terminalLine(fact.value)}`];
}

function indentLines(text: string, indent: string): string[] {
  return text.split('\n').map((line) => (line === '' ? '' : `${indent}${line}`));
}
