import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Absolute path of the invoke-doctor project (the directory of its package.json). Handler entries
 * are bundled from their TypeScript sources there, whether this file runs from lib/ (tests), dist/
 * (compiled) or a bundled CDK app.
 */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && isInvokeDoctor(manifest)) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`cannot find the invoke-doctor package.json above ${from}`);
    }
    dir = parent;
  }
}

function isInvokeDoctor(manifest: string): boolean {
  try {
    return (
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'invoke-doctor'
    );
  } catch {
    return false;
  }
}
