/**
 * Recurring failures through the pure lifecycle, minute by minute, as the deployed pair runs it:
 * each delivery recorded when its failures happen (a new incident verified before its OPENED
 * alert when a verifier is given), and every minute the sweeper's work (re-check the open
 * incident when due, then resolve it if it is fixed or gone). Every claimed alert is queued for
 * both channels; the timelines assert their exact sequence.
 */
import { applyDelivery } from '../../../lambda/core/incidents/applyDelivery';
import { applyVerification } from '../../../lambda/core/incidents/applyVerification';
import type { Transition } from '../../../lambda/core/incidents/claimNotification';
import { dueForReverify } from '../../../lambda/core/incidents/dueForReverify';
import type { IncidentRecord } from '../../../lambda/core/incidents/IncidentRecord';
import type { NotificationKind } from '../../../lambda/core/incidents/incident';
import { quietPeriodFor } from '../../../lambda/core/incidents/recurrence';
import { resolveQuietIncident } from '../../../lambda/core/incidents/resolveQuietIncident';
import { toIncidentDeliveries } from '../../../lambda/core/incidents/toIncidentDeliveries';
import type { Verification } from '../../../lambda/core/types';
import { lambdaDenial } from '../../helpers/lambdaDenial';
import { TEST_POLICY } from '../../helpers/testPolicy';

