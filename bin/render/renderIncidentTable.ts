import type { Incident } from '../../lambda/core/incidents/incident';
import { typicalInterval } from '../../lambda/core/incidents/recurrence';
import { formatDuration } from '../../lambda/core/render/formatDuration';
import { terminalLine } from '../../lambda/core/render/sanitize';
import { incidentLabels } from './incidentLabels';
import { sparkline } from './sparkline';

const MAX_CELL = 44;
/** Narrowest a shrunk text column gets (`…` marks the cut). */
const MIN_CELL = 12;
/**
 * Columns left out, in this order, when the table is wider than the terminal; names are shortened
 * first for the last two (`incidents show` has everything).
 */
const OPTIONAL = ['FIRST SEEN (UTC)', 'HOURLY', 'DURATION', 'KIND'] as const;
const LAST_RESORT = ['PRINCIPAL', 'ROUTE'] as const;
/** Columns of log-derived names, shrunk when leaving columns out was not enough. */
const SHRINKABLE = ['FUNCTION', 'PRINCIPAL', 'ROUTE'] as const;

/** How to render the table. */
export interface IncidentTableOptions {
  /** Terminal width: columns are left out, then names shortened, until every line fits. */
  readonly width?: number;
  /** The command that shows one incident (`ID` stands for it), with the options it needs. */
  readonly showCommand?: string;
}

/**
 * The incident history as a plain-text table, newest first as given: short id (accepted by
 * `incidents show`), account (only when some incident has one: an organisation's table), status,
 * kind, function, API route (only when some incident has one), principal, occurrences, first and
 * last seen (UTC), duration, the rhythm of a recurring one (only when some incident recurs) and an
 * hourly sparkline; narrowed to `width` when given. Log-derived text goes through the terminal
 * sanitiser (controls and bidi overrides shown as visible stand-ins), so a log line cannot drive
 * the terminal or reorder a row.
 */
export function renderIncidentTable(
  incidents: readonly Incident[],
  options: IncidentTableOptions = {},
): string {
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
  const fitted = fitToWidth(header, rows, options.width);
  const countColumn = fitted.header.indexOf('COUNT');
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => {
        const pad = ' '.repeat(Math.max(0, (fitted.widths[i] ?? 0) - width(c)));
        return i === countColumn ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd();
  const open = incidents.filter((i) => i.status === 'open').length;
  const show = options.showCommand ?? 'npx invoke-doctor incidents show ID';
  const footer = `${incidents.length} incident${incidents.length === 1 ? '' : 's'} (${open} open). Details: ${show}`;
  return `${[line(fitted.header), ...fitted.rows.map(line)].join('\n')}\n\n${footer}\n`;
}

interface Fitted {
  readonly header: string[];
  readonly rows: string[][];
  readonly widths: number[];
}

/** The columns and cells that fit `limit` characters: optional columns go, then names shrink. */
function fitToWidth(
  header: readonly string[],
  rows: readonly string[][],
  limit: number | undefined,
): Fitted {
  let columns = header.map((_, i) => i);
  const total = (widths: readonly number[]) =>
    widths.reduce((sum, w) => sum + w, 0) + 2 * Math.max(0, widths.length - 1);
  const measure = (keep: readonly number[]) =>
    keep.map((i) => Math.max(width(header[i] ?? ''), ...rows.map((r) => width(r[i] ?? ''))));
  let widths = measure(columns);
  if (limit !== undefined) {
    for (const name of OPTIONAL) {
      if (total(widths) <= limit) break;
      const at = header.indexOf(name);
      columns = columns.filter((i) => i !== at);
      widths = measure(columns);
    }
    // shrink the widest name column, one character at a time, down to MIN_CELL
    const shrink = () => {
      const names = columns
        .map((i, k) => [i, k] as const)
        .filter(([i]) => (SHRINKABLE as readonly string[]).includes(header[i] ?? ''));
      while (total(widths) > limit) {
        const widest = names.reduce<readonly [number, number] | null>(
          (best, pair) =>
            (widths[pair[1]] ?? 0) > (best === null ? MIN_CELL : (widths[best[1]] ?? 0))
              ? pair
              : best,
          null,
        );
        if (widest === null) return;
        widths[widest[1]] = (widths[widest[1]] ?? 0) - 1;
      }
    };
    shrink();
    for (const name of LAST_RESORT) {
      if (total(widths) <= limit) break;
      const k = columns.indexOf(header.indexOf(name));
      if (k === -1) continue;
      columns = columns.filter((_, j) => j !== k);
      widths = widths.filter((_, j) => j !== k);
      shrink();
    }
  }
  const keptRows = rows.map((row) =>
    columns.map((i, k) => {
      const cellText = row[i] ?? '';
      const w = widths[k] ?? 0;
      return width(cellText) > w
        ? `${[...cellText].slice(0, Math.max(1, w - 1)).join('')}…`
        : cellText;
    }),
  );
  return { header: columns.map((i) => header[i] ?? ''), rows: keptRows, widths };
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
