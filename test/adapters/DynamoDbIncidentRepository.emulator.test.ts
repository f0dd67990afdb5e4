import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbIncidentRepository } from '../../lambda/adapters/DynamoDbIncidentRepository';
import { ensureIncidentsTable } from '../../lambda/adapters/ensureIncidentsTable';
import { applyDelivery } from '../../lambda/core/incidents/applyDelivery';
import type { IncidentRecord } from '../../lambda/core/incidents/IncidentRecord';
import { resolveQuietIncident } from '../../lambda/core/incidents/resolveQuietIncident';
import { toIncidentDeliveries } from '../../lambda/core/incidents/toIncidentDeliveries';
import type { Diagnosis } from '../../lambda/core/types';
import {
  createIncidentsTable,
  type IncidentsTable,
  type TableBackend,
} from '../helpers/createIncidentsTable';
import { lambdaDenial } from '../helpers/lambdaDenial';
import { TEST_POLICY } from '../helpers/testPolicy';

const T0 = Date.parse('2024-05-14T10:00:00.000Z');
const MINUTE = 60_000;
const policy = TEST_POLICY;

/** An open incident for a function named `functionName` (fingerprint derived from it). */
function openRecord(
  functionName: string,
  at: number,
  options: { lastEpisode?: number; channels?: string[] } = {},
): IncidentRecord {
  const base = lambdaDenial(at, 3, 0);
  const diagnosis: Diagnosis = {
    ...base,
    function: { ...base.function, name: functionName },
    fingerprint: `fp${functionName.toLowerCase().replace(/[^a-z0-9]/g, '')}`,
  };
  const decision = applyDelivery({
    latest: null,
    lastEpisode: options.lastEpisode ?? 0,
    delivery: toIncidentDeliveries([diagnosis], at)[0]!,
    now: at,
    channels: options.channels ?? [],
    policy,
  });
  if (decision.kind === 'duplicate') throw new Error('unexpected');
  return decision.record;
}

