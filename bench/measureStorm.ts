import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynalite } from '../bin/replay/startDynalite';
import { DynamoDbIncidentRepository } from '../lambda/adapters/DynamoDbIncidentRepository';
import { ensureIncidentsTable } from '../lambda/adapters/ensureIncidentsTable';
import { decodeAwslogs } from '../lambda/core/decode/decodeAwslogs';
import { IncidentService } from '../lambda/core/incidents/IncidentService';
import type { Notifier } from '../lambda/core/ports/Notifier';
import { processLogBatch } from '../lambda/core/processLogBatch';
import { buildPayload, type PayloadKind } from './buildPayload';
import { countDynamoDbCalls } from './countDynamoDbCalls';

/** DynamoDB cost of one storm at one delivery size. */
export interface StormResult {
  readonly eventsPerDelivery: number;
  readonly deliveries: number;
  /** Failure events (occurrences) recorded over the storm. */
  readonly failures: number;
  /** Distinct incidents (fingerprints) the storm opened. */
  readonly incidents: number;
  readonly writes: number;
  readonly writesPerDelivery: number;
  readonly maxWritesPerDelivery: number;
  readonly readsPerDelivery: number;
  /** Every DynamoDB operation of the storm, by name. */
  readonly calls: Readonly<Record<string, number>>;
}

/** Storm cost at each delivery size, and whether writes per delivery grew with the size. */
export interface StormComparison {
  readonly sizes: readonly StormResult[];
  /** True when the largest size needed more writes per delivery than the smallest. */
  readonly writesGrowWithEvents: boolean;
}

const T0 = Date.UTC(2026, 0, 15, 9, 0);
const EVERY_MS = 30_000;

// Alert channels that accept everything: the storm measures the store, not Slack or SNS.
const CHANNELS: readonly Notifier[] = [
  { channel: 'slack', send: async () => {} },
  { channel: 'sns', send: async () => {} },
];

/**
 * The incidents storm at one delivery size: `deliveries` deliveries 30 s apart, alternating a REST
 * API whose every request fails (12-line INFO traces, one incident) and a Lambda log group of
 * nothing but invoke denials (three incidents), each of `eventsPerDelivery` events, decoded and run
 * through processLogBatch into the real IncidentService + DynamoDbIncidentRepository on dynalite.
 * Every DynamoDB call is counted in the client's middleware stack.
 */
async function storm(
  endpoint: string,
  eventsPerDelivery: number,
  deliveries: number,
): Promise<StormResult> {
  // The SDK warns once per process that Node 20 support ends in 2027: noise in the bench's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const counter = countDynamoDbCalls(client);
  const calls = counter.calls;
  try {
    const tableName = `bench-storm-${eventsPerDelivery}`;
    await ensureIncidentsTable(client, tableName);
    counter.reset();
    let now = T0;
    const service = new IncidentService({
      repository: new DynamoDbIncidentRepository({ client, tableName }),
      notifiers: CHANNELS,
      clock: { now: () => now },
      sleep: async () => {},
    });
    const perDelivery: number[] = [];
    let reads = 0;
    let failures = 0;
    const fingerprints = new Set<string>();
    for (let d = 0; d < deliveries; d++) {
      now = T0 + d * EVERY_MS;
      const kind: PayloadKind = d % 2 === 0 ? 'apigw-info' : 'all-denials';
      const payload = buildPayload(kind, {
        targetBytes: Number.POSITIVE_INFINITY,
        maxEvents: eventsPerDelivery,
        failureRatio: 1,
        seed: 1000 + d,
        startTime: now - EVERY_MS + 1_000,
      });
      const batch = decodeAwslogs(payload.event.awslogs.data);
      if (batch === null) throw new Error('storm delivery decoded to a control message');
      const writesBefore = counter.writes();
      const readsBefore = counter.reads();
      const result = await processLogBatch([batch], { sink: service, now });
      perDelivery.push(counter.writes() - writesBefore);
      reads += counter.reads() - readsBefore;
      for (const diagnosis of result.diagnoses) {
        failures += diagnosis.occurrences;
        fingerprints.add(diagnosis.fingerprint);
      }
    }
    const writes = perDelivery.reduce((a, b) => a + b, 0);
    return {
      eventsPerDelivery,
      deliveries,
      failures,
      incidents: fingerprints.size,
      writes,
      writesPerDelivery: writes / deliveries,
      maxWritesPerDelivery: Math.max(...perDelivery),
      readsPerDelivery: reads / deliveries,
      calls: { ...calls },
    };
  } finally {
    client.destroy();
  }
}

/**
 * Runs the storm at each delivery size (fresh table each) on one in-process dynalite server:
 * DynamoDB writes per delivery must not grow with the events in a delivery.
 */
export async function measureStorm(
  sizes: readonly number[],
  deliveries: number,
): Promise<StormComparison> {
  const server = await startDynalite();
  try {
    const endpoint = server.endpoint;
    const results: StormResult[] = [];
    for (const size of sizes) results.push(await storm(endpoint, size, deliveries));
    const first = results[0];
    const last = results[results.length - 1];
    return {
      sizes: results,
      writesGrowWithEvents:
        first !== undefined &&
        last !== undefined &&
        last.writesPerDelivery > first.writesPerDelivery,
    };
  } finally {
    await server.close();
  }
}
