import { InvokeDoctorError } from '../../lambda/core/errors';
import { terminalLine } from '../../lambda/core/render/sanitize';

/**
 * The CLI's one error handler: runs a command action and turns any error into a one-line message on
 * stderr and an exit code (the error's own for invoke-doctor errors, 1 otherwise). Never a stack trace.
 */
export function runAction<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      process.exitCode = reportError(error);
    }
  };
}

/** Prints one line for `error` and returns the exit code to use. */
export function reportError(error: unknown): number {
  if (error instanceof InvokeDoctorError) {
    process.stderr.write(`invoke-doctor: ${oneLine(error.message)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`invoke-doctor: unexpected error: ${oneLine(message)}\n`);
  return 1;
}

function oneLine(text: string): string {
  // split and trim rather than /\s*\n\s*/, which is quadratic on long runs of whitespace
  const lines = text.split('\n');
  const joined =
    lines.length === 1
      ? text
      : lines
          .map((line) => line.trim())
          .filter((line) => line !== '')
          .join(' ');
  // An error can quote a flag or a file name: shown, never obeyed by the terminal.
  return terminalLine(joined.slice(0, 500));
}
