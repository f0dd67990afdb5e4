import type { Notification } from '../../lambda/core/incidents/incident';
import { alertContent, duration, plural } from '../../lambda/core/render/alertContent';
import { wellFormed } from '../../lambda/core/render/slackEscape';

const COLOURS = { update: '\u001b[33m', resolved: '\u001b[32m', opened: '\u001b[31m' } as const;
const BOLD = '\u001b[1m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

/**
 * An ONGOING or RESOLVED alert as one terminal line (the OPENED alert, printed in full before it,
 * already gave the diagnosis and the fixes): what, how it stands, and the command that shows the
 * incident in full. Log-derived text is made safe to print as in renderTerminalAlert.
 */
export function renderAlertLine(
  notification: Notification,
  options: { readonly color?: boolean; readonly historyCommand: string },
): string {
  const c = alertContent(notification);
  const { incident, newOccurrences } = notification;
  const lasted = duration(incident.firstSeen, incident.lastSeen);
  const state =
    notification.kind === 'update'
      ? `${plural(newOccurrences, 'new occurrence')}, ${plural(incident.occurrences, 'occurrence')} in total, failing for ${lasted}`
      : notification.kind === 'resolved'
        ? `lasted ${lasted}, ${plural(incident.occurrences, 'occurrence')}`
        : `${plural(incident.occurrences, 'occurrence')}`;
  const status = `[${c.status}]`;
  const paint = (codes: string, text: string) => (options.color ? `${codes}${text}${RESET}` : text);
  return `${paint(BOLD + COLOURS[notification.kind], status)} ${wellFormed(c.headline)} — ${state} · ${paint(DIM, wellFormed(options.historyCommand))}\n`;
}
