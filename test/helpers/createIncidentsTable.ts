import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { countDynamoDbCalls } from '../../bench/countDynamoDbCalls';
import { startDynalite } from '../../bin/replay/startDynalite';
import { ensureIncidentsTable } from '../../lambda/adapters/ensureIncidentsTable';
import { TEST_REGION } from './moto';
import { motoEndpoint } from './motoEndpoint';

/** Emulators the incidents table is tested on: moto (shared server) and dynalite (in process). */
export type TableBackend = 'moto' | 'dynalite';

/** A fresh incidents table and a client for it, with call counts. */
export interface IncidentsTable {
  readonly backend: TableBackend;
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** DynamoDB operations sent through `client` since the last reset, by operation name. */
  readonly calls: Record<string, number>;
  /** Write operations (Put/Update/Delete/BatchWrite/TransactWrite) counted in `calls`. */
  writes(): number;
  resetCounts(): void;
  /** Deletes the table (moto) or stops the server (dynalite). */
  close(): Promise<void>;
}

/**
 * Creates an incidents table (same schema as the stack's, via ensureIncidentsTable) on moto (a
 * unique name on the shared server) or on a new in-memory dynalite server.
 */
export async function createIncidentsTable(
  backend: TableBackend,
  label: string,
): Promise<IncidentsTable> {
  let endpoint: string;
  let stopServer = async () => {};
  if (backend === 'moto') {
    endpoint = motoEndpoint();
  } else {
    const server = await startDynalite();
    endpoint = server.endpoint;
    stopServer = server.close;
  }
  const client = new DynamoDBClient({
    endpoint,
    region: TEST_REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    // moto checks a ConditionExpression and writes without a lock, so two concurrent requests can
    // both pass the same condition (reproduced: 2 winners among 24 racing conditional puts), which
    // DynamoDB and dynalite (per-item lock) never allow. One connection makes moto handle one
    // request at a time; the invocations still interleave their reads and writes between requests.
    ...(backend === 'moto'
      ? { requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) } }
      : {}),
  });
  const counter = countDynamoDbCalls(client);
  const tableName = `incidents-${label}-${randomUUID().slice(0, 8)}`;
  await ensureIncidentsTable(client, tableName);
  counter.reset();
  return {
    backend,
    client,
    tableName,
    calls: counter.calls,
    writes: counter.writes,
    resetCounts: counter.reset,
    close: async () => {
      if (backend === 'moto') await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
      await stopServer();
    },
  };
}
