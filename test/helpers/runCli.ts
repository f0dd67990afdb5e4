import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths';

/** Absolute path of the compiled CLI (built by `npm run build`, which `npm test` and `npm ci` run). */
export const CLI = join(ROOT, 'dist', 'bin', 'cli.js');

/** Result of one CLI run. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the compiled `invoke-doctor` CLI as a child process, the way users run it. */
export function runCli(
  args: readonly string[],
  options: { input?: string | Buffer; env?: Record<string, string>; cwd?: string } = {},
): CliResult {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it) before jest.`);
  }
  const result = spawnSync(process.execPath, [CLI, ...args], {
    input: options.input ?? '',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
