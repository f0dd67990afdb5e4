/**
 * Finding 9: the chat-format (Amazon Q Developer) message rendered log text as markdown: `*bold*`
 * and bare links from a log line were formatted and linked. Log text is now only ever inside code
 * spans in the chat message, and the title names the function only when it is a valid name.
 */
import { analyzeBatches } from '../../lambda/core/diagnose/analyzeBatches';
import { renderChatMessage } from '../../lambda/core/render/renderChatMessage';
import { notificationFor } from '../helpers/alerts';
import { fixture } from '../helpers/fixture';

/** The text of a chat markdown field outside its code spans and blocks. */
function outsideCode(markdown: string): string {
  return markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
}

describe('the chat notification does not render log text as markdown', () => {
  test('a route carrying *bold* and a bare link (the real CLF line with a hostile path)', () => {
    // Arrange: test/events/http-api-access-log/integration-permissions-clf.log, route replaced
    const line = fixture('http-api-access-log/integration-permissions-clf.log')
      .trim()
      .replace('$default', '/*urgent*/_now_/https://evil.example/login');
    const [d] = analyzeBatches([
      {
        format: 'text',
        owner: null,
        logGroup: '/aws/vendedlogs/orders-http-api/access',
        logStream: null,
        policyLevel: null,
        events: [{ id: null, timestamp: 0, message: line }],
      },
    ]).diagnoses;
    // Act
    const chat = renderChatMessage(notificationFor(d!, 'opened'));
    // Assert: present, but only as code
    expect(chat.content.description).toContain('*urgent*');
    for (const text of [
      chat.content.title,
      chat.metadata.summary,
      chat.content.description,
      ...chat.content.nextSteps,
    ]) {
      expect(outsideCode(text)).not.toMatch(/\*urgent\*|_now_|https?:\/\/|evil\.example/);
    }
  });
});
