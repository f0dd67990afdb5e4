import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/paths';

const SCRIPT = join(ROOT, 'scripts', 'complete-lockfile.mjs');

function lockWith(packages: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'invoke-doctor-lock-')), 'package-lock.json');
  writeFileSync(file, JSON.stringify({ lockfileVersion: 3, packages }));
  return file;
}

describe('scripts/complete-lockfile.mjs', () => {
  const incomplete = {
    '': { name: 'x' },
    'node_modules/@biomejs/biome': {
      version: '2.0.0',
      dev: true,
      optionalDependencies: { '@biomejs/cli-darwin-arm64': '2.0.0' },
    },
  };

  test('--check fails, naming what is missing, when a platform package has no entry', () => {
    const result = spawnSync('node', [SCRIPT, '--check', lockWith(incomplete)], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('@biomejs/cli-darwin-arm64');
    expect(result.stderr).toContain('npm run lockfile');
  });

  test('completing adds the entry with its platform, and --check then passes', () => {
    // Arrange
    const file = lockWith(incomplete);
    // Act
    spawnSync('node', [SCRIPT, file], { encoding: 'utf8' });
    const check = spawnSync('node', [SCRIPT, '--check', file], { encoding: 'utf8' });
    // Assert
    const lock = JSON.parse(readFileSync(file, 'utf8'));
    expect(lock.packages['node_modules/@biomejs/cli-darwin-arm64']).toEqual({
      version: '2.0.0',
      dev: true,
      optional: true,
      cpu: ['arm64'],
      os: ['darwin'],
    });
    expect(check.status).toBe(0);
  });

  test("the project's own lock is complete", () => {
    const result = spawnSync('node', [SCRIPT, '--check', join(ROOT, 'package-lock.json')], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
  });
});
