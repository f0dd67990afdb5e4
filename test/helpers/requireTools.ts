import { spawnSync } from 'node:child_process';

/** A command-line tool a test tier runs for real, and how to install it. */
export interface RequiredTool {
  readonly name: string;
  readonly args: readonly string[];
  readonly install: string;
}

/** Fails the run up front, naming every missing tool and how to get it. */
export function requireTools(tier: string, tools: readonly RequiredTool[]): void {
  const missing = tools.filter((t) => spawnSync(t.name, [...t.args], { stdio: 'ignore' }).error);
  if (missing.length > 0) {
    throw new Error(
      `the ${tier} tests run these tools for real and they are missing: ${missing.map((t) => `${t.name} (${t.install})`).join('; ')}`,
    );
  }
}
