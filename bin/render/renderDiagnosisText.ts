import { styleText } from 'node:util';
import { FIX_TITLES, plural } from '../../lambda/core/render/alertContent';
import type { Diagnosis, Fix } from '../../lambda/core/types';

type Style = Parameters<typeof styleText>[0];
type Paint = (style: Style, text: string) => string;

/** The parts of a fix's description a terminal shows: its first sentence, and what to fill in. */
export interface FixParts {
  /** The first sentence: why this fix applies. */
  readonly lead: string;
  /** Why there is no runnable command, when there is none. */
  readonly missing: string | null;
  /** The command with placeholders, when there is no runnable one. */
  readonly template: string | null;
}

const NO_COMMAND = ' No runnable command: ';
const TEMPLATE = /\.? Template(?: once filled in)?: /;

/** Splits a fix description (as the fix renderers write it) into the parts a terminal shows. */
export function fixParts(fix: Fix): FixParts {
  const text = fix.description.trim();
  const sentence = /^(.+?[.!?])(?:\s+[A-Z`(]|$)/s.exec(text);
  const lead = sentence?.[1] ?? text;
  const at = text.indexOf(NO_COMMAND);
  if (at === -1 || fix.command !== null) return { lead, missing: null, template: null };
  const rest = text.slice(at + NO_COMMAND.length);
  const cut = TEMPLATE.exec(rest);
  return {
    lead,
    missing: (cut === null ? rest : rest.slice(0, cut.index)).replace(/\.$/, ''),
    template: cut === null ? null : rest.slice(cut.index + cut[0].length).trim(),
  };
}

/**
 * Renders diagnoses for a human on a terminal; `colour` only when writing to a TTY. Each fix shows
 * its command first, then the one sentence that says why; the full descriptions are in `--json` and
 * `incidents show`.
 */
export function renderDiagnosisText(diagnoses: readonly Diagnosis[], colour: boolean): string {
  const paint: Paint = (style, text) => (colour ? styleText(style, text) : text);
  if (diagnoses.length === 0) {
    return `${paint('green', 'No Lambda invoke permission failures found.')}\n`;
  }
  const blocks = diagnoses.map((d, index) => renderOne(d, index + 1, paint));
  const total = diagnoses.reduce((sum, d) => sum + d.occurrences, 0);
  const footer = paint(
    'dim',
    `${plural(diagnoses.length, 'distinct problem')}, ${plural(total, 'occurrence')}. Add --json for machine-readable output.`,
  );
  return `${blocks.join('\n')}\n${footer}\n`;
}

function renderOne(d: Diagnosis, n: number, paint: Paint): string {
  const lines: string[] = [];
  const seen =
    d.firstSeen && d.lastSeen && d.firstSeen !== d.lastSeen
      ? ` · first ${d.firstSeen}, last ${d.lastSeen}`
      : d.firstSeen
        ? ` · at ${d.firstSeen}`
        : '';
  lines.push(`${paint(['bold', 'red'], `${n}. ${d.summary}`)}`);
  lines.push(paint('dim', `   ${d.kind} · ${plural(d.occurrences, 'occurrence')}${seen}`));
  lines.push(`   who:   ${principalText(d)}`);
  lines.push(`   what:  ${d.action ?? 'invoke'} on ${functionText(d)}`);
  if (d.api) lines.push(`   where: ${apiText(d)}`);
  if (d.trigger) lines.push(`   where: the ${d.trigger} trigger of a Cognito user pool`);
  if (d.logGroup) lines.push(`   log:   ${d.logGroup}`);
  lines.push(`   why:   ${d.reason}`);
  d.fixes.forEach((fix, i) => {
    lines.push(...renderFix(fix, i + 1, d.fixes.length, paint));
  });
  return `${lines.join('\n')}\n`;
}

function renderFix(fix: Fix, n: number, of: number, paint: Paint): string[] {
  const parts = fixParts(fix);
  const label = of > 1 ? `fix ${n} of ${of}:` : 'fix:';
  const out = [
    `   ${paint(n === 1 ? ['bold', 'green'] : 'yellow', label)} ${FIX_TITLES[fix.kind] ?? fix.kind}`,
  ];
  if (fix.command) {
    for (const line of fix.command.split('\n')) out.push(`      ${paint('cyan', line)}`);
  } else if (parts.missing !== null) {
    out.push(`      ${paint('dim', `no runnable command: ${parts.missing}`)}`);
    if (parts.template) out.push(`      ${paint('dim', `template: ${parts.template}`)}`);
  } else {
    // a fix that is instructions rather than a command (where an explicit deny lives): all of them
    out.push(`      ${fix.description}`);
    return out;
  }
  out.push(`      ${parts.lead}`);
  return out;
}

function principalText(d: Diagnosis): string {
  const p = d.principal;
  const name = p.arn ?? p.service ?? (p.roleName ? `role ${p.roleName}` : 'unknown principal');
  const extras = [p.type, p.service && p.service !== name ? p.service : null, p.accountId]
    .filter(Boolean)
    .join(', ');
  return `${name} (${extras})`;
}

function functionText(d: Diagnosis): string {
  const f = d.function;
  if (f.arn) return f.arn;
  if (f.name) return f.qualifier ? `${f.name}:${f.qualifier}` : f.name;
  return 'an unknown function (not named in the logs)';
}

function apiText(d: Diagnosis): string {
  const a = d.api;
  if (!a) return '';
  const route = [a.httpMethod, a.resourcePath].filter(Boolean).join(' ');
  return `API ${a.id ?? '?'}${a.stage ? ` stage ${a.stage}` : ''}${route ? ` ${route}` : ''}`;
}
