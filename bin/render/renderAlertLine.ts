import type { Notification, NotificationKind } from '../../lambda/core/incidents/incident';
import { alertContent, duration, plural, rhythmOf } from '../../lambda/core/render/alertContent';
import { terminalLine } from '../../lambda/core/render/sanitize';

const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const YELLOW = '\u001b[33m';
const COLOURS: Readonly<Record<NotificationKind, string>> = {
  opened: RED,
  update: YELLOW,
  recurring: YELLOW,
  reminder: YELLOW,
  fixed: GREEN,
  resolved: GREEN,
};
const BOLD = '\u001b[1m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

/** How a RESOLVED line says why it resolved. */
const RESOLVED_BY = {
  'verified-fixed': 'verified fixed',
  quiet: 'quiet, not verified',
  'hold-expired': 'quiet for the hold window, not fixed',
} as const;

/**
 * An alert after OPENED as one terminal line (the OPENED alert, printed in full before it, already
 * gave the diagnosis and the fixes): what, how it stands (the rhythm of a recurring incident, why a
 * resolved one resolved), and the command that shows the incident in full. Log-derived text goes
 * through the terminal sanitiser, as in renderTerminalAlert.
 */
export function renderAlertLine(
  notification: Notification,
  options: { readonly color?: boolean; readonly historyCommand: string },
): string {
  const c = alertContent(notification);
  const { incident, newOccurrences, kind } = notification;
  const lasted = duration(incident.firstSeen, incident.lastSeen);
  const total = plural(incident.occurrences, 'occurrence');
  const rhythm = rhythmOf(incident);
  const state =
    kind === 'update'
      ? `${plural(newOccurrences, 'new occurrence')}, ${total} in total, failing for ${lasted}`
      : kind === 'recurring' || kind === 'reminder'
        ? `${rhythm ?? 'fails in bursts'}, ${total} in total`
        : kind === 'fixed'
          ? `the live policies allow the request now, ${total} so far`
          : kind === 'resolved'
            ? `lasted ${lasted}, ${total}${incident.resolution ? `; ${RESOLVED_BY[incident.resolution.reason]}` : ''}`
            : total;
  const status = `[${c.status}]`;
  const paint = (codes: string, text: string) => (options.color ? `${codes}${text}${RESET}` : text);
  return `${paint(BOLD + COLOURS[kind], status)} ${terminalLine(c.headline)} — ${terminalLine(state)} · ${paint(DIM, terminalLine(options.historyCommand))}\n`;
}
