import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { shellQuote } from '../../../lambda/core/fixes/shellQuote';

/** What bash makes of `printf %s <quoted>`: the one word the quoted string became. */
function throughBash(values: readonly string[]): string[] {
  // One bash process for many values keeps the property test fast; NUL separates the results.
  const script = values.map((v) => `printf '%s\\0' ${shellQuote(v)}`).join('\n');
  const out = execFileSync('bash', ['-c', script], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  test.each([
    ['plain', "'plain'"],
    ['', "''"],
    ["it's", "'it'\\''s'"],
    ['$(touch /tmp/x)', "'$(touch /tmp/x)'"],
  ])('quotes %j as %s', (value, quoted) => {
    expect(shellQuote(value)).toBe(quoted);
  });

  test('hostile values come back from bash unchanged and run nothing', () => {
    // Arrange
    const hostile = [
      'fn$(touch /tmp/x)',
      '`id`',
      "a'b",
      'a"b',
      'line\nbreak',
      '$HOME',
      '!!',
      '*',
      '\\',
      "';rm -rf /;'",
    ];
    // Act
    const out = throughBash(hostile);
    // Assert
    expect(out).toEqual(hostile);
  });

  test('round-trips arbitrary strings through bash -c printf (property, batched)', () => {
    // Bash arguments cannot hold NUL, so the generator leaves it out.
    const noNul = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replaceAll('\0', ''));
    const samples = fc.sample(fc.array(noNul, { minLength: 1, maxLength: 20 }), {
      numRuns: 50,
      seed: 42,
    });
    for (const values of samples) {
      expect(throughBash(values)).toEqual(values);
    }
  });

  test('a quoted value is always a single word (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const q = shellQuote(s);
        // Outside the quotes only escaped single quotes appear: '...'\''...'
        expect(q.startsWith("'") && q.endsWith("'")).toBe(true);
        expect(q.replaceAll("'\\''", '').slice(1, -1)).not.toContain("'");
      }),
    );
  });
});
