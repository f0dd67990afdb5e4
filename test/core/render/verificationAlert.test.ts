/**
 * The verdict in alerts: the OPENED alert carries the root cause, the statement, the change and the
 * evidence on every channel; FIXED says who applied the change; text from the account or the log
 * (reasons, statement ids, actors) is escaped like every other log value.
 */
import { alertContent } from '../../../lambda/core/render/alertContent';
import { renderChatMessage } from '../../../lambda/core/render/renderChatMessage';
import { renderSlackMessage } from '../../../lambda/core/render/renderSlackMessage';
import { renderSnsMessage } from '../../../lambda/core/render/renderSnsMessage';
import { renderTerminalAlert } from '../../../lambda/core/render/renderTerminalAlert';
import type { Diagnosis } from '../../../lambda/core/types';
import { notificationFor, SLACK_MARKUP, verifiedApiDiagnosis } from '../../helpers/alerts';
import { slackCodeBlocks, slackTexts, validateSlackPayload } from '../../helpers/slackReceiver';

const V = verifiedApiDiagnosis.verification!;

describe('the verdict in the OPENED alert', () => {
  const opened = notificationFor(verifiedApiDiagnosis, 'opened');

  test('alert content: status and root cause, why, statement, change, evidence', () => {
    const labels = alertContent(opened).verification.map((f) => f.label);
    expect(labels).toEqual(['Verified', 'Why', 'Statement', 'Change', 'Evidence']);
  });

  test('Slack: the sentence near the top, the evidence after the first fix, all valid', () => {
    // Act
    const payload = renderSlackMessage(opened);

    // Assert
    expect(validateSlackPayload(payload)).toEqual([]);
    const texts = slackTexts(payload).map((t) => t.text);
    expect(texts).toContain(
      `Live account: confirmed: source-arn-mismatch (checked 2026-05-04 09:01:02 UTC). ${V.reason}`,
    );
    const code = slackCodeBlocks(payload);
    expect(code[0]?.trim()).toBe(verifiedApiDiagnosis.fixes[0]?.command);
    expect(code.find((b) => b.includes('sts:GetCallerIdentity'))).toContain(
      'lambda:GetPolicy region=us-west-2',
    );
    expect(texts.join('\n')).toContain(
      'RemovePermission20150331v2 by arn:aws:iam::767398066659:user/deployer via cloudformation.amazonaws.com',
    );
  });

  test('SNS: the short message names the verdict; the email has the evidence', () => {
    const sns = renderSnsMessage(opened);
    expect(sns.default).toContain('Live account: confirmed, root cause source-arn-mismatch.');
    expect(sns.email).toContain('Live account');
    expect(sns.email).toContain(
      'cloudtrail:LookupEvents region=us-west-2 resourceName=resumes-api',
    );
  });

  test('chat and terminal carry it too', () => {
    expect(renderChatMessage(opened).content.description).toContain('source-arn-mismatch');
    expect(renderTerminalAlert(opened)).toContain('Statement "beta-only" of resource-based policy');
  });

  test('at most 12 evidence lines in an alert, the rest counted', () => {
    const many: Diagnosis = {
      ...verifiedApiDiagnosis,
      verification: {
        ...V,
        evidence: Array.from({ length: 20 }, (_, i) => ({
          call: `iam:GetRolePolicy n=${i}`,
          result: 'ok',
        })),
      },
    };
    const evidence = alertContent(notificationFor(many, 'opened')).verification.find(
      (f) => f.label === 'Evidence',
    )?.value;
    expect(evidence?.split('\n')).toHaveLength(13);
    expect(evidence).toContain('… 8 more calls');
  });
});

describe('the FIXED alert', () => {
  const fixedDiagnosis: Diagnosis = {
    ...verifiedApiDiagnosis,
    verification: {
      ...V,
      status: 'fixed',
      rootCause: 'unknown',
      change: {
        event: 'AddPermission20150331v2',
        at: '2026-05-04T09:20:00.000Z',
        actor: 'arn:aws:iam::767398066659:user/oncall',
      },
    },
  };

  test('says the live policy allows it now and who applied the change; no fix', () => {
    const n = notificationFor(fixedDiagnosis, 'fixed');
    const c = alertContent(n);
    expect(c.status).toBe('FIXED');
    expect(c.progress).toContain(
      'AddPermission20150331v2 by arn:aws:iam::767398066659:user/oncall at 2026-05-04 09:20:00 UTC',
    );
    expect(c.fixes).toEqual([]);
    expect(validateSlackPayload(renderSlackMessage(n))).toEqual([]);
  });
});

describe('verdict text is escaped like log text', () => {
  test.each(SLACK_MARKUP)(
    '%s in the reason, statement and actor cannot format or ping',
    (markup) => {
      // Arrange
      const hostile: Diagnosis = {
        ...verifiedApiDiagnosis,
        verification: {
          ...V,
          reason: `${markup} reason`,
          statement: { ...V.statement!, sid: markup, actual: markup },
          change: { ...V.change!, actor: markup },
          evidence: [{ call: markup, result: markup }],
        },
      };

      // Act
      const payload = renderSlackMessage(notificationFor(hostile, 'opened'));

      // Assert
      expect(validateSlackPayload(payload)).toEqual([]);
      for (const t of slackTexts(payload)) {
        expect(t.text).not.toMatch(/<[!@#]|<https?:/);
      }
    },
  );
});
