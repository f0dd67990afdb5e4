import { applyDelivery, type DeliveryDecision } from '../../../lambda/core/incidents/applyDelivery';
import type { IncidentRecord } from '../../../lambda/core/incidents/IncidentRecord';
import { resolveQuietIncident } from '../../../lambda/core/incidents/resolveQuietIncident';
import {
  type IncidentDelivery,
  toIncidentDeliveries,
} from '../../../lambda/core/incidents/toIncidentDeliveries';
import { lambdaDenial } from '../../helpers/lambdaDenial';
import { TEST_POLICY } from '../../helpers/testPolicy';

const T0 = Date.parse('2024-05-14T10:00:00.000Z');
const MINUTE = 60_000;
const policy = TEST_POLICY;
const CHANNELS = ['slack', 'sns'];

/** What a delivery of `count` events at `at` (ids from `firstN`) contributes. */
function delivery(at: number, count: number, firstN: number): IncidentDelivery {
  return toIncidentDeliveries([lambdaDenial(at, count, firstN)], at)[0]!;
}

function written(decision: DeliveryDecision): IncidentRecord {
  if (decision.kind === 'duplicate') throw new Error('expected a write');
  return decision.record;
}

function open(at = T0, count = 5): IncidentRecord {
  return written(
    applyDelivery({
      latest: null,
      lastEpisode: 0,
      delivery: delivery(at, count, 0),
      now: at,
      channels: CHANNELS,
      policy,
    }),
  );
}

