/**
 * Properties of the reconstruction stage, over the real one-line fixtures of every family:
 * - wrapping a message at any whitespace gives the same diagnosis as the message on one line;
 * - terminal escape sequences anywhere give the same diagnosis as the plain text;
 * - decoration around the ARNs gives the same diagnosis as the bare ARNs;
 * - masking any field of a denial gives null for that field and no runnable grant.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { decodeInput } from '../../../lambda/core/decode/decodeInput';
import { analyzeBatches } from '../../../lambda/core/diagnose/analyzeBatches';
import { FORMAT_FAMILIES } from '../../../lambda/core/formats/families';
import type { Diagnosis } from '../../../lambda/core/types';
import { EVENTS_DIR, fixture } from '../../helpers/fixture';

/**
 * What must not change: every fact, the fixes, the counts (not the sample's spacing, not the ids:
 * a wrapped message is one line longer, so the line that names it as `line:N` may move).
 */
function facts(text: string): unknown[] {
  return analyzeBatches(decodeInput(text)).diagnoses.map((d: Diagnosis) => {
    const { sample: _sample, eventIds: _events, eventId: _event, ...rest } = d;
    return rest;
  });
}

/** Plain-text fixtures of every family (JSON records are not wrapped by terminals). */
const TEXT_FILES = FORMAT_FAMILIES.flatMap((family) =>
  readdirSync(join(EVENTS_DIR, family.name))
    .filter((file) => file.endsWith('.log'))
    .map((file) => `${family.name}/${file}`),
);
/** The trace that holds only the context lines of a request: nothing of its own to keep. */
const CONTEXT_ONLY = ['rest-execution-log/console-test-source-arn-null.log'];
const TEXT_FIXTURES = TEXT_FILES.filter((file) => !CONTEXT_ONLY.includes(file));

const ARN_IN_TEXT = /arn:aws[\w-]*:(?:lambda|iam|sts):[^\s"'`),\]]+/;

/** Positions of the single spaces of a text (where a terminal or a paste may break a line). */
function spaces(text: string): number[] {
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) if (text[i] === ' ') at.push(i);
  return at;
}

describe.each(TEXT_FIXTURES)('%s', (file) => {
  const text = fixture(file);
  const expected = facts(text);
  const positions = spaces(text);

  test('has a diagnosis to keep', () => {
    expect(expected.length).toBeGreaterThan(0);
  });

  test('wrapped at any spaces: same diagnosis', () => {
    fc.assert(
      fc.property(
        fc.subarray(positions, { maxLength: Math.min(12, positions.length) }),
        fc.constantFrom('\n', '\r\n'),
        (breaks, newline) => {
          const chars = [...text];
          for (const at of breaks) chars[at] = newline;
          expect(facts(chars.join(''))).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('with terminal escape sequences anywhere: same diagnosis', () => {
    const sequences = fc.constantFrom(
      '\u001b[01;31m\u001b[K',
      '\u001b[m\u001b[K',
      '\u001b[1;4;38;5;196m',
      '\u001b]0;a window title\u0007',
      '\u001b]8;;https://example.com/x\u001b\\',
      '\u001b(B',
      '\u009b0m',
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: text.length }), sequences), { maxLength: 8 }),
        (inserts) => {
          let decorated = text;
          for (const [at, sequence] of [...inserts].sort((a, b) => b[0] - a[0])) {
            decorated = decorated.slice(0, at) + sequence + decorated.slice(at);
          }
          expect(facts(decorated)).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** Fixtures naming a Lambda, IAM or STS ARN, and those ARNs. */
const ARN_FIXTURES = TEXT_FIXTURES.filter((file) => ARN_IN_TEXT.test(fixture(file)));

describe.each(ARN_FIXTURES)('%s', (file) => {
  const text = fixture(file);
  const expected = facts(text);
  const arns = [...text.matchAll(new RegExp(ARN_IN_TEXT.source, 'g'))];

  test('with decoration around its ARNs: same diagnosis', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          ['`', '`'],
          ['`', '`.'],
          ['"', '"'],
          ["'", "'."],
          ['(', ')'],
          ['("', '").'],
        ),
        ([open, close]) => {
          let decorated = text;
          for (const match of [...arns].reverse()) {
            const at = match.index ?? 0;
            // a period that ends the sentence is not part of the ARN
            const arn = match[0].endsWith('.') ? match[0].slice(0, -1) : match[0];
            decorated = `${decorated.slice(0, at)}${open}${arn}${close}${decorated.slice(at + arn.length)}`;
          }
          expect(facts(decorated)).toEqual(expected);
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('masking any field of a denial', () => {
  // Test-built shape: the sentence of iam-sentence/no-identity-policy.log with its values swapped
  // for generated ones, and one of them masked in a style from docs/formats.md ("Masked values").
  const MASKS = [
    '***',
    '************',
    'xxxx',
    '7XXXXXXXXXXX',
    '<ACCOUNT_ID>',
    '{accountId}',
    '***REDACTED_ACCOUNT_ID***',
    'account-id',
  ];
  const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{2,30}$/);
  const account = fc.stringMatching(/^[0-9]{12}$/);
  const region = fc.constantFrom('us-east-1', 'eu-west-2', 'ap-southeast-1');
  const field = fc.constantFrom(
    'principal.accountId',
    'principal.roleName',
    'function.accountId',
    'function.region',
    'function.name',
    'function.arn',
  );

  test('gives null for that field and no runnable grant', () => {
    fc.assert(
      fc.property(
        name,
        name,
        name,
        account,
        region,
        field,
        fc.constantFrom(...MASKS),
        (role, session, fn, acct, fnRegion, masked, mask) => {
          // Arrange
          const part = (which: string, value: string) => (which === masked ? mask : value);
          const principal = `arn:aws:sts::${part('principal.accountId', acct)}:assumed-role/${part('principal.roleName', role)}/${session}`;
          const fnArn =
            masked === 'function.arn'
              ? 'arn:aws:lambda:***'
              : `arn:aws:lambda:${part('function.region', fnRegion)}:${part('function.accountId', acct)}:function:${part('function.name', fn)}`;
          const line = `User: ${principal} is not authorized to perform: lambda:InvokeFunction on resource: ${fnArn} because no identity-based policy allows the lambda:InvokeFunction action`;
          // Act
          const [d] = analyzeBatches(decodeInput(line)).diagnoses;
          // Assert
          expect(d).toBeDefined();
          if (d === undefined) return;
          const [group, key] = masked.split('.') as ['principal' | 'function', string];
          expect((d[group] as unknown as Record<string, unknown>)[key]).toBeNull();
          if (group === 'principal' && key === 'accountId') expect(d.principal.arn).toBeNull();
          if (group === 'function') expect(d.function.arn).toBeNull();
          for (const fix of d.fixes) {
            if (fix.kind === 'add-permission' || fix.kind === 'identity-policy') {
              expect(fix.command).toBeNull();
            }
          }
          const { sample: _sample, ...reported } = d;
          expect(JSON.stringify(reported)).not.toContain(mask === '***' ? ':***:' : mask);
        },
      ),
      { numRuns: 200 },
    );
  });
});
