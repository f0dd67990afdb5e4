/**
 * Recurring failures through the local pipeline: the built `invoke-doctor replay` (decode, engine,
 * incident store on dynalite, the sweeper on the events' clock) with its two channels, the terminal
 * as JSON Lines and Slack posting over HTTP to a local receiver. No verification runs here (replay
 * has no AWS account), so a first quiet spell resolves and the comeback reopens the incident.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Incident } from '../../../lambda/core/incidents/incident';
import { eventId, LAMBDA_DENIAL_LINE, LAMBDA_LOG_GROUP } from '../../helpers/lambdaDenial';
import { runCliAsync } from '../../helpers/runCli';
import { type SlackReceiver, slackTexts, startSlackReceiver } from '../../helpers/slackReceiver';

const T0 = Date.parse('2026-03-02T00:00:00.000Z');
const MINUTE = 60_000;

/** Runs at the given minutes after T0, three denials each (a second apart), as DATA_MESSAGEs. */
function logFile(dir: string, runMinutes: readonly number[]): string {
  let n = 0;
  const messages = runMinutes.map((minute) => ({
    messageType: 'DATA_MESSAGE',
    owner: '458036673695',
    logGroup: LAMBDA_LOG_GROUP,
    logStream: '2026/03/02/[$LATEST]0f3c5e4e1b2a4c3d9e8f7a6b5c4d3e2f',
    subscriptionFilters: ['invoke-doctor'],
    logEvents: [0, 1, 2].map((i) => {
      const timestamp = T0 + minute * MINUTE + i * 1000;
      n += 1;
      return { id: eventId(timestamp, n), timestamp, message: LAMBDA_DENIAL_LINE };
    }),
  }));
  const file = join(dir, 'scheduler.json');
  writeFileSync(file, JSON.stringify(messages));
  return file;
}

interface Replayed {
  /** `kind #episode` of each terminal notification, in order. */
  readonly terminal: string[];
  /** Status word of each Slack message, in order. */
  readonly slack: string[];
  readonly incidents: Incident[];
  /** The text of each Slack message. */
  readonly slackTexts: string[];
}

const STATUS_OF: Record<string, string> = {
  opened: 'OPENED',
  update: 'ONGOING',
  recurring: 'RECURRING',
  reminder: 'STILL FAILING',
  fixed: 'FIXED',
  resolved: 'RESOLVED',
};

