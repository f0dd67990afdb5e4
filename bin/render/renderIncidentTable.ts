import type { Incident } from '../../lambda/core/incidents/incident';
import { typicalInterval } from '../../lambda/core/incidents/recurrence';
import { formatDuration } from '../../lambda/core/render/formatDuration';
import { terminalLine } from '../../lambda/core/render/sanitize';
import { incidentLabels } from './incidentLabels';
import { sparkline } from './sparkline';

const MAX_CELL = 44;

/**
 * The incident history as a plain-text table, newest first as given: short id (accepted by
 * `incidents show`), account (only when some incident has one: an organisation's table), status, kind, function, API route (only when some incident has one),
 * principal, occurrences, first and last seen (UTC), duration, the rhythm of a recurring one (only
 * when some incident recurs) and an hourly sparkline.
 * Log-derived text goes through the terminal sanitiser (controls and bidi overrides shown as
 * visible stand-ins), so a log line cannot drive the terminal or reorder a row.
 */
export function renderIncidentTable(incidents: readonly Incident[]): string {
  if (incidents.length === 0) return 'No incidents match.\n';
  const withRoutes = incidents.some((i) => i.diagnosis.api !== null);
  const withAccounts = incidents.some((i) => i.account !== undefined);
  const withRhythm = incidents.some((i) => typicalInterval(i.recurrence) !== null);
  const header = [
    'ID',
    ...(withAccounts ? ['ACCOUNT'] : []),
    'STATUS',
    'KIND',
    'FUNCTION',
    ...(withRoutes ? ['ROUTE'] : []),
    'PRINCIPAL',
    'COUNT',
    'FIRST SEEN (UTC)',
    'LAST SEEN (UTC)',
    'DURATION',
    ...(withRhythm ? ['EVERY'] : []),
    'HOURLY',
  ];
  const rows = incidents.map((incident) => {
    const l = incidentLabels(incident);
    return [
      l.shortId,
      ...(withAccounts ? [incident.account ?? '-'] : []),
      incident.status,
      incident.diagnosis.kind,
      l.function,
      ...(withRoutes ? [l.route] : []),
      l.principal,
      incident.occurrences.toLocaleString('en-US'),
      minute(incident.firstSeen),
      minute(incident.lastSeen),
      formatDuration(l.durationMs),
      ...(withRhythm ? [rhythmCell(incident)] : []),
      sparkline(incident.hourly, incident.firstSeen, incident.lastSeen),
    ].map(cell);
  });
  const countColumn = header.indexOf('COUNT');
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => {
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(c)));
        return i === countColumn ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd();
  const open = incidents.filter((i) => i.status === 'open').length;
  const footer = `${incidents.length} incident${incidents.length === 1 ? '' : 's'} (${open} open). Details: npx invoke-doctor incidents show ID`;
  return `${[line(header), ...rows.map(line)].join('\n')}\n\n${footer}\n`;
}

/** `~1h 00m ×6` for an incident that failed in bursts (typical interval, bursts); `-` otherwise. */
function rhythmCell(incident: Incident): string {
  const every = typicalInterval(incident.recurrence);
  return every === null ? '-' : `~${formatDuration(every)} ×${incident.recurrence?.bursts ?? 0}`;
}

/** `2026-10-06 14:07` from an ISO time. */
function minute(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

function cell(text: string): string {
  // Cut by code point, so a cell never ends in half a surrogate pair.
  const chars = [...terminalLine(text)];
  return chars.length > MAX_CELL ? `${chars.slice(0, MAX_CELL - 1).join('')}…` : chars.join('');
}

function width(text: string): number {
  return [...text].length;
}
