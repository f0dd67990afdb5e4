import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENTS_DIR, ROOT } from '../../helpers/paths';
import { runCli } from '../../helpers/runCli';

const events = EVENTS_DIR;
const CONTRACT_KEYS = [
  'kind',
  'action',
  'principal',
  'function',
  'api',
  'reason',
  'summary',
  'fixes',
  'occurrences',
  'firstSeen',
  'lastSeen',
  'fingerprint',
];

function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('invoke-doctor diagnose', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'invoke-doctor-cli-'));

  test('the package bin is an executable file with a node shebang (what npx runs)', () => {
    // Arrange
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const bin = join(ROOT, pkg.bin['invoke-doctor']);
    // Act: execute the file itself, not `node file`
    const result = spawnSync(bin, ['--help'], { encoding: 'utf8' });
    // Assert
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: invoke-doctor');
  });

  test('npx finds the CLI in node_modules/.bin without installing anything', () => {
    // An empty npm cache: no copy installed by an earlier npx run can stand in for the link.
    const cache = mkdtempSync(join(tmpdir(), 'invoke-doctor-npm-cache-'));
    const result = spawnSync('npx', ['--no-install', 'invoke-doctor', '--version'], {
      cwd: ROOT,
      env: { ...process.env, npm_config_cache: cache },
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    // the version printed is package.json's, not a copy kept in the CLI
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  test('--help lists the sub-commands and exits 0', () => {
    const result = runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('diagnose');
    expect(result.stdout).toContain('preflight');
  });

  test('--json prints one JSON object per distinct diagnosis with every contract field present', () => {
    // Act
    const result = runCli([
      'diagnose',
      '--json',
      join(events, 'iam-sentence', 'no-identity-policy.log'),
      join(events, 'rest-execution-log', 'invalid-permissions-info.log'),
    ]);
    // Assert
    expect(result.code).toBe(0);
    const records = jsonLines(result.stdout);
    expect(records.length).toBeGreaterThanOrEqual(2);
    for (const record of records) {
      for (const key of CONTRACT_KEYS) expect(record).toHaveProperty(key);
      for (const key of ['arn', 'type', 'accountId', 'roleName', 'service']) {
        expect(record.principal).toHaveProperty(key);
      }
      for (const key of ['arn', 'name', 'qualifier', 'accountId', 'region']) {
        expect(record.function).toHaveProperty(key);
      }
    }
    expect(records.map((r) => r.kind)).toEqual(
      expect.arrayContaining(['invoke-access-denied', 'apigw-invalid-permissions']),
    );
  });

  test('reads plain text from stdin and groups identical findings with occurrences', () => {
    // Arrange
    const line = readFileSync(join(events, 'iam-sentence', 'cli-iam-user.log'), 'utf8').trim();
    // Act
    const result = runCli(['diagnose', '--json'], { input: `${line}\n${line}\n${line}\n` });
    // Assert
    expect(result.code).toBe(0);
    const records = jsonLines(result.stdout);
    expect(records).toHaveLength(1);
    expect(records[0]?.occurrences).toBe(3);
  });

  test('prints a readable report with the fix command by default', () => {
    const result = runCli(['diagnose', join(events, 'iam-sentence', 'cli-iam-user.log')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('who:');
    expect(result.stdout).toContain('aws iam put-user-policy');
    expect(result.stdout).not.toContain('\u001b['); // no colour when not a TTY
  });

  test('no findings is still a successful run', () => {
    const result = runCli(['diagnose', join(events, 'negative', 'dynamodb-scan.log')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No Lambda invoke permission failures found');
  });

  test.each([
    ['not gzip', '{"awslogs":{"data":"aGVsbG8gd29ybGQ="}}', /gzip/i],
    ['bad base64', '{"awslogs":{"data":"%%%not-base64%%%"}}', /base64/i],
    ['not JSON where JSON was expected', '{"awslogs": {"data": ', /JSON/],
  ])('%s: exit 2 with a one-line error and no stack trace', (_name, content, pattern) => {
    // Arrange
    const file = join(scratch, `bad-${_name.replace(/\W+/g, '-')}.json`);
    writeFileSync(file, content);
    // Act
    const result = runCli(['diagnose', file]);
    // Assert
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test('an unreadable file exits 2 naming the file', () => {
    const result = runCli(['diagnose', join(scratch, 'does-not-exist.log')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('does-not-exist.log');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a bad file beside a good one does not lose the good findings', () => {
    // Arrange
    const bad = join(scratch, 'bad-beside-good.json');
    writeFileSync(bad, '{"awslogs":{"data":"aGVsbG8="}}');
    // Act
    const result = runCli([
      'diagnose',
      '--json',
      bad,
      join(events, 'iam-sentence', 'cli-iam-user.log'),
    ]);
    // Assert
    expect(result.code).toBe(2);
    expect(jsonLines(result.stdout)).toHaveLength(1);
    expect(result.stderr).toContain('bad-beside-good.json');
  });

  test('--sample diagnoses the bundled sample outage', () => {
    const result = runCli(['diagnose', '--json', '--sample']);
    expect(result.code).toBe(0);
    const kinds = jsonLines(result.stdout).map((r) => r.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['apigw-invalid-permissions', 'invoke-access-denied']),
    );
  });
});
