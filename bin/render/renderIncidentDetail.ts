import { ALERT_MARKER } from '../../lambda/core/constants';
import type { Incident } from '../../lambda/core/incidents/incident';
import {
  type AlertFact,
  alertContent,
  displayTime,
  duration,
  resolutionOf,
  rhythmOf,
  shellWord,
} from '../../lambda/core/render/alertContent';
import { terminalBlock, terminalLine } from '../../lambda/core/render/sanitize';
import { sparkline } from './sparkline';

const INDENT = '  ';
const CODE = '      ';
const HOUR = 3_600_000;

/**
 * One incident in full for `incidents show`: status and episode, what broke (the facts the alerts
 * show), timing with an hourly sparkline, every fix with its command and its CloudFormation /
 * Terraform / CDK forms, a sample log line, and the previous episode to look at. Log-derived text
 * goes through the terminal sanitiser (controls shown as visible stand-ins, one line per value), so
 * a log line cannot drive the terminal or draw a line of its own. `sourceFlags` are the options
 * that read the same history (` --store DIR`), carried by the command it prints.
 */
export function renderIncidentDetail(incident: Incident, sourceFlags = ''): string {
  // The alert content of an `opened` notification is the complete picture: all fixes and forms.
  const c = alertContent({
    kind: 'opened',
    incident,
    newOccurrences: incident.occurrences,
    notificationId: `${incident.id}:show`,
  });
  const previous = incident.previousIncidentId
    ? `, follows ${incident.previousIncidentId}`
    : ', first episode';
  const out: string[] = [
    `Incident ${incident.id} · ${incident.status.toUpperCase()} · episode ${incident.episode}${previous}`,
    terminalLine(c.headline),
    ...(c.caution ? [`${INDENT}${terminalLine(c.caution)}`] : []),
    '',
    `${INDENT}${terminalLine(c.summary)}`,
    '',
  ];
  const rhythm = rhythmOf(incident);
  const facts: AlertFact[] = [
    ...c.facts,
    { label: 'Kind', value: incident.diagnosis.kind },
    { label: 'Occurrences', value: incident.occurrences.toLocaleString('en-US') },
    { label: 'First seen', value: displayTime(incident.firstSeen) },
    { label: 'Last seen', value: displayTime(incident.lastSeen) },
    { label: 'Duration', value: duration(incident.firstSeen, incident.lastSeen) },
    ...(rhythm === null ? [] : [{ label: 'Rhythm', value: rhythm }]),
    ...(incident.resolvedAt
      ? [{ label: 'Resolved', value: displayTime(incident.resolvedAt) }]
      : []),
    ...(incident.resolution ? [{ label: 'Resolution', value: resolutionOf(incident) }] : []),
    { label: 'Hourly', value: hourlyLine(incident) },
  ];
  const width = Math.max(...facts.map((f) => f.label.length)) + 2;
  // One value per line: a line break inside a log value is shown as a stand-in by terminalLine, so
  // only the lists built here (candidates, calls) span several lines.
  const print = (label: string, lines: readonly string[], pad: number) => {
    const [first = '', ...more] = lines.map(terminalLine);
    out.push(`${INDENT}${label.padEnd(pad)}${first}`);
    for (const line of more) out.push(`${INDENT}${' '.repeat(pad)}${line}`);
  };
  for (const fact of facts) print(fact.label, [fact.value], width);
  const v = incident.diagnosis.verification;
  if (v) {
    // Every call, not the alert's first few.
    const live: [string, readonly string[]][] = [
      ...c.verification
        .filter((f) => f.label !== 'Evidence' && f.label !== 'Candidates')
        .map((f): [string, readonly string[]] => [f.label, [f.value]]),
      ...(v.candidates.length > 0
        ? [
            [
              'Candidates',
              v.candidates.map((x) => `${x.route} → ${x.function} (${x.rootCause})`),
            ] as [string, readonly string[]],
          ]
        : []),
      [
        'Evidence',
        v.evidence.length > 0 ? v.evidence.map((e) => `${e.call} → ${e.result}`) : ['no calls'],
      ],
    ];
    const pad = Math.max(...live.map(([label]) => label.length)) + 2;
    out.push('', `${INDENT}Live account`);
    for (const [label, lines] of live) print(label, lines, pad);
  }
  c.fixes.forEach((fix, i) => {
    const of = c.fixes.length > 1 ? ` of ${c.fixes.length}` : '';
    out.push(
      '',
      `${INDENT}Fix ${i + 1}${of}: ${fix.title}`,
      `${INDENT}${terminalLine(fix.description)}`,
    );
    if (fix.command) out.push(`${CODE}${terminalLine(fix.command)}`);
    for (const form of fix.forms) {
      out.push(`${INDENT}${INDENT}${form.label}:`, ...indent(terminalBlock(form.value), CODE));
    }
  });
  if (c.sample) {
    out.push('', `${INDENT}Sample log line:`, `${CODE}${ALERT_MARKER} ${terminalLine(c.sample)}`);
  }
  out.push('');
  if (incident.previousIncidentId) {
    out.push(
      `${INDENT}Previous episode: npx invoke-doctor incidents show ${shellWord(incident.previousIncidentId)}${sourceFlags}`,
    );
  }
  out.push(`${INDENT}Fingerprint ${incident.fingerprint} (all episodes share it)`);
  return `${out.join('\n')}\n`;
}

/** `▅█  13:00–14:59 UTC: 52, 81 per hour` (counts listed while they fit on a line). */
function hourlyLine(incident: Incident): string {
  const bars = sparkline(incident.hourly, incident.firstSeen, incident.lastSeen);
  const from = Math.floor(Date.parse(incident.firstSeen) / HOUR) * HOUR;
  const to = Math.floor(Date.parse(incident.lastSeen) / HOUR) * HOUR;
  if (!Number.isFinite(from) || !Number.isFinite(to)) return bars;
  const counts: number[] = [];
  for (let t = from; t <= to; t += HOUR) {
    counts.push(incident.hourly[new Date(t).toISOString().slice(0, 13)] ?? 0);
  }
  // within one day the hours say enough; across days each end needs its date
  const oneDay =
    new Date(from).toISOString().slice(0, 10) === new Date(to).toISOString().slice(0, 10);
  const end = (t: number, hhmm: string) =>
    oneDay ? hhmm : `${new Date(t).toISOString().slice(0, 10)} ${hhmm}`;
  const range = `${end(from, `${new Date(from).toISOString().slice(11, 13)}:00`)}–${end(to, new Date(to + HOUR - 1).toISOString().slice(11, 16))} UTC`;
  const list = counts.length <= 12 ? `: ${counts.join(', ')} per hour` : '';
  return `${bars}  ${range}${list}`;
}

function indent(text: string, prefix: string): string[] {
  return text.split('\n').map((line) => (line === '' ? '' : `${prefix}${line}`));
}
