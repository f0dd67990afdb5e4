/**
 * Slack text safety. Slack parses `&`, `<` and `>` as control characters in every text object
 * (`<!channel>` pings, `<https://x|y>` hides a link behind text, `<@U123>` mentions) and decodes
 * only `&amp;`, `&lt;` and `&gt;`; everything copied from a log goes through these helpers.
 */

/** Marker appended wherever text was cut to fit a Slack limit. */
export const TRUNCATION_MARKER = '… (truncated)';

/** Zero-width space put between backticks so a log line cannot close a Slack code block. */
export const FENCE_BREAK = '\u200b';

// Lone UTF-16 surrogates are not valid UTF-8: Slack and SNS would reject or mangle the payload.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0 controls except tab and newline, DEL and C1 controls (invisible in Slack, dangerous in
// terminals), and bidirectional overrides (they can make a pasted command read differently).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

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
