import { join } from 'node:path';
import { projectRoot } from '../../lib/projectRoot';

/** Absolute path of a bundled sample under `samples/`, wherever this code runs from (source or dist). */
export function samplePath(name: string): string {
  return join(projectRoot(__dirname), 'samples', name);
}
