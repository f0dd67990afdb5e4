import fc from 'fast-check';
import {
  breakFences,
  FENCE_BREAK,
  slackCodeBlock,
  slackEscape,
  slackEscapeFit,
  slackLiteral,
  slackUnescape,
  TRUNCATION_MARKER,
  wellFormed,
} from '../../../lambda/core/render/slackEscape';
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
