import { summarize } from '../diagnose/summarize';
import { callerTrust, type GrantTrust, impliedTrust, withOwner } from '../fixes/callerTrust';
import { resolveFacts } from '../fixes/resolveFacts';
import type { AccountReader } from '../ports/AccountReader';
import type {
  Diagnosis,
  DiagnosisFacts,
  Verification,
  VerificationCandidate,
  VerificationChange,
} from '../types';
import { asReadError, CallRecorder } from './CallRecorder';
import type { CheckOutcome, VerifyContext } from './CheckOutcome';
import { unverifiable } from './CheckOutcome';
import { checkApi } from './checkApi';
import { checkInvoke } from './checkInvoke';
import { checkTrust } from './checkTrust';
import { exactFixes } from './exactFixes';
import { findChange } from './findChange';

/** A diagnosis as stored on an incident (without per-event ids) or as the engine returns it. */
export type VerifiableDiagnosis = Omit<Diagnosis, 'eventIds' | 'requestIds'>;

/** What verification needs besides the diagnosis. */
export interface VerifyOptions {
  readonly reader: AccountReader;
  /** Clock time, epoch ms: the verdict's `checkedAt` and the end of the CloudTrail window. */
  readonly now: number;
  /** Region of resources the log does not place (the CLI's --region, the responder's own). */
  readonly defaultRegion: string | null;
  /** Hours of CloudTrail history read before the first failure. Default 24. */
  readonly lookbackHours?: number;
  /**
   * Accounts (and organization) whose callers may get a runnable grant, besides the function's
   * and the log group owner's. Default: the trust the diagnosis was rendered with.
   */
  readonly trust?: GrantTrust | undefined;
}

const HOUR = 3_600_000;
const MAX_TRAIL_LOOKUPS = 2;

/**
 * Checks a diagnosis against the live account with read-only calls and returns it with its
 * `verification`: the status (`confirmed`: the live policies deny the request, for the root cause
 * named; `fixed`: they allow it now; `refuted`: the live configuration contradicts the log;
 * `unverifiable`: a call failed or the evaluator cannot decide, with which and why), the evidence
 * (every call and its answer), the statement and the recent change behind the verdict. A confirmed
 * or fixed verdict may complete the diagnosis from the live account (the function and route behind
 * an ERROR-level API Gateway failure) and makes its fixes exact; an unverifiable one leaves the
 * diagnosis as the log made it. Never throws: a failure of the reader is a verdict.
 */
