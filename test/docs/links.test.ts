import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** The repository as the checker sees it: repo-relative POSIX paths. */
interface RepoFiles {
  /** True when the file or folder exists. */
  exists(path: string): boolean;
  /** Text of a Markdown file, for its headings; undefined when it is not one. */
  read(path: string): string | undefined;
}

// Backticked text is taken for a repository path when it ends in one of these or starts with one
// of these folders; everything else in backticks is code, log text or an AWS name.
const PATH_EXTENSION = /\.(?:ts|md|json|mjs|js|log)$/;
const PATH_ROOTS = ['lambda', 'bin', 'lib', 'test', 'docs', 'scripts', 'bench', 'samples'];
// Build output: named in the docs, absent from a fresh clone.
const GENERATED_ROOTS = ['dist', 'node_modules', 'cdk.out'];
// Placeholders (`<family>`), globs, ellipses, ARNs, URLs and shell words are not paths.
const NOT_A_PATH = /[\s<>{}*?$…:'"|\\]|\.\.\./;

/** GitHub's heading anchor: rendered text, lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`+/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/[*~]/g, '');
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The text with fenced code blocks blanked (line count kept), so nothing in them is checked. */
function withoutFences(text: string): string {
  const lines = text.split('\n');
  let fence: string | null = null;
  return lines
    .map((line) => {
      const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (fence === null) {
        if (open) fence = open[1]!;
        return open ? '' : line;
      }
      if (
        open &&
        open[1]![0] === fence[0] &&
        open[1]!.length >= fence.length &&
        /^ {0,3}[`~]+\s*$/.test(line)
      ) {
        fence = null;
      }
      return '';
    })
    .join('\n');
}

/** Every anchor a Markdown document offers, with GitHub's `-1`, `-2` suffixes for repeats. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of withoutFences(text).split('\n')) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1]!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/**
 * Problems in one Markdown document (repo-relative path): relative links to missing files or
 * anchors, links leaving the repository, and backticked repository paths that do not exist.
 */
function checkMarkdown(doc: string, text: string, files: RepoFiles): string[] {
  const problems: string[] = [];
  const prose = withoutFences(text);
  const spans: string[] = [];
  // Code spans first: a link inside one is code, and a span inside link text is still a span.
  const linkable = prose.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (_all, _ticks, code: string) => {
    spans.push(code.trim());
    return 'code';
  });
  const targets = [
    ...[...linkable.matchAll(/!?\[[^\]]*\]\(\s*([^)\s]+)(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
    ...[...linkable.matchAll(/^ {0,3}\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]!),
  ];
  for (const target of targets) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const [rawPath = '', anchor] = target.split('#', 2);
    const path =
      rawPath === '' ? doc : posix.normalize(posix.join(posix.dirname(doc), decodeURI(rawPath)));
    if (path.startsWith('../') || path === '..') {
      problems.push(`${doc}: link ${target} leaves the repository`);
      continue;
    }
    const file = path.replace(/\/$/, '');
    if (!files.exists(file)) {
      problems.push(`${doc}: link ${target}: ${file} does not exist`);
      continue;
    }
    if (anchor === undefined || anchor === '') continue;
    const targetText = files.read(file);
    if (targetText === undefined || !anchors(targetText).has(decodeURIComponent(anchor))) {
      problems.push(`${doc}: link ${target}: no heading #${anchor} in ${file}`);
    }
  }
  for (const span of spans) {
    if (NOT_A_PATH.test(span) || !span.includes('/') || span.startsWith('/')) continue;
    const root = span.split('/')[0]!;
    if (GENERATED_ROOTS.includes(root)) continue;
    if (!PATH_EXTENSION.test(span) && !PATH_ROOTS.includes(root)) continue;
    const path = posix.normalize(span).replace(/\/$/, '');
    if (!files.exists(path)) problems.push(`${doc}: \`${span}\` does not exist`);
  }
  return problems;
}

/** A fake repository: the listed files (and their folders) exist; `.md` entries have text. */
function fakeRepo(entries: Record<string, string>): RepoFiles {
  const paths = new Set<string>();
  for (const file of Object.keys(entries)) {
    const parts = file.split('/');
    for (let i = 1; i <= parts.length; i++) paths.add(parts.slice(0, i).join('/'));
  }
  return {
    exists: (path) => paths.has(path),
    read: (path) => (path.endsWith('.md') ? entries[path] : undefined),
  };
}

const realRepo: RepoFiles = {
  exists: (path) => existsSync(join(ROOT, path)),
  read: (path) => {
    const full = join(ROOT, path);
    return path.endsWith('.md') && existsSync(full) && statSync(full).isFile()
      ? readFileSync(full, 'utf8')
      : undefined;
  },
};

describe('slug', () => {
  it.each([
    ['JSON contract (`--json`)', 'json-contract---json'],
    ['`invoke-doctor diagnose`', 'invoke-doctor-diagnose'],
    ['Cold start, and what is still slow', 'cold-start-and-what-is-still-slow'],
    ['IAM sentence (`iam-invoke-denied`)', 'iam-sentence-iam-invoke-denied'],
    ['See [alerts](alerts.md) *now*', 'see-alerts-now'],
    ['snake_case stays', 'snake_case-stays'],
  ])('%s -> %s', (heading, expected) => {
    expect(slug(heading)).toBe(expected);
  });

  it('numbers repeated headings as GitHub does', () => {
    expect([
      ...anchors('# Intro\n## Usage\n## Usage\n```\n# not a heading\n```\n## Usage\n'),
    ]).toEqual(['intro', 'usage', 'usage-1', 'usage-2']);
  });
});

describe('checkMarkdown', () => {
  const repo = fakeRepo({
    'README.md': '# Tool\n',
    'docs/cli.md': '# CLI\n## Exit codes\n',
    'lambda/core/constants.ts': '',
    'test/events/SOURCES.md': '# Sources\n',
  });

  it('accepts links and anchors that resolve, and ignores external URLs', () => {
    // Arrange
    const text = [
      'See [the CLI](docs/cli.md), [exit codes](docs/cli.md#exit-codes), [top](#tool),',
      '[AWS](https://docs.aws.amazon.com/lambda/) and <https://example.com>.',
      'Filter terms live in `lambda/core/constants.ts`; fixtures under `test/events/`.',
    ].join('\n');

    // Act
    const problems = checkMarkdown('README.md', `# Tool\n${text}\n`, repo);

    // Assert
    expect(problems).toEqual([]);
  });

  it('reports a link to a missing file, a missing anchor and a link out of the repository', () => {
    // Arrange
    const text = [
      '# Tool',
      'Formats are in [formats](formats.md) and the style in [style](../shared/STYLE.md).',
      'Exit codes: [codes](docs/cli.md#exit-status); [here](#nowhere).',
    ].join('\n');

    // Act
    const problems = checkMarkdown('README.md', text, repo);

    // Assert
    expect(problems).toEqual([
      'README.md: link formats.md: formats.md does not exist',
      'README.md: link ../shared/STYLE.md leaves the repository',
      'README.md: link docs/cli.md#exit-status: no heading #exit-status in docs/cli.md',
      'README.md: link #nowhere: no heading #nowhere in README.md',
    ]);
  });

  it('resolves links relative to the document', () => {
    expect(checkMarkdown('docs/cli.md', '[home](../README.md) [self](cli.md#cli)', repo)).toEqual(
      [],
    );
    expect(checkMarkdown('docs/cli.md', '[deploy](deploy.md)', repo)).toEqual([
      'docs/cli.md: link deploy.md: docs/deploy.md does not exist',
    ]);
  });

  it('reports backticked repository paths that do not exist', () => {
    // Arrange
    const text =
      'The handler is `lambda/handlers/logSubscription.ts`; see `docs/deploy.md` and `bench/`.';

    // Act
    const problems = checkMarkdown('README.md', text, repo);

    // Assert
    expect(problems).toEqual([
      'README.md: `lambda/handlers/logSubscription.ts` does not exist',
      'README.md: `docs/deploy.md` does not exist',
      'README.md: `bench/` does not exist',
    ]);
  });

  it('ignores code blocks, placeholders, globs, log groups, ARNs, packages and build output', () => {
    const text = [
      '```',
      '[missing](missing.md) `lambda/missing.ts`',
      '```',
      'Not paths: `test/events/<family>/<variant>.log`, `lambda/handlers/*.ts`,',
      '`/aws/lambda/orders-worker`, `API-Gateway-Execution-Logs_a1b2c3d4e5/prod`,',
      '`arn:aws:logs:us-east-1:123456789012:log-group:*`, `aws-cdk-lib/aws-iam`,',
      '`@aws-lambda-powertools/parser/schemas/cloudwatch`, `dist/bin/cli.js`,',
      '`npx jest path/to/file.test.ts`, and a link in code: `[x](nowhere.md)`.',
    ].join('\n');
    expect(checkMarkdown('README.md', text, repo)).toEqual([]);
  });
});

describe('repository documentation', () => {
  const docs = [
    'README.md',
    'CONTRIBUTING.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`),
  ];

  it('has the front page, the contributing guide and the docs folder', () => {
    expect(docs).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/cli.md']));
  });

  it.each(docs)('%s: every relative link, anchor and backticked path resolves', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    expect(checkMarkdown(doc, text, realRepo)).toEqual([]);
  });
});
