import { renderSlackMessage } from '../../../lambda/core/render/renderSlackMessage';
import { renderTerminalAlert } from '../../../lambda/core/render/renderTerminalAlert';
import { FENCE_BREAK, slackUnescape } from '../../../lambda/core/render/sanitize';
import type { Diagnosis } from '../../../lambda/core/types';
import { DIAGNOSES, NOTIFICATION_KINDS, notificationFor } from '../../helpers/alerts';
import { slackCodeBlocks } from '../../helpers/slackReceiver';

const ESC = '\u001b';

describe('renderTerminalAlert', () => {
  test.each(NOTIFICATION_KINDS)(
    '%s: same content as the Slack message, plain text, no colour by default',
    (kind) => {
      // Arrange
      const n = notificationFor(DIAGNOSES['apigw-invalid-permissions'], kind);
      // Act
      const text = renderTerminalAlert(n);
      // Assert: every code block Slack shows (command, forms, sample) appears in the terminal too.
      expect(text).not.toContain(ESC);
      for (const code of slackCodeBlocks(renderSlackMessage(n))) {
        const shown = slackUnescape(code).split(FENCE_BREAK).join('').trim();
        for (const line of shown.split('\n')) expect(text).toContain(line);
      }
      expect(text).toContain(n.incident.id);
    },
  );

  test('colour only when asked', () => {
    const n = notificationFor(DIAGNOSES['invoke-access-denied'], 'opened');
    const coloured = renderTerminalAlert(n, { color: true });
    expect(coloured).toContain(`${ESC}[31m[OPENED]`);
    expect(coloured.replace(new RegExp(`${ESC}\\[\\d+m`, 'g'), '')).toBe(renderTerminalAlert(n));
  });

  test('escape sequences from a log line cannot drive the terminal', () => {
    const base = DIAGNOSES['invoke-access-denied'];
    const d: Diagnosis = {
      ...structuredClone(base),
      sample: `${base.sample}${ESC}]0;pwned\u0007${ESC}[2J\u009b31m`,
    };
    const text = renderTerminalAlert(notificationFor(d, 'opened'), { color: false });
    for (const control of [ESC, '\u0007', '\u009b']) expect(text).not.toContain(control);
    expect(text).toContain('␛]0;pwned␇␛[2J<U+009B>31m');
  });
});
