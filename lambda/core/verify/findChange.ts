import type { TrailEventSummary } from '../ports/AccountReader';
import type { VerificationChange } from '../types';

/** What a management event can do to an invoke grant. */
export type ChangeEffect = 'grants' | 'revokes' | 'either';

/** One management event that can make or break an invoke, as CloudTrail names it (unsuffixed). */
export interface ChangeEvent {
  readonly name: string;
  readonly source: string;
  readonly effect: ChangeEffect;
}

/**
 * The management events that change who may invoke a function. Lambda records its API with the
 * API version appended (`AddPermission20150331v2`, `DeleteFunction20150331`, sometimes bare
 * `DeleteFunction`); API Gateway and IAM do not. A new function starts with an empty resource
 * policy, so CreateFunction (a replacement) revokes as surely as DeleteFunction.
 */
export const CHANGE_EVENTS: readonly ChangeEvent[] = [
  { name: 'AddPermission', source: 'lambda.amazonaws.com', effect: 'grants' },
  { name: 'RemovePermission', source: 'lambda.amazonaws.com', effect: 'revokes' },
  { name: 'CreateFunction', source: 'lambda.amazonaws.com', effect: 'revokes' },
  { name: 'DeleteFunction', source: 'lambda.amazonaws.com', effect: 'revokes' },
  { name: 'CreateAlias', source: 'lambda.amazonaws.com', effect: 'either' },
  { name: 'UpdateAlias', source: 'lambda.amazonaws.com', effect: 'either' },
  { name: 'DeleteAlias', source: 'lambda.amazonaws.com', effect: 'revokes' },
  { name: 'PublishVersion', source: 'lambda.amazonaws.com', effect: 'either' },
  { name: 'CreateFunctionUrlConfig', source: 'lambda.amazonaws.com', effect: 'either' },
  { name: 'UpdateFunctionUrlConfig', source: 'lambda.amazonaws.com', effect: 'either' },
  { name: 'CreateDeployment', source: 'apigateway.amazonaws.com', effect: 'either' },
  { name: 'UpdateStage', source: 'apigateway.amazonaws.com', effect: 'either' },
  { name: 'PutIntegration', source: 'apigateway.amazonaws.com', effect: 'either' },
  { name: 'UpdateIntegration', source: 'apigateway.amazonaws.com', effect: 'either' },
  { name: 'PutRolePolicy', source: 'iam.amazonaws.com', effect: 'either' },
  { name: 'DeleteRolePolicy', source: 'iam.amazonaws.com', effect: 'revokes' },
  { name: 'AttachRolePolicy', source: 'iam.amazonaws.com', effect: 'grants' },
  { name: 'DetachRolePolicy', source: 'iam.amazonaws.com', effect: 'revokes' },
  { name: 'PutUserPolicy', source: 'iam.amazonaws.com', effect: 'either' },
  { name: 'DeleteUserPolicy', source: 'iam.amazonaws.com', effect: 'revokes' },
  { name: 'AttachUserPolicy', source: 'iam.amazonaws.com', effect: 'grants' },
  { name: 'DetachUserPolicy', source: 'iam.amazonaws.com', effect: 'revokes' },
  { name: 'PutRolePermissionsBoundary', source: 'iam.amazonaws.com', effect: 'either' },
  { name: 'DeleteRolePermissionsBoundary', source: 'iam.amazonaws.com', effect: 'grants' },
  { name: 'UpdateAssumeRolePolicy', source: 'iam.amazonaws.com', effect: 'either' },
];

const BY_NAME = new Map(CHANGE_EVENTS.map((e) => [e.name, e]));
// `AddPermission`, `AddPermission20150331`, `AddPermission20150331v2`: never `CreateFunctionUrlConfig`
// for `CreateFunction` (a prefix match would take it).
const SUFFIXED = /^([A-Za-z]+?)(\d{8}(?:v\d+)?)?$/;

/** The change event a recorded event name stands for, whatever its API-version suffix. */
export function matchEventName(recorded: string): ChangeEvent | undefined {
  const m = SUFFIXED.exec(recorded);
  return m ? BY_NAME.get(m[1]!) : undefined;
}

/** Which way the change looked for goes. */
export interface ChangeQuery {
  /** `before`: what broke the invoke (latest revoking change up to firstSeen); `after`: what fixed it. */
  readonly direction: 'before' | 'after';
  /** Epoch ms the failures were first seen. */
  readonly firstSeenMs: number;
}

const MAX_ACTOR = 300;
// CloudTrail and the log clock are not the same clock; a change recorded a little after the first
// failure can still be its cause (records arrive out of order within minutes).
const SLACK_MS = 5 * 60_000;

interface Record_ {
  readonly errorCode?: unknown;
  readonly sourceIPAddress?: unknown;
  readonly userAgent?: unknown;
  readonly userIdentity?: {
    readonly type?: unknown;
    readonly arn?: unknown;
    readonly principalId?: unknown;
    readonly invokedBy?: unknown;
    readonly userName?: unknown;
  };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function parseRecord(json: string | null): Record_ | null {
  if (json === null || json.length > 262_144) return null;
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record_)
      : null;
  } catch {
    return null;
  }
}

/** Who made a change, from the record's `userIdentity`; CloudFormation deploys say so. */
export function actorOf(record: Record_ | null): string | null {
  if (record === null) return null;
  const id = record.userIdentity ?? {};
  const who = text(id.arn) ?? text(id.userName) ?? text(id.principalId) ?? text(id.type);
  const via =
    text(id.invokedBy) ??
    (record.sourceIPAddress === 'cloudformation.amazonaws.com' ||
    record.userAgent === 'cloudformation.amazonaws.com'
      ? 'cloudformation.amazonaws.com'
      : null);
  const actor = who && via && who !== via ? `${who} via ${via}` : (who ?? via);
  return actor === null ? null : actor.replace(/\s+/g, ' ').slice(0, MAX_ACTOR);
}

/**
 * Picks the change that explains a verdict from CloudTrail event history: for a denial, the latest
 * event that can revoke a grant at or before the first failure; for a fix, the latest event that
 * can grant one after it. Failed calls (records with an `errorCode`) changed nothing and are
 * skipped. Null when no such event was recorded.
 */
export function findChange(
  events: readonly TrailEventSummary[],
  query: ChangeQuery,
): VerificationChange | null {
  let best: { at: number; change: VerificationChange } | null = null;
  for (const event of events) {
    const known = matchEventName(event.eventName);
    if (!known) continue;
    const at = Date.parse(event.eventTime);
    if (!Number.isFinite(at)) continue;
    const wanted =
      query.direction === 'before'
        ? known.effect !== 'grants' && at <= query.firstSeenMs + SLACK_MS
        : known.effect !== 'revokes' && at >= query.firstSeenMs - SLACK_MS;
    if (!wanted) continue;
    const record = parseRecord(event.cloudTrailEvent);
    if (record?.errorCode !== undefined && record.errorCode !== null) continue;
    if (best !== null && best.at >= at) continue;
    best = {
      at,
      change: {
        event: event.eventName,
        at: new Date(at).toISOString(),
        actor: actorOf(record),
      },
    };
  }
  return best?.change ?? null;
}
