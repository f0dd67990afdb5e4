/**
 * POSIX shell quoting. Every value we put in a suggested command goes through here, after it passed
 * a strict AWS-format check, so that a paste into bash, zsh or sh passes it as exactly one word.
 */

/**
 * Quotes `value` as one POSIX shell word: wrapped in single quotes, inside which nothing is special,
 * and each embedded `'` written as `'\''` (close, escaped quote, reopen).
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}
