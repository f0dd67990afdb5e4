import { join } from 'node:path';

/** The repository root (test/helpers is two levels below it). */
export const ROOT = join(__dirname, '..', '..');

/** Real log fixtures, one folder per format family (sources in test/events/SOURCES.md). */
export const EVENTS_DIR = join(ROOT, 'test', 'events');
