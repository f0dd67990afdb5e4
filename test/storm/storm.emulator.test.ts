import { DynamoDbIncidentRepository } from '../../lambda/adapters/DynamoDbIncidentRepository';
import { IncidentService, type SweepReport } from '../../lambda/core/incidents/IncidentService';
import type { Incident } from '../../lambda/core/incidents/incident';
import { processLogBatch } from '../../lambda/core/processLogBatch';
import {
  createIncidentsTable,
  type IncidentsTable,
  type TableBackend,
} from '../helpers/createIncidentsTable';
import { type FixedClock, fixedClock } from '../helpers/fixedClock';
import { type StormChannels, stormChannels } from '../helpers/stormChannels';
import {
  API_LOG_GROUP,
  apiGatewayDelivery,
  ExecutionLogGroup,
  lambdaDelivery,
  type StormDelivery,
} from '../helpers/stormTraffic';
import { TEST_POLICY } from '../helpers/testPolicy';

const T0 = Date.parse('2024-05-14T10:00:00.000Z');
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const DELIVERIES = 200;
const REQUESTS_PER_DELIVERY = 100;
// A delivery every 30 s for 100 minutes: 3 of 4 from the REST API, 1 of 4 from the Lambda.
const EVERY = 30 * SECOND;

interface Slot {
  readonly at: number;
  readonly delivery: StormDelivery;
  readonly redelivery: boolean;
}

/** The storm's timeline: 200 deliveries, 10% of them delivered again a minute later (Lambda's async retry). */
function timeline(logGroup: ExecutionLogGroup): Slot[] {
  const slots: Slot[] = [];
  for (let i = 0; i < DELIVERIES; i += 1) {
    const at = T0 + i * EVERY;
    const from = at - EVERY + SECOND;
    const delivery =
      i % 4 === 3
        ? lambdaDelivery(from, EVERY - 2 * SECOND, REQUESTS_PER_DELIVERY, i * REQUESTS_PER_DELIVERY)
        : apiGatewayDelivery(
            logGroup,
            from,
            EVERY - 2 * SECOND,
            REQUESTS_PER_DELIVERY,
            i * REQUESTS_PER_DELIVERY,
          );
    slots.push({ at, delivery, redelivery: false });
  }
  // Every 10th delivery fails once and comes again two slots (one minute) later.
  for (let i = DELIVERIES - 1; i >= 0; i -= 1) {
    if (i % 10 !== 7) continue;
    const original = slots.find((s) => s.at === T0 + i * EVERY && !s.redelivery)!;
    const index = slots.indexOf(original);
    const later = slots[Math.min(index + 2, slots.length - 1)]!;
    slots.splice(index + 3, 0, {
      at: later.at + SECOND,
      delivery: { ...original.delivery, batch: structuredClone(original.delivery.batch) },
      redelivery: true,
    });
  }
  return slots;
}

const LAMBDA_FUNCTION = 'CdkWorkshopStack-HelloHandler2E4FBA4D-xMvt0Kbw9VKD';

interface StormRun {
  readonly slots: Slot[];
  readonly channels: StormChannels;
  readonly repository: DynamoDbIncidentRepository;
  readonly distinctIds: Map<string, Set<string>>;
  readonly writesPerDelivery: number[];
  /** Clock time of the last delivery. */
  readonly lastDelivery: number;
  readonly sweeps: { tooEarly: SweepReport; resolving: SweepReport; afterwards: SweepReport };
  readonly summary: string;
}

/**
 * Runs the storm through the handler's code path (engine, lookup, incident store, the real Slack
 * and SNS notifiers posting to the Slack receiver and to moto):
 * deliveries one after the other, or `parallel` at a time as concurrent invocations of separate
 * service instances (same clock tick), then the sweeper past the quiet period.
 */
async function runStorm(table: IncidentsTable, parallel: number): Promise<StormRun> {
  const started = Date.now();
  const clock = fixedClock(T0);
  const channels = await stormChannels(`storm-${table.backend}-p${parallel}-${process.pid}`, clock);
  try {
    return await stormThrough(channels, table, parallel, clock, started);
  } finally {
    await channels.close();
  }
}

