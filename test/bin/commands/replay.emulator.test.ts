import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeliveryCutter, type PlannedDelivery } from '../../../bin/replay/DeliveryCutter';
import { mergeByTime } from '../../../bin/replay/mergeByTime';
import { RecentRequestLines } from '../../../bin/replay/RecentRequestLines';
import { prefilter } from '../../../lambda/core/diagnose/prefilter';
import type { Incident } from '../../../lambda/core/incidents/incident';
import type { LogBatch } from '../../../lambda/core/types';
import { ROOT } from '../../helpers/paths';
import { type CliResult, runCli, runCliAsync } from '../../helpers/runCli';
import { type SlackReceiver, startSlackReceiver } from '../../helpers/slackReceiver';

const SAMPLE = join(ROOT, 'samples', 'outage');

/** What the sample generator counted when it wrote the sample (scripts/make-sample.ts). */
const COUNTS = JSON.parse(readFileSync(join(SAMPLE, 'counts.json'), 'utf8')) as {
  apiGateway: Record<'listOrders' | 'createOrder', { denied: number }>;
  billingInvoiceWorker: { denied: number };
  reportsScheduler: { denied: number };
};

/** The four incidents of the sample: function -> kind and the exact number of failures. */
const EXPECTED = [
  {
    fn: 'orders-api-ListOrdersFunction-Q1W2E3R4T5Y6',
    kind: 'apigw-invalid-permissions',
    route: 'GET /orders',
    occurrences: COUNTS.apiGateway.listOrders.denied,
  },
  {
    fn: 'orders-api-CreateOrderFunction-Z9X8C7V6B5N4',
    kind: 'apigw-invalid-permissions',
    route: 'POST /orders',
    occurrences: COUNTS.apiGateway.createOrder.denied,
  },
  {
    fn: 'billing-pdf-renderer',
    kind: 'invoke-access-denied',
    route: null,
    occurrences: COUNTS.billingInvoiceWorker.denied,
  },
  {
    fn: 'reports-exporter',
    kind: 'invoke-access-denied',
    route: null,
    occurrences: COUNTS.reportsScheduler.denied,
  },
] as const;

const LAMBDA_FILES = [
  ...filesIn('lambda-reports-scheduler'),
  ...filesIn('lambda-billing-invoice-worker'),
];

