#!/usr/bin/env node
// Links this package's own CLI into node_modules/.bin (npm links dependencies' bins, never the
// root package's), so `npx invoke-doctor` runs the local build at once instead of installing a
// copy of the project into npx's cache and rebuilding it there (8.5 s on the first call).
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';

const target = 'dist/bin/cli.js';
chmodSync(target, 0o755);
if (existsSync('node_modules')) {
  mkdirSync('node_modules/.bin', { recursive: true });
  const link = 'node_modules/.bin/invoke-doctor';
  rmSync(link, { force: true });
  symlinkSync(`../../${target}`, link);
}
