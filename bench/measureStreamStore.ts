import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { startDynalite } from '../bin/replay/startDynalite';
import { DynamoDbIncidentRepository } from '../lambda/adapters/DynamoDbIncidentRepository';
import { ensureIncidentsTable } from '../lambda/adapters/ensureIncidentsTable';
import { runtimeConfig } from '../lambda/adapters/runtimeConfig';
import { IncidentService } from '../lambda/core/incidents/IncidentService';
import type { Notifier } from '../lambda/core/ports/Notifier';
import { createHandler } from '../lambda/handlers/kinesisStream';
import { buildStreamBatch } from './buildStreamBatch';
import { countDynamoDbCalls } from './countDynamoDbCalls';
import { muteStdout } from './muteStdout';

/** DynamoDB cost of consecutive outage batches through the stream handler. */
export interface StreamStoreResult {
  readonly batches: number;
  readonly recordsPerBatch: number;
  /** Incidents the batches opened (one per account and finding). */
  readonly incidents: number;
  /** Writes of the first batch (opens the incidents, acknowledges their OPENED alerts). */
  readonly firstBatchWrites: number;
  /** Mean writes of the later batches (the same outages continuing). */
  readonly laterBatchWrites: number;
  /** Mean reads per batch. */
  readonly readsPerBatch: number;
}

const BATCH_EVERY_MS = 10_000;

// Channels that accept everything: this measures the store, not Slack or SNS.
const CHANNELS: readonly Notifier[] = [
  { channel: 'slack', send: async () => {} },
  { channel: 'sns', send: async () => {} },
];

/**
 * Runs `batches` consecutive `stream-outage` batches (the same member outages continuing) through
 * the central responder's handler into the real IncidentService and DynamoDbIncidentRepository on
 * dynalite, counting every DynamoDB call in the client's middleware stack.
 */
export async function measureStreamStore(batches: number): Promise<StreamStoreResult> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const server = await startDynalite();
  const client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  try {
    const counter = countDynamoDbCalls(client);
    const tableName = 'bench-stream';
    await ensureIncidentsTable(client, tableName);
    counter.reset();
    let now = Date.UTC(2026, 0, 15, 9, 31);
    const repository = new DynamoDbIncidentRepository({ client, tableName });
    const service = new IncidentService({
      repository,
      notifiers: CHANNELS,
      clock: { now: () => now },
      sleep: async () => {},
    });
    const handler = createHandler({ config: runtimeConfig({}), sink: service, now: () => now });
    const writes: number[] = [];
    let reads = 0;
    let records = 0;
    await muteStdout(async () => {
      for (let b = 0; b < batches; b++) {
        now += BATCH_EVERY_MS;
        const batch = buildStreamBatch('stream-outage', { infoRecordBytes: 0, batchIndex: b });
        records = batch.records;
        const w = counter.writes();
        const r = counter.reads();
        const response = await handler(batch.event as unknown as KinesisStreamEvent);
        if (response.batchItemFailures.length > 0) throw new Error('a stream record failed');
        writes.push(counter.writes() - w);
        reads += counter.reads() - r;
      }
    });
    const incidents = (await repository.listIncidents({ limit: 1000 })).length;
    const later = writes.slice(1);
    return {
      batches,
      recordsPerBatch: records,
      incidents,
      firstBatchWrites: writes[0] ?? 0,
      laterBatchWrites: later.length > 0 ? later.reduce((a, b) => a + b, 0) / later.length : 0,
      readsPerBatch: reads / batches,
    };
  } finally {
    client.destroy();
    await server.close();
  }
}