function filesIn(dir: string): string[] {
  return readdirSync(join(SAMPLE, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(SAMPLE, dir, f));
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function headlines(stdout: string, status: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith(`[${status}] `));
}

describe('invoke-doctor replay of the bundled sample (clean directory)', () => {
  let cwd: string;
  let first: CliResult;

  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'invoke-doctor-replay-'));
    first = runCli(['replay'], { cwd });
  });

  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  test('replays into ./.invoke-doctor and prints one opened and one resolved alert per incident', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(existsSync(join(cwd, '.invoke-doctor', 'dynalite'))).toBe(true);
    const opened = headlines(first.stdout, 'OPENED');
    const resolved = headlines(first.stdout, 'RESOLVED');
    expect(opened).toHaveLength(EXPECTED.length);
    expect(resolved).toHaveLength(EXPECTED.length);
    for (const { fn } of EXPECTED) {
      expect(opened.filter((line) => line.endsWith(`: ${fn}`))).toHaveLength(1);
      // RESOLVED (and ONGOING) is one line, with the command that shows the incident in full
      expect(
        resolved.filter(
          (line) =>
            line.includes(`: ${fn} — lasted `) &&
            / · npx invoke-doctor incidents show \S+$/.test(line),
        ),
      ).toHaveLength(1);
    }
    // The two long outages (25 min and 1 h 39 min) get updates every 15 minutes.
    expect(headlines(first.stdout, 'ONGOING').length).toBeGreaterThanOrEqual(2);
    expect(first.stdout).toContain(`${EXPECTED.length} incidents`);
    expect(first.stdout).toContain('History: npx invoke-doctor incidents');
  });

  test('`incidents --json` in the same directory returns the incidents with exact counts', () => {
    // Act: no flags, the local store is found in the current directory
    const result = runCli(['incidents', '--json'], { cwd });

    // Assert
    expect(result.code).toBe(0);
    const incidents = jsonLines(result.stdout) as unknown as Incident[];
    expect(incidents).toHaveLength(EXPECTED.length);
    for (const expected of EXPECTED) {
      const incident = incidents.find((i) => i.diagnosis.function.name === expected.fn);
      expect(incident).toBeDefined();
      expect(incident?.diagnosis.kind).toBe(expected.kind);
      expect(incident?.occurrences).toBe(expected.occurrences);
      expect(incident?.status).toBe('resolved');
      expect(incident?.episode).toBe(1);
      const api = incident?.diagnosis.api;
      expect(api ? `${api.httpMethod} ${api.resourcePath}` : null).toBe(expected.route);
      const hourly = Object.values(incident?.hourly ?? {}).reduce((a, b) => a + b, 0);
      expect(hourly).toBe(expected.occurrences);
    }
    const billing = incidents.find((i) => i.diagnosis.function.name === 'billing-pdf-renderer');
    expect(billing?.diagnosis.reason).toBe('no-identity-policy');
    expect(billing?.diagnosis.fixes[0]?.kind).toBe('identity-policy');
    const reports = incidents.find((i) => i.diagnosis.function.name === 'reports-exporter');
    expect(reports?.diagnosis.reason).toBe('explicit-deny-scp');
    expect(reports?.diagnosis.fixes[0]?.kind).toBe('remove-explicit-deny');
  });

  test('`incidents` prints a table and `incidents show` the full incident, by full or short id', () => {
    // Arrange
    const [incident] = jsonLines(runCli(['incidents', '--json'], { cwd }).stdout) as unknown as [
      Incident,
    ];

    // Act
    const table = runCli(['incidents'], { cwd });
    const full = runCli(['incidents', 'show', incident.id], { cwd });
    const short = runCli(['incidents', 'show', incident.id.replace(/^(.{10}).*(-\d+)$/, '$1$2')], {
      cwd,
    });
    const json = runCli(['incidents', 'show', incident.id, '--json'], { cwd });

    // Assert
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+STATUS\s+KIND\s+FUNCTION\s+ROUTE\s+PRINCIPAL\s+COUNT/m);
    expect(table.stdout).toContain('apigateway.amazonaws.com');
    expect(table.stdout).toMatch(/[▁▂▃▄▅▆▇█]/);
    expect(full.code).toBe(0);
    expect(full.stdout).toContain(`Incident ${incident.id} · RESOLVED`);
    expect(full.stdout).toContain(incident.diagnosis.fixes[0]?.command ?? 'no command');
    expect(short.stdout).toBe(full.stdout);
    expect(JSON.parse(json.stdout)).toEqual(incident);
  });

  test('replaying the same files again counts nothing twice and alerts nobody', () => {
    // Act
    const again = runCli(['replay'], { cwd });
    const incidents = jsonLines(
      runCli(['incidents', '--json'], { cwd }).stdout,
    ) as unknown as Incident[];

    // Assert
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/^\[(OPENED|ONGOING|RESOLVED)\]/m);
    expect(again.stdout).toContain('Nothing new');
    expect(incidents).toHaveLength(EXPECTED.length);
    for (const expected of EXPECTED) {
      const incident = incidents.find((i) => i.diagnosis.function.name === expected.fn);
      expect(incident?.occurrences).toBe(expected.occurrences);
      expect(incident?.episode).toBe(1);
    }
  });
});

