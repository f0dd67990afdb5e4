/**
 * Finding 7 (the guarantee behind the reproduction on moto): whatever a log line holds, the
 * diagnosis an incident stores stays within its budget, so an incident item cannot reach
 * DynamoDB's 400 KB limit. Checked on the worst case: every string of the diagnosis at 250,000
 * characters of three-byte UTF-8, with command and snippets at their longest.
 */
import fc from 'fast-check';
import {
  boundDiagnosis,
  DIAGNOSIS_BUDGET_BYTES,
  STORED_LIMITS,
  type StoredDiagnosis,
} from '../../lambda/core/incidents/boundDiagnosis';
import { DIAGNOSES } from '../helpers/alerts';

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Every string of `value` replaced by `fill` (recursively). */
function fillStrings(value: unknown, fill: string): unknown {
  if (typeof value === 'string') return fill;
  if (Array.isArray(value)) return value.map((v) => fillStrings(v, fill));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillStrings(v, fill)]));
  }
  return value;
}

describe('a stored diagnosis is bounded whatever the log line holds', () => {
  test('worst case: every string 250,000 three-byte characters', () => {
    // Arrange
    const { eventIds: _e, requestIds: _r, ...base } = DIAGNOSES['apigw-invalid-permissions'];
    const worst = fillStrings(
      { ...base, logStream: '', logOwner: '', eventId: '', requestId: '' },
      '€'.repeat(250_000),
    ) as StoredDiagnosis;
    const withCommands = {
      ...worst,
      fixes: worst.fixes.map((fix) => ({ ...fix, command: 'a'.repeat(STORED_LIMITS.command) })),
    };
    // Act
    const bounded = boundDiagnosis(withCommands);
    // Assert
    expect(bytes(withCommands)).toBeGreaterThan(1_000_000);
    expect(bytes(bounded)).toBeLessThanOrEqual(DIAGNOSIS_BUDGET_BYTES);
    expect(bounded.api?.resourcePath?.length).toBe(STORED_LIMITS.field);
    expect(bounded.fixes[0]?.command).toHaveLength(STORED_LIMITS.command);
  });

  test('a command too long to store is dropped with its snippets, never cut', () => {
    const { eventIds: _e, requestIds: _r, ...base } = DIAGNOSES['apigw-invalid-permissions'];
    const long = `aws lambda add-permission --source-arn '${'x'.repeat(10_000)}'`;
    const bounded = boundDiagnosis({
      ...base,
      fixes: [{ ...base.fixes[0]!, command: long }],
    });
    expect(bounded.fixes[0]?.command).toBeNull();
    expect(bounded.fixes[0]?.cloudformation).toBeUndefined();
    expect(bounded.fixes[0]?.description).toContain('too long to store');
  });

  test('property: any strings, any sizes: within the budget and every field within its limit', () => {
    const { eventIds: _e, requestIds: _r, ...base } = DIAGNOSES['invoke-access-denied'];
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 5000 }),
        fc.nat({ max: 60_000 }),
        (s, n) => {
          const filled = fillStrings(base, s.repeat(1 + (n % 50))) as StoredDiagnosis;
          const bounded = boundDiagnosis(filled);
          expect(bytes(bounded)).toBeLessThanOrEqual(DIAGNOSIS_BUDGET_BYTES);
          expect((bounded.principal.arn ?? '').length).toBeLessThanOrEqual(STORED_LIMITS.field);
          expect(bounded.summary.length).toBeLessThanOrEqual(STORED_LIMITS.summary);
        },
      ),
      { numRuns: 200 },
    );
  });
});