export async function verifyDiagnosis<D extends VerifiableDiagnosis>(
  diagnosis: D,
  options: VerifyOptions,
): Promise<D> {
  const rec = new CallRecorder(options.reader);
  const trust = options.trust
    ? withOwner(options.trust, diagnosis.logOwner)
    : impliedTrust(diagnosis);
  const firstSeen = diagnosis.firstSeen === null ? Number.NaN : Date.parse(diagnosis.firstSeen);
  const firstSeenMs = Number.isFinite(firstSeen) ? firstSeen : options.now;
  const r = resolveFacts(diagnosis);
  let outcome: CheckOutcome;
  let ctx: VerifyContext | undefined;
  try {
    const me = await rec.call('sts:GetCallerIdentity', {});
    const partition = /^arn:([a-z-]+):/.exec(me.arn)?.[1] ?? 'aws';
    ctx = {
      rec,
      callerAccount: me.account,
      partition,
      defaultRegion: options.defaultRegion,
      firstSeenMs,
    };
    outcome = await check(diagnosis, r, ctx);
  } catch (error) {
    const failure = asReadError('verification', error);
    outcome = unverifiable(
      failure.call === 'verification'
        ? `Verification stopped: ${failure.code}: ${failure.message}`
        : `${failure.call} failed (${failure.code}): ${explain(failure.code)} The diagnosis from the log stands unchecked.`,
    );
  }

  let change: VerificationChange | null = null;
  let trailNote = '';
  if ((outcome.status === 'confirmed' || outcome.status === 'fixed') && ctx !== undefined) {
    const lookback = (options.lookbackHours ?? 24) * HOUR;
    const events = [];
    for (const q of outcome.trail.slice(0, MAX_TRAIL_LOOKUPS)) {
      const found = await rec.optional('cloudtrail:LookupEvents', {
        region: q.region,
        resourceName: q.resourceName,
        startTime: new Date(firstSeenMs - lookback).toISOString(),
        endTime: new Date(Math.max(options.now, firstSeenMs)).toISOString(),
      });
      if (found.ok) events.push(...found.value);
      else
        trailNote = ` Recent changes unknown: cloudtrail:LookupEvents failed (${found.error.code}).`;
    }
    change = findChange(events, {
      direction: outcome.status === 'fixed' ? 'after' : 'before',
      firstSeenMs,
    });
  }

  const facts = enriched(diagnosis, outcome);
  const candidates: VerificationCandidate[] = (outcome.candidates ?? []).map(
    ({ enrich, plan, ...c }) => ({
      ...c,
      fix:
        c.fix ??
        exactFixes({ ...facts, ...enrich }, plan, [], trust).find((f) => f.command !== null)
          ?.command ??
        null,
    }),
  );
  const changeNote = change
    ? ` ${change.event} by ${change.actor ?? 'an unknown identity'} at ${change.at}.`
    : '';
  const verification: Verification = {
    status: outcome.status,
    rootCause: outcome.rootCause,
    checkedAt: new Date(options.now).toISOString(),
    evidence:
      rec.dropped > 0
        ? [...rec.evidence, { call: `${rec.dropped} more calls`, result: 'not listed' }]
        : rec.evidence,
    statement: outcome.statement,
    change,
    reason: `${outcome.reason}${changeNote}${trailNote}`.trim(),
    candidates,
  };
  if (outcome.status === 'unverifiable') return { ...diagnosis, verification };
  const changed = outcome.enrich !== undefined && Object.keys(outcome.enrich).length > 0;
  return {
    ...diagnosis,
    ...facts,
    summary: changed ? summarize(facts) : diagnosis.summary,
    fixes:
      outcome.status === 'confirmed'
        ? exactFixes(facts, outcome.fix, diagnosis.fixes, trust)
        : diagnosis.fixes,
    ...(diagnosis.callerTrust === undefined ? {} : { callerTrust: callerTrust(facts, trust) }),
    verification,
  };
}

async function check(
  d: VerifiableDiagnosis,
  r: ReturnType<typeof resolveFacts>,
  ctx: VerifyContext,
): Promise<CheckOutcome> {
  switch (d.kind) {
    case 'apigw-cannot-assume-role':
      return checkTrust(d.roleArn, ctx);
    case 'apigw-invalid-permissions':
    case 'apigw-authorizer-invalid-permissions':
    case 'http-api-integration-permissions':
    case 'http-api-authorizer-permissions':
      return checkApi(d.kind, r, ctx);
    default:
      return checkInvoke(d, r, ctx);
  }
}

/** The diagnosis facts with what the live account added. */
function enriched(d: VerifiableDiagnosis, outcome: CheckOutcome): DiagnosisFacts {
  const base: DiagnosisFacts = {
    kind: d.kind,
    action: d.action,
    principal: d.principal,
    function: d.function,
    api: d.api,
    reason: d.reason,
    denyPolicyArn: d.denyPolicyArn,
    roleArn: d.roleArn,
  };
  if (outcome.status === 'unverifiable' || outcome.enrich === undefined) return base;
  return { ...base, ...outcome.enrich };
}

/** One sentence on what a failed call's error code means for the person reading the verdict. */
function explain(code: string): string {
  if (/AccessDenied|UnauthorizedOperation|Forbidden/i.test(code)) {
    return 'the credentials may not make this read-only call (docs/permissions.md lists what verification needs).';
  }
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(code)) {
    return 'AWS throttled the call; the next check retries.';
  }
  if (/Timeout|Abort/i.test(code)) return 'the call did not answer within the time budget.';
  if (
    /Credential|ExpiredToken|InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch/i.test(
      code,
    )
  ) {
    return 'there are no valid AWS credentials for this account.';
  }
  return 'the call did not succeed.';
}
