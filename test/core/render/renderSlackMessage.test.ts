import fc from 'fast-check';
import type { NotificationKind } from '../../../lambda/core/incidents/incident';
import {
  renderSlackMessage,
  SLACK_TEXT_BUDGET,
} from '../../../lambda/core/render/renderSlackMessage';
import {
  FENCE_BREAK,
  slackEscape,
  slackUnescape,
  TRUNCATION_MARKER,
} from '../../../lambda/core/render/sanitize';
import type { Diagnosis, Fix } from '../../../lambda/core/types';
import { DIAGNOSES, NOTIFICATION_KINDS, notificationFor, SLACK_MARKUP } from '../../helpers/alerts';
import { slackCodeBlocks, slackTexts, validateSlackPayload } from '../../helpers/slackReceiver';

/** Characters biased towards what Slack, terminals and UTF-8 treat specially, plus any code point. */
const hostileChar = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(...'<>&`*_~|!@#:;>\n\r\t\u001b\u200b\u202e\ud800\udfff'.split('')),
  },
  { weight: 3, arbitrary: fc.constantFrom(...'abcXYZ019 ./-'.split('')) },
  { weight: 1, arbitrary: fc.constantFrom(...SLACK_MARKUP, '```', '``', '\r\n', '&', '&#60;') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

const CASES = Object.entries(DIAGNOSES).flatMap(([name, diagnosis]) =>
  NOTIFICATION_KINDS.map((kind) => [name, kind, diagnosis] as const),
);

/** What a reader sees: entities decoded, our zero-width fence breaks removed. */
function shown(text: string): string {
  return slackUnescape(text).split(FENCE_BREAK).join('');
}

/** Every ``` opens (`` ```\n ``) or closes (`` \n``` ``) a code block, alternately: log text made none. */
function fencesWellFormed(payload: unknown): boolean {
  for (const t of slackTexts(payload).filter((x) => x.type === 'mrkdwn')) {
    if (t.text.includes('````')) return false;
    let open = false;
    for (const m of t.text.matchAll(/```/g)) {
      const at = m.index ?? 0;
      if (!open && t.text[at + 3] !== '\n') return false;
      if (open && t.text[at - 1] !== '\n') return false;
      open = !open;
    }
    if (open) return false;
  }
  return true;
}

function header(payload: ReturnType<typeof renderSlackMessage>): string {
  const block = payload.blocks[0];
  if (block?.type !== 'header') throw new Error('first block is not a header');
  return block.text.text;
}

describe('renderSlackMessage', () => {
  test.each(CASES)('%s %s: payload passes the Slack limit validator', (_name, kind, diagnosis) => {
    const payload = renderSlackMessage(notificationFor(diagnosis, kind));
    expect(validateSlackPayload(JSON.parse(JSON.stringify(payload)))).toEqual([]);
  });

  test.each(Object.entries(DIAGNOSES))(
    '%s opened: header, who/what/where, fix command in a code block, forms, sample',
    (_name, d) => {
      // Act
      const payload = renderSlackMessage(notificationFor(d, 'opened'));
      // Assert
      expect(header(payload)).toMatch(/^🚨 OPENED: /);
      const texts = slackTexts(payload).map((t) => shown(t.text));
      for (const label of [
        '*Who*',
        '*What*',
        '*Where*',
        '*Occurrences*',
        '*First seen*',
        '*Last seen*',
      ]) {
        expect(texts.some((t) => t.startsWith(label))).toBe(true);
      }
      const code = slackCodeBlocks(payload).map((c) => shown(c).trim());
      const fix = d.fixes[0] as Fix;
      expect(code[0]).toBe(fix.command);
      for (const form of [fix.cloudformation, fix.terraform, fix.cdk].filter(Boolean)) {
        expect(code).toContain(form);
      }
      expect(code).toContain(d.sample);
      expect(texts.join('\n')).toContain(`${d.occurrences} occurrences since`);
    },
  );

  test('update says how many occurrences since the last message and repeats only the command', () => {
    // Act
    const payload = renderSlackMessage(
      notificationFor(DIAGNOSES['apigw-invalid-permissions'], 'update', 57),
    );
    // Assert
    expect(header(payload)).toMatch(/^🔁 ONGOING: /);
    const texts = slackTexts(payload)
      .map((t) => shown(t.text))
      .join('\n');
    expect(texts).toContain('57 new occurrences since the last update, 318 occurrences in total');
    expect(texts).toContain('318 (+57 since last update)');
    const code = slackCodeBlocks(payload).map((c) => shown(c).trim());
    expect(code).toContain(DIAGNOSES['apigw-invalid-permissions'].fixes[0]?.command);
    expect(code.some((c) => c.includes('AWS::Lambda::Permission'))).toBe(false);
  });

  test('resolved says when it ended and how long it lasted, with no fix', () => {
    // Act
    const payload = renderSlackMessage(
      notificationFor(DIAGNOSES['apigw-invalid-permissions'], 'resolved'),
    );
    // Assert
    expect(header(payload)).toMatch(/^✅ RESOLVED: /);
    const texts = slackTexts(payload)
      .map((t) => shown(t.text))
      .join('\n');
    expect(texts).toContain('No occurrences since 2026-05-04 09:26:41 UTC. The outage lasted 15m');
    expect(texts).toContain('*Resolved*');
    expect(slackCodeBlocks(payload)).toEqual([]);
  });

  test('every kind of message differs', () => {
    const d = DIAGNOSES['invoke-access-denied'];
    const rendered = NOTIFICATION_KINDS.map((k) =>
      JSON.stringify(renderSlackMessage(notificationFor(d, k))),
    );
    expect(new Set(rendered).size).toBe(NOTIFICATION_KINDS.length);
  });

  test('a huge diagnosis is cut with the marker and stays within the limits and our budget', () => {
    // Arrange: very long ARNs, 30 fixes with every form, a 10 KB sample.
    const base = DIAGNOSES['apigw-invalid-permissions'];
    const longArn = `arn:aws:lambda:us-west-2:767398066659:function:${'x'.repeat(4000)}`;
    const fix = base.fixes[0] as Fix;
    const huge: Diagnosis = {
      ...structuredClone(base),
      function: { ...base.function, arn: longArn, name: 'y'.repeat(3000) },
      principal: {
        ...base.principal,
        arn: `arn:aws:iam::767398066659:role/${'r'.repeat(5000)}`,
        type: 'iam-role',
      },
      summary: 's'.repeat(8000),
      fixes: Array.from({ length: 30 }, (_, i) => ({
        ...fix,
        description: `fix ${i} ${'d'.repeat(2000)}`,
        command: `${fix.command} ${'c'.repeat(5000)}`,
        cloudformation: 'f'.repeat(4000),
      })),
      sample: `${base.sample} ${'z'.repeat(10_000)}`,
    };
    // Act
    const payload = renderSlackMessage(notificationFor(huge, 'opened'));
    // Assert
    expect(validateSlackPayload(JSON.parse(JSON.stringify(payload)))).toEqual([]);
    const texts = slackTexts(payload);
    const blockText = texts
      .filter((t) => t.type !== 'fallback')
      .reduce((n, t) => n + t.text.length, 0);
    expect(blockText).toBeLessThanOrEqual(SLACK_TEXT_BUDGET);
    expect(header(payload)).toContain(TRUNCATION_MARKER);
    expect(texts.filter((t) => t.text.includes(TRUNCATION_MARKER)).length).toBeGreaterThan(3);
    const footer = payload.blocks.at(-1);
    expect(footer?.type).toBe('context');
    expect(JSON.stringify(footer)).toMatch(/more fix sections not shown/);
    // A command too long for Slack is not cut (a cut command is unsafe to run): it is referred to.
    expect(texts.some((t) => t.text.startsWith('*Run*'))).toBe(false);
    expect(texts.map((t) => t.text).join('\n')).toContain('too long to show whole in Slack');
    // The sample is cut, with the marker, inside its code block.
    expect(slackCodeBlocks(payload).at(-1)).toContain(TRUNCATION_MARKER);
  });

  test('a command is shown whole or not at all, never cut', () => {
    // Arrange: one command just under the section limit, one just over.
    const base = DIAGNOSES['apigw-invalid-permissions'];
    const command = (length: number) =>
      `aws lambda add-permission --statement-id ${'x'.repeat(length - 41)}`;
    const render = (length: number) =>
      renderSlackMessage(
        notificationFor(
          { ...base, fixes: [{ ...(base.fixes[0] as Fix), command: command(length) }] },
          'opened',
        ),
      );
    // Act
    const fits = render(2980);
    const tooLong = render(3000);
    // Assert
    expect(slackCodeBlocks(fits).map((c) => c.trim())).toContain(command(2980));
    expect(slackCodeBlocks(tooLong).some((c) => c.includes('--statement-id'))).toBe(false);
    expect(validateSlackPayload(JSON.parse(JSON.stringify(tooLong)))).toEqual([]);
  });

  test('injection: Slack markup in log-derived values is shown literally and never pings, links or formats', () => {
    // Arrange: every markup string in the principal, the function, the route, the log group and the sample.
    const markup = SLACK_MARKUP.join(' ');
    const base = DIAGNOSES['invoke-access-denied'];
    const hostile: Diagnosis = {
      ...structuredClone(base),
      principal: { ...base.principal, arn: `arn:aws:iam::1:user/${markup}` },
      function: { ...base.function, arn: null, name: `fn ${markup}` },
      api: { id: markup, stage: markup, httpMethod: 'GET', resourcePath: `/${markup}` },
      logGroup: `/aws/lambda/${markup}`,
      summary: `summary ${markup}`,
      sample: `sample ${markup}`,
    };
    for (const kind of NOTIFICATION_KINDS) {
      // Act
      const payload = renderSlackMessage(notificationFor(hostile, kind));
      // Assert: valid, nothing unescaped anywhere, no ``` inside a code block.
      expect(validateSlackPayload(JSON.parse(JSON.stringify(payload)))).toEqual([]);
      const texts = slackTexts(payload);
      for (const t of texts) {
        expect(t.text).not.toMatch(/<[!@#]|<https?:/);
        expect(t.text).not.toMatch(/[<>]/);
      }
      expect(fencesWellFormed(payload)).toBe(true);
      // What a reader sees is the input, literally.
      const seen = texts.map((t) => shown(t.text)).join('\n');
      expect(seen).toContain(`fn ${markup}`);
      expect(seen).toContain(`arn:aws:iam::1:user/${markup}`);
      if (kind !== 'resolved') {
        expect(slackCodeBlocks(payload).map((c) => shown(c).trim())).toContain(`sample ${markup}`);
      }
      // Formatting characters from logs sit in plain_text or in code, where mrkdwn does not apply.
      for (const t of texts.filter((x) => x.type === 'mrkdwn')) {
        const outsideCode = t.text
          .split('```')
          .filter((_, i) => i % 2 === 0)
          .join('')
          .split('`')
          .filter((_, i) => i % 2 === 0)
          .join('');
        expect(outsideCode).not.toContain('bold*');
        expect(outsideCode).not.toContain('_italic_');
        expect(outsideCode).not.toContain(':rotating_light:');
      }
    }
  });

  test('property: arbitrary strings in every displayed field give a valid, fully escaped payload', () => {
    const text = fc.string({ unit: hostileChar, maxLength: 300 });
    const maybe = fc.option(text, { nil: null });
    const kind = fc.constantFrom<NotificationKind>('opened', 'update', 'resolved');
    const fixArb = fc.record({
      kind: fc.constantFrom(
        'add-permission',
        'identity-policy',
        'trust-policy',
        'remove-explicit-deny',
        'locate-function' as const,
      ),
      description: text,
      command: maybe,
      cloudformation: text,
      terraform: text,
      cdk: text,
    });
    fc.assert(
      fc.property(
        fc.record({
          principalArn: maybe,
          service: maybe,
          fnArn: maybe,
          fnName: maybe,
          qualifier: maybe,
          api: fc.option(
            fc.record({ id: maybe, stage: maybe, httpMethod: maybe, resourcePath: maybe }),
            { nil: null },
          ),
          logGroup: maybe,
          roleArn: maybe,
          denyPolicyArn: maybe,
          summary: text,
          sample: fc.string({ unit: hostileChar, maxLength: 2000 }),
          fixes: fc.array(fixArb, { maxLength: 6 }),
          id: text,
          previous: maybe,
        }),
        kind,
        fc.nat(),
        (v, k, newOccurrences) => {
          const base = DIAGNOSES['apigw-invalid-permissions'];
          const d: Diagnosis = {
            ...base,
            principal: { ...base.principal, arn: v.principalArn, service: v.service },
            function: { ...base.function, arn: v.fnArn, name: v.fnName, qualifier: v.qualifier },
            api: v.api,
            logGroup: v.logGroup,
            roleArn: v.roleArn,
            denyPolicyArn: v.denyPolicyArn,
            summary: v.summary,
            sample: v.sample,
            fixes: v.fixes as Fix[],
          };
          const n = notificationFor(d, k, newOccurrences);
          const payload = renderSlackMessage({
            ...n,
            incident: { ...n.incident, id: v.id, previousIncidentId: v.previous },
          });
          const problems = validateSlackPayload(JSON.parse(JSON.stringify(payload)));
          if (problems.length > 0) throw new Error(problems.join('; '));
          if (!fencesWellFormed(payload))
            throw new Error('a code fence was opened or closed by log text');
          // Every command shown is a whole command of the diagnosis.
          const commands = d.fixes.map((f) =>
            f.command ? shown(slackEscape(f.command.trimEnd())) : null,
          );
          for (const t of slackTexts(payload).filter((x) => x.text.startsWith('*Run*\n```\n'))) {
            const code = shown(t.text.slice('*Run*\n```\n'.length, -'\n```'.length));
            if (!commands.includes(code)) throw new Error('a command was cut or altered');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
