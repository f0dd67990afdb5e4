import { createHash } from 'node:crypto';
import type { DiagnosisFacts, Principal } from '../types';

/** The part of a principal that names the caller across sessions. */
function principalKey(principal: Principal): string {
  if (principal.service !== null) return `service:${principal.service}`;
  const arn = principal.arn;
  if (arn === null) {
    // a masked ARN: the role name (when not masked too) still tells callers apart
    const role = principal.roleName === null ? '' : `:${principal.roleName}`;
    return `${principal.type}:${principal.accountId ?? ''}${role}`;
  }
  if (principal.type === 'assumed-role') {
    // session names change per execution (Step Functions, awslambda_<n>_<time>): key on the role
    const session = arn.lastIndexOf('/');
    return session > arn.indexOf('/') ? arn.slice(0, session) : arn;
  }
  return arn;
}

/**
 * Stable incident key of a finding: a hash of kind, caller (role, not session), function and
 * qualifier, API route and, for trust-policy findings, the role. The reason is left out so that the
 * same outage keeps its key while someone changes policies.
 */
export function fingerprint(facts: DiagnosisFacts): string {
  const fn = facts.function;
  const api = facts.api;
  const parts = [
    facts.kind,
    facts.action ?? '',
    principalKey(facts.principal),
    fn.arn ?? fn.name ?? '',
    fn.qualifier ?? '',
    api?.id ?? '',
    api?.stage ?? '',
    api?.httpMethod ?? '',
    api?.resourcePath ?? '',
    facts.roleArn ?? '',
    // only when present, so the keys of every other kind stay what they were
    ...(facts.trigger ? [facts.trigger] : []),
  ];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}
