/**
 * Finding 9: alert payloads that are logged in a watched group were diagnosed again. Every alert
 * quotes the log line it is about, so an SNS message logged by a subscriber, a Slack payload logged
 * by a relay or a captured replay fed the engine its own output. Every rendered form carries the
 * alert marker next to the quoted line, and the engine skips messages carrying it.
 */
import { ALERT_MARKER } from '../../lambda/core/constants';
import { analyzeBatches } from '../../lambda/core/diagnose/analyzeBatches';
import { renderChatMessage } from '../../lambda/core/render/renderChatMessage';
import { renderDigest } from '../../lambda/core/render/renderDigest';
import { renderSlackMessage } from '../../lambda/core/render/renderSlackMessage';
import { renderSnsMessage } from '../../lambda/core/render/renderSnsMessage';
import { renderTerminalAlert } from '../../lambda/core/render/renderTerminalAlert';
import type { LogBatch } from '../../lambda/core/types';
import { NOTIFICATION_KINDS, notificationFor } from '../helpers/alerts';
import { fixture } from '../helpers/fixture';

/** Real lines of each family (test/events), as the engine diagnoses them. */
const LINES = [
  'iam-sentence/no-identity-policy.log',
  'iam-sentence/cli-iam-user.log',
  'rest-execution-log/knowledge-center-integration.log',
  'http-api-access-log/integration-permissions-clf.log',
].map((name) => fixture(name).trim());

function diagnosesOf(messages: readonly string[]): number {
  const batch: LogBatch = {
    format: 'awslogs',
    owner: null,
    logGroup: '/aws/lambda/alert-relay',
    logStream: 's',
    policyLevel: null,
    events: messages.map((message, i) => ({ id: String(i + 1), timestamp: 0, message })),
  };
  return analyzeBatches([batch]).diagnoses.length;
}

describe('alerts logged in a watched log group are not diagnosed again', () => {
  const diagnoses = LINES.flatMap(
    (line) =>
      analyzeBatches([
        {
          format: 'text',
          owner: null,
          logGroup: null,
          logStream: null,
          policyLevel: null,
          events: line.split('\n').map((message) => ({ id: null, timestamp: 0, message })),
        },
      ]).diagnoses,
  );
  const cases = diagnoses.flatMap((d) =>
    NOTIFICATION_KINDS.filter((k) => k !== 'resolved').map((kind) => notificationFor(d, kind)),
  );

  test('the quoted lines alone are denials (so the tests below have teeth)', () => {
    expect(diagnoses.length).toBeGreaterThanOrEqual(LINES.length);
    expect(diagnosesOf(diagnoses.map((d) => d.sample))).toBeGreaterThan(0);
  });

  test.each(cases.map((n) => [`${n.incident.diagnosis.kind} ${n.kind}`, n] as const))(
    '%s: Slack payload, SNS message, chat JSON and terminal text, whole or line by line',
    (_name, n) => {
      const sns = renderSnsMessage(n);
      const whole = [
        JSON.stringify(renderSlackMessage(n)),
        JSON.stringify({ default: sns.default, email: sns.email }),
        JSON.stringify(renderChatMessage(n)),
        renderTerminalAlert(n),
        sns.email,
      ];
      for (const text of whole) expect(text).toContain(ALERT_MARKER);
      // logged as one event each, and line by line (a relay that logs every line)
      expect(diagnosesOf(whole)).toBe(0);
      expect(diagnosesOf(whole.flatMap((text) => text.split('\n')))).toBe(0);
    },
  );

  test('aggregated alerts carry the marker too', () => {
    const digest = renderDigest({
      digestId: 'd',
      reason: 'new-incidents-per-delivery',
      held: 3,
      limit: 20,
      from: '2026-05-04T10:00:00.000Z',
      logGroup: '/aws/lambda/x',
      incidentIds: ['abc-1'],
    });
    for (const text of [
      digest.text,
      JSON.stringify(digest.slack),
      JSON.stringify(digest.chat),
      digest.sns.default,
    ]) {
      expect(text).toContain(ALERT_MARKER);
    }
  });
});
