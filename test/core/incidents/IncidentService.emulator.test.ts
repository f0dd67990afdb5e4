import { DynamoDbIncidentRepository } from '../../../lambda/adapters/DynamoDbIncidentRepository';
import { applyDelivery } from '../../../lambda/core/incidents/applyDelivery';
import {
  IncidentService,
  type IncidentServiceOptions,
} from '../../../lambda/core/incidents/IncidentService';
import { toIncidentDeliveries } from '../../../lambda/core/incidents/toIncidentDeliveries';
import type { DeliveryContext } from '../../../lambda/core/ports/DiagnosisSink';
import type { Diagnosis } from '../../../lambda/core/types';
import {
  createIncidentsTable,
  type IncidentsTable,
  type TableBackend,
} from '../../helpers/createIncidentsTable';
import { type FixedClock, fixedClock } from '../../helpers/fixedClock';
import { lambdaDenial } from '../../helpers/lambdaDenial';
import { type RecordingNotifier, recordingNotifier } from '../../helpers/recordingNotifier';
import { TEST_POLICY } from '../../helpers/testPolicy';

const T0 = Date.parse('2024-05-14T10:00:00.000Z');
const MINUTE = 60_000;

/** A Lambda denial delivery whose fingerprint is unique to the test (`name`). */
function denial(name: string, at: number, count: number, firstN: number): Diagnosis {
  return { ...lambdaDenial(at, count, firstN), fingerprint: name };
}

function context(at: number): DeliveryContext {
  return { logGroup: '/aws/lambda/x', owner: '458036673695', receivedAt: at };
}

function kinds(notifier: RecordingNotifier, fingerprint: string): string[] {
  return notifier.sent
    .filter((n) => n.incident.fingerprint === fingerprint)
    .map((n) => `${n.kind}:${n.newOccurrences}`);
}

interface Harness {
  readonly clock: FixedClock;
  readonly slack: RecordingNotifier;
  readonly sns: RecordingNotifier;
  readonly sleeps: number[];
  readonly repository: DynamoDbIncidentRepository;
  service(overrides?: Partial<IncidentServiceOptions>): IncidentService;
}

function harness(table: IncidentsTable): Harness {
  const clock = fixedClock(T0);
  const slack = recordingNotifier('slack');
  const sns = recordingNotifier('sns');
  const sleeps: number[] = [];
  const repository = new DynamoDbIncidentRepository({
    client: table.client,
    tableName: table.tableName,
  });
  return {
    clock,
    slack,
    sns,
    sleeps,
    repository,
    service: (overrides = {}) =>
      new IncidentService({
        repository,
        notifiers: [slack, sns],
        clock,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        random: () => 0.5,
        policy: TEST_POLICY,
        ...overrides,
      }),
  };
}

