/** Builds a shell command from trusted literals and checked values; the only place commands are joined. */

import type { Checked } from './checked';
import { problemsOf } from './checked';
import { shellQuote } from './shellQuote';

/** A word of a command: a literal of ours (`aws`, `--region`) or a checked value (always quoted). */
export type Word = string | Checked;

/** A rendered command: runnable only when every value passed its check. */
export interface CommandLine {
  /** The runnable command, or null when a value is missing, masked or malformed. */
  readonly command: string | null;
  /** The same command with placeholders for failed values, for descriptions (never runnable as is). */
  readonly template: string;
  /** Why `command` is null (empty when it is not). */
  readonly problems: readonly string[];
}

/** Literals are our own constants; anything else is refused so a log value cannot sneak in unquoted. */
const LITERAL = /^[a-z0-9][a-z0-9-]*$|^--[a-z0-9-]+$/;

/** Joins `words` into one command line; values are shell-quoted, literals must be plain flags/words. */
export function commandLine(words: readonly Word[]): CommandLine {
  const values = words.filter((w): w is Checked => typeof w !== 'string');
  const problems = problemsOf(values);
  const render = (w: Word, forTemplate: boolean): string => {
    if (typeof w === 'string') {
      if (!LITERAL.test(w))
        throw new Error(`commandLine: not a literal word: ${JSON.stringify(w)}`);
      return w;
    }
    if (w.ok) return shellQuote(w.value);
    if (forTemplate) return w.placeholder;
    throw new Error('unreachable: failed value rendered into a runnable command');
  };
  const template = words.map((w) => render(w, true)).join(' ');
  const command = problems.length === 0 ? words.map((w) => render(w, false)).join(' ') : null;
  return { command, template, problems };
}
