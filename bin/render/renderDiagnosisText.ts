import { styleText } from 'node:util';
import { terminalLine } from '../../lambda/core/render/sanitize';
import type { Diagnosis, Fix, Verification } from '../../lambda/core/types';

type Style = Parameters<typeof styleText>[0];

/** How much of a verdict to show. */
export interface DiagnosisTextOptions {
  /** List every AWS call of the verification (default: how many there were). */
  readonly verbose?: boolean;
}

/**
 * Renders diagnoses for a human on a terminal; `colour` only when writing to a TTY. Every value
 * goes through the terminal sanitiser: an escape sequence, a carriage return or a line break in a
 * log value is shown as a visible stand-in, so a crafted caller cannot draw a command of its own.
 */
export function renderDiagnosisText(
  diagnoses: readonly Diagnosis[],
  colour: boolean,
  options: DiagnosisTextOptions = {},
): string {
  const paint = (style: Style, text: string): string => (colour ? styleText(style, text) : text);
  if (diagnoses.length === 0) {
    return `${paint('green', 'No Lambda invoke permission failures found.')}\n`;
  }
  const blocks = diagnoses.map((d, index) => renderOne(d, index + 1, paint, options));
  const total = diagnoses.reduce((sum, d) => sum + d.occurrences, 0);
  const footer = paint(
    'dim',
    `${diagnoses.length} distinct problem(s), ${total} occurrence(s). Add --json for machine-readable output.`,
  );
  return `${blocks.join('\n')}\n${footer}\n`;
}

function renderOne(
  d: Diagnosis,
  n: number,
  paint: (style: Style, text: string) => string,
  options: DiagnosisTextOptions,
): string {
  const lines: string[] = [];
  const seen =
    d.firstSeen && d.lastSeen
      ? `  first ${d.firstSeen}, last ${d.lastSeen}`
      : d.firstSeen
        ? `  at ${d.firstSeen}`
        : '';
  const t = terminalLine;
  lines.push(`${paint(['bold', 'red'], `${n}. ${t(d.summary)}`)}`);
  lines.push(paint('dim', `   ${t(d.kind)} · ${d.occurrences} occurrence(s)${t(seen)}`));
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
  if (d.logGroup) lines.push(`   log:   ${t(d.logGroup)}`);
  const source = sourceText(d);
  if (source) lines.push(`   from:  ${t(source)}`);
  lines.push(`   why:   ${t(d.reason)}`);
  if (d.verification) lines.push(...renderVerification(d.verification, paint, options));
  d.fixes.forEach((fix, i) => {
    lines.push(...renderFix(fix, i === 0, paint));
  });
  return `${lines.join('\n')}\n`;
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
  paint: (style: Style, text: string) => string,
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

function renderFix(fix: Fix, primary: boolean, paint: (s: Style, t: string) => string): string[] {
  const head = primary ? paint(['bold', 'green'], '   fix:') : paint('yellow', '   also:');
  const out = [`${head}  [${terminalLine(fix.kind)}] ${terminalLine(fix.description)}`];
  if (fix.command) out.push(`      ${paint('cyan', terminalLine(fix.command))}`);
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
  const name = p.arn ?? p.service ?? 'unknown principal';
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
