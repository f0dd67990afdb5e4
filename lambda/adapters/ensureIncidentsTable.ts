import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { INCIDENTS_TABLE_SCHEMA as T } from '../core/constants';
import { InvokeDoctorError } from '../core/errors';

/** TTL attribute of the incidents table (epoch seconds, set on resolved incidents). */
export const INCIDENTS_TTL_ATTRIBUTE = 'expiresAt';

const READY_TIMEOUT_MS = 30_000;

/**
 * Creates the incidents table if it does not exist, with the same schema as the stack's table
 * (`pk`/`sk` strings, GSI `gsi1` on `gsi1pk`/`gsi1sk` projecting everything, on-demand, TTL on
 * `expiresAt`), and waits until it is active. For the local store (dynalite) and tests (moto);
 * an existing table, such as the deployed one, is left untouched. Emulators without TTL support
 * (dynalite) get the table without TTL: resolved incidents are then simply kept.
 */
export async function ensureIncidentsTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<void> {
  if (await tableStatus(client, tableName)) {
    await waitActive(client, tableName);
    return;
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: T.partitionKey, AttributeType: 'S' },
          { AttributeName: T.sortKey, AttributeType: 'S' },
          { AttributeName: T.indexPartitionKey, AttributeType: 'S' },
          { AttributeName: T.indexSortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: T.partitionKey, KeyType: 'HASH' },
          { AttributeName: T.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: T.indexName,
            KeySchema: [
              { AttributeName: T.indexPartitionKey, KeyType: 'HASH' },
              { AttributeName: T.indexSortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  } catch (error) {
    // Created concurrently by another process: fine, it has the same schema.
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
  await waitActive(client, tableName);
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { Enabled: true, AttributeName: INCIDENTS_TTL_ATTRIBUTE },
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'UnknownOperationException')) throw error;
  }
}

async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | null> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return out.Table?.TableStatus ?? null;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return null;
    throw error;
  }
}

async function waitActive(client: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while ((await tableStatus(client, tableName)) !== 'ACTIVE') {
    if (Date.now() > deadline) {
      throw new InvokeDoctorError(`table ${tableName} did not become active within 30 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
