import { renderChatMessage } from '../../../lambda/core/render/renderChatMessage';
import { slackUnescape } from '../../../lambda/core/render/sanitize';
import type { Diagnosis, Fix } from '../../../lambda/core/types';
import { DIAGNOSES, NOTIFICATION_KINDS, notificationFor, SLACK_MARKUP } from '../../helpers/alerts';

describe('renderChatMessage', () => {
  test.each(NOTIFICATION_KINDS)(
    '%s: custom-notification schema with the incident id as thread id',
    (kind) => {
      // Arrange
      const d = DIAGNOSES['apigw-invalid-permissions'];
      const n = notificationFor(d, kind);
      // Act
      const chat = renderChatMessage(n);
      // Assert
      expect(chat.version).toBe('1.0');
      expect(chat.source).toBe('custom');
      expect(chat.id).toBe(n.notificationId);
      expect(chat.content.textType).toBe('client-markdown');
      expect(chat.metadata.threadId).toBe(n.incident.id);
      expect(chat.metadata.eventType).toBe(`invoke-doctor.incident.${kind}`);
      expect(chat.metadata.relatedResources).toEqual([d.function.arn]);
      expect(chat.content.title.length).toBeLessThanOrEqual(150);
      expect(chat.content.description.length).toBeLessThanOrEqual(2900);
      expect(chat.content.nextSteps.at(-1)).toContain('invoke-doctor incidents show');
      for (const value of Object.values(chat.metadata.additionalContext))
        expect(typeof value).toBe('string');
    },
  );

  test('opened: the fix command is a next step, in code', () => {
    const d = DIAGNOSES['apigw-invalid-permissions'];
    const chat = renderChatMessage(notificationFor(d, 'opened'));
    expect(chat.content.nextSteps[0]).toContain(`\`${d.fixes[0]?.command}\``);
  });

  test('a command too long for chat is referred to, never cut', () => {
    const base = DIAGNOSES['apigw-invalid-permissions'];
    const long = `aws lambda add-permission --statement-id ${'x'.repeat(2000)}`;
    const d: Diagnosis = { ...base, fixes: [{ ...(base.fixes[0] as Fix), command: long }] };
    const [step] = renderChatMessage(notificationFor(d, 'opened')).content.nextSteps;
    expect(step).not.toContain('--statement-id');
    expect(step).toContain('The command is too long for chat');
  });

  test('bold and bare links from a log stay inert: the summary is a code span, the title names no log text', () => {
    // Arrange: a function name and summary carrying markdown and a link
    const base = DIAGNOSES['invoke-access-denied'];
    const d: Diagnosis = {
      ...structuredClone(base),
      function: { ...base.function, name: '*urgent*', arn: null },
      summary: 'Role *admin* may not call https://evil.example/login now',
    };
    // Act
    const chat = renderChatMessage(notificationFor(d, 'opened'));
    // Assert
    expect(chat.content.description).toContain(
      '`Role *admin* may not call https://evil.example/login now`',
    );
    expect(chat.content.title).not.toContain('*urgent*');
    expect(chat.content.description.replace(/`[^`]*`/g, '')).not.toMatch(/https?:|\*admin\*/);
  });

  test('log-derived text is escaped for Slack markdown and markup-laden ARNs stay out of metadata', () => {
    // Arrange
    const markup = SLACK_MARKUP.join(' ');
    const base = DIAGNOSES['invoke-access-denied'];
    const d: Diagnosis = {
      ...structuredClone(base),
      principal: { ...base.principal, arn: `arn:aws:iam::1:user/${markup}` },
      summary: `summary ${markup}`,
    };
    // Act
    const chat = renderChatMessage(notificationFor(d, 'opened'));
    // Assert
    const texts = [
      chat.content.title,
      chat.content.description,
      ...chat.content.nextSteps,
      chat.metadata.summary,
    ];
    for (const t of texts) expect(t).not.toMatch(/[<>]|&(?!amp;|lt;|gt;)/);
    // the summary (log text) sits in code, where mrkdwn and markdown render nothing
    expect(slackUnescape(chat.content.description)).toContain('```\nsummary <!channel> <!here>');
    expect(chat.metadata.relatedResources).toEqual([base.function.arn]);
  });
});
