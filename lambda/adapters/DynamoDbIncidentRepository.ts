import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { INCIDENTS_TABLE_SCHEMA } from '../core/constants';
import { InvokeDoctorError } from '../core/errors';
import type { IncidentRecord } from '../core/incidents/IncidentRecord';
import { EPISODE_DIGITS, parseIncidentId } from '../core/incidents/incidentId';
import type { AlertBudget, HeldMinute } from '../core/ports/AlertBudget';
import type {
  IncidentHead,
  IncidentQuery,
  IncidentRepository,
  PendingNotification,
} from '../core/ports/IncidentRepository';
import { awsSdk } from './awsSdk';

/** GSI partitions: incidents that need attention (open, or with pending notifications) and the rest. */
const ACTIVE = 'INCIDENT#ACTIVE';
const ARCHIVED = 'INCIDENT#ARCHIVED';
/** GSI partition of the channel minutes with held alerts whose digest is not sent yet. */
const HELD = 'ALERTS#HELD';
const BUDGET_PREFIX = 'ALERTS#';
/** A channel minute's counter is kept a day (TTL), long after its digest went out. */
const BUDGET_TTL_SECONDS = 86_400;
const META = 'META';
const EPISODE_PREFIX = 'EP#';
const DEFAULT_LIMIT = 100;
// Attributes of an episode item that are keys or indexes, not part of the record.
const ITEM_ONLY = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'functionName'] as const;

/** Where the repository stores incidents. */
export interface DynamoDbIncidentRepositoryOptions {
  /**
   * A DynamoDB client (wrapped in a document client here) or a document client, for AWS or an
   * emulator. Default: a DynamoDBClient from the environment (region, credentials).
   */
  readonly client?: DynamoDBClient | DynamoDBDocumentClient;
  /** Table with `pk`/`sk` (S), GSI `gsi1` on `gsi1pk`/`gsi1sk` (S), TTL on `expiresAt`. */
  readonly tableName: string;
}

/**
 * IncidentRepository on one DynamoDB table, portable to emulators without transactions or TTL
 * (dynalite, used by the local replay): every change is a single conditional PutItem.
 *
 * Items, per fingerprint `fp`:
 * - `pk=INC#<fp>, sk=EP#<episode, 6 digits>`: one incident episode (the whole IncidentRecord), with
 *   `gsi1pk` ACTIVE (open or notifications pending) or ARCHIVED, `gsi1sk=<lastSeen ISO>#<id>` for
 *   history by time, `expiresAt` (TTL, epoch s) once resolved.
 * - `pk=INC#<fp>, sk=META`: the highest episode number, without TTL, so ids are never reused.
 * - `pk=ALERTS#<channel>, sk=<minute ISO>`: the channel's alert budget for that minute (`sent`,
 *   `held`), in the GSI partition `ALERTS#HELD` while held alerts wait for their digest; TTL a day.
 */
export class DynamoDbIncidentRepository implements IncidentRepository, AlertBudget {
  private client: DynamoDBDocumentClient | undefined;
  private readonly tableName: string;

  constructor(private readonly options: DynamoDbIncidentRepositoryOptions) {
    this.tableName = options.tableName;
  }

  // The SDK is loaded and the client built on the first call (see awsSdk).
  private get doc(): DynamoDBDocumentClient {
    if (this.client === undefined) {
      const { DynamoDBDocumentClient } = awsSdk.documentClient();
      const given = this.options.client ?? new (awsSdk.dynamodb().DynamoDBClient)({});
      this.client =
        given instanceof DynamoDBDocumentClient
          ? given
          : DynamoDBDocumentClient.from(given, {
              marshallOptions: { removeUndefinedValues: true },
            });
    }
    return this.client;
  }

  async getHead(fingerprint: string): Promise<IncidentHead> {
    // `META` sorts after every `EP#...`: newest-first, two items are META and the latest episode.
    const out = await this.doc.send(
      new (awsSdk.documentClient().QueryCommand)({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': partitionKey(fingerprint) },
        ScanIndexForward: false,
        Limit: 2,
        ConsistentRead: true,
      }),
    );
    const items = out.Items ?? [];
    const meta = items.find((item) => item.sk === META);
    const episodeItem = items.find((item) => String(item.sk).startsWith(EPISODE_PREFIX));
    const latest = episodeItem ? toRecord(episodeItem) : null;
    const remembered = typeof meta?.lastEpisode === 'number' ? meta.lastEpisode : 0;
    return { latest, lastEpisode: Math.max(remembered, latest?.episode ?? 0) };
  }

