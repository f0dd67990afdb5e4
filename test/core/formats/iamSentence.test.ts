import fc from 'fast-check';
import { decodeInput } from '../../../lambda/core/decode/decodeInput';
import { analyzeBatches } from '../../../lambda/core/diagnose/analyzeBatches';
import { httpApiAccessLog } from '../../../lambda/core/formats/httpApiAccessLog';
import { iamSentence } from '../../../lambda/core/formats/iamSentence';
import { restExecutionLog } from '../../../lambda/core/formats/restExecutionLog';
import { fixture } from '../../helpers/fixture';

const REAL = fixture('iam-sentence/cli-iam-user.log').trim();
// Characters that end a token: a value carried as data can never contain them

describe('iamSentence.find', () => {
  test('finds the sentence anywhere and reads every field of a real line', () => {
    const [denied, ...rest] = iamSentence.find(`prefix ${REAL} suffix`);
    expect(rest).toEqual([]);
    expect(denied).toMatchObject({
      action: 'lambda:InvokeFunction',
      principal: { type: 'iam-user', accountId: '302651359699' },
      function: { name: 'CreateThumbnail', region: 'us-west-2' },
      reason: 'unspecified',
    });
    expect(denied?.text).toMatch(/^User: arn:aws:iam::302651359699:user\/jasonQ is not authorized/);
  });

  test.each([
    ['aws-cn', 'arn:aws-cn:lambda:cn-north-1:123456789012:function:fn:1', 'fn', '1'],
    [
      'aws-us-gov',
      'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:fn:live',
      'fn',
      'live',
    ],
    ['$LATEST', 'arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST', 'fn', '$LATEST'],
    ['bare name', 'my-function', 'my-function', null],
  ])('resource shape %s (on a real line)', (_label, resource, name, qualifier) => {
    const line = REAL.replace(
      'arn:aws:lambda:us-west-2:302651359699:function:CreateThumbnail',
      resource,
    );
    const [denied] = iamSentence.find(line);
    expect(denied?.function).toMatchObject({ name, qualifier });
  });

  test('no principal: "User is not authorized" and no resource', () => {
    const [denied] = iamSentence.find(
      'AccessDeniedException: User is not authorized to perform: lambda:InvokeFunction',
    );
    expect(denied?.principal).toMatchObject({ type: 'unknown', arn: null });
    expect(denied?.function.arn).toBeNull();
  });

  test('other lambda actions and look-alike action names are not matched', () => {
    expect(iamSentence.find(REAL.replace('lambda:InvokeFunction', 'lambda:GetFunction'))).toEqual(
      [],
    );
    expect(
      iamSentence.find(REAL.replace('lambda:InvokeFunction', 'lambda:InvokeFunctionX')),
    ).toEqual([]);
    expect(
      iamSentence.find(REAL.replace('lambda:InvokeFunction', 'lambda:InvokeFunctionUrl'))[0]
        ?.action,
    ).toBe('lambda:InvokeFunctionUrl');
  });

  test('arbitrary lines never throw', () => {
    const around = fc
      .tuple(fc.string(), fc.string())
      .map(([a, b]) => [a, ' is not authorized to perform: lambda:InvokeFunction', b].join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), around), (line) => {
        iamSentence.find(line);
        restExecutionLog.find(line);
        httpApiAccessLog.find(line);
      }),
      { numRuns: 2000 },
    );
  });

  test('a function name is taken whole or yields no runnable command, never a cut-down name', () => {
    // Arrange: names mixing valid characters with shell and wrapper characters (no whitespace:
    // whitespace really does end a resource in a log line, and so does a closing quote or bracket
    // followed by a separator, as in `"...function:fn",` or `(... function:fn)`)
    const VALID = /^[A-Za-z0-9_-]{1,64}$/;
    const valid = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
    const hostile = fc.constantFrom(...'$()`\';",\\|&<>{}[]!#*'.split(''));
    // A hostile character inside a name (followed by more name) can never be where the log ended
    // the resource, so such a name must never reach a command, whole or cut.
    const name = fc.oneof(
      valid,
      fc
        .tuple(valid, hostile, valid)
        // `\n` and `\t` are escapes in JSON-wrapped lines: there the name really ends
        .filter(([, h, rest]) => !(h === '\\' && /^[nt]/.test(rest)))
        .map((parts) => parts.join('')),
      fc.constantFrom('fn$(touch', 'fn`id`x', "fn';rm", 'fn"quoted"x', 'fn;rm', 'fn,x', 'fn\\"x'),
    );
    fc.assert(
      fc.property(name, (candidate) => {
        // Act
        const line = REAL.replace('CreateThumbnail', candidate);
        const { diagnoses } = analyzeBatches(decodeInput(line));
        // Assert
        for (const diagnosis of diagnoses) {
          const commands = diagnosis.fixes.map((f) => f.command).filter((c) => c !== null);
          if (VALID.test(candidate)) {
            expect(diagnosis.function.name).toBe(candidate);
          } else {
            expect(commands).toEqual([]);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('a principal is taken whole: a word with characters no ARN has yields no command', () => {
    // Arrange: the real line with a quote inside the user name
    const line = REAL.replace('user/jasonQ', "user/o'neil");
    // Act
    const [diagnosis] = analyzeBatches(decodeInput(line)).diagnoses;
    // Assert
    expect(diagnosis?.principal.arn).toBe("arn:aws:iam::302651359699:user/o'neil");
    expect(diagnosis?.fixes.every((f) => f.command === null)).toBe(true);
  });
});
