import { ConfigError } from '../../../lambda/core/errors';
import { incidentId, parseIncidentId } from '../../../lambda/core/incidents/incidentId';
import { incidentPolicy } from '../../../lambda/core/incidents/incidentPolicy';

describe('incidentId', () => {
  test('round-trips fingerprint and episode', () => {
    const id = incidentId('0123456789abcdef0123456789abcdef', 12);
    expect(id).toBe('0123456789abcdef0123456789abcdef-12');
    expect(parseIncidentId(id)).toEqual({
      fingerprint: '0123456789abcdef0123456789abcdef',
      episode: 12,
    });
  });

  test.each(['', 'abc', 'abc-0', 'abc-01', 'a b-1', 'abc-1;rm', '-1'])('rejects %j', (id) => {
    expect(parseIncidentId(id)).toBeNull();
  });
});

describe('incidentPolicy', () => {
  test('applies overrides and rejects non-positive values naming the field', () => {
    expect(incidentPolicy({ quietPeriodMs: 1 }).quietPeriodMs).toBe(1);
    expect(() => incidentPolicy({ updateIntervalMs: 0 })).toThrow(ConfigError);
    expect(() => incidentPolicy({ leaseMs: Number.NaN })).toThrow(/incidentPolicy\.leaseMs/);
  });
});
