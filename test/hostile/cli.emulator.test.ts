/**
 * Hostile files through the built CLI, beside a good one: whatever the bad file holds (random bytes,
 * invalid UTF-8, a 3 MB line, deep JSON, a cut-off payload, a gzip bomb, near-matches of every
 * pattern), `diagnose` and `replay` exit 0 or 2, say at most one line on stderr, never print a stack
 * trace, and still report the good file's finding.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { PATTERNS } from '../../lambda/core/formats/families';
import { EVENTS_DIR } from '../helpers/paths';
import { runCli } from '../helpers/runCli';

const scratch = mkdtempSync(join(tmpdir(), 'invoke-doctor-hostile-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const GOOD = join(EVENTS_DIR, 'iam-sentence', 'no-identity-policy.log');
const GOOD_FUNCTION = 'CdkWorkshopStack-HelloHandler2E4FBA4D-xMvt0Kbw9VKD';

/** Deterministic bytes (a linear congruential generator): the same files on every run. */
function bytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

const nearMatches = fc.sample(
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          ...PATTERNS.flatMap((row) => [row.marker, row.example, ...row.marker.split(' ')]),
        ),
        fc.constantFrom(
          '\n',
          '{',
          '}',
          '"',
          '\\n',
          '(f3ce6e03-582b-11e8-8f3a-cfe9e4701f18) ',
          '\u001b[31m',
        ),
      ),
      { minLength: 20, maxLength: 200 },
    )
    .map((parts) => parts.join(' ')),
  { numRuns: 3, seed: 42 },
);

const HOSTILE: ReadonlyArray<readonly [string, () => Buffer]> = [
  ['random bytes', () => bytes(200_000, 1)],
  [
    'invalid UTF-8 with a NUL',
    () => Buffer.concat([Buffer.from('User: '), bytes(5000, 2), Buffer.from([0])]),
  ],
  [
    'a 3 MB line',
    () => Buffer.from(`${'is not authorized to perform: lambda:InvokeFunction '.repeat(60_000)}\n`),
  ],
  ['deep JSON', () => Buffer.from(`${'['.repeat(200_000)}`)],
  ['a payload cut off', () => Buffer.from('{"awslogs":{"data":"H4sIAAAAAAAA')],
  [
    'filter-log-events with a bad event',
    () => Buffer.from('{"events":[{"message":"ok","timestamp":1},{"message":7}]}'),
  ],
  ['a gzip bomb', () => gzipSync(Buffer.alloc(300 * 1024 * 1024, 'a'))],
  ...nearMatches.map((text, i) => [`near-matches #${i + 1}`, () => Buffer.from(text)] as const),
];

describe.each(HOSTILE)('%s beside a good file', (name, make) => {
  const file = join(scratch, `${name.replace(/\W+/g, '-')}.bin`);
  beforeAll(() => writeFileSync(file, make()));

  test('diagnose: exit 0 or 2, one line at most, the good finding kept', () => {
    const result = runCli(['diagnose', '--json', file, GOOD]);
    expect([0, 2]).toContain(result.code);
    expect(result.stderr).not.toMatch(/\n\s+at |unexpected error/);
    expect(
      result.stderr
        .trim()
        .split('\n')
        .filter((l) => l !== '').length,
    ).toBeLessThanOrEqual(1);
    expect(result.stdout).toContain(GOOD_FUNCTION);
  });
});

test('replay of a hostile file beside a good one stores the good finding and exits 2 naming the bad', () => {
  const bad = join(scratch, 'replay-bad.bin');
  writeFileSync(bad, bytes(100_000, 3));
  const result = runCli(['replay', '--json', '--store', join(scratch, 'store'), bad, GOOD], {
    cwd: scratch,
  });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('replay-bad.bin');
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stdout).toContain(GOOD_FUNCTION);
});
