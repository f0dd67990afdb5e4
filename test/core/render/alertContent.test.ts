import {
  alertContent,
  displayTime,
  duration,
  shellWord,
} from '../../../lambda/core/render/alertContent';
import { DIAGNOSES, notificationFor } from '../../helpers/alerts';

describe('alertContent', () => {
  test.each([
    ['2026-05-04T10:00:00.000Z', '2026-05-04T10:00:45.000Z', '45s'],
    ['2026-05-04T10:00:00.000Z', '2026-05-04T10:12:20.000Z', '12m'],
    ['2026-05-04T10:00:00.000Z', '2026-05-04T12:05:00.000Z', '2h 05m'],
    ['2026-05-04T10:00:00.000Z', '2026-05-04T12:00:00.000Z', '2h 00m'],
    ['2026-05-01T10:00:00.000Z', '2026-05-04T14:00:00.000Z', '3d 4h'],
    ['2026-05-04T10:00:00.000Z', '2026-05-04T09:00:00.000Z', 'an unknown time'],
    ['not a time', '2026-05-04T09:00:00.000Z', 'an unknown time'],
  ])('duration %s -> %s is %s', (from, to, expected) => {
    expect(duration(from, to)).toBe(expected);
  });

  test('displayTime shows ISO times in UTC without milliseconds and leaves anything else alone', () => {
    expect(displayTime('2026-03-14T21:31:36.819Z')).toBe('2026-03-14 21:31:36 UTC');
    expect(displayTime('Thu Mar 31 16:18:04 UTC 2016')).toBe('Thu Mar 31 16:18:04 UTC 2016');
  });

  test.each([
    ['15e9f3c4853ae0b7a339b5ab94081359-1', '15e9f3c4853ae0b7a339b5ab94081359-1'],
    ["it's; rm -rf /", `'it'\\''s; rm -rf /'`],
    ['#comment', "'#comment'"],
    ['$(id)', "'$(id)'"],
  ])('shellWord(%s) is %s', (word, expected) => {
    expect(shellWord(word)).toBe(expected);
  });

  test('a reopened incident names the previous episode', () => {
    // Arrange
    const n = notificationFor(DIAGNOSES['invoke-access-denied'], 'opened');
    const reopened = {
      ...n,
      incident: { ...n.incident, id: 'abc-2', episode: 2, previousIncidentId: 'abc-1' },
    };
    // Act
    const c = alertContent(reopened);
    // Assert
    expect(c.progress).toContain('This happened before: previous incident abc-1.');
    expect(c.reference).toBe('Incident abc-2 · episode 2 (previous abc-1)');
  });

  test('which fixes each kind of message shows', () => {
    const d = {
      ...DIAGNOSES['apigw-invalid-permissions'],
      fixes: [
        ...DIAGNOSES['apigw-invalid-permissions'].fixes,
        { kind: 'locate-function' as const, description: 'find it', command: null },
      ],
    };
    expect(alertContent(notificationFor(d, 'opened')).fixes).toHaveLength(2);
    expect(alertContent(notificationFor(d, 'update')).fixes).toHaveLength(1);
    expect(alertContent(notificationFor(d, 'resolved')).fixes).toHaveLength(0);
  });

  test("an organisation's incident names its account in the headline and the facts, and the central stack in the history command", () => {
    // Arrange
    const n = notificationFor(DIAGNOSES['apigw-invalid-permissions'], 'opened');
    const single = alertContent(n);
    // Act
    const c = alertContent({ ...n, incident: { ...n.incident, account: '111111111111' } });
    // Assert
    expect(c.headline).toBe(`${single.headline} in account 111111111111`);
    expect(c.facts[0]).toEqual({ label: 'Account', value: '111111111111' });
    expect(c.facts.slice(1)).toEqual(single.facts);
    expect(c.historyCommand).toBe(`${single.historyCommand} --stack InvokeDoctorCentral`);
    expect(single.facts.map((f) => f.label)).not.toContain('Account');
  });

  test.each([
    ['$connect', null, '$connect'],
    ['sendMessage', null, 'sendMessage'],
    ['/orders', null, '(unknown method) /orders'],
    ['/orders', 'GET', 'GET /orders'],
  ])('API route %j with method %j reads %j', (resourcePath, httpMethod, route) => {
    // A WebSocket route key has no method: it is shown as it is, not as `ANY $connect`; a path
    // without its method keeps the method unknown.
    const d = DIAGNOSES['apigw-invalid-permissions'];
    const api = { id: 'a1b2c3d4e5', stage: 'prod', httpMethod, resourcePath };
    const c = alertContent(notificationFor({ ...d, api }, 'opened'));
    expect(c.facts.find((f) => f.label === 'API route')?.value).toBe(
      `${route} (API a1b2c3d4e5, stage prod)`,
    );
  });
});
