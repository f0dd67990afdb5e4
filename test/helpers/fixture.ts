import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENTS_DIR } from './paths';

/** Directory of the real-log fixtures. */
export { EVENTS_DIR };

/** Reads a fixture under test/events as text. */
export function fixture(path: string): string {
  return readFileSync(join(EVENTS_DIR, path), 'utf8');
}