describe('IncidentService (dynalite)', () => {
  // A fresh in-memory table per test: the sweeper looks at every incident in the table.
  let table: IncidentsTable;
  beforeEach(async () => {
    table = await createIncidentsTable('dynalite', 'service');
  });
  afterEach(async () => {
    await table.close();
  });

  test('a delivery opens one incident on every channel; its redelivery changes and sends nothing', async () => {
    // Arrange
    const h = harness(table);
    const service = h.service();
    const delivery = [denial('svcopen', T0, 40, 0)];
    // Act
    const first = await service.record(delivery, context(T0));
    const again = await service.record(structuredClone(delivery), context(T0 + MINUTE));
    // Assert
    expect(first).toMatchObject([{ outcome: 'opened', added: 40, claimed: 'opened' }]);
    expect(again).toMatchObject([{ outcome: 'duplicate', added: 0, claimed: null, sends: [] }]);
    expect(kinds(h.slack, 'svcopen')).toEqual(['opened:40']);
    expect(kinds(h.sns, 'svcopen')).toEqual(['opened:40']);
    const stored = await h.repository.getIncident('svcopen-1');
    expect(stored).toMatchObject({ occurrences: 40, outbox: [], notified: { slack: 1, sns: 1 } });
  });

  test('lifecycle: updates at most every 15 minutes with the count since the last, resolved once after 10 quiet minutes, then a linked new episode after the hold window', async () => {
    // Arrange
    const h = harness(table);
    const service = h.service();
    // Act: 10 events every 5 minutes from T0 to T0+40 min.
    for (let i = 0; i <= 8; i += 1) {
      const at = T0 + i * 5 * MINUTE;
      h.clock.set(at);
      await service.accept([denial('svclife', at, 10, i * 10)], context(at));
    }
    h.clock.set(T0 + 49 * MINUTE);
    const early = await service.sweep();
    // The last events were at 40 minutes (+ a few ms).
    h.clock.set(T0 + 51 * MINUTE);
    const due = await service.sweep();
    const after = await service.sweep();
    // Beyond the 24-hour hold window: a new outage, not the same one coming back.
    h.clock.set(T0 + 26 * 60 * MINUTE);
    await service.accept(
      [denial('svclife', T0 + 26 * 60 * MINUTE, 2, 1000)],
      context(h.clock.now()),
    );
    // Assert
    expect(early.resolved).toEqual([]);
    expect(due.resolved).toEqual(['svclife-1']);
    expect(after).toEqual({ resolved: [], sends: [], digests: 0, deferred: 0 });
    for (const channel of [h.slack, h.sns]) {
      expect(kinds(channel, 'svclife')).toEqual([
        'opened:10',
        'update:30', // at 15 min: the deliveries at 5, 10 and 15 minutes
        'update:30', // at 30 min: 20, 25 and 30
        'resolved:20', // 35 and 40; nothing came at 45, so no update was due
        'opened:2',
      ]);
    }
    const second = await h.repository.getIncident('svclife-2');
    expect(second).toMatchObject({ previousIncidentId: 'svclife-1', occurrences: 2 });
    expect((await h.repository.getIncident('svclife-1'))?.occurrences).toBe(90);
  });
  test('a failing channel is retried with backoff and delivered once it recovers', async () => {
    // Arrange
    const h = harness(table);
    h.slack.failNext = 2;
    // Act
    const [result] = await h.service().record([denial('svcretry', T0, 3, 0)], context(T0));
    // Assert
    expect(h.slack.calls).toBe(3);
    expect(h.sleeps).toEqual([150, 300]); // equal jitter around 200 ms, then 400 ms
    expect(kinds(h.slack, 'svcretry')).toEqual(['opened:3']);
    expect(result?.sends.map((s) => [s.channel, s.ok])).toEqual([
      ['slack', true],
      ['sns', true],
    ]);
    expect(await h.repository.listPendingNotifications()).toEqual([]);
  });

  test('a channel that still fails keeps the notification pending; the sweeper delivers it exactly once', async () => {
    // Arrange
    const h = harness(table);
    const service = h.service();
    h.slack.down = true;
    // Act
    await service.record([denial('svcpending', T0, 3, 0)], context(T0));
    const pending = await h.repository.listPendingNotifications();
    h.clock.advance(MINUTE);
    const stillDown = await service.sweep();
    h.slack.down = false;
    h.clock.advance(MINUTE);
    const recovered = await service.sweep();
    const idle = await service.sweep();
    // Assert
    expect(pending).toEqual([
      expect.objectContaining({
        notificationId: 'svcpending-1:opened:1',
        channels: ['slack'],
        attempts: 1,
        lastErrors: { slack: 'NotificationError: slack: HTTP 500 Internal Server Error' },
      }),
    ]);
    expect(stillDown.sends).toEqual([expect.objectContaining({ channel: 'slack', ok: false })]);
    expect(recovered.sends).toEqual([
      { notificationId: 'svcpending-1:opened:1', channel: 'slack', ok: true },
    ]);
    expect(idle.sends).toEqual([]);
    expect(kinds(h.slack, 'svcpending')).toEqual(['opened:3']);
    expect(kinds(h.sns, 'svcpending')).toEqual(['opened:3']);
    expect(h.slack.calls).toBe(3 + 3 + 1);
    expect(await h.repository.listPendingNotifications()).toEqual([]);
  });

  test('a channel that was down gets its notifications in order once it is back', async () => {
    // Arrange: slack misses `opened`, then an `update` falls due while it is still down.
    const h = harness(table);
    const service = h.service();
    h.slack.down = true;
    await service.record([denial('svcorder', T0, 5, 0)], context(T0));
    h.clock.set(T0 + 16 * MINUTE);
    // Failures of the same burst (9 minutes in), delivered when the update is due.
    await service.record([denial('svcorder', T0 + 9 * MINUTE, 4, 100)], context(T0 + 16 * MINUTE));
    const queued = (await h.repository.listPendingNotifications()).map((p) => p.notificationId);
    // Act
    h.slack.down = false;
    h.clock.advance(MINUTE);
    await service.sweep();
    // Assert
    expect(queued).toEqual(['svcorder-1:opened:1', 'svcorder-1:update:2']);
    expect(kinds(h.slack, 'svcorder')).toEqual(['opened:5', 'update:4']);
    expect(kinds(h.sns, 'svcorder')).toEqual(['opened:5', 'update:4']);
  });

  test('a channel that refuses for good (a 4xx, a deleted topic) is not retried: the notification is given up for it', async () => {
    // Arrange
    const h = harness(table);
    h.slack.down = true;
    h.slack.retryable = false;
    // Act
    const [recorded] = await h.service().record([denial('svcfatal', T0, 1, 0)], context(T0));
    const sweep = await h.service().sweep();
    // Assert: one call, no in-line retry, nothing left pending for the sweeper to retry forever
    expect(h.slack.calls).toBe(1);
    expect(h.sleeps).toEqual([]);
    expect(recorded?.sends.find((s) => s.channel === 'slack')).toMatchObject({
      ok: true,
      status: 'abandoned',
    });
    expect(await h.repository.listPendingNotifications()).toEqual([]);
    expect(sweep.sends).toEqual([]);
    expect(kinds(h.sns, 'svcfatal')).toEqual(['opened:1']);
  });

  test('an invocation that died after claiming loses nothing: the sweeper sends once the lease expires', async () => {
    // Arrange: what a crashed invocation leaves behind (claim written, nothing sent).
    const h = harness(table);
    const delivery = toIncidentDeliveries([denial('svccrash', T0, 6, 0)], T0)[0]!;
    const policy = TEST_POLICY;
    const decision = applyDelivery({
      latest: null,
      lastEpisode: 0,
      delivery,
      now: T0,
      channels: ['slack', 'sns'],
      policy,
    });
    if (decision.kind === 'duplicate') throw new Error('unexpected');
    await h.repository.create(decision.record);
    const service = h.service();
    // Act
    h.clock.set(T0 + 2 * MINUTE);
    const leased = await service.sweep();
    h.clock.set(T0 + policy.leaseMs);
    const expired = await service.sweep();
    // Assert
    expect(leased.sends).toEqual([]);
    expect(expired.sends.map((s) => s.channel).sort()).toEqual(['slack', 'sns']);
    expect(kinds(h.slack, 'svccrash')).toEqual(['opened:6']);
    expect(kinds(h.sns, 'svccrash')).toEqual(['opened:6']);
  });

  test('one conditional write per fingerprint per delivery, whatever the number of events', async () => {
    // Arrange
    const h = harness(table);
    const service = h.service({ notifiers: [] });
    await service.record(
      [denial('svcwritesa', T0, 1, 0), denial('svcwritesb', T0, 1, 0)],
      context(T0),
    );
    table.resetCounts();
    // Act
    await service.record(
      [denial('svcwritesa', T0 + 1, 500, 10), denial('svcwritesb', T0 + 1, 5, 10)],
      context(T0 + 1),
    );
    // Assert
    expect(table.writes()).toBe(2);
    expect(table.calls).toEqual({ Query: 2, PutItem: 2 });
  });
});

