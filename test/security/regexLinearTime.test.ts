/**
 * Finding: a regular expression with quadratic time (the HTTP API access-log matcher took 50 s on a
 * 768 KiB line). Every regular expression in the runtime code that can see log text — the matchers,
 * the validators, the decoders and the sanitisers — is checked with recheck, a static ReDoS
 * analyser (automaton analysis, fuzzing where that does not decide): each must be linear. The
 * runtime code builds patterns dynamically in one place only (AWS_FORMATS' `whole()`), whose
 * compiled patterns are checked too; a new dynamic site fails the test until it is listed here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkSync } from 'recheck';
import ts from 'typescript';
import { AWS_FORMATS } from '../../lambda/core/awsFormats';
import { ROOT } from '../helpers/paths';

interface Found {
  readonly where: string;
  readonly source: string;
  readonly flags: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Code that never sees log text: `invoke-doctor check` reads the operator's own CloudFormation
 * templates and Terraform plans, never a log line.
 */
const NOT_LOG_TEXT = ['lambda/core/check/', 'bin/check/', 'bin/commands/check.ts'];

/** Regex literals and `new RegExp(...)` sites of the runtime code (lambda/ and bin/). */
function scan(): { literals: Found[]; dynamicSites: string[] } {
  const literals: Found[] = [];
  const dynamicSites = new Set<string>();
  for (const file of [...sourceFiles(join(ROOT, 'lambda')), ...sourceFiles(join(ROOT, 'bin'))]) {
    const name = relative(ROOT, file);
    if (NOT_LOG_TEXT.some((prefix) => name.startsWith(prefix))) continue;
    const tree = ts.createSourceFile(
      file,
      readFileSync(file, 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = node.getText(tree);
        const end = text.lastIndexOf('/');
        const line = tree.getLineAndCharacterOfPosition(node.getStart(tree)).line + 1;
        literals.push({
          where: `${name}:${line}`,
          source: text.slice(1, end),
          flags: text.slice(end + 1),
        });
      }
      if (
        (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'RegExp'
      ) {
        dynamicSites.add(name);
      }
      ts.forEachChild(node, visit);
    };
    visit(tree);
  }
  return { literals, dynamicSites: [...dynamicSites].sort() };
}

const { literals, dynamicSites } = scan();
const compiled: Found[] = Object.entries(AWS_FORMATS).map(([name, re]) => ({
  where: `AWS_FORMATS.${name}`,
  source: re.source,
  flags: re.flags,
}));

/** The analyser's budget; a verdict other than safe is asked for again without a time limit. */
const BUDGET = { timeout: 20_000 } as const;

/** Each distinct pattern once, named by every place it appears. */
function distinct(found: readonly Found[]): Found[] {
  const byPattern = new Map<string, Found>();
  for (const f of found) {
    const key = `${f.flags.replace(/[gy]/g, '')}/${f.source}`;
    const seen = byPattern.get(key);
    byPattern.set(key, seen ? { ...seen, where: `${seen.where}, ${f.where}` } : f);
  }
  return [...byPattern.values()];
}

describe('every regular expression applied to log text is linear', () => {
  test('the scan finds the patterns (it is not vacuous)', () => {
    expect(literals.length).toBeGreaterThan(80);
    expect(literals.map((l) => l.where)).toContainEqual(
      expect.stringMatching(/^lambda\/core\/formats\/iamSentence\.ts:/),
    );
  });

  test('dynamic patterns are built in known places only, and their results are checked below', () => {
    // awsFormats compiles the formats checked below; the Cognito family recompiles its table row's
    // literal (checked below as a literal) with the `g` flag, which does not change its complexity.
    expect(dynamicSites).toEqual([
      'lambda/core/awsFormats.ts',
      'lambda/core/formats/cognitoTrigger.ts',
    ]);
  });

  test('the analyser tells a quadratic pattern from a linear one', () => {
    // The HTTP API access-log pattern this project used to have, and its linear replacement's parts.
    const old = checkSync('"([A-Z]+) (.+?) (?:HTTP\\/[\\d.]+|-)" \\d{3} \\S+ (\\S+)', '', BUDGET);
    expect(old.status).toBe('vulnerable');
    expect(checkSync('^[0-9]{3}$', '', BUDGET).status).toBe('safe');
  });

  test.each(distinct([...literals, ...compiled]).map((f) => [f.where, f] as const))(
    '%s',
    (_where, found) => {
      // Flags that only change where matching starts (g, y) do not change its complexity.
      const flags = found.flags.replace(/[gy]/g, '');
      let diagnosis = checkSync(found.source, flags, BUDGET);
      // On a busy machine the analyser can run out of time ("unknown") or, confirming an attack
      // string by running it, be misled by a slow run: a second, unhurried verdict decides.
      if (diagnosis.status !== 'safe')
        diagnosis = checkSync(found.source, flags, { timeout: null });
      const complexity = diagnosis.status === 'safe' ? diagnosis.complexity.type : diagnosis.status;
      expect({ pattern: found.source, complexity }).toEqual({
        pattern: found.source,
        complexity: expect.stringMatching(/^(?:safe|linear)$/),
      });
    },
  );
});
