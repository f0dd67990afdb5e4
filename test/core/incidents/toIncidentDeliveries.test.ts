import { contentKey, deliveryKey } from '../../../lambda/core/incidents/deliveryKey';
import { toIncidentDeliveries } from '../../../lambda/core/incidents/toIncidentDeliveries';
import type { Diagnosis } from '../../../lambda/core/types';
import { lambdaDenial } from '../../helpers/lambdaDenial';

const T0 = Date.parse('2024-05-14T10:00:00.000Z');

describe('deliveryKey', () => {
  test('depends on the set of event ids only: order and repeats do not matter', () => {
    expect(deliveryKey(['b', 'a', 'c', 'a'])).toBe(deliveryKey(['c', 'b', 'a']));
    expect(deliveryKey(['a', 'b'])).not.toBe(deliveryKey(['a', 'b', 'c']));
    expect(deliveryKey(['a', 'b'])).not.toBe(contentKey(['a', 'b']));
  });
});

describe('toIncidentDeliveries', () => {
  test('one contribution per fingerprint, counting distinct event ids across its diagnoses', () => {
    // Arrange: two batches of the same outage in one delivery, overlapping by one event.
    const first = lambdaDenial(T0, 3, 0);
    const second = lambdaDenial(T0 + 2, 4, 2);
    // Act
    const deliveries = toIncidentDeliveries([first, second], T0 + 60_000);
    // Assert
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      fingerprint: first.fingerprint,
      count: 6,
      firstSeenMs: T0,
      lastSeenMs: T0 + 5,
      key: deliveryKey([...first.eventIds, ...second.eventIds]),
    });
    expect(deliveries[0]?.diagnosis).not.toHaveProperty('eventIds');
    expect(deliveries[0]?.diagnosis).not.toHaveProperty('requestIds');
  });

  test('different fingerprints stay apart', () => {
    // Arrange
    const a = lambdaDenial(T0, 2, 0);
    const b: Diagnosis = { ...lambdaDenial(T0, 1, 10), fingerprint: 'f'.repeat(32) };
    // Act
    const deliveries = toIncidentDeliveries([a, b], T0);
    // Assert
    expect(deliveries.map((d) => [d.fingerprint, d.count])).toEqual([
      [a.fingerprint, 2],
      ['f'.repeat(32), 1],
    ]);
  });

  test('findings without event ids or times count the engine occurrences at the delivery time', () => {
    // Arrange
    const pasted: Diagnosis = {
      ...lambdaDenial(T0, 1, 0),
      eventIds: [],
      occurrences: 4,
      firstSeen: null,
      lastSeen: null,
    };
    // Act
    const [delivery] = toIncidentDeliveries([pasted], T0 + 1);
    const [again] = toIncidentDeliveries([structuredClone(pasted)], T0 + 99);
    // Assert
    expect(delivery).toMatchObject({ count: 4, firstSeenMs: T0 + 1, lastSeenMs: T0 + 1 });
    expect(again?.key).toBe(delivery?.key);
  });

  test('stand-in ids of pasted text (line:N) are keyed with the content: another text is not a redelivery', () => {
    // Arrange
    const pasted: Diagnosis = { ...lambdaDenial(T0, 1, 0), eventIds: ['line:3'] };
    const otherText: Diagnosis = { ...pasted, firstSeen: '2024-05-15T08:00:00.000Z' };
    // Act
    const [a] = toIncidentDeliveries([pasted], T0);
    const [same] = toIncidentDeliveries([structuredClone(pasted)], T0 + 5);
    const [b] = toIncidentDeliveries([otherText], T0);
    // Assert
    expect(a?.count).toBe(1);
    expect(same?.key).toBe(a?.key);
    expect(b?.key).not.toBe(a?.key);
    expect(a?.key).not.toBe(deliveryKey(['line:3']));
  });

  test('an account scopes the incident key: one finding in two accounts is two incidents', () => {
    // Arrange
    const denial = lambdaDenial(T0, 2, 0);
    // Act
    const [single] = toIncidentDeliveries([denial], T0);
    const [first] = toIncidentDeliveries([denial], T0, '111111111111');
    const [again] = toIncidentDeliveries([structuredClone(denial)], T0 + 5, '111111111111');
    const [second] = toIncidentDeliveries([denial], T0, '222222222222');
    // Assert
    expect(single?.fingerprint).toBe(denial.fingerprint);
    expect(single).not.toHaveProperty('account');
    expect(first).toMatchObject({ account: '111111111111', count: 2, key: single?.key });
    expect(first?.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(first?.fingerprint).not.toBe(denial.fingerprint);
    expect(again?.fingerprint).toBe(first?.fingerprint);
    expect(second?.fingerprint).not.toBe(first?.fingerprint);
    expect(second?.account).toBe('222222222222');
  });
});