describe('invoke-doctor replay: recurring failures', () => {
  let receiver: SlackReceiver;
  let cwd: string;

  beforeEach(async () => {
    receiver = await startSlackReceiver();
    cwd = mkdtempSync(join(tmpdir(), 'invoke-doctor-recurring-'));
  });

  afterEach(async () => {
    await receiver.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  async function replay(runMinutes: readonly number[]): Promise<Replayed> {
    const file = logFile(cwd, runMinutes);
    const result = await runCliAsync(
      ['replay', '--json', '--slack-webhook', receiver.url, '--store', 'store', file],
      { cwd },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const notifications = lines.filter((l) => l.type === 'notification') as unknown as {
      kind: string;
      incident: Incident;
    }[];
    const texts = receiver.requests.map((r) => slackTexts(r.body)[0]?.text ?? '');
    expect(receiver.requests.map((r) => r.problems)).toEqual(receiver.requests.map(() => []));
    return {
      terminal: notifications.map((n) => `${n.kind} #${n.incident.episode}`),
      slack: texts.map((t) => Object.values(STATUS_OF).find((s) => t.includes(`${s}:`)) ?? t),
      incidents: lines.filter((l) => l.type === 'incident') as unknown as Incident[],
      slackTexts: receiver.requests.map((r) =>
        slackTexts(r.body)
          .map((t) => t.text)
          .join('\n'),
      ),
    };
  }

  test('hourly for 6 h: one incident of 6 bursts; reopened by the second run, then one alert until it is quiet for 2 h', async () => {
    // Act
    const run = await replay([0, 60, 120, 180, 240, 300]);
    // Assert: the same sequence on both channels
    expect(run.terminal).toEqual(['opened #1', 'resolved #1', 'recurring #1', 'resolved #1']);
    expect(run.slack).toEqual(['OPENED', 'RESOLVED', 'RECURRING', 'RESOLVED']);
    expect(run.incidents).toHaveLength(1);
    const [incident] = run.incidents;
    expect(incident).toMatchObject({ occurrences: 18, status: 'resolved', episode: 1 });
    expect(incident?.recurrence?.bursts).toBe(6);
    expect(incident?.resolution).toMatchObject({ reason: 'quiet', verifiedAt: null });
    // The recurring alert names the rhythm; the last RESOLVED says it was not verified
    expect(run.slackTexts[2]).toContain('fails about every 1h 00m, twice so far');
    expect(run.slackTexts[3]).toMatch(/No failures for 2h 0\dm; not verified/);
    expect(run.slackTexts[3]).toContain('It failed 6 times, about every 1h 00m.');
  });

  test('the summary counts every alert it printed and posted, recurring ones included', async () => {
    // Act: the hourly job, printed for a person this time
    const file = logFile(cwd, [0, 60, 120, 180, 240, 300]);
    const result = await runCliAsync(
      ['replay', '--slack-webhook', receiver.url, '--store', 'store', file],
      { cwd },
    );
    // Assert
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'alerts printed: 1 opened, 0 updates, 1 recurring, 2 resolved.',
    );
    expect(receiver.requests).toHaveLength(4);
    expect(result.stdout).toContain('Slack: 4 alerts posted.');
  });

  test('every 5 min for 2 h (a continuous outage): OPENED, updates every 15 min, RESOLVED', async () => {
    // Act
    const run = await replay(Array.from({ length: 25 }, (_, i) => i * 5));
    // Assert
    const expected = ['opened #1', ...Array(8).fill('update #1'), 'resolved #1'];
    expect(run.terminal).toEqual(expected);
    expect(run.slack).toEqual(['OPENED', ...Array(8).fill('ONGOING'), 'RESOLVED']);
    expect(run.incidents[0]?.recurrence).toBeUndefined();
    expect(run.incidents[0]?.occurrences).toBe(75);
  });

  test('two bursts 3 days apart: two incidents', async () => {
    // Act
    const run = await replay([0, 3 * 24 * 60]);
    // Assert
    expect(run.terminal).toEqual(['opened #1', 'resolved #1', 'opened #2', 'resolved #2']);
    expect(run.slack).toEqual(['OPENED', 'RESOLVED', 'OPENED', 'RESOLVED']);
    expect(run.incidents.map((i) => i.episode)).toEqual([1, 2]);
    expect(run.incidents[1]?.previousIncidentId).toBe(run.incidents[0]?.id);
  });

  test('an hourly job fixed after 3 runs: RESOLVED after the learned quiet period (2 h)', async () => {
    // Act
    const run = await replay([0, 60, 120]);
    // Assert
    expect(run.terminal).toEqual(['opened #1', 'resolved #1', 'recurring #1', 'resolved #1']);
    expect(run.slack).toEqual(['OPENED', 'RESOLVED', 'RECURRING', 'RESOLVED']);
    const [incident] = run.incidents;
    expect(Date.parse(incident?.resolvedAt ?? '') - (T0 + 120 * MINUTE)).toBeGreaterThanOrEqual(
      120 * MINUTE,
    );
    expect(Date.parse(incident?.resolvedAt ?? '') - (T0 + 120 * MINUTE)).toBeLessThanOrEqual(
      122 * MINUTE,
    );
  });

  test('irregular intervals (40, 90, 30, 120 min): one incident; a comeback after a RESOLVED always says so', async () => {
    // Act
    const run = await replay([0, 40, 130, 160, 280]);
    // Assert
    expect(run.terminal).toEqual([
      'opened #1',
      'resolved #1',
      'recurring #1',
      'resolved #1',
      'recurring #1',
      'resolved #1',
    ]);
    expect(run.slack).toEqual([
      'OPENED',
      'RESOLVED',
      'RECURRING',
      'RESOLVED',
      'RECURRING',
      'RESOLVED',
    ]);
    expect(run.incidents).toHaveLength(1);
    expect(run.incidents[0]?.recurrence?.bursts).toBe(5);
  });
});
