import type { Diagnosis } from '../types';

type StoredDiagnosis = Omit<Diagnosis, 'eventIds' | 'requestIds'>;

/**
 * The diagnosis an open incident keeps when a newer delivery arrives: the newer log facts, with the
 * verdict and what it established (function, route, kind, summary and exact fixes) carried over,
 * because deliveries of a known incident are not verified again (the sweeper re-verifies on its own
 * cadence). Without a verdict the newer diagnosis is taken as it is.
 */
export function carryVerification(
  previous: StoredDiagnosis,
  next: StoredDiagnosis,
): StoredDiagnosis {
  const v = previous.verification;
  if (v === undefined || v === null) return next;
  if (v.status === 'unverifiable') return { ...next, verification: v };
  return {
    ...next,
    kind: previous.kind,
    function: previous.function,
    api: previous.api,
    summary: previous.summary,
    fixes: previous.fixes,
    verification: v,
  };
}
