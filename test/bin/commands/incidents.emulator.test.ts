import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
} from '@aws-sdk/client-cloudformation';
import { parseSince } from '../../../bin/cli/parseSince';
import { sparkline } from '../../../bin/render/sparkline';
import { DynamoDbIncidentRepository } from '../../../lambda/adapters/DynamoDbIncidentRepository';
import { decodeInput } from '../../../lambda/core/decode/decodeInput';
import { ConfigError } from '../../../lambda/core/errors';
import { IncidentService } from '../../../lambda/core/incidents/IncidentService';
import type { Incident } from '../../../lambda/core/incidents/incident';
import { processLogBatch } from '../../../lambda/core/processLogBatch';
import { formatDuration } from '../../../lambda/core/render/formatDuration';
import type { LogBatch } from '../../../lambda/core/types';
import { createIncidentsTable, type IncidentsTable } from '../../helpers/createIncidentsTable';
import { motoEnv, TEST_REGION } from '../../helpers/moto';
import { motoEndpoint } from '../../helpers/motoEndpoint';
import { ROOT } from '../../helpers/paths';
import { runCli } from '../../helpers/runCli';
import { TEST_POLICY } from '../../helpers/testPolicy';

const SAMPLE = join(ROOT, 'samples', 'outage');
const MINUTE = 60_000;

function sampleBatches(dir: string): LogBatch[] {
  return readdirSync(join(SAMPLE, dir))
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => decodeInput(readFileSync(join(SAMPLE, dir, f))));
}

function lastTime(batch: LogBatch): number {
  return Math.max(...batch.events.map((e) => e.timestamp ?? 0));
}

function jsonLines(stdout: string): Incident[] {
  return stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Incident);
}

