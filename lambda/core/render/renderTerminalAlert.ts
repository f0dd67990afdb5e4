import type { Notification, NotificationKind } from '../incidents/incident';
import { type AlertFact, alertContent } from './alertContent';
import { wellFormed } from './slackEscape';

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
  resolved: 'green',
};

const INDENT = '  ';
const CODE_INDENT = '      ';

/**
 * Renders a notification for a terminal: the same content as the Slack message, as plain text.
 * Log-derived text has its control characters replaced (an ESC in a log line cannot drive the
 * terminal); colour codes are added only when asked.
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
    `${paint('bold', paint(STATUS_STYLE[c.kind], `[${c.status}]`))} ${paint('bold', clean(c.headline))}`,
  );
  out.push(...indentLines(clean(c.summary), INDENT), `${INDENT}${clean(c.progress)}`, '');

  const facts = [...c.facts, ...c.timing];
  const width = Math.max(...facts.map((f) => f.label.length)) + 2;
  for (const fact of facts) out.push(...factLines(fact, width, paint));

  c.fixes.forEach((fix, i) => {
    const of = c.fixes.length > 1 ? ` of ${c.fixes.length}` : '';
    out.push('', paint('bold', `${INDENT}Fix ${i + 1}${of}: ${fix.title}`));
    // the command first: in an outage it is what the reader is looking for
    if (fix.command)
      out.push(...indentLines(clean(fix.command), CODE_INDENT).map((l) => paint('cyan', l)));
    out.push(...indentLines(clean(fix.description), INDENT));
    if (!c.showForms) return;
    for (const form of fix.forms) {
      out.push(paint('dim', `${INDENT}${INDENT}${form.label}:`));
      out.push(...indentLines(clean(form.value), CODE_INDENT));
    }
  });

  if (c.sample) {
    out.push(
      '',
      paint('dim', `${INDENT}Sample log line:`),
      ...indentLines(clean(c.sample), CODE_INDENT),
    );
  }
  out.push(
    '',
    paint(
      'dim',
      `${INDENT}${clean(c.reference)} · details: ${clean(options.historyCommand ?? c.historyCommand)}`,
    ),
  );
  return `${out.join('\n')}\n`;
}

function factLines(
  fact: AlertFact,
  width: number,
  paint: (style: Style, text: string) => string,
): string[] {
  const [first = '', ...more] = clean(fact.value).split('\n');
  const pad = ' '.repeat(width);
  return [
    `${INDENT}${paint('dim', fact.label.padEnd(width))}${first}`,
    ...more.map((line) => `${INDENT}${pad}${line}`),
  ];
}

function indentLines(text: string, indent: string): string[] {
  return text.split('\n').map((line) => (line === '' ? '' : `${indent}${line}`));
}

/** Log text made safe to print: no control characters (ESC, CR, BEL ...), tabs kept. */
function clean(text: string): string {
  return wellFormed(text);
}
