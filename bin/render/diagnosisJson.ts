import type { Diagnosis } from '../../lambda/core/types';

/**
 * The `--json` record of a diagnosis: the documented contract fields (unknown values are null, never
 * absent) plus provenance (log group, stream, owner, first event and request id) and the caller's
 * trust. Evidence lists (all event and request ids) are left out: they can be huge.
 */
export function diagnosisJson(d: Diagnosis): Record<string, unknown> {
  return {
    kind: d.kind,
    action: d.action,
    principal: d.principal,
    function: d.function,
    api: d.api,
    reason: d.reason,
    summary: d.summary,
    fixes: d.fixes,
    occurrences: d.occurrences,
    firstSeen: d.firstSeen,
    lastSeen: d.lastSeen,
    fingerprint: d.fingerprint,
    denyPolicyArn: d.denyPolicyArn,
    roleArn: d.roleArn,
    trigger: d.trigger ?? null,
    logGroup: d.logGroup,
    verification: d.verification ?? null,
    logStream: d.logStream ?? null,
    logOwner: d.logOwner ?? null,
    eventId: d.eventId ?? null,
    requestId: d.requestId ?? null,
    callerTrust: d.callerTrust ?? null,
  };
}
