import fc from 'fast-check';
import { addHourly, hourKey } from '../../../lambda/core/incidents/addHourly';

const at = (iso: string) => Date.parse(iso);

describe('addHourly', () => {
  test('a delivery within one hour lands in that hour, added to what is there', () => {
    expect(
      addHourly(
        { '2024-05-14T10': 3 },
        at('2024-05-14T10:05:00Z'),
        at('2024-05-14T10:06:00Z'),
        4,
        24,
      ),
    ).toEqual({ '2024-05-14T10': 7 });
  });

  test('a span across hours is split by time spent in each hour', () => {
    // One event at each end; the rest: 10:45 -> 11:15 half in each hour, 11:30 -> 13:30 a
    // quarter, a half, a quarter.
    expect(addHourly({}, at('2024-05-14T10:45:00Z'), at('2024-05-14T11:15:00Z'), 10, 24)).toEqual({
      '2024-05-14T10': 5,
      '2024-05-14T11': 5,
    });
    expect(addHourly({}, at('2024-05-14T11:30:00Z'), at('2024-05-14T13:30:00Z'), 10, 24)).toEqual({
      '2024-05-14T11': 3,
      '2024-05-14T12': 4,
      '2024-05-14T13': 3,
    });
    // The last event at the very start of an hour still counts in that hour.
    expect(addHourly({}, at('2024-05-14T09:00:00Z'), at('2024-05-14T10:00:00Z'), 2, 24)).toEqual({
      '2024-05-14T09': 1,
      '2024-05-14T10': 1,
    });
  });

  test('only the newest buckets are kept, and a bogus early time is bounded', () => {
    // Act
    const hourly = addHourly({ '2024-05-01T00': 9 }, 0, at('2024-05-14T10:00:00Z'), 3, 3);
    // Assert
    expect(hourly).toEqual({ '2024-05-14T08': 1, '2024-05-14T09': 1, '2024-05-14T10': 1 });
  });

  test('property: buckets sum to the count and never exceed the cap', () => {
    const start = at('2024-01-01T00:00:00Z');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 * 3_600_000 }),
        fc.integer({ min: 0, max: 30 * 3_600_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (a, b, count) => {
          const hourly = addHourly({}, start + a, start + b, count, 48);
          const sum = Object.values(hourly).reduce((x, y) => x + y, 0);
          return sum === count && Object.keys(hourly).length <= 48;
        },
      ),
    );
  });

  test('hour keys are UTC ISO hour prefixes', () => {
    expect(hourKey(at('2024-12-31T23:59:59.999Z'))).toBe('2024-12-31T23');
  });
});
