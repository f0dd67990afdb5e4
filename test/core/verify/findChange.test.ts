/**
 * CloudTrail change attribution on public records: Lambda's API-version suffixes, who made the
 * change, and which way (the change that broke the invoke, or the one that fixed it).
 */
import type { TrailEventSummary } from '../../../lambda/core/ports/AccountReader';
import { actorOf, findChange, matchEventName } from '../../../lambda/core/verify/findChange';
import { fixture } from '../../helpers/fixture';

// The real AddPermission20150331v2 record (stratus-red-team detonation, anonymised).
const [ADD_PERMISSION] = JSON.parse(fixture('cloudtrail/add-permission-stratus.json')) as Record<
  string,
  unknown
>[];
// The real AttachRolePolicy record (same source).
const ATTACH = JSON.parse(fixture('cloudtrail/attach-role-policy-stratus.json')) as Record<
  string,
  unknown
>;
// AWS CLI documentation's lookup-events output (a ConsoleLogin event).
const CLI_EXAMPLE = JSON.parse(fixture('cloudtrail/lookup-events-cli-example.json')) as {
  Events: { EventId: string; EventName: string; EventTime: string; CloudTrailEvent: string }[];
};

function summary(record: Record<string, unknown>, overrides: Partial<TrailEventSummary> = {}) {
  return {
    eventId: String(record.eventID),
    eventName: String(record.eventName),
    eventTime: String(record.eventTime),
    eventSource: String(record.eventSource),
    cloudTrailEvent: JSON.stringify(record),
    ...overrides,
  } satisfies TrailEventSummary;
}

describe('matchEventName', () => {
  // AWS's list of Lambda event names in CloudTrail event history (docs/verify.md cites it).
  test.each([
    ['AddPermission20150331', 'AddPermission'],
    ['AddPermission20150331v2', 'AddPermission'],
    ['RemovePermission20150331', 'RemovePermission'],
    ['RemovePermission20150331v2', 'RemovePermission'],
    ['CreateFunction20150331', 'CreateFunction'],
    ['DeleteFunction', 'DeleteFunction'],
    ['DeleteFunction20150331', 'DeleteFunction'],
    ['UpdateAlias20150331', 'UpdateAlias'],
    ['DeleteAlias20150331', 'DeleteAlias'],
    ['PublishVersion20150331', 'PublishVersion'],
    ['CreateFunctionUrlConfig20211031', 'CreateFunctionUrlConfig'],
    ['UpdateStage', 'UpdateStage'],
    ['CreateDeployment', 'CreateDeployment'],
    ['PutIntegration', 'PutIntegration'],
    ['AttachRolePolicy', 'AttachRolePolicy'],
    ['DeleteRolePolicy', 'DeleteRolePolicy'],
  ])('%s is %s', (recorded, name) => {
    expect(matchEventName(recorded)?.name).toBe(name);
  });

  test.each([
    'ConsoleLogin',
    'UpdateFunctionCode20150331v2',
    'GetFunction20150331',
    'AddPermission2015',
    'TagResource20170331v2',
  ])('%s changes no invoke grant', (recorded) => {
    expect(matchEventName(recorded)).toBeUndefined();
  });
});

describe('actorOf', () => {
  test('the IAM user of the real record', () => {
    expect(actorOf(ADD_PERMISSION!)).toBe('arn:aws:iam::880896431042:user/christophe');
  });

  test('a CloudFormation deploy says so', () => {
    const record = { ...ADD_PERMISSION, sourceIPAddress: 'cloudformation.amazonaws.com' };
    expect(actorOf(record)).toBe(
      'arn:aws:iam::880896431042:user/christophe via cloudformation.amazonaws.com',
    );
  });

  test('an assumed-role session from the CLI example', () => {
    const record = JSON.parse(CLI_EXAMPLE.Events[0]!.CloudTrailEvent);
    expect(actorOf(record)).toBe('arn:aws:sts::123456789012:assumed-role/my-role/my-session-name');
  });
});

describe('findChange', () => {
  const firstSeen = Date.parse('2024-08-01T14:00:00Z');

  test('a fix: the grant recorded after the first failure, with who made it', () => {
    // Arrange: the real record at 13:47 is before; a copy at 14:20 is after
    const later = { ...ADD_PERMISSION, eventTime: '2024-08-01T14:20:00Z' };

    // Act
    const change = findChange([summary(ADD_PERMISSION!), summary(later)], {
      direction: 'after',
      firstSeenMs: firstSeen,
    });

    // Assert
    expect(change).toEqual({
      event: 'AddPermission20150331v2',
      at: '2024-08-01T14:20:00.000Z',
      actor: 'arn:aws:iam::880896431042:user/christophe',
    });
  });

  test('a breakage: the latest revoking change before the first failure, never a grant', () => {
    const removed = {
      ...ADD_PERMISSION,
      eventName: 'RemovePermission20150331v2',
      eventTime: '2024-08-01T13:50:00Z',
    };
    const change = findChange([summary(ADD_PERMISSION!), summary(removed)], {
      direction: 'before',
      firstSeenMs: firstSeen,
    });
    expect(change?.event).toBe('RemovePermission20150331v2');
  });

  test('a failed call (errorCode) changed nothing', () => {
    const failed = {
      ...ADD_PERMISSION,
      eventTime: '2024-08-01T14:20:00Z',
      errorCode: 'AccessDenied',
    };
    expect(
      findChange([summary(failed)], { direction: 'after', firstSeenMs: firstSeen }),
    ).toBeNull();
  });

  test('IAM events count for identity-side causes', () => {
    const attach = { ...ATTACH, eventTime: '2024-08-01T14:05:00Z' };
    const change = findChange([summary(attach)], { direction: 'after', firstSeenMs: firstSeen });
    expect(change).toMatchObject({
      event: 'AttachRolePolicy',
      actor: 'arn:aws:iam::609418236337:user/christophe',
    });
  });

  test('events that change no grant, and garbage records, are ignored', () => {
    const [login] = CLI_EXAMPLE.Events;
    const events: TrailEventSummary[] = [
      {
        eventId: login!.EventId,
        eventName: login!.EventName,
        eventTime: '2024-08-01T14:10:00Z',
        eventSource: 'signin.amazonaws.com',
        cloudTrailEvent: login!.CloudTrailEvent,
      },
      summary(ADD_PERMISSION!, { eventTime: 'not a time' }),
      summary(ADD_PERMISSION!, {
        eventTime: '2024-08-01T14:30:00Z',
        cloudTrailEvent: '{"not json',
      }),
    ];
    expect(findChange(events, { direction: 'after', firstSeenMs: firstSeen })).toEqual({
      event: 'AddPermission20150331v2',
      at: '2024-08-01T14:30:00.000Z',
      actor: null,
    });
  });
});
