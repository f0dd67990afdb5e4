/**
 * `invoke-doctor check` for people: each finding with its file, line, logical id (and construct
 * path for CDK apps), the rule, what fails and the exact fix in the input's own language.
 */
import { CHECK_RULES } from '../../lambda/core/check/checkRules';
import type { CheckReport } from '../../lambda/core/check/runCheck';

// Templates may come from a pull request: nothing they hold may drive the terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function clean(text: string): string {
  return text.replace(CONTROL, '?');
}

function indent(text: string, prefix: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Renders the report; `inputs` is how many templates or plans were read. */
export function renderCheckText(report: CheckReport, inputs: number): string {
  const c = report.counts;
  const lines: string[] = [
    `invoke-doctor check: ${plural(inputs, 'input')}, ${plural(c.callers, 'caller')}: ${c.allowed} allowed, ${c.failed} failing, ${c.cannotTell} cannot tell`,
  ];
  for (const f of report.findings) {
    const l = f.location;
    const where = `${l.file}${l.line ? `:${l.line}${l.column ? `:${l.column}` : ''}` : ''}`;
    const label = f.kind === 'cannot-tell' ? 'cannot tell' : f.level;
    lines.push(
      '',
      clean(
        `${where}  ${l.stack ? `${l.stack}/` : ''}${l.resource}${l.constructPath ? `  (${l.constructPath})` : ''}`,
      ),
      `  ${label}  ${f.ruleId} ${CHECK_RULES[f.ruleId].name}`,
      indent(clean(f.message), '  '),
    );
    for (const r of f.related) {
      const at = `${r.location.file}${r.location.line ? `:${r.location.line}` : ''}`;
      lines.push(clean(`  see ${at} ${r.location.resource}: ${r.message}`));
    }
    const fix = f.fix;
    if (fix === null) continue;
    lines.push(indent(clean(`fix: ${fix.description}`), '  '));
    if (fix.command) lines.push('  command:', indent(clean(fix.command), '    '));
    if (fix.cdk) lines.push('  CDK:', indent(clean(fix.cdk), '    '));
    if (fix.cloudformation)
      lines.push('  CloudFormation:', indent(clean(fix.cloudformation), '    '));
    if (fix.terraform) lines.push('  Terraform:', indent(clean(fix.terraform), '    '));
  }
  const count = (level: string) =>
    report.findings.filter((f) => f.level === level && f.kind === 'fail').length;
  const notes = report.findings.filter((f) => f.kind === 'cannot-tell').length;
  lines.push(
    '',
    report.findings.length === 0
      ? 'No findings: every caller has the grant it needs.'
      : `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(notes, 'cannot-tell note')}.`,
  );
  return `${lines.join('\n')}\n`;
}