describe('invoke-doctor replay --json', () => {
  test('prints notifications in lifecycle order, then the incidents, as JSON Lines only', () => {
    // Arrange
    const cwd = mkdtempSync(join(tmpdir(), 'invoke-doctor-replay-json-'));
    try {
      // Act
      const result = runCli(['replay', '--json', '--store', 'history'], { cwd });

      // Assert
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      const lines = jsonLines(result.stdout);
      const notifications = lines.filter((l) => l.type === 'notification') as unknown as {
        kind: string;
        notificationId: string;
        newOccurrences: number;
        incident: Incident;
      }[];
      const incidents = lines.filter((l) => l.type === 'incident') as unknown as Incident[];
      expect(lines.at(-1)?.type).toBe('summary');
      expect(incidents).toHaveLength(EXPECTED.length);
      for (const incident of incidents) {
        const own = notifications.filter((n) => n.incident.id === incident.id);
        // opened first, resolved last, updates between, never the same state change twice
        expect(own[0]?.kind).toBe('opened');
        expect(own.at(-1)?.kind).toBe('resolved');
        expect(own.slice(1, -1).every((n) => n.kind === 'update')).toBe(true);
        const seqs = own.map((n) => Number(n.notificationId.split(':').at(-1)));
        expect(seqs).toEqual(own.map((_, i) => i + 1));
        // every occurrence is announced exactly once across the incident's notifications
        expect(own.reduce((sum, n) => sum + n.newOccurrences, 0)).toBe(incident.occurrences);
      }
      expect(existsSync(join(cwd, 'history', 'dynalite'))).toBe(true);
      expect(existsSync(join(cwd, '.invoke-doctor'))).toBe(false);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('invoke-doctor replay of bad input', () => {
  test('exits 2 with one line naming the bad files, after recording the good ones', () => {
    // Arrange
    const cwd = mkdtempSync(join(tmpdir(), 'invoke-doctor-replay-bad-'));
    writeFileSync(join(cwd, 'truncated.json'), '{"messageType":"DATA_MESSAGE","logEvents":[{"id":');
    const good = filesIn('lambda-reports-scheduler');
    try {
      // Act
      const result = runCli(['replay', 'truncated.json', ...good, 'missing.log'], { cwd });
      const incidents = jsonLines(
        runCli(['incidents', '--json'], { cwd }).stdout,
      ) as unknown as Incident[];

      // Assert
      expect(result.code).toBe(2);
      const errorLines = result.stderr.trim().split('\n');
      expect(errorLines).toHaveLength(1);
      expect(errorLines[0]).toMatch(/^invoke-doctor: truncated\.json: .*does not parse/);
      expect(errorLines[0]).toContain('cannot read missing.log (ENOENT)');
      expect(headlines(result.stdout, 'OPENED')).toHaveLength(1);
      expect(incidents).toHaveLength(1);
      expect(incidents[0]?.diagnosis.function.name).toBe('reports-exporter');
      expect(incidents[0]?.occurrences).toBe(COUNTS.reportsScheduler.denied);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('invoke-doctor replay --slack-webhook', () => {
  let receiver: SlackReceiver;
  let cwd: string;

  beforeAll(async () => {
    receiver = await startSlackReceiver();
    cwd = mkdtempSync(join(tmpdir(), 'invoke-doctor-replay-slack-'));
  });

  afterAll(async () => {
    await receiver.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  test('posts every state change once, as valid Block Kit, and nothing on a second replay', async () => {
    // Act
    const result = await runCliAsync(
      ['replay', '--json', '--slack-webhook', receiver.url, ...LAMBDA_FILES],
      { cwd },
    );
    const again = await runCliAsync(
      ['replay', '--json', '--slack-webhook', receiver.url, ...LAMBDA_FILES],
      { cwd },
    );

    // Assert
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const notifications = jsonLines(result.stdout).filter((l) => l.type === 'notification');
    const payloads = receiver.requests;
    expect(payloads.map((p) => p.problems)).toEqual(payloads.map(() => []));
    expect(payloads).toHaveLength(notifications.length);
    const texts = payloads.map((p) => String((p.body as { text?: unknown }).text));
    for (const fn of ['billing-pdf-renderer', 'reports-exporter']) {
      expect(texts.filter((t) => t.includes('OPENED') && t.includes(fn))).toHaveLength(1);
      expect(texts.filter((t) => t.includes('RESOLVED') && t.includes(fn))).toHaveLength(1);
    }
    expect(texts.filter((t) => t.includes('ONGOING')).length).toBeGreaterThan(0);
    expect(again.code).toBe(0);
    expect(receiver.requests).toHaveLength(payloads.length);
  });

  test('a failing webhook: exit 1 with one line, alerts kept pending and sent by the next replay', async () => {
    // Arrange: Slack answers 404 (a deleted webhook) to everything; then a working webhook
    const dir = mkdtempSync(join(tmpdir(), 'invoke-doctor-replay-slack-down-'));
    const down = await startSlackReceiver();
    down.script({ status: 404, times: 100, body: 'no_service' });
    const fixed = await startSlackReceiver();
    const files = filesIn('lambda-reports-scheduler');
    try {
      // Act
      const failed = await runCliAsync(['replay', '--slack-webhook', down.url, ...files], {
        cwd: dir,
      });
      const retried = await runCliAsync(['replay', '--slack-webhook', fixed.url, ...files], {
        cwd: dir,
      });
      const quiet = await runCliAsync(['replay', '--slack-webhook', fixed.url, ...files], {
        cwd: dir,
      });

      // Assert: the terminal still got both alerts; Slack got each state change once, in order
      expect(failed.code).toBe(1);
      expect(failed.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^invoke-doctor: slack: some alerts could not be sent \(HTTP 404 \(no_service\); not retried\)/,
        ),
      ]);
      expect(headlines(failed.stdout, 'OPENED')).toHaveLength(1);
      expect(headlines(failed.stdout, 'RESOLVED')).toHaveLength(1);
      expect(failed.stdout).toContain('Slack: 0 alerts posted, 2 pending in the store.');
      expect(down.requests.length).toBeGreaterThan(0);
      expect(retried.code).toBe(0);
      expect(retried.stdout).not.toMatch(/^\[(OPENED|RESOLVED)\]/m);
      const texts = fixed.requests.map((r) => String((r.body as { text?: unknown }).text));
      expect(texts.map((t) => /OPENED|ONGOING|RESOLVED/.exec(t)?.[0])).toEqual([
        'OPENED',
        'RESOLVED',
      ]);
      expect(quiet.code).toBe(0);
      expect(fixed.requests).toHaveLength(2);
    } finally {
      await down.close();
      await fixed.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a webhook that is not Slack is refused before anything is replayed (exit 2)', () => {
    const result = runCli(
      ['replay', '--slack-webhook', 'https://example.com/hook', ...LAMBDA_FILES],
      { cwd },
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('--slack-webhook');
  });
});

describe('DeliveryCutter and mergeByTime (how replay cuts logs into subscription deliveries)', () => {
  const T = Date.parse('2026-10-06T14:00:00.000Z');
  const batch = (stream: string, events: [string, number, string][]): LogBatch => ({
    format: 'data-message',
    owner: '111122223333',
    logGroup: 'API-Gateway-Execution-Logs_k7xw2m9qpd/prod',
    logStream: stream,
    policyLevel: null,
    events: events.map(([id, timestamp, message]) => ({ id, timestamp, message })),
  });
  const FAIL =
    '(r1) Execution failed due to configuration error: Invalid permissions on Lambda function';
  const CONTEXT = '(r1) HTTP Method: GET, Resource Path: /orders';

  async function* from(batches: readonly LogBatch[]): AsyncGenerator<LogBatch> {
    yield* batches;
  }

  /** Merges the inputs and cuts them, as replay does. */
  async function cut(inputs: readonly (readonly LogBatch[])[]) {
    const cutter = new DeliveryCutter({ streams: prefilter });
    const deliveries: PlannedDelivery[] = [];
    const untimed: LogBatch[] = [];
    for await (const item of mergeByTime(inputs.map(from), (b) => untimed.push(b))) {
      deliveries.push(...cutter.add(item));
    }
    deliveries.push(...cutter.end());
    return { deliveries, counts: cutter.counts, untimed };
  }

  test('one delivery per stream and minute, in time order, filtered, duplicates dropped', async () => {
    // Arrange: stream b's events come first in time; stream a spans two minutes
    const input = [
      [
        batch('a', [
          ['1', T + 61_000, FAIL],
          ['2', T + 5_000, CONTEXT],
          ['3', T + 5_001, FAIL],
        ]),
      ],
      [batch('b', [['9', T + 1_000, FAIL]])],
      [batch('a', [['3', T + 5_001, FAIL]])],
    ];

    // Act
    const { deliveries, counts } = await cut(input);

    // Assert
    expect(
      deliveries.map((d) => [d.batch.logStream, d.time, d.batch.events.map((e) => e.id)]),
    ).toEqual([
      ['b', T + 1_000, ['9']],
      ['a', T + 5_001, ['3']],
      ['a', T + 61_000, ['1']],
    ]);
    expect(counts.eventsRead).toBe(4);
    expect(counts.eventsDelivered).toBe(3);
    expect(counts.duplicates).toBe(1);
    expect([counts.firstTime, counts.lastTime]).toEqual([T + 1_000, T + 61_000]);
  });

  test('the same input always gives the same deliveries (what makes re-replay idempotent)', async () => {
    const input = [[batch('a', [['1', T, FAIL]])], [batch('b', [['2', T, FAIL]])]];
    const one = await cut(input);
    const two = await cut([...input].reverse());
    expect(two.deliveries).toEqual(one.deliveries);
  });

  test('events without a time are handed on for the text analysis, not cut', async () => {
    const { deliveries, untimed } = await cut([
      [batch('a', [['1', T, FAIL]])],
      [
        {
          ...batch('t', []),
          format: 'text',
          logGroup: null,
          events: [{ id: 'line:1', timestamp: null, message: FAIL }],
        },
      ],
    ]);
    expect(deliveries).toHaveLength(1);
    expect(untimed.flatMap((b) => b.events.map((e) => e.id))).toEqual(['line:1']);
  });

  test('RecentRequestLines finds a request’s lines in its stream and window only', async () => {
    // Arrange
    const lookup = new RecentRequestLines();
    const group = 'API-Gateway-Execution-Logs_k7xw2m9qpd/prod';
    const lines: [string, string, number, string][] = [
      ['a', '1', T, CONTEXT],
      ['a', '2', T + 1, FAIL],
      ['a', '3', T + 2, '(r2) HTTP Method: POST, Resource Path: /orders'],
      ['b', '4', T + 3, CONTEXT],
    ];
    for (const [stream, id, timestamp, message] of lines) {
      lookup.add(group, stream, { id, timestamp, message });
    }
    const query = { logGroup: group, requestIds: ['r1'], startTime: T - 1000, endTime: T + 1000 };

    // Act
    const inStream = await lookup.findRequestLines({ ...query, logStream: 'a' });
    const anywhere = await lookup.findRequestLines({ ...query, logStream: null });
    const tooLate = await lookup.findRequestLines({ ...query, logStream: null, startTime: T + 10 });

    // Assert: the lines that name the request's route, function and failure; not another request's
    expect(inStream.map((e) => e.id)).toEqual(['1', '2']);
    expect(anywhere.map((e) => e.id)).toEqual(['1', '2', '4']);
    expect(tooLate).toEqual([]);
  });

  test('RecentRequestLines forgets the oldest requests past its bound', async () => {
    const lookup = new RecentRequestLines({ maxRequests: 2 });
    const group = 'API-Gateway-Execution-Logs_k7xw2m9qpd/prod';
    for (const [i, id] of ['r1', 'r2', 'r3'].entries()) {
      lookup.add(group, 'a', {
        id: String(i),
        timestamp: T + i,
        message: `(${id}) HTTP Method: GET, Resource Path: /x`,
      });
    }
    const query = { logGroup: group, logStream: null, startTime: T - 1000, endTime: T + 1000 };
    expect(await lookup.findRequestLines({ ...query, requestIds: ['r1'] })).toEqual([]);
    expect((await lookup.findRequestLines({ ...query, requestIds: ['r3'] })).length).toBe(1);
  });
});
