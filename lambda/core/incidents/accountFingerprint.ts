import { createHash } from 'node:crypto';

/**
 * Incident key of a finding in one account of an organisation: the engine's fingerprint hashed with
 * the account id, so the same broken route or caller in two accounts is two incidents. Same shape
 * as a fingerprint (32 hex digits), so incident ids, the table's keys and `incidents show` prefixes
 * work unchanged; the account itself is kept on the incident for display and queries.
 */
export function accountFingerprint(account: string, fingerprint: string): string {
  return createHash('sha256')
    .update(`account\u0000${account}\u0000${fingerprint}`)
    .digest('hex')
    .slice(0, 32);
}