describe.each<TableBackend>(['moto', 'dynalite'])(
  'IncidentService concurrency on %s',
  (backend) => {
    let table: IncidentsTable;
    beforeEach(async () => {
      table = await createIncidentsTable(backend, 'concurrency');
    });
    afterEach(async () => {
      await table.close();
    });

    test('the same delivery processed by two instances at once: one `opened`, counted once', async () => {
      // Arrange
      const h = harness(table);
      const a = h.service();
      const b = h.service();
      const delivery = [denial('concsame', T0, 25, 0)];
      // Act
      const results = await Promise.all([
        a.record(delivery, context(T0)),
        b.record(structuredClone(delivery), context(T0)),
      ]);
      // Assert
      expect(
        results
          .flat()
          .map((r) => r.outcome)
          .sort(),
      ).toEqual(['duplicate', 'opened']);
      expect(kinds(h.slack, 'concsame')).toEqual(['opened:25']);
      expect(kinds(h.sns, 'concsame')).toEqual(['opened:25']);
      expect((await h.repository.getIncident('concsame-1'))?.occurrences).toBe(25);
    });

    test('different deliveries racing on one incident (with redeliveries) are all counted exactly', async () => {
      // Arrange: 8 deliveries of 10 events, each delivered twice, spread over three instances that
      // back off for real (a few ms) between conflicting attempts, as deployed.
      const h = harness(table);
      const realBackoff = {
        sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
        random: Math.random,
      };
      const services = [h.service(realBackoff), h.service(realBackoff), h.service(realBackoff)];
      const deliveries = Array.from({ length: 8 }, (_, i) => [
        denial('concmany', T0 + i, 10, i * 10),
      ]);
      const work = [...deliveries, ...deliveries].map((d, i) =>
        services[i % 3]!.record(structuredClone(d), context(T0)),
      );
      // Act
      const results = (await Promise.all(work)).flat();
      // Assert
      const outcomes = results.map((r) => r.outcome);
      expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(8);
      expect(outcomes.filter((o) => o === 'opened')).toHaveLength(1);
      expect((await h.repository.getIncident('concmany-1'))?.occurrences).toBe(80);
      expect(kinds(h.slack, 'concmany')).toEqual(['opened:10']);
      expect(kinds(h.sns, 'concmany')).toEqual(['opened:10']);
    });
  },
);