describe('applyDelivery', () => {
  test('the first delivery opens episode 1 and claims one `opened` for every channel', () => {
    // Act
    const decision = applyDelivery({
      latest: null,
      lastEpisode: 0,
      delivery: delivery(T0, 5, 0),
      now: T0 + 2_000,
      channels: CHANNELS,
      policy,
    });
    // Assert
    expect(decision.kind).toBe('opened');
    if (decision.kind !== 'opened') return;
    const { record, claimed } = decision;
    expect(record).toMatchObject({
      episode: 1,
      previousIncidentId: null,
      status: 'open',
      occurrences: 5,
      firstSeen: '2024-05-14T10:00:00.000Z',
      lastSeen: '2024-05-14T10:00:00.004Z',
      hourly: { '2024-05-14T10': 5 },
      version: 1,
      notifySeq: 1,
      lastNotifiedOccurrences: 5,
    });
    expect(record.id).toBe(`${record.fingerprint}-1`);
    expect(claimed).toMatchObject({ kind: 'opened', seq: 1, newOccurrences: 5 });
    expect(claimed?.notificationId).toBe(`${record.id}:opened:1`);
    expect(record.outbox).toEqual([claimed]);
    expect(claimed?.pendingChannels).toEqual(CHANNELS);
    expect(decision.leased).toBe(true);
    expect(record.leaseUntil).toBe(T0 + 2_000 + policy.leaseMs);
  });

  test('a redelivered batch (same event ids, any order) changes nothing', () => {
    // Arrange
    const latest = open();
    const again = toIncidentDeliveries([reversed(lambdaDenial(T0, 5, 0))], T0)[0]!;
    // Act
    const decision = applyDelivery({
      latest,
      lastEpisode: 1,
      delivery: again,
      now: T0 + MINUTE,
      channels: CHANNELS,
      policy,
    });
    // Assert
    expect(decision).toEqual({ kind: 'duplicate', record: latest });
  });

  test('a new batch within the update interval adds its events and claims nothing', () => {
    // Act
    const decision = applyDelivery({
      latest: open(),
      lastEpisode: 1,
      delivery: delivery(T0 + 5 * MINUTE, 7, 100),
      now: T0 + 5 * MINUTE,
      channels: CHANNELS,
      policy,
    });
    // Assert
    expect(decision).toMatchObject({ kind: 'recorded', claimed: null, leased: false });
    expect(written(decision)).toMatchObject({
      occurrences: 12,
      version: 2,
      notifySeq: 1,
      lastSeen: new Date(T0 + 5 * MINUTE + 6).toISOString(),
      lastActivityAt: T0 + 5 * MINUTE,
    });
  });

  test('a batch once the update interval has passed claims an `update` with the count since the last one', () => {
    // Arrange
    const afterFirst = written(
      applyDelivery({
        latest: open(),
        lastEpisode: 1,
        delivery: delivery(T0 + 5 * MINUTE, 7, 100),
        now: T0 + 5 * MINUTE,
        channels: CHANNELS,
        policy,
      }),
    );
    // Act
    const decision = applyDelivery({
      latest: { ...afterFirst, outbox: [], leaseUntil: 0 },
      lastEpisode: 1,
      delivery: delivery(T0 + 15 * MINUTE, 3, 200),
      now: T0 + 15 * MINUTE,
      channels: CHANNELS,
      policy,
    });
    // Assert
    expect(decision.kind).toBe('recorded');
    expect(decision.kind !== 'duplicate' && decision.claimed).toMatchObject({
      kind: 'update',
      seq: 2,
      newOccurrences: 10,
    });
    expect(written(decision)).toMatchObject({ lastNotifiedOccurrences: 15, notifySeq: 2 });
  });

  test('an older batch arriving late widens firstSeen but keeps the newer lastSeen and diagnosis', () => {
    // Arrange
    const latest = open(T0 + 10 * MINUTE);
    // Act
    const record = written(
      applyDelivery({
        latest,
        lastEpisode: 1,
        delivery: delivery(T0, 2, 500),
        now: T0 + 11 * MINUTE,
        channels: CHANNELS,
        policy,
      }),
    );
    // Assert
    expect(record.firstSeen).toBe(new Date(T0).toISOString());
    expect(record.lastSeen).toBe(latest.lastSeen);
    expect(record.diagnosis).toBe(latest.diagnosis);
    expect(record.hourly).toEqual({ '2024-05-14T10': 7 });
  });

  test('after resolution a batch beyond the hold window opens the next episode, linked to the previous one', () => {
    // Arrange
    const resolved = resolveQuietIncident(open(), T0 + 30 * MINUTE, CHANNELS, policy)!.record;
    const later = T0 + 25 * 60 * MINUTE;
    // Act
    const decision = applyDelivery({
      latest: resolved,
      lastEpisode: 1,
      delivery: delivery(later, 4, 900),
      now: later,
      channels: CHANNELS,
      policy,
    });
    // Assert
    expect(decision.kind).toBe('opened');
    expect(written(decision)).toMatchObject({
      id: `${resolved.fingerprint}-2`,
      episode: 2,
      previousIncidentId: resolved.id,
      occurrences: 4,
      status: 'open',
      outbox: [{ kind: 'opened', seq: 1, newOccurrences: 4 }],
    });
  });

  test('a late redelivery of the previous episode is still recognised after resolution', () => {
    // Arrange
    const resolved = resolveQuietIncident(open(), T0 + 30 * MINUTE, CHANNELS, policy)!.record;
    // Act
    const decision = applyDelivery({
      latest: resolved,
      lastEpisode: 1,
      delivery: delivery(T0, 5, 0),
      now: T0 + 40 * MINUTE,
      channels: CHANNELS,
      policy,
    });
    // Assert
    expect(decision.kind).toBe('duplicate');
  });

  test('episode numbers continue from the remembered one when older episodes expired', () => {
    // Act
    const record = written(
      applyDelivery({
        latest: null,
        lastEpisode: 7,
        delivery: delivery(T0, 1, 0),
        now: T0,
        channels: CHANNELS,
        policy,
      }),
    );
    // Assert
    expect(record.episode).toBe(8);
    expect(record.previousIncidentId).toBe(`${record.fingerprint}-7`);
  });

  test('a claim while another invocation holds the outbox lease is queued, not sent', () => {
    // Arrange
    const held = { ...open(), leaseUntil: T0 + 16 * MINUTE };
    // Act: a failure of the same burst, delivered when the update is due
    const decision = applyDelivery({
      latest: held,
      lastEpisode: 1,
      delivery: delivery(T0 + 5 * MINUTE, 1, 300),
      now: T0 + 15 * MINUTE,
      channels: CHANNELS,
      policy,
    });
    // Assert
    expect(decision).toMatchObject({ kind: 'recorded', leased: false });
    expect(written(decision).outbox.map((e) => e.kind)).toEqual(['opened', 'update']);
    expect(written(decision).leaseUntil).toBe(T0 + 16 * MINUTE);
  });

  test('without channels a notification is still claimed (state advances) but nothing is queued', () => {
    // Act
    const decision = applyDelivery({
      latest: null,
      lastEpisode: 0,
      delivery: delivery(T0, 1, 0),
      now: T0,
      channels: [],
      policy,
    });
    // Assert
    expect(decision).toMatchObject({ kind: 'opened', leased: false, claimed: { kind: 'opened' } });
    expect(written(decision)).toMatchObject({ outbox: [], notifySeq: 1, leaseUntil: 0 });
  });

  test('delivery keys are forgotten past the dedup window and beyond the cap, newest kept', () => {
    // Arrange
    const small = { ...TEST_POLICY, maxRememberedDeliveries: 3, dedupWindowMs: 60 * MINUTE };
    let record = open();
    // Act
    for (let i = 1; i <= 4; i += 1) {
      record = written(
        applyDelivery({
          latest: record,
          lastEpisode: 1,
          delivery: delivery(T0 + i * MINUTE, 1, 1000 + i),
          now: T0 + i * MINUTE,
          channels: CHANNELS,
          policy: small,
        }),
      );
    }
    const late = written(
      applyDelivery({
        latest: record,
        lastEpisode: 1,
        delivery: delivery(T0 + 200 * MINUTE, 1, 2000),
        now: T0 + 200 * MINUTE,
        channels: CHANNELS,
        policy: small,
      }),
    );
    // Assert
    expect(Object.values(record.deliveries).sort()).toEqual([
      T0 + 2 * MINUTE,
      T0 + 3 * MINUTE,
      T0 + 4 * MINUTE,
    ]);
    expect(Object.values(late.deliveries)).toEqual([T0 + 200 * MINUTE]);
  });

  test("an organisation's incident keeps its account through updates", () => {
    // Arrange
    const inAccount = (at: number, firstN: number) =>
      toIncidentDeliveries([lambdaDenial(at, 2, firstN)], at, '111111111111')[0]!;
    const opened = written(
      applyDelivery({
        latest: null,
        lastEpisode: 0,
        delivery: inAccount(T0, 0),
        now: T0,
        channels: CHANNELS,
        policy,
      }),
    );
    // Act
    const updated = written(
      applyDelivery({
        latest: opened,
        lastEpisode: 1,
        delivery: inAccount(T0 + MINUTE, 10),
        now: T0 + MINUTE,
        channels: CHANNELS,
        policy,
      }),
    );
    // Assert
    expect(opened).toMatchObject({ account: '111111111111', episode: 1 });
    expect(opened.id.startsWith(opened.fingerprint)).toBe(true);
    expect(updated).toMatchObject({ account: '111111111111', occurrences: 4, id: opened.id });
    expect(open()).not.toHaveProperty('account');
  });
});

function reversed<T extends { eventIds: readonly string[] }>(d: T): T {
  return { ...d, eventIds: [...d.eventIds].reverse() };
}
