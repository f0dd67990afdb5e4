import fc from 'fast-check';
import {
  breakFences,
  FENCE_BREAK,
  sanitize,
  slackCodeBlock,
  slackEscape,
  slackEscapeFit,
  slackLiteral,
  slackUnescape,
  TRUNCATION_MARKER,
  terminalBlock,
  terminalLine,
  wellFormed,
} from '../../../lambda/core/render/sanitize';
import { SLACK_MARKUP } from '../../helpers/alerts';

const hostile = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...SLACK_MARKUP, '&', '<', '>', '`', '\n', '\u001b', '\ud83d\ude00', '\ud800'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 200,
});

describe('slackEscape', () => {
  test.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<@U12345>', '&lt;@U12345&gt;'],
    ['<https://evil.example|click>', '&lt;https://evil.example|click&gt;'],
    ['&amp;', '&amp;amp;'],
    ['a & b', 'a &amp; b'],
    ['*bold* `code`', '*bold* `code`'],
  ])('%s -> %s', (input, expected) => {
    expect(slackEscape(input)).toBe(expected);
  });

  test('property: Slack decodes the escaped text back to the input and sees no control character', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const escaped = slackEscape(s);
        expect(escaped).not.toMatch(/[<>]|&(?!amp;|lt;|gt;)/);
        expect(slackUnescape(escaped)).toBe(wellFormed(s));
      }),
    );
  });

  test('wellFormed replaces ESC, other controls, bidi overrides and lone surrogates; keeps tabs, newlines, emoji', () => {
    expect(wellFormed('a\u001b[31mred\u0007\u202e\ud800\tb\r\nc😀')).toBe(
      'a\ufffd[31mred\ufffd\ufffd\ufffd\tb\nc😀',
    );
  });
});

describe('slackEscapeFit', () => {
  test('property: fits, marks the cut, never splits an entity or a surrogate pair', () => {
    fc.assert(
      fc.property(hostile, fc.integer({ min: 20, max: 300 }), (s, max) => {
        const out = slackEscapeFit(s, max);
        expect(out.length).toBeLessThanOrEqual(max);
        if (slackEscape(s).length > max) {
          expect(out.endsWith(TRUNCATION_MARKER)).toBe(true);
          const body = out.slice(0, -TRUNCATION_MARKER.length);
          expect(slackEscape(s).startsWith(body)).toBe(true);
          expect(body).not.toMatch(/&[a-z]{0,3}$/);
          expect(body).not.toMatch(/[\ud800-\udbff]$/);
        } else {
          expect(out).toBe(slackEscape(s));
        }
      }),
    );
  });
});

describe('code', () => {
  test('breakFences leaves no run of backticks and only adds zero-width spaces', () => {
    const out = breakFences('a ``` b ```` c `` d ` e');
    expect(out).not.toMatch(/``/);
    expect(out.split(FENCE_BREAK).join('')).toBe('a ``` b ```` c `` d ` e');
  });

  test('property: a code block has exactly its two fences and shows the input', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const block = slackCodeBlock(s, 3000);
        expect(block.startsWith('```\n') && block.endsWith('\n```')).toBe(true);
        expect(block.split('```')).toHaveLength(3);
        const inner = block.slice(4, -4);
        expect(slackUnescape(inner).split(FENCE_BREAK).join('')).toBe(
          wellFormed(s).split(FENCE_BREAK).join(''),
        );
      }),
    );
  });

  test('slackLiteral uses an inline code span, or a code block when the value has a backtick or a newline', () => {
    expect(slackLiteral('*x* <!here>', 100)).toBe('`*x* &lt;!here&gt;`');
    expect(slackLiteral('a`b', 100)).toBe('```\na`b\n```');
    expect(slackLiteral('a\nb', 100)).toBe('```\na\nb\n```');
    expect(slackLiteral('', 100)).toBe('—');
  });
});

/** Characters a terminal must never receive from log text (controls, bidi, invisible, lone surrogates). */
const TERMINAL_UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;
const LONE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\udb40[\udc00-\udc7f]/;

describe('terminalLine / terminalBlock', () => {
  test.each([
    ['clear screen', '\u001b[2J', '␛[2J'],
    [
      'OSC 8 hyperlink',
      '\u001b]8;;https://evil\u0007x\u001b]8;;\u0007',
      '␛]8;;https://evil␇x␛]8;;␇',
    ],
    ['carriage return', 'ok\rEVIL', 'ok␍EVIL'],
    [
      'line break',
      "a\n      aws lambda add-permission --principal '*'",
      "a␊      aws lambda add-permission --principal '*'",
    ],
    ['C1 CSI', '\u009b31m', '<U+009B>31m'],
    ['bidi override', 'abc\u202edcba', 'abc<U+202E>dcba'],
    ['zero width', 'a\u200bb', 'a<U+200B>b'],
    ['tag character', 'a\udb40\udc41b', 'a<U+E0041>b'],
    ['lone surrogate', 'a\ud800b', 'a\ufffdb'],
    ['emoji kept', 'ok 🚨', 'ok 🚨'],
  ])('%s', (_name, input, expected) => {
    expect(terminalLine(input)).toBe(expected);
  });

  test('property: nothing unsafe survives; a block keeps its line breaks and tabs only', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const line = terminalLine(s);
        expect(line).not.toMatch(TERMINAL_UNSAFE);
        expect(line).not.toMatch(LONE);
        const block = terminalBlock(s);
        for (const part of block.split(/[\n\t]/)) expect(part).not.toMatch(TERMINAL_UNSAFE);
        expect(block.split('\n').length).toBe(s.replace(/\r\n/g, '\n').split('\n').length);
      }),
      { numRuns: 500 },
    );
  });

  test('every sink has its sanitiser in the one table', () => {
    expect(Object.keys(sanitize).sort()).toEqual(
      ['chat', 'email', 'json', 'slack', 'slackLiteral', 'terminal', 'terminalBlock'].sort(),
    );
    expect(sanitize.email('a\u001b[2Jb\nc')).toBe('a␛[2Jb\nc');
  });
});
