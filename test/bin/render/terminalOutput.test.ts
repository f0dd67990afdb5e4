/**
 * What a person reads in an outage: diagnose's report (plurals, the command first), the replay's
 * alerts (OPENED in full, ONGOING and RESOLVED one line each, with the command that shows the rest
 * and the options it needs) and the incidents table (fits the terminal).
 */
import { Writable } from 'node:stream';
import { renderAlertLine } from '../../../bin/render/renderAlertLine';
import { fixParts, renderDiagnosisText } from '../../../bin/render/renderDiagnosisText';
import { renderIncidentTable } from '../../../bin/render/renderIncidentTable';
import { TerminalNotifier } from '../../../bin/replay/TerminalNotifier';
import { decodeInput } from '../../../lambda/core/decode/decodeInput';
import { analyzeBatches } from '../../../lambda/core/diagnose/analyzeBatches';
import type { Incident } from '../../../lambda/core/incidents/incident';
import { DIAGNOSES, incidentFor, notificationFor } from '../../helpers/alerts';
import { fixture } from '../../helpers/fixture';

describe('renderDiagnosisText', () => {
  test('plurals agree with their counts', () => {
    const line = fixture('iam-sentence/cli-iam-user.log').trim();
    const one = renderDiagnosisText(analyzeBatches(decodeInput(line)).diagnoses, false);
    const three = renderDiagnosisText(
      analyzeBatches(decodeInput(`${line}\n${line}\n${line}`)).diagnoses,
      false,
    );
    expect(one).toContain('· 1 occurrence\n');
    expect(one).toContain('1 distinct problem, 1 occurrence.');
    expect(three).toContain('· 3 occurrences');
    expect(`${one}${three}`).not.toContain('(s)');
  });

  test('each fix shows its command first, then one sentence', () => {
    // Act
    const text = renderDiagnosisText(
      analyzeBatches(decodeInput(fixture('iam-sentence/no-identity-policy.log'))).diagnoses,
      false,
    );
    // Assert
    const lines = text.split('\n');
    const fix = lines.findIndex((l) => l.trim().startsWith('fix:'));
    expect(lines[fix + 1]?.trim()).toMatch(/^aws iam put-role-policy /);
    expect(lines[fix + 2]?.trim()).toBe(
      'No identity-based policy of the caller allows lambda:InvokeFunction on the function.',
    );
  });

  test('without a runnable command: what is missing and the template, not the whole description', () => {
    const [d] = analyzeBatches(
      decodeInput(fixture('iam-sentence/python-clienterror-10-digit-account.log')),
    ).diagnoses;
    const [fix] = d?.fixes ?? [];
    const parts = fix === undefined ? null : fixParts(fix);
    expect(parts?.missing).toMatch(/the function's account id is not in the log/);
    expect(parts?.template).toMatch(
      /^aws iam put-role-policy --role-name 'LambdaExecutionRole' .*<POLICY_JSON>$/,
    );
    const text = renderDiagnosisText(d === undefined ? [] : [d], false);
    expect(text).toContain('      no runnable command: ');
    expect(text).toContain('      template: aws iam put-role-policy');
    // the problem is said once, not once per value that lacks it
    expect(text.split("the function's account id is not in the log").length).toBe(2);
  });
});

describe('replay alerts on a terminal', () => {
  function printed(kind: 'opened' | 'update' | 'resolved'): Promise<string> {
    let text = '';
    const stream = new Writable({
      write(chunk, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });
    const notifier = new TerminalNotifier({
      stream,
      historyCommand: (id) => `npx invoke-doctor incidents show ${id} --store my-store`,
    });
    return notifier
      .send(notificationFor(DIAGNOSES['apigw-invalid-permissions'], kind))
      .then(() => text);
  }

  test('OPENED in full: the fixes with their commands, the command to see it again', async () => {
    const text = await printed('opened');
    expect(text.split('\n').length).toBeGreaterThan(20);
    expect(text).toContain('aws lambda add-permission');
    expect(text).toMatch(/details: npx invoke-doctor incidents show \S+ --store my-store/);
  });

  test.each(['update', 'resolved'] as const)(
    '%s: one line that says how to see the rest',
    async (kind) => {
      const text = await printed(kind);
      expect(text.trimEnd().split('\n')).toHaveLength(1);
      expect(text).toMatch(kind === 'update' ? /^\[ONGOING\] / : /^\[RESOLVED\] /);
      expect(text).toMatch(/· npx invoke-doctor incidents show \S+ --store my-store\n$/);
    },
  );

  test('the one-line form says how it stands', () => {
    const n = notificationFor(DIAGNOSES['invoke-access-denied'], 'resolved');
    const line = renderAlertLine(n, { historyCommand: 'npx invoke-doctor incidents show x' });
    expect(line).toMatch(/ — lasted \S+, \d+ occurrences? · /);
  });
});

describe('renderIncidentTable', () => {
  const long = (name: string): Incident => {
    const incident = incidentFor(DIAGNOSES['apigw-invalid-permissions'], 'opened');
    return {
      ...incident,
      diagnosis: {
        ...incident.diagnosis,
        function: { ...incident.diagnosis.function, name },
      },
    };
  };
  const incidents = [
    long('orders-api-ListOrdersFunction-Q1W2E3R4T5Y6-with-a-long-tail'),
    long('short'),
  ];

  test.each([60, 80, 100, 120])('fits a terminal %i columns wide', (width) => {
    const text = renderIncidentTable(incidents, { width });
    for (const line of text.split('\n')) {
      if (line.startsWith(incidents.length === 1 ? '1 incident' : `${incidents.length} incidents`))
        continue;
      expect([...line].length).toBeLessThanOrEqual(width);
    }
    expect(text).toContain('ID');
    expect(text).toContain('COUNT');
  });

  test('is complete when not on a terminal', () => {
    const text = renderIncidentTable(incidents);
    for (const column of ['FIRST SEEN (UTC)', 'HOURLY', 'DURATION', 'KIND'])
      expect(text).toContain(column);
    expect(text).toContain(
      'orders-api-ListOrdersFunction-Q1W2E3R4T5Y6-with-a-long-tail'.slice(0, 40),
    );
  });

  test('the details command carries the options that read the same history', () => {
    const text = renderIncidentTable(incidents, {
      showCommand: 'npx invoke-doctor incidents show ID --store s',
    });
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      '2 incidents (2 open). Details: npx invoke-doctor incidents show ID --store s',
    );
  });
});
