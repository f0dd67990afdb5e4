/**
 * What the alerts of a recurring incident say: the rhythm in the recurring alert and reminders,
 * and in a RESOLVED alert whether it was verified fixed, merely quiet, or held until the hold
 * window passed while still denied. The terminal's incident table and `incidents show` show the
 * rhythm too.
 */
import { renderIncidentDetail } from '../../../bin/render/renderIncidentDetail';
import { renderIncidentTable } from '../../../bin/render/renderIncidentTable';
import type { Incident, Resolution } from '../../../lambda/core/incidents/incident';
import { alertContent } from '../../../lambda/core/render/alertContent';
import { renderSlackMessage } from '../../../lambda/core/render/renderSlackMessage';
import { renderSnsMessage } from '../../../lambda/core/render/renderSnsMessage';
import { DIAGNOSES, incidentFor, notificationFor } from '../../helpers/alerts';

const HOUR = 3_600_000;
const d = DIAGNOSES['invoke-access-denied'];

function resolved(resolution: Resolution, bursts = 6): Incident {
  const base = incidentFor(d, 'resolved');
  const starts = Array.from({ length: bursts }, (_, i) =>
    new Date(Date.parse('2026-05-04T04:00:00.000Z') + i * HOUR).toISOString(),
  );
  return {
    ...base,
    recurrence: { bursts, starts, announcedAt: starts[2] ?? null },
    resolution,
  };
}

describe('alerts of a recurring incident', () => {
  test('the recurring alert gives the rhythm, the count and the next expected failure, on every channel', () => {
    // Act
    const n = notificationFor(d, 'recurring');
    const c = alertContent(n);
    const slack = JSON.stringify(renderSlackMessage(n));
    const sns = renderSnsMessage(n);
    // Assert
    expect(c.status).toBe('RECURRING');
    expect(c.progress).toContain('fails about every 1h 00m, 3 times so far');
    expect(c.progress).toContain('Next failure expected around 2026-05-04 10:00:00 UTC');
    expect(c.timing).toContainEqual({
      label: 'Rhythm',
      value: 'about every 1h 00m · 3 bursts · next expected around 2026-05-04 10:00:00 UTC',
    });
    expect(slack).toContain('RECURRING');
    expect(slack).toContain('about every 1h 00m');
    expect(sns.subject).toContain('RECURRING');
    expect(sns.email).toContain('fails about every 1h 00m, 3 times so far');
    // The first fix, with its command, as an update shows it
    expect(c.fixes).toHaveLength(1);
  });

  test('a reminder says it is still failing and how much since the last alert', () => {
    // Act
    const c = alertContent(notificationFor(d, 'reminder'));
    // Assert
    expect(c.status).toBe('STILL FAILING');
    expect(c.progress).toMatch(
      /^Still failing: it fails about every 1h 00m, 3 times so far; \d+ new occurrences? since the last alert/,
    );
  });

  test('RESOLVED says verified fixed, with the time of the check', () => {
    // Act
    const incident = resolved({
      reason: 'verified-fixed',
      quietForMs: 40 * 60_000,
      verifiedAt: '2026-05-04T10:31:00.000Z',
    });
    const c = alertContent({ kind: 'resolved', incident, newOccurrences: 0, notificationId: 'x' });
    // Assert
    expect(c.progress).toMatch(
      /^Verified fixed at 2026-05-04 10:31:00 UTC: the live policies allow the request, and no failure followed\./,
    );
    expect(c.progress).toContain('It failed 6 times, about every 1h 00m.');
  });

  test('RESOLVED after a quiet spell says how long and that it was not verified', () => {
    // Act
    const incident = resolved({ reason: 'quiet', quietForMs: 2 * HOUR, verifiedAt: null });
    const c = alertContent({ kind: 'resolved', incident, newOccurrences: 0, notificationId: 'x' });
    // Assert
    expect(c.progress).toMatch(/^No failures for 2h 00m; not verified/);
  });

  test('RESOLVED at the end of the hold window says it is not fixed', () => {
    // Act
    const incident = resolved({
      reason: 'hold-expired',
      quietForMs: 24 * HOUR,
      verifiedAt: '2026-05-05T09:00:00.000Z',
    });
    const c = alertContent({ kind: 'resolved', incident, newOccurrences: 0, notificationId: 'x' });
    // Assert
    expect(c.progress).toContain('No failures for 24h 00m, but not fixed');
    expect(c.progress).toContain(
      'the last check (2026-05-05 09:00:00 UTC) still found the request denied',
    );
  });

  test('an incident without a recorded resolution (stored before) keeps the former text', () => {
    // Act
    const c = alertContent(notificationFor(d, 'resolved'));
    // Assert
    expect(c.progress).toMatch(/^No occurrences since /);
    expect(c.timing.map((f) => f.label)).not.toContain('Rhythm');
  });
});

describe('the terminal history of a recurring incident', () => {
  test('the table has an EVERY column only when some incident recurs', () => {
    // Arrange
    const recurring = resolved({ reason: 'quiet', quietForMs: 2 * HOUR, verifiedAt: null });
    const single = incidentFor(d, 'opened');
    // Act
    const both = renderIncidentTable([recurring, { ...single, id: `${single.id}x` }]);
    const alone = renderIncidentTable([single]);
    // Assert
    expect(both.split('\n')[0]).toContain('EVERY');
    expect(both).toContain('~1h 00m ×6');
    expect(alone.split('\n')[0]).not.toContain('EVERY');
  });

  test('incidents show gives the rhythm and why it resolved', () => {
    // Act
    const text = renderIncidentDetail(
      resolved({ reason: 'quiet', quietForMs: 2 * HOUR, verifiedAt: null }),
    );
    // Assert
    expect(text).toMatch(/Rhythm +about every 1h 00m · 6 bursts\n/);
    expect(text).toMatch(/Resolution +No failures for 2h 00m; not verified/);
  });
});
