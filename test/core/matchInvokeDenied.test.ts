import fc from 'fast-check';
import { analyzeBatches } from '../../lambda/core/analyzeBatches';
import { decodeInput } from '../../lambda/core/decodeInput';
import { matchApiGateway } from '../../lambda/core/matchApiGateway';
import { matchHttpApi } from '../../lambda/core/matchHttpApi';
import { matchInvokeDenied } from '../../lambda/core/matchInvokeDenied';
import { fixture } from './fixture';

const REAL = fixture('access-denied/cli-iam-user.log').trim();
// Characters that end a token: a value carried as data can never contain them
const BOUNDARY = /[\s"'`\\)\]},;]/;

describe('matchInvokeDenied', () => {
  test('finds the sentence anywhere and reads every field of a real line', () => {
    const [denied, ...rest] = matchInvokeDenied(`prefix ${REAL} suffix`);
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
    const [denied] = matchInvokeDenied(line);
    expect(denied?.function).toMatchObject({ name, qualifier });
  });

  test('no principal: "User is not authorized" and no resource', () => {
    const [denied] = matchInvokeDenied(
      'AccessDeniedException: User is not authorized to perform: lambda:InvokeFunction',
    );
    expect(denied?.principal).toMatchObject({ type: 'unknown', arn: null });
    expect(denied?.function.arn).toBeNull();
  });

  test('other lambda actions and look-alike action names are not matched', () => {
    expect(matchInvokeDenied(REAL.replace('lambda:InvokeFunction', 'lambda:GetFunction'))).toEqual(
      [],
    );
    expect(
      matchInvokeDenied(REAL.replace('lambda:InvokeFunction', 'lambda:InvokeFunctionX')),
    ).toEqual([]);
    expect(
      matchInvokeDenied(REAL.replace('lambda:InvokeFunction', 'lambda:InvokeFunctionUrl'))[0]
        ?.action,
    ).toBe('lambda:InvokeFunctionUrl');
  });

  test('arbitrary lines never throw', () => {
    const around = fc
      .tuple(fc.string(), fc.string())
      .map(([a, b]) => [a, ' is not authorized to perform: lambda:InvokeFunction', b].join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), around), (line) => {
        matchInvokeDenied(line);
        matchApiGateway(line);
        matchHttpApi(line);
      }),
      { numRuns: 2000 },
    );
  });

  test('hostile function names are cut at a token boundary or carried as data, never crash', () => {
    const hostile = fc.constantFrom(
      'fn$(touch /tmp/x)',
      'fn`touch /tmp/x`',
      "fn'; rm -rf / #",
      'fn"quoted"',
      'fn\nnewline',
      'fn\\"escaped',
      '$(id)',
    );
    fc.assert(
      fc.property(fc.oneof(hostile, fc.string({ maxLength: 40 })), (name) => {
        const line = REAL.replace('CreateThumbnail', name);
        const { diagnoses } = analyzeBatches(decodeInput(line));
        for (const diagnosis of diagnoses) {
          for (const value of [
            diagnosis.function.name,
            diagnosis.function.arn,
            diagnosis.principal.arn,
          ]) {
            if (value !== null) expect(value).not.toMatch(BOUNDARY);
          }
        }
      }),
      { numRuns: 500 },
    );
    // `fn$(touch` survives as data; the fix renderer's strict validation rejects it
    const [denied] = matchInvokeDenied(REAL.replace('CreateThumbnail', 'fn$(touch /tmp/x)'));
    expect(denied?.function.name).toBe('fn$(touch');
  });
});
