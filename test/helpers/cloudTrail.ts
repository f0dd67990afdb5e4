/**
 * CloudTrail event history for tests: records built from the public records in test/events/cloudtrail
 * (a real AddPermission20150331v2 and a real AttachRolePolicy, anonymised by their publisher), with
 * the function, role, account, time and event name of the scenario put in; and the LookupEvents
 * and SimulatePrincipalPolicy answers of the local stub, in the AWS API reference's shapes.
 */

import type { StubHandler, StubRequest } from './awsStub';
import { jsonAnswer } from './awsStub';
import { fixture } from './fixture';

type TrailRecord = Record<string, unknown> & {
  eventName: string;
  eventTime: string;
  eventSource: string;
  requestParameters: Record<string, unknown> | null;
};

const LAMBDA_RECORD = (
  JSON.parse(fixture('cloudtrail/add-permission-stratus.json')) as TrailRecord[]
)[0]!;
const IAM_RECORD = JSON.parse(fixture('cloudtrail/attach-role-policy-stratus.json')) as TrailRecord;

/** Who made a change, as `userIdentity` records it. */
export interface Actor {
  readonly account: string;
  readonly userName: string;
}

/**
 * A Lambda management event on `functionName`, from the real AddPermission record: event name
 * (with its API-version suffix, e.g. `RemovePermission20150331v2`), time, region, account and the
 * acting IAM user replaced; `extra` request parameters added (statementId, sourceArn ...).
 */
export function lambdaEvent(
  eventName: string,
  functionName: string,
  at: string,
  actor: Actor,
  region = 'us-east-1',
  extra: Record<string, unknown> = {},
): TrailRecord {
  const r = structuredClone(LAMBDA_RECORD);
  r.eventName = eventName;
  r.eventTime = at;
  r.awsRegion = region;
  r.recipientAccountId = actor.account;
  r.eventID = `${eventName}-${functionName}-${at}`;
  r.requestParameters = { functionName, ...extra };
  r.responseElements = eventName.startsWith('AddPermission') ? r.responseElements : null;
  r.userIdentity = {
    ...(r.userIdentity as Record<string, unknown>),
    accountId: actor.account,
    arn: `arn:aws:iam::${actor.account}:user/${actor.userName}`,
    userName: actor.userName,
  };
  return r;
}

/** An IAM management event on a role, from the real AttachRolePolicy record. */
export function iamEvent(
  eventName: string,
  roleName: string,
  at: string,
  actor: Actor,
  extra: Record<string, unknown> = {},
): TrailRecord {
  const r = structuredClone(IAM_RECORD);
  r.eventName = eventName;
  r.eventTime = at;
  r.awsRegion = 'us-east-1';
  r.recipientAccountId = actor.account;
  r.eventID = `${eventName}-${roleName}-${at}`;
  r.requestParameters = { roleName, ...extra };
  r.userIdentity = {
    ...(r.userIdentity as Record<string, unknown>),
    accountId: actor.account,
    arn: `arn:aws:iam::${actor.account}:user/${actor.userName}`,
    userName: actor.userName,
  };
  return r;
}

function mentions(record: TrailRecord, name: string): boolean {
  const p = record.requestParameters ?? {};
  return Object.values(p).some(
    (v) => typeof v === 'string' && (v === name || v.endsWith(`:function:${name}`)),
  );
}

function seconds(value: unknown): number {
  return typeof value === 'number' ? value * 1000 : Date.parse(String(value));
}

/**
 * The stub's LookupEvents: the records of `history()` that name the looked-up resource, within
 * the time range, newest first, in the response shape of the API reference (EventTime in epoch
 * seconds, CloudTrailEvent the record as a JSON string).
 */
export function lookupEventsHandler(history: () => readonly TrailRecord[]): StubHandler {
  return (request: StubRequest) => {
    if (request.service !== 'cloudtrail' || request.operation !== 'LookupEvents') return undefined;
    const attrs =
      (request.body.LookupAttributes as { AttributeValue?: string }[] | undefined) ?? [];
    const wanted = attrs[0]?.AttributeValue ?? '';
    const from = seconds(request.body.StartTime);
    const to = seconds(request.body.EndTime);
    const events = history()
      .filter((r) => mentions(r, wanted))
      .filter((r) => {
        const t = Date.parse(r.eventTime);
        return (!Number.isFinite(from) || t >= from) && (!Number.isFinite(to) || t <= to);
      })
      .sort((a, b) => Date.parse(b.eventTime) - Date.parse(a.eventTime))
      .slice(0, Number(request.body.MaxResults ?? 50))
      .map((r) => ({
        EventId: r.eventID,
        EventName: r.eventName,
        ReadOnly: 'false',
        EventTime: Date.parse(r.eventTime) / 1000,
        EventSource: r.eventSource,
        Username: (r.userIdentity as { userName?: string }).userName,
        Resources: [{ ResourceType: 'AWS::Lambda::Function', ResourceName: wanted }],
        CloudTrailEvent: JSON.stringify(r),
      }));
    return jsonAnswer({ Events: events });
  };
}

/** One SimulatePrincipalPolicy evaluation result, as the API reference defines it. */
export interface SimulatedResult {
  readonly decision: 'allowed' | 'explicitDeny' | 'implicitDeny';
  readonly matched?: readonly { policyId: string; policyType: string }[];
  readonly allowedByBoundary?: boolean;
}

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The stub's SimulatePrincipalPolicy: IAM's query-protocol XML with one evaluation result per
 * action asked (`ActionNames.member.N`), the fields of the CLI example (test/events/iam-simulation)
 * in the response wrapper the service model names. `answer` gives the decision per action; when it
 * returns undefined the request goes on to moto.
 */
export function simulateHandler(
  answer: (action: string, request: StubRequest) => SimulatedResult | undefined,
): StubHandler {
  return (request) => {
    if (request.service !== 'iam' || request.operation !== 'SimulatePrincipalPolicy')
      return undefined;
    const actions = Object.entries(request.body)
      .filter(([k]) => /^ActionNames\.member\.\d+$/.test(k))
      .sort(([a], [b]) => Number(a.split('.')[2]) - Number(b.split('.')[2]))
      .map(([, v]) => String(v));
    const resource = String(request.body['ResourceArns.member.1'] ?? '*');
    const members: string[] = [];
    for (const action of actions) {
      const result = answer(action, request);
      if (!result) return undefined;
      const matched = (result.matched ?? [])
        .map(
          (m) =>
            `<member><SourcePolicyId>${xml(m.policyId)}</SourcePolicyId><SourcePolicyType>${xml(m.policyType)}</SourcePolicyType><StartPosition><Line>3</Line><Column>19</Column></StartPosition><EndPosition><Line>9</Line><Column>10</Column></EndPosition></member>`,
        )
        .join('');
      const boundary =
        result.allowedByBoundary === undefined
          ? ''
          : `<PermissionsBoundaryDecisionDetail><AllowedByPermissionsBoundary>${result.allowedByBoundary}</AllowedByPermissionsBoundary></PermissionsBoundaryDecisionDetail>`;
      members.push(
        `<member><EvalActionName>${xml(action)}</EvalActionName><EvalResourceName>${xml(resource)}</EvalResourceName><EvalDecision>${result.decision}</EvalDecision><MatchedStatements>${matched}</MatchedStatements><MissingContextValues/>${boundary}</member>`,
      );
    }
    const body = `<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults>${members.join('')}</EvaluationResults></SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>`;
    return { status: 200, headers: { 'content-type': 'text/xml' }, body };
  };
}
