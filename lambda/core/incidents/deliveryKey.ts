import { createHash } from 'node:crypto';

/**
 * Key of what one delivery contributed to one incident: a hash of the sorted, distinct event ids.
 * CloudWatch Logs redelivers a failed batch with the same events and ids, so a redelivery yields
 * the same key and is recognised without storing one item per event. 96 bits: a false match among
 * the few hundred keys remembered per incident is out of reach.
 *
 * Assumption: deliveries are either identical or disjoint, which is how CloudWatch Logs delivers
 * (each event goes in exactly one batch, a retry resends that batch). A delivery that only partly
 * overlaps an earlier one (overlapping files given to `replay`) is counted in full.
 */
export function deliveryKey(eventIds: readonly string[]): string {
  const sorted = [...new Set(eventIds)].sort();
  return digest(`ids\n${sorted.join('\n')}`);
}

/**
 * Key for findings whose events carry no ids (pasted text): what was seen, so replaying the same
 * text twice is recognised too.
 */
export function contentKey(parts: readonly (string | number | null)[]): string {
  return digest(`content\n${parts.map((p) => String(p)).join('\n')}`);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}
