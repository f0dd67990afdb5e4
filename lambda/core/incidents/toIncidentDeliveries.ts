import type { Diagnosis } from '../types';
import { accountFingerprint } from './accountFingerprint';
import { boundDiagnosis, type StoredDiagnosis } from './boundDiagnosis';
import { contentKey, deliveryKey } from './deliveryKey';

const CLOUDWATCH_EVENT_ID = /^\d+$/;

/** What one delivery contributes to one incident (fingerprint). */
export interface IncidentDelivery {
  /** Incident key: the diagnosis fingerprint, hashed with the account when there is one. */
  readonly fingerprint: string;
  /** Account the incident belongs to (organisation responder); absent for a single account. */
  readonly account?: string;
  /** Identifies this contribution so that a redelivery is not counted twice (see deliveryKey). */
  readonly key: string;
  /** Distinct log events (by id); the diagnosis' own count when its events carry no ids. */
  readonly count: number;
  /** Epoch ms of the first and last occurrence (the delivery time when events had none). */
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** The latest diagnosis, without per-event ids, every string bounded (boundDiagnosis). */
  readonly diagnosis: StoredDiagnosis;
}

/**
 * Groups one delivery's diagnoses by fingerprint. The engine already collapses identical findings,
 * but a delivery with several batches may yield the same fingerprint more than once: their events
 * are merged so the incident gets one contribution (one write) per delivery. With an `account`, every
 * incident key includes it (see accountFingerprint).
 */
export function toIncidentDeliveries(
  diagnoses: readonly Diagnosis[],
  receivedAt: number,
  account?: string,
): IncidentDelivery[] {
  const groups = new Map<string, Diagnosis[]>();
  for (const diagnosis of diagnoses) {
    const group = groups.get(diagnosis.fingerprint);
    if (group) group.push(diagnosis);
    else groups.set(diagnosis.fingerprint, [diagnosis]);
  }
  return [...groups.entries()].map(([fingerprint, group]) => {
    const delivery = merge(fingerprint, group, receivedAt);
    return account === undefined
      ? delivery
      : { ...delivery, fingerprint: accountFingerprint(account, fingerprint), account };
  });
}

function merge(fingerprint: string, group: Diagnosis[], receivedAt: number): IncidentDelivery {
  const ids = new Set(group.flatMap((d) => d.eventIds));
  const first = Math.min(...group.map((d) => time(d.firstSeen) ?? receivedAt));
  const last = Math.max(...group.map((d) => time(d.lastSeen) ?? receivedAt));
  const latest = group.reduce((a, b) =>
    (time(b.lastSeen) ?? 0) >= (time(a.lastSeen) ?? 0) ? b : a,
  );
  const { eventIds: _ids, requestIds: _requests, ...diagnosis } = latest;
  const count = ids.size > 0 ? ids.size : group.reduce((sum, d) => sum + d.occurrences, 0);
  return {
    fingerprint,
    key: keyOf(fingerprint, ids, group),
    count,
    firstSeenMs: first,
    lastSeenMs: last,
    diagnosis: boundDiagnosis(diagnosis),
  };
}

/**
 * CloudWatch event ids (decimal strings) identify events globally: key on them alone. Events without
 * one (pasted text) carry stand-ins such as `line:3` that repeat across inputs, so those are keyed
 * on what was seen as well: replaying the same text is recognised, a different text is not.
 */
function keyOf(fingerprint: string, ids: ReadonlySet<string>, group: Diagnosis[]): string {
  if (ids.size > 0 && [...ids].every((id) => CLOUDWATCH_EVENT_ID.test(id))) {
    return deliveryKey([...ids]);
  }
  return contentKey([
    fingerprint,
    ...[...ids].sort(),
    ...group.flatMap((d) => [d.logGroup, d.firstSeen, d.lastSeen, d.occurrences, d.sample]),
  ]);
}

function time(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}
