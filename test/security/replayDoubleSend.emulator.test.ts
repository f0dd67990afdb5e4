/**
 * Finding 9: a replay of 12,000 events, run twice, sent one OPENED alert twice. Root cause: an
 * incident remembers at most 256 deliveries (for 6 hours); an outage of 300 one-minute deliveries
 * forgets its first 44, so the second replay found them new, and as the incident was resolved they
 * opened a new episode, with an OPENED alert for an outage already reported. A delivery whose events
 * all predate the end of a resolved episode no longer opens one. Reproduced with the built CLI.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../helpers/fixture';
import { runCli } from '../helpers/runCli';

// A real denial (test/events/iam-sentence/no-identity-policy.log), one every 1.5 s for 5 hours.
const DENIAL = fixture('iam-sentence/no-identity-policy.log').trim();
const T0 = Date.parse('2026-03-01T08:00:00Z');

function opened(stdout: string): number {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type?: string; kind?: string })
    .filter((r) => r.type === 'notification' && r.kind === 'opened').length;
}

describe('replaying the same 12,000 events twice', () => {
  test('the second replay sends no alert and opens no episode', () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'invoke-doctor-replay-twice-'));
    const events = Array.from({ length: 12_000 }, (_, i) => ({
      logStreamName: '2026/03/01/[$LATEST]abc',
      eventId: String(37_000_000_000_000 + i).padStart(56, '0'),
      timestamp: T0 + i * 1500,
      message: DENIAL,
    }));
    const file = join(dir, 'events.json');
    writeFileSync(file, JSON.stringify({ events }));
    const store = join(dir, 'store');
    const args = [
      'replay',
      file,
      '--store',
      store,
      '--log-group',
      '/aws/lambda/hit-counter',
      '--json',
    ];

    // Act
    const first = runCli(args);
    const second = runCli(args);
    const list = runCli(['incidents', '--store', store, '--json']);

    // Assert
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(opened(first.stdout)).toBe(1);
    expect(opened(second.stdout)).toBe(0);
    const incidents = list.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ episode: 1, occurrences: 12_000, status: 'resolved' });
  });
});
