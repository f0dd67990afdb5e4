import type { Incident } from '../../lambda/core/incidents/incident';
import {
  type AlertFact,
  alertContent,
  displayTime,
  duration,
  shellWord,
} from '../../lambda/core/render/alertContent';
import { wellFormed } from '../../lambda/core/render/slackEscape';
import { sparkline } from './sparkline';

const INDENT = '  ';
const CODE = '      ';
const HOUR = 3_600_000;

/**
 * One incident in full for `incidents show`: status and episode, what broke (the facts the alerts
 * show), timing with an hourly sparkline, every fix with its command and its CloudFormation /
 * Terraform / CDK forms, a sample log line, and the previous episode to look at. Log-derived text
 * has control characters replaced, so a log line cannot drive the terminal. `sourceFlags` are the
 * options that read the same history (` --store DIR`), carried by the command it prints.
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
    clean(c.headline),
    '',
    ...indent(clean(c.summary), INDENT),
    '',
  ];
  const facts: AlertFact[] = [
    ...c.facts,
    { label: 'Kind', value: incident.diagnosis.kind },
    { label: 'Occurrences', value: incident.occurrences.toLocaleString('en-US') },
    { label: 'First seen', value: displayTime(incident.firstSeen) },
    { label: 'Last seen', value: displayTime(incident.lastSeen) },
    { label: 'Duration', value: duration(incident.firstSeen, incident.lastSeen) },
    ...(incident.resolvedAt
      ? [{ label: 'Resolved', value: displayTime(incident.resolvedAt) }]
      : []),
    { label: 'Hourly', value: hourlyLine(incident) },
  ];
  const width = Math.max(...facts.map((f) => f.label.length)) + 2;
  for (const fact of facts) {
    const [first = '', ...more] = clean(fact.value).split('\n');
    out.push(`${INDENT}${fact.label.padEnd(width)}${first}`);
    for (const line of more) out.push(`${INDENT}${' '.repeat(width)}${line}`);
  }
  c.fixes.forEach((fix, i) => {
    const of = c.fixes.length > 1 ? ` of ${c.fixes.length}` : '';
    out.push(
      '',
      `${INDENT}Fix ${i + 1}${of}: ${fix.title}`,
      ...indent(clean(fix.description), INDENT),
    );
    if (fix.command) out.push(...indent(clean(fix.command), CODE));
    for (const form of fix.forms) {
      out.push(`${INDENT}${INDENT}${form.label}:`, ...indent(clean(form.value), CODE));
    }
  });
  if (c.sample) out.push('', `${INDENT}Sample log line:`, ...indent(clean(c.sample), CODE));
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
  const range = `${new Date(from).toISOString().slice(11, 13)}:00–${new Date(to + HOUR - 1).toISOString().slice(11, 16)} UTC`;
  const list = counts.length <= 12 ? `: ${counts.join(', ')} per hour` : '';
  return `${bars}  ${range}${list}`;
}

function indent(text: string, prefix: string): string[] {
  return text.split('\n').map((line) => (line === '' ? '' : `${prefix}${line}`));
}

function clean(text: string): string {
  return wellFormed(text);
}
