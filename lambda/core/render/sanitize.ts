/**
 * Output sanitising for every sink, in one module. Text copied from a log line is written by whoever
 * can make a watched service log a string, so each sink gets it through one of these:
 *
 * - terminal (`diagnose`, `replay`, `incidents`) and the SNS email text, which is the terminal
 *   rendering: C0/C1 control characters (ESC, CSI, BEL, CR, ...), bidirectional overrides and
 *   invisible characters are replaced by visible stand-ins (`␛`, `␍`, `<U+202E>`), so an escape
 *   sequence is shown as text instead of driving the terminal, and a log value can never start a
 *   new line of output;
 * - Slack mrkdwn: `&`, `<` and `>` escaped the way Slack requires (no ping, link or mention), code
 *   fences broken, control characters replaced;
 * - Amazon Q Developer chat markdown: log text only inside code spans, where neither emphasis nor
 *   bare links are rendered (see {@link chatLiteral}).
 */

/** Marker appended wherever text was cut to fit a Slack limit. */
export const TRUNCATION_MARKER = '… (truncated)';

/** Zero-width space put between backticks so a log line cannot close a Slack code block. */
export const FENCE_BREAK = '\u200b';

// Lone UTF-16 surrogates are not valid UTF-8: Slack and SNS would reject or mangle the payload.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0 controls except tab and newline, DEL and C1 controls (invisible in Slack, dangerous in
// terminals), and bidirectional controls (they can make a pasted command read differently).
const CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Normalises line ends to `\n` and replaces lone surrogates, control characters (except `\t` and
 * `\n`) and bidi overrides with U+FFFD.
 */
export function wellFormed(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(LONE_SURROGATE, '\ufffd').replace(CONTROL, '\ufffd');
}

/** Escapes `&`, `<`, `>` the way Slack requires; after Slack decodes the entities the text is the input. */
export function slackEscape(text: string): string {
  return wellFormed(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Reverses {@link slackEscape} the way Slack decodes text for display (used by tests and previews). */
export function slackUnescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Escapes `text` and cuts it so the escaped result, marker included, is at most `max` UTF-16 units.
 * Never splits an entity or a surrogate pair.
 */
export function slackEscapeFit(text: string, max: number): string {
  const escaped = slackEscape(text);
  if (escaped.length <= max) return escaped;
  return cutEscaped(escaped, max - TRUNCATION_MARKER.length) + TRUNCATION_MARKER;
}

/** Cuts an already escaped string to at most `max` units at a safe boundary. */
function cutEscaped(escaped: string, max: number): string {
  let end = Math.max(0, max);
  // Step back out of an entity (`&amp;` is at most 5 units long) ...
  const amp = escaped.lastIndexOf('&', end);
  if (amp !== -1 && amp < end && escaped.indexOf(';', amp) >= end) end = amp;
  // ... and out of a surrogate pair.
  const code = escaped.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end -= 1;
  return escaped.slice(0, end);
}

/** Breaks every run of two or more backticks with zero-width spaces so no ``` can form. */
export function breakFences(text: string): string {
  return text.replace(/``+/g, (run) => run.split('').join(FENCE_BREAK));
}

/**
 * A mrkdwn code block whose content is `text` shown literally: escaped, with backtick runs broken
 * (Slack has no escape for ``` inside a code block) and fitted into `max` units including fences.
 */
export function slackCodeBlock(text: string, max: number): string {
  const open = '```\n';
  const close = '\n```';
  const body = breakFences(wellFormed(text));
  return `${open}${slackEscapeFit(body, max - open.length - close.length)}${close}`;
}

/**
 * A value shown literally inside mrkdwn: an inline code span, where `*`, `_`, `~`, `:emoji:` and
 * URLs are not formatted, or a code block when the value has a backtick or a line break (a code
 * span cannot contain either).
 */
export function slackLiteral(text: string, max: number): string {
  const clean = wellFormed(text);
  if (clean.length === 0) return '—';
  if (/[`\n]/.test(clean)) return slackCodeBlock(clean, max);
  return `\`${slackEscapeFit(clean, max - 2)}\``;
}

/**
 * Characters a terminal must never receive from a log: C0 controls, DEL, C1 controls, bidi
 * controls, invisible and zero-width characters, line/paragraph separators, Unicode tag characters
 * (invisible ASCII look-alikes) and lone surrogates.
 */
const TERMINAL_UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]|\udb40[\udc00-\udc7f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The visible stand-in of one unsafe character: a control picture (`␛`, `␍`) or `<U+XXXX>`. */
function visible(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) return '\ufffd';
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/**
 * One line of log-derived text for a terminal: every control, bidi and invisible character (line
 * breaks and tabs included) is shown as a visible stand-in, so the value stays on its own line
 * and an escape sequence (`ESC [2J`, OSC 8 links, window titles) is printed as inert text.
 */
export function terminalLine(text: string): string {
  return text.replace(TERMINAL_UNSAFE, visible);
}

/**
 * Multi-line text for a terminal (our own snippets and messages): line breaks (`\n`, `\r\n`) and
 * tabs are kept, everything else {@link terminalLine} replaces is replaced.
 */
export function terminalBlock(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.split('\t').map(terminalLine).join('\t'))
    .join('\n');
}

/**
 * Log-derived text for Amazon Q Developer chat markdown (client-markdown, rendered as Slack mrkdwn
 * or Teams markdown): always a code span or block, where `*bold*`, `_italic_`, `~strike~`,
 * `:emoji:` and bare links are not formatted, escaped for Slack's `&`, `<`, `>` as well.
 */
export function chatLiteral(text: string, max: number): string {
  return slackLiteral(text, max);
}

// Characters JSON.stringify leaves raw that a terminal may act on or reorder (it escapes C0 itself).
const JSON_UNSAFE =
  /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * JSON for a terminal (`--json` output): JSON.stringify, with DEL, C1 controls, bidi and invisible
 * characters written as `\uXXXX` escapes. The value parses back unchanged; printed raw, nothing in
 * it can drive or reorder the terminal.
 */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value).replace(
    JSON_UNSAFE,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Every sink's sanitiser, by sink: the one table renderers and tests refer to. */
export const sanitize = {
  /** One log-derived value on a terminal line (also the SNS email text). */
  terminal: terminalLine,
  /** Our own multi-line text on a terminal. */
  terminalBlock,
  /** Text in a Slack text object. */
  slack: slackEscape,
  /** A log-derived value shown literally in Slack mrkdwn. */
  slackLiteral,
  /** A log-derived value in Amazon Q chat markdown. */
  chat: chatLiteral,
  /** SNS email body (plain text): the terminal rules. */
  email: terminalBlock,
  /** JSON printed to a terminal (`--json`). */
  json: terminalJson,
} as const;
