#!/usr/bin/env node
// Completes package-lock.json with entries for platform-specific optional packages (other
// operating systems' native binaries of biome, swc, unrs-resolver, ...) that a registry mirror may
// not serve: npm then leaves them out of the lock, and `npm ci` on another platform refuses such a
// lock as out of sync. The entries carry name, version, os/cpu/libc and `optional`, so `npm ci`
// skips them on other platforms and fetches them by version where they apply.
//
//   npm run lockfile            after any `npm install` that rewrites the lock
//   node scripts/complete-lockfile.mjs --check   (npm run lint) fails when entries are missing
import { readFileSync, writeFileSync } from 'node:fs';

const OSES = ['android', 'darwin', 'linux', 'win32', 'freebsd', 'openharmony'];
const CPUS = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64'];

/**
 * @typedef {{ version?: string, dev?: boolean, optional?: boolean, cpu?: string[], os?: string[],
 *   libc?: string[], optionalDependencies?: Record<string, string> }} LockEntry
 */

const check = process.argv.includes('--check');
const path = process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? 'package-lock.json';
/** @type {{ packages: Record<string, LockEntry> }} */
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
/** @type {string[]} */
const added = [];
for (const meta of Object.values(packages)) {
  for (const [name, range] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (packages[key]) continue;
    const short = name.split('/').pop() ?? name;
    const os = OSES.find((o) => short.includes(o));
    const cpu = CPUS.find((c) => new RegExp(`-${c}(-|$)`).test(short));
    /** @type {LockEntry} */
    const entry = { version: range.replace(/^[\^~=v]+/, '') };
    if (meta.dev) entry.dev = true;
    entry.optional = true;
    if (cpu) entry.cpu = [cpu];
    if (os) entry.os = [os];
    if (short.includes('musl')) entry.libc = ['musl'];
    else if (os === 'linux' && (short.includes('gnu') || name.startsWith('@biomejs/'))) {
      entry.libc = ['glibc'];
    }
    packages[key] = entry;
    added.push(name);
  }
}
if (check) {
  if (added.length > 0) {
    console.error(
      `complete-lockfile: ${path} lacks ${added.length} optional platform packages (${added.slice(0, 3).join(', ')}${added.length > 3 ? ', ...' : ''}): run npm run lockfile and commit it`,
    );
    process.exit(1);
  }
  console.log(`complete-lockfile: ${path} is complete`);
} else {
  lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a < b ? -1 : 1)));
  writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`complete-lockfile: ${added.length} entries added`);
}
