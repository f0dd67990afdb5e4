import fc from 'fast-check';
import {
  renderSnsMessage,
  SNS_SUBJECT_MAX,
  snsSubject,
} from '../../../lambda/core/render/renderSnsMessage';
import type { Diagnosis, Fix } from '../../../lambda/core/types';
import { DIAGNOSES, NOTIFICATION_KINDS, notificationFor } from '../../helpers/alerts';

// SNS: "must be ASCII text that begins with a letter, number, or punctuation mark; must not
// include line breaks or control characters; and must be less than 100 characters long".
const VALID_SUBJECT = /^[!-~][ -~]{0,98}$/;

describe('renderSnsMessage', () => {
  test.each(
    Object.entries(DIAGNOSES).flatMap(([name, d]) =>
      NOTIFICATION_KINDS.map((k) => [name, k, d] as const),
    ),
  )('%s %s: valid subject, short default, email body', (_name, kind, d) => {
    // Act
    const sns = renderSnsMessage(notificationFor(d, kind));
    // Assert
    expect(sns.subject).toMatch(VALID_SUBJECT);
    expect(sns.subject).toContain(
      {
        opened: 'OPENED',
        update: 'ONGOING',
        recurring: 'RECURRING',
        reminder: 'STILL FAILING',
        fixed: 'FIXED',
        resolved: 'RESOLVED',
      }[kind],
    );
    expect(sns.default.length).toBeLessThanOrEqual(1000);
    expect(sns.default).not.toContain('\n');
    expect(sns.default).toContain(`${d.fingerprint}-1`);
    expect(sns.email).toContain(d.summary);
    if (kind === 'resolved' || kind === 'fixed') expect(sns.email).not.toContain('aws ');
    else expect(sns.email).toContain(d.fixes[0]?.command);
  });

  test('opened email carries every fix form and the sample, as plain text', () => {
    const d = DIAGNOSES['apigw-invalid-permissions'];
    const { email } = renderSnsMessage(notificationFor(d, 'opened'));
    expect(email).toContain('CloudFormation:');
    expect(email).toContain('AWS::Lambda::Permission');
    expect(email).toContain('resource "aws_lambda_permission"');
    expect(email).toContain(d.sample);
    expect(email).not.toContain('\u001b[');
  });

  test('the default carries the command whole or refers to the email, never a cut command', () => {
    // Arrange
    const base = DIAGNOSES['apigw-invalid-permissions'];
    const long = `aws lambda add-permission --statement-id ${'x'.repeat(950)}`;
    const d: Diagnosis = { ...base, fixes: [{ ...(base.fixes[0] as Fix), command: long }] };
    // Act
    const sns = renderSnsMessage(notificationFor(d, 'opened'));
    // Assert
    expect(sns.default).not.toContain('--statement-id');
    expect(sns.default).toContain(
      `Fix: see the email or npx invoke-doctor incidents show ${d.fingerprint}-1`,
    );
    expect(sns.email).toContain(long);
    expect(renderSnsMessage(notificationFor(base, 'opened')).default).toContain(
      `Fix: ${base.fixes[0]?.command}`,
    );
  });

  test('a subject made from a long, accented, multi-line headline is cut and ASCII', () => {
    const d: Diagnosis = {
      ...structuredClone(DIAGNOSES['invoke-access-denied']),
      function: {
        ...DIAGNOSES['invoke-access-denied'].function,
        name: `fonction-é\n\r\t${'x'.repeat(200)}`,
      },
    };
    const { subject } = renderSnsMessage(notificationFor(d, 'opened'));
    expect(subject).toMatch(VALID_SUBJECT);
    expect(subject).toContain('fonction-e x');
    expect(subject.endsWith('...')).toBe(true);
  });

  test('property: any text gives a subject under 100 characters without control or non-ASCII characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        const subject = snsSubject(s);
        expect(subject.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX);
        expect(subject).toMatch(VALID_SUBJECT);
      }),
    );
  });

  test('property: any function name gives a valid subject and a one-line default', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (name) => {
        const base = DIAGNOSES['invoke-access-denied'];
        const d: Diagnosis = { ...base, function: { ...base.function, name } };
        const sns = renderSnsMessage(notificationFor(d, 'opened'));
        expect(sns.subject).toMatch(VALID_SUBJECT);
        expect([...sns.default].some((ch) => (ch.codePointAt(0) ?? 0) < 0x20)).toBe(false);
      }),
    );
  });
});
