import { type Command, CommanderError } from 'commander';
import { safeStdout } from './safeStdout';

/** Exit code of a usage error: an unknown option, a missing or bad value, an unknown command. */
export const USAGE_EXIT_CODE = 2;

/** Commander's codes for what is not an error (help and version were asked for). */
const NOT_ERRORS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/**
 * Makes every usage error of the command tree a one-line message on stderr and exit code 2, as the
 * other input errors are: commander's own errors (unknown option, missing value, excess argument,
 * unknown command) are thrown instead of exiting with 1, and printed on one line.
 */
export function strictUsage(command: Command): Command {
  command.exitOverride();
  command.configureOutput({
    // help and version go through the same stdout as results: `--help | head` ends quietly
    writeOut: (text) => safeStdout().write(text),
    outputError: (text, write) => write(`invoke-doctor: ${oneLine(text)}\n`),
  });
  for (const sub of command.commands) strictUsage(sub);
  return command;
}

/** Commander's message on one line: its lines, trimmed, joined by one space. */
function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}

/** The exit code for an error thrown by parsing: 0 for help and version, 2 for usage errors. */
export function usageExitCode(error: unknown): number | null {
  if (!(error instanceof CommanderError)) return null;
  return NOT_ERRORS.has(error.code) ? 0 : USAGE_EXIT_CODE;
}
