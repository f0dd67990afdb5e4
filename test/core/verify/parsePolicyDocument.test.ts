import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { InvalidPolicyError } from '../../../lambda/core/errors';
import { decodePolicyDocument } from '../../../lambda/core/verify/decodePolicyDocument';
import { evaluatePolicy } from '../../../lambda/core/verify/evaluatePolicy';
import { parsePolicyDocument } from '../../../lambda/core/verify/parsePolicyDocument';
import { EVENTS_DIR } from '../../helpers/fixture';
import { byService, documentOf, policyJson, policyText } from '../../helpers/policies';

const POLICY_FILES = readdirSync(join(EVENTS_DIR, 'policies')).filter((f) => f.endsWith('.json'));

describe('parsePolicyDocument', () => {
  test.each(POLICY_FILES)('%s parses, as text and as an object', (file) => {
    // Arrange
    const json = policyJson(file);
    const doc = 'Effect' in json ? documentOf(json) : json;
    // Act
    const fromObject = parsePolicyDocument(doc);
    const fromText = parsePolicyDocument(JSON.stringify(doc));
    // Assert
    expect(fromObject.statements.length).toBeGreaterThan(0);
    expect(fromText).toEqual(fromObject);
  });

  test('a single Statement object and string elements become arrays', () => {
    const doc = parsePolicyDocument({
      Version: '2012-10-17',
      Statement: policyJson('xaccount-add-permission-statement.json'),
    });
    expect(doc.statements).toEqual([
      {
        sid: 'xaccount',
        effect: 'Allow',
        principal: {
          negated: false,
          values: [{ type: 'AWS', value: 'arn:aws:iam::111122223333:root' }],
        },
        action: { negated: false, values: ['lambda:InvokeFunction'] },
        resource: {
          negated: false,
          values: ['arn:aws:lambda:us-east-2:123456789012:function:my-function'],
        },
        condition: [],
      },
    ]);
  });

  test('principal forms and condition blocks are normalised', () => {
    const doc = parsePolicyDocument({
      Statement: [
        {
          Effect: 'Deny',
          NotPrincipal: {
            AWS: ['123456789012', 'arn:aws:iam::123456789012:role/r'],
            Service: 'sns.amazonaws.com',
            Federated: 'cognito-identity.amazonaws.com',
          },
          NotAction: 'lambda:Get*',
          NotResource: ['arn:aws:lambda:*:*:function:a', 'arn:aws:lambda:*:*:function:b'],
          Condition: {
            StringEquals: { 'aws:SourceAccount': ['123456789012', 111122223333] },
            Bool: { 'lambda:InvokedViaFunctionUrl': true },
          },
        },
        { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
      ],
    });
    expect(doc.version).toBeUndefined();
    expect(doc.statements[0]).toEqual({
      sid: undefined,
      effect: 'Deny',
      principal: {
        negated: true,
        values: [
          { type: 'AWS', value: '123456789012' },
          { type: 'AWS', value: 'arn:aws:iam::123456789012:role/r' },
          { type: 'Service', value: 'sns.amazonaws.com' },
          { type: 'Federated', value: 'cognito-identity.amazonaws.com' },
        ],
      },
      action: { negated: true, values: ['lambda:Get*'] },
      resource: {
        negated: true,
        values: ['arn:aws:lambda:*:*:function:a', 'arn:aws:lambda:*:*:function:b'],
      },
      condition: [
        {
          operator: 'StringEquals',
          key: 'aws:SourceAccount',
          values: ['123456789012', '111122223333'],
        },
        { operator: 'Bool', key: 'lambda:InvokedViaFunctionUrl', values: ['true'] },
      ],
    });
    expect(doc.statements[1]?.principal).toEqual({
      negated: false,
      values: [{ type: '*', value: '*' }],
    });
  });

  test('IAM URL-encoded policy text decodes to the documented policy', () => {
    // Arrange: the IAM user guide prints the decoded form next to the encoded one.
    const documented = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Stmt1', Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    };
    // Act
    const decoded = decodePolicyDocument(policyText('session-policy-url-encoded.txt'));
    // Assert
    expect(JSON.parse(decoded)).toEqual(documented);
    expect(parsePolicyDocument(policyText('session-policy-url-encoded.txt'))).toEqual(
      parsePolicyDocument(documented),
    );
  });

  test.each([
    ['not JSON', '{"Statement": [', 'not-json', ''],
    ['neither JSON nor encoded', 'Statement', 'not-json', ''],
    ['broken URL encoding', '%7B%ZZ', 'bad-encoding', ''],
    ['too large', `{"a":"${'x'.repeat(140_000)}"}`, 'too-large', ''],
    ['an array', [], 'bad-shape', ''],
    ['no Statement', { Version: '2012-10-17' }, 'bad-shape', 'Statement'],
    ['an unknown version', { Version: '2012-10-18', Statement: [] }, 'bad-shape', 'Version'],
    ['an unknown top element', { Statement: [], Policy: 1 }, 'bad-shape', 'Policy'],
    [
      'a lower-case effect',
      { Statement: [{ Effect: 'allow', Action: '*' }] },
      'bad-shape',
      'Statement[0].Effect',
    ],
    [
      'Action and NotAction',
      { Statement: { Effect: 'Allow', Action: '*', NotAction: 'x:y' } },
      'bad-shape',
      'Statement',
    ],
    ['no Action', { Statement: [{ Effect: 'Allow', Resource: '*' }] }, 'bad-shape', 'Statement[0]'],
    [
      'an empty Action list',
      { Statement: [{ Effect: 'Allow', Action: [] }] },
      'bad-shape',
      'Statement[0].Action',
    ],
    [
      'a bare account as Principal',
      { Statement: [{ Effect: 'Allow', Principal: '123456789012', Action: '*' }] },
      'bad-shape',
      'Statement[0].Principal',
    ],
    [
      'an unknown principal type',
      { Statement: [{ Effect: 'Allow', Principal: { User: 'x' }, Action: '*' }] },
      'bad-shape',
      'Statement[0].Principal.User',
    ],
    [
      'an object as condition value',
      {
        Statement: [{ Effect: 'Allow', Action: '*', Condition: { StringEquals: { k: { v: 1 } } } }],
      },
      'bad-shape',
      'Statement[0].Condition.StringEquals.k',
    ],
    [
      'an unknown statement element',
      { Statement: [{ Effect: 'Allow', Action: '*', Principals: '*' }] },
      'bad-shape',
      'Statement[0].Principals',
    ],
  ])('rejects %s with a typed error', (_name, input, reason, path) => {
    // Act
    let error: unknown;
    try {
      parsePolicyDocument(input);
    } catch (e) {
      error = e;
    }
    // Assert
    expect(error).toBeInstanceOf(InvalidPolicyError);
    expect(error).toMatchObject({ reason, path, exitCode: 2 });
  });

  test('whatever the input, parsing throws InvalidPolicyError or returns, and evaluation never throws', () => {
    const request = byService(
      'sns.amazonaws.com',
      'arn:aws:lambda:us-east-1:123456789012:function:f',
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string(), fc.anything()), (input) => {
        try {
          parsePolicyDocument(input);
        } catch (e) {
          expect(e).toBeInstanceOf(InvalidPolicyError);
        }
        const result = evaluatePolicy(input as Record<string, unknown>, request);
        expect(['allow', 'explicit-deny', 'no-match', 'cannot-tell']).toContain(result.decision);
        if (result.invalid !== undefined) expect(result.decision).toBe('cannot-tell');
      }),
      { numRuns: 500, seed: 20251010 },
    );
  });
});
