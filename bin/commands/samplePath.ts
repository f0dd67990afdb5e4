import { join } from 'node:path';

/** Absolute path of a bundled sample under `samples/`, from source (bin/commands) or dist/bin/commands. */
export function samplePath(name: string): string {
  const root = __dirname.includes(`${join('dist', 'bin')}`)
    ? join(__dirname, '..', '..', '..')
    : join(__dirname, '..', '..');
  return join(root, 'samples', name);
}