// The storm itself; runStorm owns the channels and closes them even when it fails.
async function stormThrough(
  channels: StormChannels,
  table: IncidentsTable,
  parallel: number,
  clock: FixedClock,
  started: number,
): Promise<StormRun> {
  const repository = new DynamoDbIncidentRepository({
    client: table.client,
    tableName: table.tableName,
  });
  const services = Array.from(
    { length: parallel },
    () =>
      new IncidentService({
        repository,
        notifiers: channels.notifiers(),
        clock,
        sleep: async () => {},
        policy: TEST_POLICY,
      }),
  );
  const logGroup = new ExecutionLogGroup();
  const slots = timeline(logGroup);
  const distinctIds = new Map<string, Set<string>>();
  const writesPerDelivery: number[] = [];
  table.resetCounts();
  for (let g = 0; g < slots.length; g += parallel) {
    const group = slots.slice(g, g + parallel);
    clock.set(Math.max(...group.map((slot) => slot.at)));
    const before = table.writes();
    const results = await Promise.all(
      group.map((slot, i) =>
        processLogBatch([slot.delivery.batch], {
          lookup: logGroup,
          sink: services[i]!,
          now: clock.now(),
        }),
      ),
    );
    // With parallel invocations the writes of a group are shared out evenly.
    const writes = table.writes() - before;
    await channels.collect();
    for (const _ of group) writesPerDelivery.push(writes / group.length);
    for (const d of results.flatMap((r) => r.diagnoses)) {
      const ids = distinctIds.get(d.function.name ?? '') ?? new Set<string>();
      for (const id of d.eventIds) ids.add(id);
      distinctIds.set(d.function.name ?? '', ids);
    }
  }
  const sweeper = services[0]!;
  const lastDelivery = clock.now();
  clock.set(lastDelivery + 9 * MINUTE);
  const tooEarly = await sweeper.sweep();
  await channels.collect();
  clock.set(lastDelivery + 11 * MINUTE);
  const resolving = await sweeper.sweep();
  const afterwards = await sweeper.sweep();
  await channels.collect();
  const total = writesPerDelivery.reduce((a, b) => a + b, 0);
  const summary =
    `storm on ${table.backend}, ${parallel} at a time: ${slots.length} deliveries ` +
    `(${slots.filter((s) => s.redelivery).length} redelivered), ` +
    `${[...distinctIds.values()].reduce((a, ids) => a + ids.size, 0)} distinct failures; ` +
    `alerts per channel: slack ${channels.slack.length} ` +
    `(${channels.receiver.requests.filter((r) => r.problems.length === 0).length} valid), ` +
    `sns ${channels.sns.length}; ` +
    `DynamoDB writes for the deliveries: ${total} (${(total / slots.length).toFixed(2)} per delivery, ` +
    `max ${Math.max(...writesPerDelivery)}); all calls incl. sweeps ${JSON.stringify(table.calls)}; ` +
    `lookups ${logGroup.queries}; ${Date.now() - started} ms`;
  return {
    slots,
    channels,
    repository,
    distinctIds,
    writesPerDelivery,
    lastDelivery,
    sweeps: { tooEarly, resolving, afterwards },
    summary,
  };
}

