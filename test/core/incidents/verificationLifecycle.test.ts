/**
 * The verdict in the incident lifecycle: kept across deliveries of a known incident (which are
 * never verified again), re-checked on the sweeper's cadence, FIXED claimed once, and a fixed
 * incident resolved as soon as no failure follows.
 */
import { applyDelivery } from '../../../lambda/core/incidents/applyDelivery';
import { applyVerification } from '../../../lambda/core/incidents/applyVerification';
import { carryVerification } from '../../../lambda/core/incidents/carryVerification';
import { dueForReverify } from '../../../lambda/core/incidents/dueForReverify';
import type { IncidentRecord } from '../../../lambda/core/incidents/IncidentRecord';
import { incidentPolicy } from '../../../lambda/core/incidents/incidentPolicy';
import { resolveQuietIncident } from '../../../lambda/core/incidents/resolveQuietIncident';
import { toIncidentDeliveries } from '../../../lambda/core/incidents/toIncidentDeliveries';
import type { Verification } from '../../../lambda/core/types';
import { lambdaDenial } from '../../helpers/lambdaDenial';

const T0 = Date.parse('2024-05-14T10:00:00.000Z');
const MINUTE = 60_000;
const policy = incidentPolicy({
  quietPeriodMs: 10 * MINUTE,
  reverifyIntervalMs: 5 * MINUTE,
  fixedQuietMs: 2 * MINUTE,
});

function verdict(status: Verification['status'], at: number): Verification {
  return {
    status,
    rootCause: status === 'confirmed' ? 'identity-policy-missing' : 'unknown',
    checkedAt: new Date(at).toISOString(),
    evidence: [{ call: 'iam:GetRole roleName=app', result: 'arn:aws:iam::458036673695:role/app' }],
    statement: null,
    change:
      status === 'fixed'
        ? {
            event: 'PutRolePolicy',
            at: new Date(at).toISOString(),
            actor: 'arn:aws:iam::458036673695:user/alice',
          }
        : null,
    reason: `verdict ${status}`,
    candidates: [],
  };
}

function opened(v: Verification | null): IncidentRecord {
  const decision = applyDelivery({
    latest: null,
    lastEpisode: 0,
    delivery: toIncidentDeliveries([lambdaDenial(T0, 1, 0)], T0)[0]!,
    now: T0,
    channels: ['slack'],
    policy,
  });
  if (decision.kind === 'duplicate') throw new Error('unexpected');
  const record = { ...decision.record, outbox: [], leaseUntil: 0 };
  return { ...record, diagnosis: { ...record.diagnosis, verification: v } };
}

describe('carryVerification', () => {
  test('a later delivery keeps the verdict and what it established', () => {
    // Arrange
    const first = opened(verdict('confirmed', T0));
    const verified = {
      ...first.diagnosis,
      summary: 'verified summary',
      fixes: [
        {
          kind: 'identity-policy' as const,
          description: 'exact',
          command: 'aws iam put-role-policy',
        },
      ],
    };
    const next = toIncidentDeliveries([lambdaDenial(T0 + MINUTE, 1, 5)], T0 + MINUTE)[0]!.diagnosis;

    // Act
    const kept = carryVerification(verified, next);

    // Assert
    expect(kept.verification?.status).toBe('confirmed');
    expect(kept.fixes).toEqual(verified.fixes);
    expect(kept.summary).toBe('verified summary');
    expect(kept.lastSeen).toBe(next.lastSeen);
  });

  test('an unverifiable verdict keeps the newer log facts', () => {
    const first = opened(verdict('unverifiable', T0)).diagnosis;
    const next = { ...first, summary: 'newer' };
    expect(carryVerification(first, next)).toMatchObject({
      summary: 'newer',
      verification: { status: 'unverifiable' },
    });
  });

  test('applyDelivery carries it through a recorded delivery', () => {
    const latest = opened(verdict('confirmed', T0));
    const decision = applyDelivery({
      latest,
      lastEpisode: 1,
      delivery: toIncidentDeliveries([lambdaDenial(T0 + MINUTE, 2, 10)], T0 + MINUTE)[0]!,
      now: T0 + MINUTE,
      channels: ['slack'],
      policy,
    });
    expect(decision.kind).toBe('recorded');
    expect(decision.record.diagnosis.verification?.status).toBe('confirmed');
  });
});

describe('dueForReverify', () => {
  test.each([
    ['never checked', null, T0, true],
    ['checked 4 minutes ago', verdict('confirmed', T0), T0 + 4 * MINUTE, false],
    ['checked 5 minutes ago', verdict('confirmed', T0), T0 + 5 * MINUTE, true],
    ['unverifiable 5 minutes ago', verdict('unverifiable', T0), T0 + 5 * MINUTE, true],
    ['fixed, no failure since', verdict('fixed', T0 + MINUTE), T0 + 60 * MINUTE, false],
  ])('%s: %s', (_label, v, now, expected) => {
    expect(dueForReverify(opened(v), now, policy)).toBe(expected);
  });

  test('fixed, but failures were recorded after the check: checked again', () => {
    const record = { ...opened(verdict('fixed', T0)), lastActivityAt: T0 + MINUTE };
    expect(dueForReverify(record, T0 + 2 * MINUTE, policy)).toBe(true);
  });
});

describe('applyVerification', () => {
  test('the first fixed verdict claims FIXED; the next one does not', () => {
    // Arrange
    const record = opened(verdict('confirmed', T0));
    const fixed = { ...record.diagnosis, verification: verdict('fixed', T0 + 6 * MINUTE) };

    // Act
    const first = applyVerification(record, fixed, T0 + 6 * MINUTE, ['slack'], policy);
    const again = applyVerification(first!.record, fixed, T0 + 12 * MINUTE, ['slack'], policy);

    // Assert
    expect(first?.claimed).toMatchObject({ kind: 'fixed' });
    expect(first?.record.version).toBe(record.version + 1);
    expect(again?.claimed).toBeNull();
  });

  test('another verdict is stored without a notification', () => {
    const record = opened(verdict('unverifiable', T0));
    const next = { ...record.diagnosis, verification: verdict('confirmed', T0 + 6 * MINUTE) };
    const t = applyVerification(record, next, T0 + 6 * MINUTE, ['slack'], policy);
    expect(t).toMatchObject({ claimed: null, leased: false });
    expect(t?.record.diagnosis.verification?.status).toBe('confirmed');
  });
});

describe('resolveQuietIncident with a fixed verdict', () => {
  test('resolves once no failure followed the check for fixedQuietMs, before the quiet period', () => {
    const record = opened(verdict('fixed', T0 + MINUTE));
    expect(resolveQuietIncident(record, T0 + 2 * MINUTE, ['slack'], policy)).toBeNull();
    expect(resolveQuietIncident(record, T0 + 3 * MINUTE, ['slack'], policy)?.record.status).toBe(
      'resolved',
    );
  });

  test('a failure after the check keeps it open for the whole quiet period', () => {
    const record = { ...opened(verdict('fixed', T0 + MINUTE)), lastActivityAt: T0 + 2 * MINUTE };
    expect(resolveQuietIncident(record, T0 + 5 * MINUTE, ['slack'], policy)).toBeNull();
    expect(resolveQuietIncident(record, T0 + 12 * MINUTE, ['slack'], policy)?.record.status).toBe(
      'resolved',
    );
  });
});