describe.each<TableBackend>(['moto', 'dynalite'])('DynamoDbIncidentRepository on %s', (backend) => {
  let table: IncidentsTable;
  let repository: DynamoDbIncidentRepository;

  beforeAll(async () => {
    table = await createIncidentsTable(backend, 'repository');
    repository = new DynamoDbIncidentRepository({
      client: table.client,
      tableName: table.tableName,
    });
  });
  afterAll(async () => {
    await table.close();
  });

  test('create is conditional: the second writer of the same episode is refused', async () => {
    // Arrange
    const record = openRecord('Create', T0);
    // Act
    const first = await repository.create(record);
    const second = await repository.create({ ...record, occurrences: 99 });
    // Assert
    expect([first, second]).toEqual([true, false]);
    expect(await repository.getIncident(record.id)).toEqual(record);
  });

  test('replace requires the version that was read', async () => {
    // Arrange
    const record = openRecord('Replace', T0);
    await repository.create(record);
    const next = { ...record, version: 2, occurrences: 10 };
    // Act
    const stale = await repository.replace({ ...next, occurrences: 11 }, 7);
    const current = await repository.replace(next, 1);
    const again = await repository.replace({ ...next, version: 3, occurrences: 12 }, 1);
    // Assert
    expect([stale, current, again]).toEqual([false, true, false]);
    expect((await repository.getIncident(record.id))?.occurrences).toBe(10);
  });

  test('head: latest episode and the remembered episode number, which never goes down', async () => {
    // Arrange
    const first = openRecord('Head', T0);
    const fingerprint = first.fingerprint;
    const empty = await repository.getHead(fingerprint);
    await repository.create(first);
    const resolved = resolveQuietIncident(first, T0 + 20 * MINUTE, [], policy)!.record;
    await repository.replace(resolved, first.version);
    await repository.rememberEpisode(fingerprint, 1);
    const second = openRecord('Head', T0 + 60 * MINUTE, { lastEpisode: 1 });
    await repository.create(second);
    // Act
    const head = await repository.getHead(fingerprint);
    await repository.rememberEpisode(fingerprint, 5);
    await repository.rememberEpisode(fingerprint, 3);
    const remembered = await repository.getHead(fingerprint);
    // Assert
    expect(empty).toEqual({ latest: null, lastEpisode: 0 });
    expect(head.latest).toEqual(second);
    expect(head.latest?.previousIncidentId).toBe(first.id);
    expect(head.lastEpisode).toBe(2);
    expect(remembered.lastEpisode).toBe(5);
  });

  test('history: newest first, filtered by time, status and function, limited', async () => {
    // Arrange: three incidents seen at T0+1h, +2h, +3h; the middle one resolved.
    const a = openRecord('HistA', T0 + 60 * MINUTE);
    const b = openRecord('HistB', T0 + 120 * MINUTE);
    const c = openRecord('HistC', T0 + 180 * MINUTE);
    for (const r of [a, b, c]) await repository.create(r);
    const bResolved = resolveQuietIncident(b, T0 + 150 * MINUTE, [], policy)!.record;
    await repository.replace(bResolved, b.version);
    const mine = (list: IncidentRecord[]) =>
      list.map((r) => r.diagnosis.function.name).filter((n) => n?.startsWith('Hist'));
    // Act
    const all = await repository.listIncidents({ since: T0 + 30 * MINUTE });
    const recent = await repository.listIncidents({ since: T0 + 100 * MINUTE });
    const open = await repository.listIncidents({ status: 'open' });
    const resolved = await repository.listIncidents({ status: 'resolved' });
    const byFunction = await repository.listIncidents({ functionName: 'HistB' });
    const limited = await repository.listIncidents({ since: T0 + 30 * MINUTE, limit: 2 });
    // Assert
    expect(mine(all)).toEqual(['HistC', 'HistB', 'HistA']);
    expect(mine(recent)).toEqual(['HistC', 'HistB']);
    expect(mine(open)).toEqual(['HistC', 'HistA']);
    expect(mine(resolved)).toEqual(['HistB']);
    expect(byFunction.map((r) => r.id)).toEqual([b.id]);
    expect(byFunction[0]?.status).toBe('resolved');
    expect(limited).toHaveLength(2);
    expect(mine(await repository.listOpenIncidents())).toEqual(
      expect.arrayContaining(['HistA', 'HistC']),
    );
  });

  test('pending notifications are listed until acknowledged, also on a resolved incident', async () => {
    // Arrange: an `opened` pending for two channels, then the incident resolved (a second entry).
    const record = openRecord('Pending', T0, { channels: ['slack', 'sns'] });
    await repository.create(record);
    const resolved = resolveQuietIncident(
      record,
      T0 + 30 * MINUTE,
      ['slack', 'sns'],
      policy,
    )!.record;
    await repository.replace(resolved, record.version);
    // Act
    const pending = (await repository.listPendingNotifications()).filter(
      (p) => p.incidentId === record.id,
    );
    await repository.replace(
      { ...resolved, version: resolved.version + 1, outbox: [] },
      resolved.version,
    );
    const after = (await repository.listPendingNotifications()).filter(
      (p) => p.incidentId === record.id,
    );
    // Assert
    expect(pending.map((p) => [p.kind, p.seq, p.channels])).toEqual([
      ['opened', 1, ['slack', 'sns']],
      ['resolved', 2, ['slack', 'sns']],
    ]);
    expect(after).toEqual([]);
    expect((await repository.listOpenIncidents()).map((r) => r.id)).not.toContain(record.id);
  });

  test('a resolved incident carries the TTL attribute as a number; an open one has none', async () => {
    // Arrange
    const record = openRecord('Ttl', T0);
    await repository.create(record);
    const key = { pk: { S: `INC#${record.fingerprint}` }, sk: { S: 'EP#000001' } };
    const before = await table.client.send(
      new GetItemCommand({ TableName: table.tableName, Key: key }),
    );
    const resolved = resolveQuietIncident(record, T0 + 30 * MINUTE, [], policy)!.record;
    await repository.replace(resolved, record.version);
    // Act
    const after = await table.client.send(
      new GetItemCommand({ TableName: table.tableName, Key: key }),
    );
    // Assert
    expect(before.Item?.expiresAt).toBeUndefined();
    expect(after.Item?.expiresAt).toEqual({ N: String(resolved.expiresAt) });
    expect(after.Item?.gsi1pk).toEqual({ S: 'INCIDENT#ARCHIVED' });
    expect((await repository.getIncident(record.id))?.expiresAt).toBe(resolved.expiresAt);
  });

  test("an organisation's incidents are found by account, and read back with it", async () => {
    // Arrange: one finding in two accounts, and a single-account incident without one.
    const diagnosis = lambdaDenial(T0 + 7 * MINUTE, 2, 0);
    const inAccount = (account: string) => {
      const decision = applyDelivery({
        latest: null,
        lastEpisode: 0,
        delivery: toIncidentDeliveries([diagnosis], T0 + 7 * MINUTE, account)[0]!,
        now: T0 + 7 * MINUTE,
        channels: [],
        policy,
      });
      if (decision.kind === 'duplicate') throw new Error('unexpected');
      return decision.record;
    };
    const first = inAccount('111111111111');
    const second = inAccount('222222222222');
    for (const record of [first, second]) await repository.create(record);
    // Act
    const listed = await repository.listIncidents({ account: '222222222222' });
    const none = await repository.listIncidents({ account: '333333333333' });
    // Assert
    expect(first.id).not.toBe(second.id);
    expect(listed.map((r) => [r.id, r.account])).toEqual([[second.id, '222222222222']]);
    expect(none).toEqual([]);
    expect(await repository.getIncident(first.id)).toEqual(first);
  });

  test('unknown and malformed ids are simply not found', async () => {
    expect(await repository.getIncident(`${'0'.repeat(32)}-1`)).toBeNull();
    expect(await repository.getIncident('not an id')).toBeNull();
  });

  test('works with an injected document client as well', async () => {
    // Arrange
    const doc = DynamoDBDocumentClient.from(table.client);
    const viaDoc = new DynamoDbIncidentRepository({ client: doc, tableName: table.tableName });
    const record = openRecord('DocClient', T0);
    // Act
    const created = await viaDoc.create(record);
    // Assert
    expect(created).toBe(true);
    expect(await repository.getIncident(record.id)).toEqual(record);
  });

  test('ensureIncidentsTable is idempotent and builds the stack schema', async () => {
    // Act
    await ensureIncidentsTable(table.client, table.tableName);
    const out = await table.client.send(new DescribeTableCommand({ TableName: table.tableName }));
    // Assert
    expect(out.Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(out.Table?.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.KeySchema])).toEqual([
      [
        'gsi1',
        [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
      ],
    ]);
    expect(out.Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });
});

describe('ensureIncidentsTable on moto', () => {
  test('turns on TTL on `expiresAt`, as the stack does', async () => {
    // Arrange
    const table = await createIncidentsTable('moto', 'ttl');
    try {
      // Act
      const out = await table.client.send(
        new DescribeTimeToLiveCommand({ TableName: table.tableName }),
      );
      // Assert
      expect(out.TimeToLiveDescription).toMatchObject({
        TimeToLiveStatus: 'ENABLED',
        AttributeName: 'expiresAt',
      });
    } finally {
      await table.close();
    }
  });
});
