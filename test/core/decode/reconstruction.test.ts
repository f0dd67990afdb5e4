/**
 * The reconstruction stage on the real shapes people paste (test/events/pasted/, the test-invoke
 * fixtures, the masks of docs/formats.md): wrapped CLI errors joined, escape sequences stripped,
 * decoration trimmed, masks recognised, JSON traces expanded.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { continuesLine } from '../../../lambda/core/decode/continuesLine';
import { expandJsonTraces } from '../../../lambda/core/decode/expandJsonTraces';
import { isMasked } from '../../../lambda/core/decode/isMasked';
import { MAX_MESSAGE_CHARS } from '../../../lambda/core/decode/MessageReconstructor';
import { splitText } from '../../../lambda/core/decode/splitText';
import { stripEscapes } from '../../../lambda/core/decode/stripEscapes';
import { trimDecoration } from '../../../lambda/core/decode/trimDecoration';
import { parseFunctionRef } from '../../../lambda/core/formats/parseFunctionRef';
import { EVENTS_DIR, fixture } from '../../helpers/fixture';

const messages = (text: string): string[] => splitText(text).map((m) => m.message);

describe('stripEscapes', () => {
  test.each([
    [
      'grep --color=always around a match',
      '\u001b[01;31m\u001b[KInvalid\u001b[m\u001b[K x',
      'Invalid x',
    ],
    ['a window title with spaces (OSC, BEL)', 'a\u001b]0;my window title\u0007b', 'ab'],
    [
      'an OSC 8 hyperlink (ST terminated)',
      '\u001b]8;;https://example.com/a b\u001b\\link\u001b]8;;\u001b\\ end',
      'link end',
    ],
    ['a DCS string', 'x\u001bPq data\u001b\\y', 'xy'],
    ['8-bit CSI', '\u009b31mred', 'red'],
    ['charset and single-character sequences', '\u001b(Bplain\u001b7\u001bc', 'plain'],
    ['a lone ESC at the end', 'text\u001b', 'text'],
    ['an unterminated OSC keeps its text', '\u001b]0;title and more', '0;title and more'],
    ['a C1 control alone', 'a\u0085b', 'ab'],
  ])('%s', (_name, input, expected) => {
    expect(stripEscapes(input)).toBe(expected);
  });

  test('text without escapes is returned unchanged', () => {
    const text = '(f3ce6e03-582b-11e8-8f3a-cfe9e4701f18) Method completed with status: 500';
    expect(stripEscapes(text)).toBe(text);
  });
});

describe('trimDecoration', () => {
  const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:report-fn';
  test.each([
    [`\`${arn}\`.`, arn],
    [`"${arn}"`, arn],
    [`'${arn}',`, arn],
    [`(${arn})`, arn],
    [`${arn})`, arn],
    [`(${arn}`, arn],
    [`("${arn}").`, arn],
    [`[${arn}]`, arn],
    [`${arn}.`, arn],
  ])('%s', (input, expected) => {
    expect(trimDecoration(input)).toBe(expected);
  });

  test.each([
    // a quote or backtick inside the value is not decoration: the run stays whole (and invalid)
    'arn:aws:lambda:us-east-1:123456789012:function:fn"quoted"',
    'arn:aws:lambda:us-east-1:123456789012:function:fn`id`',
    '`arn:aws:lambda:us-east-1:123456789012:function:fn`id`',
    // placeholders stay placeholders
    '<ACCOUNT_ID>',
  ])('leaves %s as it is', (input) => {
    expect(trimDecoration(input)).toBe(input);
  });
});

describe('isMasked', () => {
  // docs/formats.md, "Masked values": every mask seen in public posts
  test.each([
    '***',
    '************',
    '95**********',
    'xxxx',
    'XXXXXXX',
    '7XXXXXXXXXXX',
    '<ACCOUNT_ID>',
    '<AWS_ACCID>',
    '<アカウントID>',
    '***REDACTED_ACCOUNT_ID***',
    '{account id}',
    '{accountId}',
    '############',
    'account-id',
    'accountid',
    'account_id',
    'region',
  ])('%s is a mask', (value) => {
    expect(isMasked(value)).toBe(true);
  });

  test.each(['123456789012', '$LATEST', 'my-function', 'xhr-handler', 'us-east-1', 'prod'])(
    '%s is a value',
    (value) => {
      expect(isMasked(value)).toBe(false);
    },
  );
});

describe('parseFunctionRef on masked ARNs as published', () => {
  test.each([
    [
      'arn:aws:lambda:us-east-1:***:function:dev-serverless-app-function-pr1107',
      {
        arn: null,
        name: 'dev-serverless-app-function-pr1107',
        accountId: null,
        region: 'us-east-1',
      },
    ],
    [
      'arn:aws:lambda:us-east-1:<AWS_ACCID>:function:books_list:production',
      { arn: null, name: 'books_list', qualifier: 'production', accountId: null },
    ],
    [
      'arn:aws:lambda:us-east-1:***REDACTED_ACCOUNT_ID***:function:vandelay-incident-reporter',
      { arn: null, name: 'vandelay-incident-reporter', accountId: null },
    ],
    [
      'arn:aws:lambda:us-east-1:7XXXXXXXXXXX:function:file_ingestion_trigger_glue_workflow',
      { arn: null, accountId: null, region: 'us-east-1' },
    ],
    [
      'arn:aws:lambda:us-east-1:*************:function:***************:prod',
      { arn: null, name: null, qualifier: 'prod', accountId: null },
    ],
    [
      'arn:aws:lambda:***',
      { arn: null, name: null, qualifier: null, accountId: null, region: null },
    ],
  ])('%s', (raw, expected) => {
    expect(parseFunctionRef(raw)).toMatchObject(expected);
  });
});

describe('joining wrapped lines', () => {
  const pasted = readdirSync(join(EVENTS_DIR, 'pasted')).sort();

  test.each(pasted)('pasted/%s: the wrapped sentence is one message again', (file) => {
    // Arrange: the same text with every line break inside the sentence made a space
    const text = fixture(`pasted/${file}`);
    const sentence = text
      .split('\n')
      .filter((line) => !line.startsWith('$ ') && !line.startsWith('EXIT:') && line !== '')
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    // Act
    const found = messages(text).filter((m) => m.includes('is not authorized'));
    // Assert
    expect(found).toEqual([sentence]);
  });

  test('whole messages on their own lines stay separate', () => {
    const line = fixture('iam-sentence/cli-iam-user.log').trim();
    expect(messages(`${line}\n${line}\n${line}\n`)).toEqual([line, line, line]);
  });

  test('the IAM guide, which wraps after "perform:", reads as one sentence per message', () => {
    const found = messages(fixture('negative/iam-doc-other-actions.log'));
    expect(found.every((m) => /perform: \S+:\S+/.test(m))).toBe(true);
  });

  test.each([
    ['a new timestamped line', '2024-06-01T10:00:00.000Z\tINFO\tnext'],
    [
      'an execution-log line',
      '(f3ce6e03-582b-11e8-8f3a-cfe9e4701f18) Method completed with status: 500',
    ],
    ['a runtime line', 'END RequestId: 6234bffe-149a-b642-81ff-2e8e376d8aff'],
  ])('after a complete sentence, %s is a message of its own', (_name, next) => {
    const sentence = fixture('iam-sentence/no-identity-policy.log').trim();
    expect(continuesLine(sentence, next)).toBe(false);
  });

  test('a continuation chain stops growing at the message limit', () => {
    // Arrange: one execution-log line followed by unprefixed continuation lines, far past the limit
    const piece = 'x'.repeat(1000);
    const lines = [
      '(f3ce6e03-582b-11e8-8f3a-cfe9e4701f18) Endpoint request body after transformations:',
    ];
    for (let i = 0; i < 3000; i++) lines.push(piece);
    // Act
    const found = messages(lines.join('\n'));
    // Assert
    expect(Math.max(...found.map((m) => m.length))).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(found.join('').replace(/[^x]/g, '').length).toBeGreaterThan(2_999_000);
  });
});

describe('expandJsonTraces', () => {
  test("test-invoke-method's answer becomes the lines of its trace, without the prompt or body", () => {
    // Act
    const lines = expandJsonTraces(fixture('rest-execution-log/test-invoke-method-cli.json'));
    // Assert
    expect(lines).not.toBeNull();
    expect(lines?.[0]).toBe('Execution log for request 1cda20c4-a4f5-11e8-a408-8d0b78241a21');
    expect(lines).toContain(
      'Tue Aug 21 03:48:49 UTC 2018 : Execution failed due to configuration error: Invalid permissions on Lambda function',
    );
    expect(lines?.some((l) => l.includes('Internal server error') || l.includes('lambda-go'))).toBe(
      false,
    );
  });

  test('a line glued after [TRUNCATED] is a line again', () => {
    const lines = expandJsonTraces(fixture('rest-execution-log/test-invoke-method-truncated.json'));
    expect(lines).toContain(
      'Thu Apr 05 11:07:54 UTC 2018 : Sending request to https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/arn:aws:lambda:us-east-1:account-id:function:books/invocations',
    );
  });

  test.each([
    [
      'a JSON record without a multi-line string',
      fixture('iam-sentence/nodejs10-error-record.json'),
    ],
    ['a trace without a failure', fixture('negative/test-invoke-method-200-cut.json')],
    [
      'JSON nested past what the parser takes',
      `{"log":"Invalid permissions on Lambda function\\n", "x":${'['.repeat(200_000)}}`,
    ],
  ])('leaves %s alone', (_name, text) => {
    expect(expandJsonTraces(text)).toBeNull();
  });
});
