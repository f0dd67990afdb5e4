/**
 * Finding 2: a malformed caller silently widened to the whole account. Callers such as
 * `role/x$(touch /tmp/x)`, `role/x';...;'`, `role/*`, a Cyrillic look-alike or an escape sequence
 * produced `--principal '<account id>'`. Each is run through the whole engine here, as the log line
 * carrying it, and then every mutation of a valid caller ARN that breaks its format is.
 */
import fc from 'fast-check';
import { AWS_FORMATS } from '../../lambda/core/awsFormats';
import { trimDecoration } from '../../lambda/core/decode/trimDecoration';
import { analyzeBatches } from '../../lambda/core/diagnose/analyzeBatches';
import type { LogBatch } from '../../lambda/core/types';

const ACCOUNT = '123456789012';
const FUNCTION = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:payments-admin`;
const REASONS = [
  'because no resource-based policy allows the lambda:InvokeFunction action',
  'because no identity-based policy allows the lambda:InvokeFunction action',
  '',
];

function line(caller: string, reason: string): string {
  return `An error occurred (AccessDeniedException) when calling the Invoke operation: User: ${caller} is not authorized to perform: lambda:InvokeFunction on resource: ${FUNCTION} ${reason}`.trimEnd();
}

function diagnose(message: string) {
  const batch: LogBatch = {
    format: 'awslogs',
    owner: ACCOUNT,
    logGroup: '/aws/lambda/caller',
    logStream: 's',
    policyLevel: null,
    events: [{ id: '1', timestamp: 0, message }],
  };
  return analyzeBatches([batch]).diagnoses;
}

/** Every command of every diagnosis of the line. */
function commands(message: string): (string | null)[] {
  return diagnose(message).flatMap((d) => d.fixes.map((f) => f.command));
}

const VALID = [
  `arn:aws:iam::${ACCOUNT}:role/service-role/payments-caller`,
  `arn:aws:iam::${ACCOUNT}:user/ci/deployer`,
  `arn:aws:sts::${ACCOUNT}:assumed-role/payments-caller/session-1`,
];

const isValidCaller = (arn: string): boolean =>
  AWS_FORMATS.roleArn.test(arn) ||
  AWS_FORMATS.userArn.test(arn) ||
  AWS_FORMATS.assumedRoleArn.test(arn);

describe('a caller that does not validate as a whole never yields a command', () => {
  test.each([
    ['command substitution', `arn:aws:iam::${ACCOUNT}:role/x$(touch /tmp/x)`],
    ['quotes and a second command', `arn:aws:iam::${ACCOUNT}:role/x';touch$` + "{IFS}/tmp/x;'"],
    ['a wildcard role', `arn:aws:iam::${ACCOUNT}:role/*`],
    ['a Cyrillic look-alike (о) in the name', `arn:aws:iam::${ACCOUNT}:role/payments-callerо`],
    ['an escape sequence in the name', `arn:aws:iam::${ACCOUNT}:role/x\u001b[2Jy`],
    ['a wildcard session', `arn:aws:sts::${ACCOUNT}:assumed-role/*/s`],
    ['a root ARN with a tail', `arn:aws:iam::${ACCOUNT}:root$(id)`],
  ])('%s', (_name, caller) => {
    for (const reason of REASONS) {
      const found = diagnose(line(caller, reason));
      // Assert: it is still diagnosed (the person learns about it) ...
      expect(found.length).toBeGreaterThan(0);
      // ... but nothing can be run: no command, let alone one for the whole account.
      for (const d of found) {
        for (const fix of d.fixes) {
          expect(fix.command).toBeNull();
          expect(fix.description).not.toContain(`--principal '${ACCOUNT}'`);
        }
      }
    }
  });

  test('the unmutated callers do get their command (the property below is not vacuous)', () => {
    for (const caller of VALID) {
      expect(commands(line(caller, REASONS[0]!))).toContainEqual(expect.any(String));
    }
  });

  test('property: every mutation of a valid caller ARN that fails validation yields no command', () => {
    const hostile = fc.constantFrom(
      '$',
      '(',
      ')',
      '`',
      "'",
      '"',
      ';',
      '*',
      '?',
      '&',
      '|',
      '\\',
      '\u001b',
      '\u202e',
      '\u0000',
      'о', // Cyrillic o
      'а', // Cyrillic a
      '/',
      ':',
      '..',
      '%2F',
      ' ',
    );
    const mutation = fc.record({
      base: fc.constantFrom(...VALID),
      at: fc.nat(),
      cut: fc.nat({ max: 3 }),
      insert: fc.array(hostile, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('')),
      reason: fc.constantFrom(...REASONS),
    });
    let checked = 0;
    fc.assert(
      fc.property(mutation, ({ base, at, cut, insert, reason }) => {
        // Inside the ARN: a quote right before it is the wrapper's (`User: 'arn:...'`), not the caller's.
        const i = 1 + (at % base.length);
        const mutated = base.slice(0, i) + insert + base.slice(i + cut);
        // Spaces and decoration around a value are not part of it: `deploy ` and `deploy\`` (a
        // Markdown code span) are the valid `deploy` (see the reconstruction stage).
        fc.pre(!isValidCaller(trimDecoration(mutated.trim())));
        checked++;
        expect(commands(line(mutated, reason))).toEqual(
          commands(line(mutated, reason)).map(() => null),
        );
      }),
      { numRuns: 1500 },
    );
    expect(checked).toBeGreaterThan(1000);
  });
});
