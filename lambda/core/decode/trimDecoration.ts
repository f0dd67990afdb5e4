/**
 * Closing character of each opener that people put around a value in prose and markdown. Angle
 * brackets are not decoration: `<ACCOUNT_ID>` is a placeholder, and stays one.
 */
const CLOSER: Readonly<Record<string, string>> = {
  '`': '`',
  '"': '"',
  "'": "'",
  '(': ')',
  '[': ']',
};
/** Opener of each closer. */
const OPENER: Readonly<Record<string, string>> = {
  '`': '`',
  '"': '"',
  "'": "'",
  ')': '(',
  ']': '[',
};
/** Sentence punctuation after a value (`... function:report-fn.`); no ARN or name ends with it. */
const TRAILING_PUNCTUATION = '.,;:!?';

/**
 * The value without its trailing punctuation. A loop, not `/[.,;:!?]+$/`, which backtracks
 * quadratically on a long run of them.
 */
function trimPunctuation(value: string): string {
  let end = value.length;
  while (end > 0 && TRAILING_PUNCTUATION.includes(value.charAt(end - 1))) end--;
  return value.slice(0, end);
}
/** Enough rounds for nested decoration such as `("arn:...").`; each round removes at least one character. */
const MAX_ROUNDS = 8;

/**
 * Removes the decoration around one value copied from prose, markdown or an error wrapper: a pair
 * of backticks, quotes, parentheses or brackets around the whole value, an opener
 * whose closer lies outside it, a closer whose opener lies outside it, and trailing sentence
 * punctuation. Only decoration that wraps or ends the value goes: a quote or backtick inside it
 * (`fn"x"`, ``fn`id` ``) stays, so a hostile run keeps failing validation rather than becoming a
 * shorter valid-looking value.
 */
export function trimDecoration(value: string): string {
  let text = value;
  for (let round = 0; round < MAX_ROUNDS && text !== ''; round++) {
    const before = text;
    text = trimPunctuation(text);
    const first = text.charAt(0);
    const last = text.charAt(text.length - 1);
    const close = CLOSER[first];
    const open = OPENER[last];
    const inner = text.slice(1, -1);
    if (close !== undefined && last === close && text.length >= 2) {
      // a pair around the whole value, with no other of its characters inside
      if (!inner.includes(first) && !inner.includes(close)) text = inner;
    } else if (close !== undefined && !text.includes(close, 1)) {
      text = text.slice(1); // `(arn:...` whose `)` is after the token
    } else if (open !== undefined && !text.slice(0, -1).includes(open)) {
      if (!text.slice(0, -1).includes(last)) text = text.slice(0, -1); // `arn:...)`
    }
    if (text === before) break;
  }
  return text;
}