/** What must hold whatever the concurrency: exact counts, one opened and one resolved per channel. */
async function expectExactIncidents(run: StormRun): Promise<Incident[]> {
  const incidents = await run.repository.listIncidents({ since: T0 - MINUTE });
  expect(run.slots).toHaveLength(220);
  expect(run.slots.filter((s) => s.redelivery)).toHaveLength(20);
  // Two incidents, counted exactly: every failing request once, redeliveries not at all.
  expect(incidents.map((i) => [i.diagnosis.function.name, i.status, i.occurrences]).sort()).toEqual(
    [
      [LAMBDA_FUNCTION, 'resolved', 5_000],
      ['resumes-api', 'resolved', 15_000],
    ],
  );
  expect(run.distinctIds.get('resumes-api')?.size).toBe(15_000);
  expect(run.distinctIds.get(LAMBDA_FUNCTION)?.size).toBe(5_000);
  const api = incidents.find((i) => i.diagnosis.function.name === 'resumes-api')!;
  expect(api.diagnosis.api).toMatchObject({ id: 'd3mcwv9k17', stage: 'prod' });
  expect(api.diagnosis.logGroup).toBe(API_LOG_GROUP);
  expect(Object.values(api.hourly).reduce((a, b) => a + b, 0)).toBe(15_000);
  // Every Slack payload passed the receiver's check of Slack's limits and was accepted first time.
  expect(run.channels.receiver.requests.map((r) => [r.status, r.problems])).toEqual(
    run.channels.slack.map(() => [200, []]),
  );
  expect(run.channels.slackDelays).toEqual([]);
  expect(
    run.channels.snsSubjects.filter((s) => s.startsWith('invoke-doctor OPENED: ')),
  ).toHaveLength(2);
  for (const alerts of [run.channels.slack, run.channels.sns]) {
    expect(alerts.filter((a) => a.status === 'OPENED')).toHaveLength(2);
    expect(alerts.filter((a) => a.status === 'RESOLVED')).toHaveLength(2);
    expect(new Set(alerts.map((a) => a.incidentId))).toEqual(new Set(incidents.map((i) => i.id)));
    for (const incident of incidents) {
      const sent = alerts.filter((a) => a.incidentId === incident.id);
      expect(sent[0]?.status).toBe('OPENED');
      expect(sent.slice(1, -1).every((a) => a.status === 'ONGOING')).toBe(true);
      expect(sent.at(-1)?.status).toBe('RESOLVED');
      // Each update's total is the previous total plus what it reports as new, so every
      // occurrence is reported exactly once; the resolved alert states the final, exact total.
      for (let i = 1; i < sent.length - 1; i += 1) {
        expect(sent[i]!.total).toBe(sent[i - 1]!.total + sent[i]!.added);
        expect(sent[i]!.added).toBeGreaterThan(0);
      }
      expect(sent.at(-1)?.total).toBe(incident.occurrences);
      expect(sent.at(-1)!.total).toBeGreaterThanOrEqual(sent.at(-2)!.total);
      // Updates come with the first delivery at least 15 minutes after the previous message (the
      // Lambda's deliveries are 2 minutes apart, so its updates come every 15-17 minutes).
      for (let i = 1; i < sent.length - 1; i += 1) {
        expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(15 * MINUTE);
        expect(sent[i]!.at - sent[i - 1]!.at).toBeLessThanOrEqual(17 * MINUTE);
      }
      // Resolved by the sweep past the 10-minute quiet period, not before.
      expect(sent.at(-1)?.at).toBe(run.lastDelivery + 11 * MINUTE);
    }
  }
  expect(run.sweeps.tooEarly.resolved).toEqual([]);
  expect(run.sweeps.resolving.resolved).toHaveLength(2);
  expect(run.sweeps.afterwards).toEqual({ resolved: [], sends: [], digests: 0, deferred: 0 });
  expect(await run.repository.listPendingNotifications()).toEqual([]);
  return incidents;
}

function byTimeAndIncident<T extends { at: number; incidentId: string }>(
  alerts: readonly T[],
): T[] {
  return [...alerts].sort((a, b) => a.at - b.at || a.incidentId.localeCompare(b.incidentId));
}

describe.each<TableBackend>(['dynalite', 'moto'])('storm on %s', (backend) => {
  let table: IncidentsTable;
  beforeAll(async () => {
    table = await createIncidentsTable(backend, 'storm');
  });
  afterAll(async () => {
    await table.close();
  });

  test('20,000 failing requests in 200 deliveries (+10% redelivered), one at a time: two incidents, exact counts, opened / update every 15 min / resolved per channel, 1 write per delivery', async () => {
    // Act
    const run = await runStorm(table, 1);
    // Assert
    const incidents = await expectExactIncidents(run);
    for (const alerts of [run.channels.slack, run.channels.sns]) {
      expect(alerts).toHaveLength(16);
      for (const incident of incidents) {
        const sent = alerts.filter((a) => a.incidentId === incident.id);
        expect(sent.map((a) => a.status)).toEqual([
          'OPENED',
          ...Array(6).fill('ONGOING'),
          'RESOLVED',
        ]);
      }
    }
    // Both channels said the same thing at the same time (a sweep works on incidents together, so
    // alerts of one minute are compared without their order).
    expect(byTimeAndIncident(run.channels.sns)).toEqual(byTimeAndIncident(run.channels.slack));
    // Store cost: one write per delivery and fingerprint, none for a redelivery, plus one
    // acknowledgement when the delivery sent a notification (2 incidents x (opened + 6 updates)).
    expect(Math.max(...run.writesPerDelivery)).toBe(2);
    expect(run.writesPerDelivery.reduce((a, b) => a + b, 0)).toBe(200 + 2 * 7);
    console.info(run.summary);
  });
});

describe('storm on dynalite with concurrent invocations', () => {
  let table: IncidentsTable;
  beforeAll(async () => {
    table = await createIncidentsTable('dynalite', 'stormparallel');
  });
  afterAll(async () => {
    await table.close();
  });

  test('the same storm, 4 deliveries at a time on separate instances: still exact, still one opened and resolved per channel', async () => {
    // Act
    const run = await runStorm(table, 4);
    // Assert
    await expectExactIncidents(run);
    console.info(run.summary);
  });
});
