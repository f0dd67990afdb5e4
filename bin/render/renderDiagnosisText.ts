import { styleText } from 'node:util';
import { FIX_TITLES, plural } from '../../lambda/core/render/alertContent';
import { terminalLine } from '../../lambda/core/render/sanitize';
import type { Diagnosis, Fix, Verification } from '../../lambda/core/types';

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

/** How much of a verdict to show. */
export interface DiagnosisTextOptions {
  /** List every AWS call of the verification (default: how many there were). */
  readonly verbose?: boolean;
}

/**
 * Renders diagnoses for a human on a terminal; `colour` only when writing to a TTY. Each fix shows
 * its command first, then the one sentence that says why; the full descriptions are in `--json` and
 * `incidents show`. Every value goes through the terminal sanitiser: an escape sequence, a carriage
 * return or a line break in a log value is shown as a visible stand-in, so a crafted caller cannot
 * draw a command of its own.
 */
export function renderDiagnosisText(
  diagnoses: readonly Diagnosis[],
  colour: boolean,
  options: DiagnosisTextOptions = {},
): string {
  const paint: Paint = (style, text) => (colour ? styleText(style, text) : text);
  if (diagnoses.length === 0) {
    return `${paint('green', 'No Lambda invoke permission failures found.')}\n`;
  }
  const blocks = diagnoses.map((d, index) => renderOne(d, index + 1, paint, options));
  const total = diagnoses.reduce((sum, d) => sum + d.occurrences, 0);
  const footer = paint(
    'dim',
    `${plural(diagnoses.length, 'distinct problem')}, ${plural(total, 'occurrence')}. Add --json for machine-readable output.`,
  );
  return `${blocks.join('\n')}\n${footer}\n`;
}

function renderOne(d: Diagnosis, n: number, paint: Paint, options: DiagnosisTextOptions): string {
  const lines: string[] = [];
  const seen =
    d.firstSeen && d.lastSeen && d.firstSeen !== d.lastSeen
      ? ` · first ${d.firstSeen}, last ${d.lastSeen}`
      : d.firstSeen
        ? ` · at ${d.firstSeen}`
        : '';
  const t = terminalLine;
  lines.push(`${paint(['bold', 'red'], `${n}. ${t(d.summary)}`)}`);
  lines.push(paint('dim', `   ${t(d.kind)} · ${plural(d.occurrences, 'occurrence')}${t(seen)}`));
  if (d.callerTrust === 'unconfirmed') {
    lines.push(
      paint(
        ['bold', 'yellow'],
        `   UNCONFIRMED CALLER: account ${t(d.principal.accountId ?? 'unknown')} is not trusted; no grant is runnable until it is (--trust-account ID).`,
      ),
    );
  }
  lines.push(`   who:   ${t(principalText(d))}`);
  lines.push(`   what:  ${t(d.action ?? 'invoke')} on ${t(functionText(d))}`);
  if (d.api) lines.push(`   where: ${t(apiText(d))}`);
  if (d.trigger) lines.push(`   where: the ${t(d.trigger)} trigger of a Cognito user pool`);
  if (d.logGroup) lines.push(`   log:   ${t(d.logGroup)}`);
  const source = sourceText(d);
  if (source) lines.push(`   from:  ${t(source)}`);
  lines.push(`   why:   ${t(d.reason)}`);
  if (d.verification) lines.push(...renderVerification(d.verification, paint, options));
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
    out.push(`      ${paint('cyan', terminalLine(fix.command))}`);
  } else if (parts.missing !== null) {
    out.push(`      ${paint('dim', `no runnable command: ${terminalLine(parts.missing)}`)}`);
    if (parts.template) {
      out.push(`      ${paint('dim', `template: ${terminalLine(parts.template)}`)}`);
    }
  } else {
    // a fix that is instructions rather than a command (where an explicit deny lives): all of them
    out.push(`      ${terminalLine(fix.description)}`);
    return out;
  }
  out.push(`      ${terminalLine(parts.lead)}`);
  return out;
}

const VERDICT_STYLE: Record<Verification['status'], 'red' | 'green' | 'yellow'> = {
  confirmed: 'red',
  fixed: 'green',
  refuted: 'yellow',
  unverifiable: 'yellow',
};

/** The live-account verdict; AWS answers and log text are printed without control characters. */
function renderVerification(
  v: Verification,
  paint: Paint,
  options: DiagnosisTextOptions,
): string[] {
  const clean = terminalLine;
  const cause = v.status === 'confirmed' || v.status === 'refuted' ? ` · ${v.rootCause}` : '';
  const out = [
    `   ${paint(['bold', VERDICT_STYLE[v.status]], `verified: ${v.status}${cause}`)}  ${paint('dim', `checked ${v.checkedAt}`)}`,
    `      ${clean(v.reason)}`,
  ];
  const st = v.statement;
  if (st) {
    out.push(
      `   statement: ${clean(`${st.sid ? `"${st.sid}"` : '(no Sid)'}${st.policy ? ` in ${st.policy}` : ''}: ${st.subject}${st.expected.length > 0 ? ` expects ${st.expected.join(' or ')}` : ''}; the request has ${st.actual ?? 'none'}`)}`,
    );
  }
  if (v.change) {
    out.push(
      `   change:    ${clean(`${v.change.event} by ${v.change.actor ?? 'unknown'} at ${v.change.at}`)}`,
    );
  }
  for (const c of v.candidates) {
    out.push(`   candidate: ${clean(`${c.route} → ${c.function} (${c.rootCause})`)}`);
    if (c.fix) out.push(`      ${paint('cyan', clean(c.fix))}`);
  }
  if (options.verbose) {
    out.push(`   calls (${v.evidence.length}):`);
    for (const e of v.evidence)
      out.push(paint('dim', `      ${clean(e.call)} → ${clean(e.result)}`));
  } else {
    out.push(paint('dim', `   ${v.evidence.length} read-only call(s); --verbose lists them`));
  }
  return out;
}

function sourceText(d: Diagnosis): string {
  return [
    d.logStream ? `stream ${d.logStream}` : null,
    d.eventId ? `event ${d.eventId}` : null,
    d.requestId ? `request ${d.requestId}` : null,
  ]
    .filter(Boolean)
    .join(', ');
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
