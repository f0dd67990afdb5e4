import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Directory of the real-log fixtures. */
export const EVENTS_DIR = join(__dirname, '..', 'events');

/** Reads a fixture under test/events as text. */
export function fixture(path: string): string {
  return readFileSync(join(EVENTS_DIR, path), 'utf8');
}
