import { applyDelivery } from '../../../lambda/core/incidents/applyDelivery';
import type { IncidentRecord } from '../../../lambda/core/incidents/IncidentRecord';
import { incidentPolicy } from '../../../lambda/core/incidents/incidentPolicy';
import { resolveQuietIncident } from '../../../lambda/core/incidents/resolveQuietIncident';
import { toIncidentDeliveries } from '../../../lambda/core/incidents/toIncidentDeliveries';
import { lambdaDenial } from '../../helpers/lambdaDenial';

const T0 = Date.parse('2024-05-14T10:00:00.000Z');
const MINUTE = 60_000;
// The mechanism under test, with its own timings: independent of the shipped defaults.
const policy = incidentPolicy({ quietPeriodMs: 10 * MINUTE, resolvedTtlDays: 90 });

function openIncident(now = T0): IncidentRecord {
  const decision = applyDelivery({
    latest: null,
    lastEpisode: 0,
    delivery: toIncidentDeliveries([lambdaDenial(T0, 1, 0)], T0)[0]!,
    now,
    channels: ['slack'],
    policy,
  });
  if (decision.kind === 'duplicate') throw new Error('unexpected');
  // As after a successful send: the outbox is empty again.
  return { ...decision.record, outbox: [], leaseUntil: 0 };
}

describe('resolveQuietIncident', () => {
  test('stays open before the quiet period has passed', () => {
    expect(resolveQuietIncident(openIncident(), T0 + 9 * MINUTE, ['slack'], policy)).toBeNull();
  });

  test('resolves after the quiet period, claims `resolved` and sets the TTL', () => {
    // Act
    const transition = resolveQuietIncident(openIncident(), T0 + 10 * MINUTE, ['slack'], policy);
    // Assert
    expect(transition?.leased).toBe(true);
    expect(transition?.record).toMatchObject({
      status: 'resolved',
      resolvedAt: '2024-05-14T10:10:00.000Z',
      expiresAt: (T0 + 10 * MINUTE) / 1000 + 90 * 86_400,
      version: 2,
      notifySeq: 2,
    });
    expect(transition?.claimed).toMatchObject({ kind: 'resolved', seq: 2, newOccurrences: 0 });
  });

  test('quiet counts from when events were last recorded, so late-delivered old events keep it open', () => {
    // Arrange: the events are from T0 but were only recorded at T0 + 8 min.
    const record = openIncident(T0 + 8 * MINUTE);
    // Act + Assert
    expect(resolveQuietIncident(record, T0 + 12 * MINUTE, ['slack'], policy)).toBeNull();
    expect(resolveQuietIncident(record, T0 + 18 * MINUTE, ['slack'], policy)).not.toBeNull();
  });

  test('a resolved incident is not resolved again', () => {
    const resolved = resolveQuietIncident(openIncident(), T0 + 10 * MINUTE, [], policy)!.record;
    expect(resolveQuietIncident(resolved, T0 + 60 * MINUTE, [], policy)).toBeNull();
  });
});