describe('invoke-doctor incidents against the deployed table (moto)', () => {
  let table: IncidentsTable;
  let cwd: string;
  let env: Record<string, string>;
  const stackName = `invoke-doctor-cli-${randomUUID().slice(0, 8)}`;
  let cfn: CloudFormationClient;

  beforeAll(async () => {
    // Arrange: the sample's two Lambda-to-Lambda denials, recorded through the real service and
    // repository on a moto table; swept just after the explicit-deny one went quiet, so one
    // incident is resolved and one (still failing then) is open.
    table = await createIncidentsTable('moto', 'cli');
    const repository = new DynamoDbIncidentRepository({
      client: table.client,
      tableName: table.tableName,
    });
    const clock = { time: 0, now: () => clock.time };
    const service = new IncidentService({ repository, notifiers: [], clock, policy: TEST_POLICY });
    const batches = [
      ...sampleBatches('lambda-reports-scheduler'),
      ...sampleBatches('lambda-billing-invoice-worker'),
    ].sort((a, b) => lastTime(a) - lastTime(b));
    const sweepAt = Date.parse('2026-10-06T14:20:00Z');
    for (const batch of batches.filter((b) => lastTime(b) <= sweepAt)) {
      clock.time = lastTime(batch);
      await processLogBatch([batch], { sink: service, now: clock.time });
    }
    clock.time = sweepAt;
    await service.sweep();

    cwd = mkdtempSync(join(tmpdir(), 'invoke-doctor-incidents-'));
    env = motoEnv(motoEndpoint());
    cfn = new CloudFormationClient({
      endpoint: motoEndpoint(),
      region: TEST_REGION,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await cfn.send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateBody: JSON.stringify({
          Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
          Outputs: { IncidentsTableName: { Value: table.tableName } },
        }),
      }),
    );
  });

  afterAll(async () => {
    await cfn.send(new DeleteStackCommand({ StackName: stackName }));
    cfn.destroy();
    await table.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  test('--table NAME --json lists the stored incidents, newest first, with exact counts', () => {
    // Act
    const result = runCli(['incidents', '--table', table.tableName, '--json'], { cwd, env });

    // Assert
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const incidents = jsonLines(result.stdout);
    expect(incidents.map((i) => [i.diagnosis.function.name, i.status])).toEqual([
      ['billing-pdf-renderer', 'open'],
      ['reports-exporter', 'resolved'],
    ]);
    const reports = JSON.parse(readFileSync(join(SAMPLE, 'counts.json'), 'utf8')).reportsScheduler
      .denied as number;
    expect(incidents[1]?.occurrences).toBe(reports);
    expect(incidents[1]?.resolvedAt).toBe('2026-10-06T14:20:00.000Z');
  });

  test('--status, --function and --since filter on the table', () => {
    const list = (...args: string[]) =>
      jsonLines(
        runCli(['incidents', '--table', table.tableName, '--json', ...args], { cwd, env }).stdout,
      ).map((i) => i.diagnosis.function.name);
    expect(list('--status', 'open')).toEqual(['billing-pdf-renderer']);
    expect(list('--status', 'resolved')).toEqual(['reports-exporter']);
    expect(list('--function', 'reports-exporter')).toEqual(['reports-exporter']);
    expect(
      list('--function', 'arn:aws:lambda:us-east-1:111122223333:function:billing-pdf-renderer'),
    ).toEqual(['billing-pdf-renderer']);
    expect(list('--function', 'nothing-like-it')).toEqual([]);
    // reports-exporter was last seen at 14:09, billing-pdf-renderer at 14:19
    expect(list('--since', '2026-10-06T14:15Z')).toEqual(['billing-pdf-renderer']);
    expect(list('--since', '2026-10-06')).toHaveLength(2);
    expect(list('--since', '1d')).toEqual([]);
  });

  test('the table view shows status, counts and a sparkline; show ID prints one incident', () => {
    // Arrange
    const [open] = jsonLines(
      runCli(['incidents', '--table', table.tableName, '--json', '--status', 'open'], { cwd, env })
        .stdout,
    );

    // Act
    const view = runCli(['incidents', '--table', table.tableName], { cwd, env });
    const shown = runCli(['incidents', 'show', open?.id ?? '', '--table', table.tableName], {
      cwd,
      env,
    });

    // Assert
    expect(view.code).toBe(0);
    expect(view.stdout).toContain(`Incidents in table ${table.tableName} (us-east-1)`);
    expect(view.stdout).toMatch(/billing-pdf-renderer\s+role\/billing-invoice-worker-role\s+\d+/);
    expect(view.stdout).toMatch(/open .* [▁▂▃▄▅▆▇█·]{2,}/);
    expect(view.stdout).toContain('2 incidents (1 open)');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Incident ${open?.id} · OPEN`);
    expect(shown.stdout).toContain(
      "aws iam put-role-policy --role-name 'billing-invoice-worker-role'",
    );
  });

  test('--stack NAME finds the table in the stack outputs (CloudFormation)', () => {
    const viaStack = runCli(['incidents', '--stack', stackName, '--json'], { cwd, env });
    const viaTable = runCli(['incidents', '--table', table.tableName, '--json'], { cwd, env });
    expect(viaStack.code).toBe(0);
    expect(jsonLines(viaStack.stdout)).toEqual(jsonLines(viaTable.stdout));
  });

  test('without a local store or flags it looks for the InvokeDoctor stack and says so when absent', () => {
    const result = runCli(['incidents'], { cwd, env });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'invoke-doctor: stack InvokeDoctor not found in us-east-1: deploy it (npx cdk deploy), or pass --stack NAME, --table NAME or --local',
    ]);
  });

  test('an unknown table or a missing incident is one line, exit 1', () => {
    const table404 = runCli(['incidents', '--table', 'no-such-table-here'], { cwd, env });
    const missing = runCli(
      ['incidents', 'show', `${'0'.repeat(32)}-1`, '--table', table.tableName],
      { cwd, env },
    );
    expect(table404.code).toBe(1);
    expect(table404.stderr).toBe(
      'invoke-doctor: table no-such-table-here not found: check the name and --region\n',
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('invoke-doctor incidents flag errors (exit 2, one line, nothing opened)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'invoke-doctor-incidents-flags-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  test.each([
    [['--since', 'last tuesday'], '--since: expected a duration'],
    [['--since', '7x'], '--since: expected a duration'],
    [['--status', 'closed'], '--status: expected open or resolved'],
    [['--limit', '0'], '--limit: expected a whole number'],
    [['--function', 'fn;rm -rf /'], '--function: not a Lambda function name'],
    [['--local'], 'no local store at'],
    [['--table', 't', '--local'], 'choose one source'],
    [['show', 'not an id!', '--local'], 'is not an incident id'],
  ])('incidents %j', (args, message) => {
    const result = runCli(['incidents', ...args], { cwd });
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect(result.stdout).toBe('');
  });
});

describe('parseSince', () => {
  const NOW = Date.parse('2026-10-06T14:00:00.000Z');
  test.each([
    ['30m', NOW - 30 * MINUTE],
    ['12h', NOW - 12 * 60 * MINUTE],
    ['7d', NOW - 7 * 24 * 60 * MINUTE],
    ['2w', NOW - 14 * 24 * 60 * MINUTE],
    ['2026-10-01', Date.parse('2026-10-01T00:00:00Z')],
    ['2026-10-01T08:30', Date.parse('2026-10-01T08:30:00Z')],
    ['2026-10-01 08:30:15', Date.parse('2026-10-01T08:30:15Z')],
    ['2026-10-01T08:30:00+02:00', Date.parse('2026-10-01T06:30:00Z')],
  ])('%s', (value, expected) => {
    expect(parseSince(value, NOW)).toBe(expected);
  });

  test.each(['', '7', 'd7', '1y', 'yesterday', '2026-13-01', '2026-10-01T25:00'])(
    'rejects %j with a ConfigError naming --since',
    (value) => {
      expect(() => parseSince(value, NOW)).toThrow(ConfigError);
      expect(() => parseSince(value, NOW)).toThrow(/^--since: /);
    },
  );
});

describe('sparkline', () => {
  test('one bar per hour from first to last seen, the busiest hour full, empty hours dotted', () => {
    const hourly = { '2026-10-06T12': 5, '2026-10-06T14': 20, '2026-10-06T15': 1 };
    expect(sparkline(hourly, '2026-10-06T12:40:00Z', '2026-10-06T15:05:00Z')).toBe('▂·█▁');
  });

  test('merges hours into at most `width` bins and keeps the total shape', () => {
    const hourly: Record<string, number> = {};
    for (let h = 0; h < 48; h++) {
      const day = h < 24 ? '06' : '07';
      hourly[`2026-10-${day}T${String(h % 24).padStart(2, '0')}`] = h < 24 ? 1 : 3;
    }
    const line = sparkline(hourly, '2026-10-06T00:00:00Z', '2026-10-07T23:59:00Z', { width: 4 });
    expect(line).toBe('▃▃██');
  });

  test('an incident within one hour is a single full bar', () => {
    expect(sparkline({ '2026-10-06T14': 7 }, '2026-10-06T14:03:00Z', '2026-10-06T14:09:00Z')).toBe(
      '█',
    );
  });
});

describe('formatDuration', () => {
  test.each([
    [45_000, '45s'],
    [25 * MINUTE, '25m'],
    [99 * MINUTE, '1h 39m'],
    [50 * 60 * MINUTE, '2d 2h'],
    [-1, '-'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