const T0 = Date.parse('2026-03-02T00:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const CHANNELS = ['slack', 'sns'];
const policy = { ...TEST_POLICY, reverifyIntervalMs: 5 * MINUTE, fixedQuietMs: 2 * MINUTE };

/** What the live account answers at a time: still denied, or allowed since a fix. */
type Live = (at: number) => 'confirmed' | 'fixed';

interface Alert {
  /** Minutes after T0. */
  readonly minute: number;
  readonly kind: NotificationKind;
  readonly episode: number;
  readonly channels: readonly string[];
}

interface Run {
  readonly alerts: Alert[];
  /** Every episode, by id, as last written. */
  readonly incidents: Map<string, IncidentRecord>;
}

function verdict(status: 'confirmed' | 'fixed', at: number): Verification {
  return {
    status,
    rootCause: status === 'confirmed' ? 'identity-policy-missing' : 'unknown',
    checkedAt: new Date(at).toISOString(),
    evidence: [],
    statement: null,
    change: null,
    reason: `verdict ${status}`,
    candidates: [],
  };
}

/**
 * Runs failures at the given minutes (recorded 10 s later; the first sweep after a quiet period
 * is the next whole minute) (3 per run, one second apart) until `endMinute`, sweeping
 * every minute; `live` answers each check when verification is on.
 */
function simulate(runMinutes: readonly number[], endMinute: number, live?: Live): Run {
  const alerts: Alert[] = [];
  const incidents = new Map<string, IncidentRecord>();
  let latest: IncidentRecord | null = null;
  let lastEpisode = 0;
  let n = 0;
  const write = (t: Transition, at: number) => {
    // The service sends a claimed alert at once; the outbox and lease are its business.
    const record: IncidentRecord = { ...t.record, outbox: [], leaseUntil: 0 };
    if (t.claimed) {
      alerts.push({
        minute: Math.floor((at - T0) / MINUTE),
        kind: t.claimed.kind,
        episode: record.episode,
        channels: t.claimed.pendingChannels,
      });
    }
    latest = record;
    lastEpisode = Math.max(lastEpisode, record.episode);
    incidents.set(record.id, record);
  };
  const runs = new Set(runMinutes);
  for (let minute = 0; minute <= endMinute; minute += 1) {
    const at = T0 + minute * MINUTE;
    if (runs.has(minute)) {
      const events = [0, 1, 2].map((i) => lambdaDenial(at + i * 1000, 1, n + i));
      n += events.length;
      const [delivery] = toIncidentDeliveries(events, at + 5_000);
      const now = at + 10_000;
      const decision = applyDelivery({
        latest,
        lastEpisode,
        delivery: delivery!,
        now,
        channels: CHANNELS,
        policy,
      });
      if (decision.kind !== 'duplicate') {
        let t: Transition = decision;
        // A new incident is verified before its OPENED alert is sent.
        if (decision.kind === 'opened' && live) {
          const diagnosis = { ...decision.record.diagnosis, verification: verdict(live(now), now) };
          t = { ...decision, record: { ...decision.record, diagnosis } };
        }
        write(t, now);
      }
    }
    // The sweeper, every minute.
    const open: IncidentRecord | null = latest;
    if (open === null || (open as IncidentRecord).status !== 'open') continue;
    let current: IncidentRecord = open;
    if (live && dueForReverify(current, at, policy)) {
      const verified = { ...current.diagnosis, verification: verdict(live(at), at) };
      const t = applyVerification(current, verified, at, CHANNELS, policy);
      if (t) {
        write(t, at);
        current = latest as unknown as IncidentRecord;
      }
    }
    const resolved = resolveQuietIncident(current, at, CHANNELS, policy);
    if (resolved) write(resolved, at);
  }
  return { alerts, incidents };
}

const hourly = (count: number, from = 0) => Array.from({ length: count }, (_, i) => from + i * 60);
const kinds = (run: Run) => run.alerts.map((a) => `${a.minute} ${a.kind} #${a.episode}`);

describe('recurring failures as one incident (pure lifecycle, sweeps every minute)', () => {
  test('hourly for 6 h, verification on: one OPENED and one recurring alert on each channel, one incident of 6 bursts', () => {
    // Act: the request stays denied; watch the six hours and the day after
    const run = simulate(hourly(6), 36 * 60, () => 'confirmed');
    // Assert
    const firstSixHours = run.alerts.filter((a) => a.minute < 6 * 60);
    expect(firstSixHours.map((a) => `${a.minute} ${a.kind}`)).toEqual([
      '0 opened',
      '120 recurring',
    ]);
    for (const a of run.alerts) expect(a.channels).toEqual(CHANNELS);
    expect(run.incidents.size).toBe(1);
    const [incident] = [...run.incidents.values()];
    expect(incident).toMatchObject({ occurrences: 18, episode: 1 });
    expect(incident?.recurrence?.bursts).toBe(6);
    // Still denied when the runs stopped: held open for the 24 h hold window, then resolved as
    // gone but not fixed.
    expect(kinds(run)).toEqual([
      '0 opened #1',
      '120 recurring #1',
      `${300 + 24 * 60 + 1} resolved #1`,
    ]);
    expect(incident?.resolution).toMatchObject({
      reason: 'hold-expired',
      quietForMs: DAY + 50_000,
    });
  });

  test('hourly for 6 h, no verification: reopened, not re-opened; resolved after twice the interval', () => {
    // Act
    const run = simulate(hourly(6), 12 * 60);
    // Assert: the first quiet resolves (nothing known yet), the second run reopens the same
    // incident with its recurring alert, and from then on nothing until it is quiet for 2 h.
    expect(kinds(run)).toEqual([
      '0 opened #1',
      '11 resolved #1',
      '60 recurring #1',
      '421 resolved #1',
    ]);
    expect(run.incidents.size).toBe(1);
    const [incident] = [...run.incidents.values()];
    expect(incident).toMatchObject({ occurrences: 18, status: 'resolved' });
    expect(incident?.recurrence?.bursts).toBe(6);
    expect(incident?.resolution).toEqual({
      reason: 'quiet',
      quietForMs: 2 * HOUR + 50_000,
      verifiedAt: null,
    });
  });

  test('every 5 min for 2 h (a continuous outage): updates every 15 min and one resolution, as before', () => {
    // Act
    const runs = Array.from({ length: 25 }, (_, i) => i * 5);
    const run = simulate(runs, 3 * 60);
    // Assert
    expect(kinds(run)).toEqual([
      '0 opened #1',
      ...[15, 30, 45, 60, 75, 90, 105, 120].map((m) => `${m} update #1`),
      '131 resolved #1',
    ]);
    const [incident] = [...run.incidents.values()];
    expect(incident?.recurrence).toBeUndefined();
    expect(incident).toMatchObject({ occurrences: 75 });
    expect(incident?.resolution?.reason).toBe('quiet');
  });

  test('two bursts 3 days apart: two incidents, each opened and resolved', () => {
    // Act
    const run = simulate([0, 3 * 24 * 60], 3 * 24 * 60 + 60);
    // Assert
    expect(kinds(run)).toEqual([
      '0 opened #1',
      '11 resolved #1',
      `${3 * 24 * 60} opened #2`,
      `${3 * 24 * 60 + 11} resolved #2`,
    ]);
    const second = [...run.incidents.values()].find((r) => r.episode === 2);
    expect(second?.previousIncidentId).toBe([...run.incidents.keys()][0]);
    expect(second?.recurrence).toBeUndefined();
  });

  test('an hourly job fixed after 3 runs, verification on: FIXED, then RESOLVED as verified fixed', () => {
    // Act: the grant is added at 2 h 30 m
    const fixedAt = T0 + 150 * MINUTE;
    const run = simulate(hourly(3), 6 * 60, (at) => (at >= fixedAt ? 'fixed' : 'confirmed'));
    // Assert
    const sequence = run.alerts.map((a) => a.kind);
    expect(sequence).toEqual(['opened', 'recurring', 'fixed', 'resolved']);
    const fixed = run.alerts[2]!;
    const resolved = run.alerts[3]!;
    // Re-checked at most every quarter of the quiet time (here ~8 min) while quiet after 2 h
    expect(fixed.minute).toBeGreaterThanOrEqual(150);
    expect(fixed.minute).toBeLessThanOrEqual(160);
    expect(resolved.minute).toBe(fixed.minute + 2);
    const [incident] = [...run.incidents.values()];
    expect(incident?.resolution).toMatchObject({
      reason: 'verified-fixed',
      verifiedAt: new Date(T0 + fixed.minute * MINUTE).toISOString(),
    });
  });

  test('an hourly job fixed after 3 runs, no verification: RESOLVED after the learned quiet period', () => {
    // Act
    const run = simulate(hourly(3), 8 * 60);
    // Assert: quiet 2 h after the third run (twice the hourly interval)
    expect(kinds(run)).toEqual([
      '0 opened #1',
      '11 resolved #1',
      '60 recurring #1',
      '241 resolved #1',
    ]);
    const [incident] = [...run.incidents.values()];
    expect(incident?.resolution?.reason).toBe('quiet');
  });

  test('irregular intervals: the quiet period follows the longest interval seen; each comeback after a RESOLVED says so', () => {
    // Act: gaps of 40, 90, 30 and 120 minutes
    const run = simulate([0, 40, 130, 160, 280], 12 * 60);
    // Assert
    expect(kinds(run)).toEqual([
      '0 opened #1',
      '11 resolved #1',
      '40 recurring #1',
      // quiet 80 min (twice 40) after the second run
      '121 resolved #1',
      '130 recurring #1',
      // the longest interval is then 120: quiet 240 min after the last run
      '521 resolved #1',
    ]);
    expect(run.incidents.size).toBe(1);
    const [incident] = [...run.incidents.values()];
    expect(incident?.recurrence?.bursts).toBe(5);
    expect(quietPeriodFor(incident!, policy)).toBe(240 * MINUTE);
  });

  test('a job that keeps failing hourly for days: one reminder a day, and a bounded history', () => {
    // Act: hourly for 3 days, always denied
    const run = simulate(hourly(72), 72 * 60, () => 'confirmed');
    // Assert
    expect(run.alerts.map((a) => `${a.minute} ${a.kind}`)).toEqual([
      '0 opened',
      '120 recurring',
      // the first run at least 24 h after the previous alert
      `${120 + 24 * 60} reminder`,
      `${120 + 48 * 60} reminder`,
    ]);
    const [incident] = [...run.incidents.values()];
    expect(incident?.recurrence?.bursts).toBe(72);
    expect(incident?.recurrence?.starts).toHaveLength(policy.maxBurstStarts);
    expect(incident?.occurrences).toBe(216);
  });
});