  async create(record: IncidentRecord): Promise<boolean> {
    return this.conditionalPut(record, 'attribute_not_exists(pk)', {});
  }

  async replace(record: IncidentRecord, expectedVersion: number): Promise<boolean> {
    return this.conditionalPut(record, 'version = :expected', { ':expected': expectedVersion });
  }

  async rememberEpisode(fingerprint: string, episode: number): Promise<void> {
    try {
      await this.doc.send(
        new (awsSdk.documentClient().UpdateCommand)({
          TableName: this.tableName,
          Key: { pk: partitionKey(fingerprint), sk: META },
          UpdateExpression: 'SET lastEpisode = :episode',
          ConditionExpression: 'attribute_not_exists(lastEpisode) OR lastEpisode < :episode',
          ExpressionAttributeValues: { ':episode': episode },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async getIncident(id: string): Promise<IncidentRecord | null> {
    const parsed = parseIncidentId(id);
    if (!parsed) return null;
    const out = await this.doc.send(
      new (awsSdk.documentClient().GetCommand)({
        TableName: this.tableName,
        Key: { pk: partitionKey(parsed.fingerprint), sk: sortKey(parsed.episode) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toRecord(out.Item) : null;
  }

  async listIncidents(query: IncidentQuery = {}): Promise<IncidentRecord[]> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    // Open incidents are all ACTIVE; a resolved one stays ACTIVE while a notification is pending.
    const partitions = query.status === 'open' ? [ACTIVE] : [ACTIVE, ARCHIVED];
    const lists = await Promise.all(partitions.map((p) => this.queryIndex(p, query, limit)));
    return lists
      .flat()
      .sort((a, b) => b.lastSeen.localeCompare(a.lastSeen) || b.id.localeCompare(a.id))
      .slice(0, limit);
  }

  async listOpenIncidents(): Promise<IncidentRecord[]> {
    return this.queryIndex(ACTIVE, { status: 'open' }, Number.POSITIVE_INFINITY);
  }

  async listPendingNotifications(): Promise<PendingNotification[]> {
    const active = await this.queryIndex(ACTIVE, {}, Number.POSITIVE_INFINITY);
    return active
      .flatMap((record) =>
        record.outbox.map(
          (entry): PendingNotification => ({
            incidentId: record.id,
            fingerprint: record.fingerprint,
            notificationId: entry.notificationId,
            kind: entry.kind,
            seq: entry.seq,
            channels: entry.pendingChannels,
            attempts: entry.attempts,
            lastErrors: entry.lastErrors,
            createdAt: entry.createdAt,
          }),
        ),
      )
      .sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq);
  }

  async take(channel: string, minute: number, limit: number): Promise<boolean> {
    const key = { pk: `${BUDGET_PREFIX}${channel}`, sk: new Date(minute).toISOString() };
    const expiresAt = Math.floor(minute / 1000) + BUDGET_TTL_SECONDS;
    const update = awsSdk.documentClient().UpdateCommand;
    try {
      await this.doc.send(
        new update({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'ADD sent :one SET expiresAt = :ttl',
          ConditionExpression: 'attribute_not_exists(sent) OR sent < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': expiresAt },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    // Over the budget: count the held send, and list the minute for its digest.
    await this.doc
      .send(
        new update({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'ADD held :one SET gsi1pk = :held, gsi1sk = :sk, expiresAt = :ttl',
          ConditionExpression: 'attribute_not_exists(digested)',
          ExpressionAttributeValues: { ':one': 1, ':held': HELD, ':sk': key.sk, ':ttl': expiresAt },
        }),
      )
      .catch((error: unknown) => {
        // The minute's digest already went out: the send is still held, just not counted in it.
        if (!isConditionFailure(error)) throw error;
      });
    return false;
  }

  async listHeld(before: number): Promise<HeldMinute[]> {
    const held: HeldMinute[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new (awsSdk.documentClient().QueryCommand)({
          TableName: this.tableName,
          IndexName: INCIDENTS_TABLE_SCHEMA.indexName,
          KeyConditionExpression: 'gsi1pk = :held AND gsi1sk < :before',
          ExpressionAttributeValues: { ':held': HELD, ':before': new Date(before).toISOString() },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        const minute = heldMinute(item);
        if (minute) held.push(minute);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return held;
  }

  async claimDigest(channel: string, minute: number): Promise<HeldMinute | null> {
    try {
      const out = await this.doc.send(
        new (awsSdk.documentClient().UpdateCommand)({
          TableName: this.tableName,
          Key: { pk: `${BUDGET_PREFIX}${channel}`, sk: new Date(minute).toISOString() },
          UpdateExpression: 'SET digested = :true REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(held) AND attribute_not_exists(digested)',
          ExpressionAttributeValues: { ':true': true },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? heldMinute(out.Attributes) : null;
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }

  private async conditionalPut(
    record: IncidentRecord,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.doc.send(
        new (awsSdk.documentClient().PutCommand)({
          TableName: this.tableName,
          Item: toItem(record),
          ConditionExpression: condition,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Newest-first query of one GSI partition, filtered, following pages until `limit` items. */
  private async queryIndex(
    partition: string,
    query: IncidentQuery,
    limit: number,
  ): Promise<IncidentRecord[]> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':partition': partition };
    let keyCondition = 'gsi1pk = :partition';
    if (query.since !== undefined) {
      keyCondition += ' AND gsi1sk >= :since';
      values[':since'] = new Date(query.since).toISOString();
    }
    const filters: string[] = [];
    if (query.status) {
      names['#status'] = 'status';
      values[':status'] = query.status;
      filters.push('#status = :status');
    }
    if (query.functionName) {
      values[':functionName'] = query.functionName;
      filters.push('functionName = :functionName');
    }
    if (query.account) {
      names['#account'] = 'account';
      values[':account'] = query.account;
      filters.push('#account = :account');
    }
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: INCIDENTS_TABLE_SCHEMA.indexName,
      KeyConditionExpression: keyCondition,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    };
    const records: IncidentRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new (awsSdk.documentClient().QueryCommand)({ ...input, ExclusiveStartKey: startKey }),
      );
      for (const item of out.Items ?? []) records.push(toRecord(item));
      startKey = out.LastEvaluatedKey;
    } while (startKey && records.length < limit);
    return records.slice(0, limit);
  }
}

function partitionKey(fingerprint: string): string {
  return `INC#${fingerprint}`;
}

function sortKey(episode: number): string {
  return `${EPISODE_PREFIX}${String(episode).padStart(EPISODE_DIGITS, '0')}`;
}

function toItem(record: IncidentRecord): Record<string, unknown> {
  const { expiresAt, ...rest } = record;
  const active = record.status === 'open' || record.outbox.length > 0;
  const functionName = record.diagnosis.function.name;
  // JSON round trip: the record is plain data; this drops `undefined` optional fields whatever
  // marshalling options an injected document client has.
  const item: Record<string, unknown> = JSON.parse(JSON.stringify(rest));
  Object.assign(item, {
    pk: partitionKey(record.fingerprint),
    sk: sortKey(record.episode),
    gsi1pk: active ? ACTIVE : ARCHIVED,
    gsi1sk: `${record.lastSeen}#${record.id}`,
  });
  if (functionName) item.functionName = functionName;
  // TTL only applies to resolved incidents; a null would just be ignored by DynamoDB, omit it.
  if (expiresAt !== null) item.expiresAt = expiresAt;
  return item;
}

function toRecord(item: Record<string, unknown>): IncidentRecord {
  if (
    typeof item.id !== 'string' ||
    typeof item.version !== 'number' ||
    !Array.isArray(item.outbox)
  ) {
    throw new InvokeDoctorError(
      `incidents table: item ${String(item.pk)}/${String(item.sk)} is not an incident record`,
    );
  }
  const record: Record<string, unknown> = { ...item };
  for (const key of ITEM_ONLY) delete record[key];
  record.expiresAt = typeof item.expiresAt === 'number' ? item.expiresAt : null;
  return record as unknown as IncidentRecord;
}

function heldMinute(item: Record<string, unknown>): HeldMinute | null {
  const pk = String(item.pk ?? '');
  const minute = Date.parse(String(item.sk ?? ''));
  if (!pk.startsWith(BUDGET_PREFIX) || !Number.isFinite(minute)) return null;
  return {
    channel: pk.slice(BUDGET_PREFIX.length),
    minute,
    held: typeof item.held === 'number' ? item.held : 0,
    sent: typeof item.sent === 'number' ? item.sent : 0,
  };
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
