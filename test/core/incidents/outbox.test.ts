import { acknowledgeOutbox } from '../../../lambda/core/incidents/acknowledgeOutbox';
import { applyDelivery } from '../../../lambda/core/incidents/applyDelivery';
import { claimOutbox } from '../../../lambda/core/incidents/claimOutbox';
import type { IncidentRecord } from '../../../lambda/core/incidents/IncidentRecord';
import { toIncidentDeliveries } from '../../../lambda/core/incidents/toIncidentDeliveries';
import { toNotification } from '../../../lambda/core/incidents/toNotification';
import { lambdaDenial } from '../../helpers/lambdaDenial';
import { TEST_POLICY } from '../../helpers/testPolicy';

const T0 = Date.parse('2024-05-14T10:00:00.000Z');
const policy = TEST_POLICY;

function opened(): IncidentRecord {
  const decision = applyDelivery({
    latest: null,
    lastEpisode: 0,
    delivery: toIncidentDeliveries([lambdaDenial(T0, 2, 0)], T0)[0]!,
    now: T0,
    channels: ['slack', 'sns'],
    policy,
  });
  if (decision.kind === 'duplicate') throw new Error('unexpected');
  return decision.record;
}

describe('acknowledgeOutbox', () => {
  test('a channel that took the notification is done with it; a failed one keeps it pending', () => {
    // Arrange
    const record = opened();
    const id = record.outbox[0]!.notificationId;
    // Act
    const acked = acknowledgeOutbox(
      record,
      [
        { notificationId: id, channel: 'slack', ok: true },
        { notificationId: id, channel: 'sns', ok: false, error: 'HTTP 500' },
      ],
      record.leaseUntil,
    );
    // Assert
    expect(acked.notified).toEqual({ slack: 1 });
    expect(acked.outbox).toEqual([
      expect.objectContaining({
        pendingChannels: ['sns'],
        attempts: 1,
        lastErrors: { sns: 'HTTP 500' },
      }),
    ]);
    expect(acked.leaseUntil).toBe(0);
    expect(acked.version).toBe(record.version + 1);
  });

  test('when every channel took it the entry leaves the outbox; applying twice changes nothing more', () => {
    // Arrange
    const record = opened();
    const id = record.outbox[0]!.notificationId;
    const results = ['slack', 'sns'].map((channel) => ({ notificationId: id, channel, ok: true }));
    // Act
    const once = acknowledgeOutbox(record, results, record.leaseUntil);
    const twice = acknowledgeOutbox(once, results, record.leaseUntil);
    // Assert
    expect(once.outbox).toEqual([]);
    expect(twice).toEqual({ ...once, version: once.version + 1 });
  });

  test("someone else's lease is not released", () => {
    const record = { ...opened(), leaseUntil: T0 + 999 };
    expect(acknowledgeOutbox(record, [], T0 + 1).leaseUntil).toBe(T0 + 999);
  });
});

describe('claimOutbox', () => {
  test('takes a free or expired lease when something is pending, never a live one', () => {
    // Arrange
    const record = opened();
    // Act + Assert
    expect(claimOutbox(record, T0 + 1, policy)).toBeNull();
    expect(claimOutbox(record, record.leaseUntil, policy)?.record.leaseUntil).toBe(
      record.leaseUntil + policy.leaseMs,
    );
    expect(claimOutbox({ ...record, outbox: [] }, record.leaseUntil + 1, policy)).toBeNull();
  });
});

describe('toNotification', () => {
  test('carries the claimed kind, id and count with the public incident only', () => {
    // Arrange
    const record = opened();
    // Act
    const notification = toNotification(record, record.outbox[0]!);
    // Assert
    expect(notification).toMatchObject({
      kind: 'opened',
      newOccurrences: 2,
      notificationId: `${record.id}:opened:1`,
    });
    expect(Object.keys(notification.incident).sort()).toEqual(
      [
        'diagnosis',
        'episode',
        'fingerprint',
        'firstSeen',
        'hourly',
        'id',
        'lastSeen',
        'occurrences',
        'previousIncidentId',
        'resolvedAt',
        'status',
      ].sort(),
    );
  });
});
