/**
 * The CLI's promises, for every command, run as users run it (the built CLI, real pipes, the real
 * SDK credential chain): a closed stdout ends quietly with exit 0; every usage error is one line
 * and exit 2; input that is not log text is one line and exit 2; AWS credential and Region problems
 * are one line with the fix; replay finds the context diagnose finds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { motoEnv } from '../../helpers/moto';
import { motoEndpoint } from '../../helpers/motoEndpoint';
import { EVENTS_DIR, ROOT } from '../../helpers/paths';
import { CLI, runCli } from '../../helpers/runCli';

const scratch = mkdtempSync(join(tmpdir(), 'invoke-doctor-contract-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** No credentials anywhere: the SDK's chain finds none (and asks no instance metadata service). */
const NO_CREDENTIALS: Record<string, string> = {
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_SESSION_TOKEN: '',
  AWS_PROFILE: '',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
  AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
  AWS_WEB_IDENTITY_TOKEN_FILE: '',
  AWS_REGION: 'us-east-1',
};

/** Runs a shell pipeline `invoke-doctor ARGS | <reader that closed its end at once>`. */
function intoClosedPipe(args: string, cwd = scratch): { code: string; stderr: string } {
  const script = `"${process.execPath}" "${CLI}" ${args} 2>"${join(cwd, 'stderr.txt')}" | (exec 0<&-; sleep 1); echo "\${PIPESTATUS[0]}"; cat "${join(cwd, 'stderr.txt')}" >&2`;
  const result = spawnSync('bash', ['-c', script], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  return { code: result.stdout.trim(), stderr: result.stderr };
}

function expectOneLine(stderr: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('stdout closed by its reader: output stops quietly, exit 0', () => {
  test.each([
    ['diagnose --sample'],
    ['diagnose --sample --json'],
    ['replay --store store-epipe'],
    ['--help'],
    ['incidents show --help'],
  ])('invoke-doctor %s', (args) => {
    const result = intoClosedPipe(args);
    expect(result.code).toBe('0');
    expect(result.stderr).toBe('');
  });

  test('invoke-doctor incidents, after a replay filled the store', () => {
    const store = join(scratch, 'store-incidents');
    expect(runCli(['replay', '--store', store], { cwd: scratch }).code).toBe(0);
    const table = intoClosedPipe(`incidents --store "${store}"`);
    const json = intoClosedPipe(`incidents --store "${store}" --json`);
    expect([table.code, json.code]).toEqual(['0', '0']);
    expect(table.stderr + json.stderr).toBe('');
  });

  test('invoke-doctor preflight --json', () => {
    const config = join(scratch, 'preflight-epipe.json');
    writeFileSync(config, JSON.stringify({ 'invoke-doctor': { functions: ['no-such-fn'] } }));
    const script = `"${process.execPath}" "${CLI}" preflight --json --config "${config}" | (exec 0<&-; sleep 1); echo "\${PIPESTATUS[0]}"`;
    const result = spawnSync('bash', ['-c', script], {
      env: { ...process.env, ...motoEnv(motoEndpoint()) },
      encoding: 'utf8',
    });
    // 1: the missing log group stops detection; the closed pipe changes nothing
    expect(result.stdout.trim()).toBe('1');
    expect(result.stderr).toBe('');
  });
});

describe('usage errors: one line, exit 2', () => {
  test.each([
    [['nope'], /unknown command/],
    [['diagnose', '--nope'], /unknown option '--nope'/],
    [['diagnose', '--log-group'], /argument missing/],
    [['diagnose', '--since', '1h'], /--since: only applies with --from-cloudwatch/],
    [['diagnose', '--from-cloudwatch'], /--log-group: name the log group/],
    [
      ['diagnose', '--from-cloudwatch', '--log-group', 'g', '--since', 'yesterday'],
      /--since: expected a duration/,
    ],
    [
      ['diagnose', '--from-cloudwatch', '--log-group', 'g', '--start', 'yesterday'],
      /--start: expected a duration/,
    ],
    [['diagnose', '--from-cloudwatch', '--log-group', 'g', '--max-events', 'lots'], /--max-events/],
    [
      ['diagnose', '--from-cloudwatch', '--log-group', 'g', '--region', 'moon-1'],
      /--region: expected a Region/,
    ],
    [['replay', '--nope'], /unknown option/],
    [['replay', '--store'], /argument missing/],
    [['incidents', '--nope'], /unknown option/],
    [['incidents', '--limit', 'many'], /--limit/],
    [['incidents', '--status', 'sideways'], /--status/],
    [['incidents', 'show'], /missing required argument/],
    [['incidents', 'show', 'a1b2c3d4e5-1', 'extra'], /too many arguments/],
    [['preflight', '--nope'], /unknown option/],
    [['preflight', '--region'], /argument missing/],
  ])('invoke-doctor %j', (args, message) => {
    const result = runCli(args, { cwd: scratch, input: 'x\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expectOneLine(result.stderr);
  });

  test.each([
    [['--help']],
    [['--version']],
    [['diagnose', '--help']],
    [['incidents', 'show', '--help']],
  ])('invoke-doctor %j is no error: exit 0', (args) => {
    expect(runCli(args).code).toBe(0);
  });
});

describe('input that is not log text: one line, exit 2, never "nothing found"', () => {
  const random = join(scratch, 'random.bin');
  const empty = join(scratch, 'empty.log');
  const blank = join(scratch, 'blank.log');
  const notUtf8 = join(scratch, 'latin1.log');
  beforeAll(() => {
    // deterministic "random" bytes: every byte value, shuffled, many times over
    const bytes = Buffer.alloc(65_536);
    let state = 7;
    for (let i = 0; i < bytes.length; i++) {
      state = (state * 1103515245 + 12345) >>> 0;
      bytes[i] = state >>> 24;
    }
    writeFileSync(random, bytes);
    writeFileSync(empty, '');
    writeFileSync(blank, ' \n\n\t\n');
    writeFileSync(notUtf8, Buffer.from(Array.from({ length: 4000 }, (_, i) => 0x80 + (i % 64))));
  });

  test.each([
    ['random bytes', () => [random], /binary data/],
    ['an empty file', () => [empty], /is empty/],
    ['a file of blank lines', () => [blank], /is empty/],
    ['bytes that are not UTF-8', () => [notUtf8], /not UTF-8 text/],
  ])('diagnose %s', (_name, files, message) => {
    const result = runCli(['diagnose', ...files()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).not.toContain('No Lambda invoke permission failures found');
    expectOneLine(result.stderr);
  });

  test('diagnose of empty stdin', () => {
    const result = runCli(['diagnose'], { input: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/stdin is empty/);
    expectOneLine(result.stderr);
  });

  test('a binary file beside a real one: the real one is still diagnosed, exit 2 naming the other', () => {
    const result = runCli([
      'diagnose',
      '--json',
      random,
      join(EVENTS_DIR, 'iam-sentence', 'cli-iam-user.log'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('random.bin');
    expectOneLine(result.stderr);
  });

  test('replay of an empty file records nothing and says so, exit 2', () => {
    const result = runCli(['replay', '--store', join(scratch, 'store-empty'), empty], {
      cwd: scratch,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/empty/);
    expectOneLine(result.stderr);
  });
});

describe('AWS credentials and Region: one line with the fix, for every command that reads AWS', () => {
  const config = join(scratch, 'preflight-config.json');
  beforeAll(() => {
    writeFileSync(config, JSON.stringify({ 'invoke-doctor': { functions: ['orders-worker'] } }));
  });
  const commands: [string, string[]][] = [
    ['preflight', ['preflight', '--config', config]],
    ['incidents', ['incidents', '--table', 'invoke-doctor-incidents']],
    ['diagnose --from-cloudwatch', ['diagnose', '--from-cloudwatch', '--log-group', 'g']],
  ];

  test.each(commands)('%s without credentials', (_name, args) => {
    const result = runCli(args, { cwd: scratch, env: NO_CREDENTIALS });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /no AWS credentials to read .*: configure them \(aws configure, or pass --profile NAME/,
    );
    expectOneLine(result.stderr);
  });

  test.each(commands)('%s with --profile of a profile that does not exist', (_name, args) => {
    const result = runCli([...args, '--profile', 'no-such-profile'], {
      cwd: scratch,
      env: NO_CREDENTIALS,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--profile: .*no-such-profile.*aws configure list-profiles/);
    expectOneLine(result.stderr);
  });

  test.each(commands)('%s without a Region', (_name, args) => {
    const result = runCli(args, {
      cwd: scratch,
      env: { ...motoEnv(motoEndpoint()), AWS_REGION: '', AWS_DEFAULT_REGION: '' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--region: .*(pass --region|AWS_REGION)/);
    expectOneLine(result.stderr);
  });
});

describe('replay finds the context diagnose finds', () => {
  test('on a plain-text trace: the same function and route, no method made up', () => {
    // Arrange: a real INFO-level execution-log trace, pasted as text
    const file = join(EVENTS_DIR, 'rest-execution-log', 'console-test-invalid-permissions.log');
    // Act
    const diagnosed = runCli(['diagnose', '--json', file]);
    const replayed = runCli(['replay', '--json', '--store', join(scratch, 'store-parity'), file], {
      cwd: scratch,
    });
    const shown = runCli(['replay', '--store', join(scratch, 'store-parity-text'), file], {
      cwd: scratch,
    });
    // Assert
    expect([diagnosed.code, replayed.code, shown.code]).toEqual([0, 0, 0]);
    const diagnosis = JSON.parse(diagnosed.stdout.trim()) as { function: unknown; api: unknown };
    const incident = replayed.stdout
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { type: string; diagnosis?: { function: unknown; api: unknown } },
      )
      .find((record) => record.type === 'incident');
    expect(incident?.diagnosis?.function).toEqual(diagnosis.function);
    expect(incident?.diagnosis?.api).toEqual(diagnosis.api);
    expect(diagnosis.function).toMatchObject({ name: 'stage', region: 'us-west-2' });
    // the trace names no method: the alert says so rather than showing `ANY`
    expect(shown.stdout).toMatch(/API route\s+\(unknown method\)/);
    expect(shown.stdout).not.toMatch(/API route\s+ANY/);
  });
});

test('the repository root is where the CLI runs from in these tests', () => {
  expect(ROOT.length).toBeGreaterThan(0);
});
