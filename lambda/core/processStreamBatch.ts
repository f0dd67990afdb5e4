import { AWS_FORMATS } from './awsFormats';
import { decodeAwslogs } from './decode/decodeAwslogs';
import { InvalidPayloadError } from './errors';
import type { GrantTrust } from './fixes/callerTrust';
import type { DiagnosisSink } from './ports/DiagnosisSink';
import { processLogBatch } from './processLogBatch';
import type { Diagnosis, LogBatch } from './types';

/** One stream record: its sequence number and its data as the event source mapping passes it. */
export interface StreamRecord {
  /** Kinesis sequence number: what a batch item failure names. */
  readonly sequenceNumber: string;
  /** base64 of the gzip-compressed CloudWatch Logs message (one DATA_MESSAGE or CONTROL_MESSAGE). */
  readonly data: string;
}

/** A record that could not be decoded, and why. */
export interface BadRecord {
  readonly sequenceNumber: string;
  /** InvalidPayloadError reason: `bad-base64`, `not-gzip`, `not-json`, `bad-shape`, `bad-owner`. */
  readonly reason: string;
  readonly message: string;
}

/** What the records of one account produced. */
export interface AccountResult {
  readonly account: string;
  readonly records: number;
  readonly eventsScanned: number;
  readonly diagnoses: readonly Diagnosis[];
  /** The sink's error when the account's incidents could not be stored (its records are retried). */
  readonly error: unknown;
}

/** Outcome of one batch of stream records. */
export interface StreamBatchResult {
  /** Sequence numbers to report as batch item failures, in record order. */
  readonly failed: readonly string[];
  readonly bad: readonly BadRecord[];
  readonly controlMessages: number;
  readonly accounts: readonly AccountResult[];
}

/** Ports and time for {@link processStreamBatch}. */
export interface StreamBatchDeps {
  readonly sink: DiagnosisSink;
  /** Accounts and organization trusted to receive a runnable grant (see callerTrust). */
  readonly trust?: GrantTrust;
  /** Epoch ms the batch is processed at. */
  readonly now: number;
}

/**
 * The use case behind the stream responder: each record is one CloudWatch Logs message from one
 * member account's log group. Every record is decoded on its own; the DATA_MESSAGEs of each account
 * (the `owner` CloudWatch Logs sets, checked to be an account id) are analysed together, so a
 * request's lines that arrived in different records still correlate and each incident gets one
 * write per batch, and recorded with the account in every incident key. CONTROL_MESSAGEs (sent when
 * a subscription is created) succeed without output.
 *
 * Nothing fails the whole batch: an undecodable record, or every record of an account whose
 * incidents could not be stored, is returned in `failed`, for the event source mapping to retry
 * (bisecting) and finally keep in its on-failure destination.
 */
export async function processStreamBatch(
  records: readonly StreamRecord[],
  deps: StreamBatchDeps,
): Promise<StreamBatchResult> {
  const bad: BadRecord[] = [];
  const byAccount = new Map<string, { batches: LogBatch[]; sequenceNumbers: string[] }>();
  let controlMessages = 0;
  for (const record of records) {
    let batch: LogBatch | null;
    try {
      batch = decodeAwslogs(record.data);
    } catch (error) {
      if (!(error instanceof InvalidPayloadError)) throw error;
      bad.push({
        sequenceNumber: record.sequenceNumber,
        reason: error.reason,
        message: error.message,
      });
      continue;
    }
    if (batch === null) {
      controlMessages++;
      continue;
    }
    // The account becomes part of incident keys and alerts: only a well-formed id is trusted.
    const account = batch.owner;
    if (account === null || !AWS_FORMATS.accountId.test(account)) {
      bad.push({
        sequenceNumber: record.sequenceNumber,
        reason: 'bad-owner',
        message: 'owner is not a 12-digit account id',
      });
      continue;
    }
    const group = byAccount.get(account) ?? { batches: [], sequenceNumbers: [] };
    group.batches.push(batch);
    group.sequenceNumbers.push(record.sequenceNumber);
    byAccount.set(account, group);
  }

  const groups = [...byAccount];
  const settled = await Promise.allSettled(
    groups.map(([account, group]) =>
      processLogBatch(group.batches, {
        sink: deps.sink,
        now: deps.now,
        account,
        ...(deps.trust === undefined ? {} : { trust: deps.trust }),
      }),
    ),
  );
  const failedSet = new Set(bad.map((b) => b.sequenceNumber));
  const accounts = groups.map(([account, group], i): AccountResult => {
    const outcome = settled[i]!;
    const eventsScanned = group.batches.reduce((sum, b) => sum + b.events.length, 0);
    if (outcome.status === 'fulfilled') {
      return {
        account,
        records: group.batches.length,
        eventsScanned,
        diagnoses: outcome.value.diagnoses,
        error: null,
      };
    }
    for (const sequenceNumber of group.sequenceNumbers) failedSet.add(sequenceNumber);
    return {
      account,
      records: group.batches.length,
      eventsScanned,
      diagnoses: [],
      error: outcome.reason,
    };
  });
  const failed = records.map((r) => r.sequenceNumber).filter((s) => failedSet.has(s));
  return { failed, bad, controlMessages, accounts };
}
