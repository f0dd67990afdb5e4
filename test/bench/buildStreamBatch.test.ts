import { gunzipSync } from 'node:zlib';
import {
  buildStreamBatch,
  STREAM_ACCOUNTS,
  STREAM_BATCH_RECORDS,
  STREAM_KINDS,
} from '../../bench/buildStreamBatch';
import { AWS_FORMATS } from '../../lambda/core/awsFormats';
import { prefilter } from '../../lambda/core/diagnose/prefilter';
import type { DeliveryContext, DiagnosisSink } from '../../lambda/core/ports/DiagnosisSink';
import { processStreamBatch } from '../../lambda/core/processStreamBatch';

interface DataMessage {
  messageType: string;
  owner: string;
  logGroup: string;
  logEvents: Array<{ id: string; timestamp: number; message: string }>;
}

const BATCHES = new Map(
  STREAM_KINDS.map((kind) => [kind, buildStreamBatch(kind, { infoRecordBytes: 16_384 })]),
);

function messages(kind: (typeof STREAM_KINDS)[number]): DataMessage[] {
  return BATCHES.get(kind)!.event.Records.map(
    (r) =>
      JSON.parse(gunzipSync(Buffer.from(r.kinesis.data, 'base64')).toString('utf8')) as DataMessage,
  );
}

describe.each(STREAM_KINDS)('buildStreamBatch(%s)', (kind) => {
  const batch = BATCHES.get(kind)!;

  test('is a Kinesis batch of 100 gzip DATA_MESSAGEs from 10 accounts, with the figures it reports', () => {
    // Arrange
    const decoded = messages(kind);

    // Assert
    expect(batch.event.Records).toHaveLength(STREAM_BATCH_RECORDS);
    expect(new Set(batch.event.Records.map((r) => r.kinesis.sequenceNumber)).size).toBe(100);
    expect(new Set(decoded.map((m) => m.owner)).size).toBe(STREAM_ACCOUNTS);
    for (const m of decoded) {
      expect(m.messageType).toBe('DATA_MESSAGE');
      expect(m.owner).toMatch(AWS_FORMATS.accountId);
    }
    expect(decoded.reduce((n, m) => n + m.logEvents.length, 0)).toBe(batch.events);
    const failures = decoded.flatMap((m) => m.logEvents).filter((e) => prefilter(e.message));
    expect(failures).toHaveLength(batch.failureEvents);
    expect(batch.eventBytes).toBe(Buffer.byteLength(JSON.stringify(batch.event)));
  });

  test('is diagnosed per account with no record failing', async () => {
    // Arrange
    const accounts = new Set<string>();
    const sink: DiagnosisSink = {
      async accept(_diagnoses, context: DeliveryContext) {
        accounts.add(context.account ?? 'none');
      },
    };
    const records = batch.event.Records.map((r) => ({
      sequenceNumber: r.kinesis.sequenceNumber,
      data: r.kinesis.data,
    }));

    // Act
    const result = await processStreamBatch(records, { sink, now: 0 });

    // Assert
    expect(result.failed).toEqual([]);
    expect(accounts.size).toBe(STREAM_ACCOUNTS);
  });
});

test('stream-outage carries only what the member filter streams; stream-info is mostly healthy traffic', () => {
  const outage = BATCHES.get('stream-outage')!;
  const info = BATCHES.get('stream-info')!;
  expect(outage.failureEvents).toBe(outage.events);
  // One failing request (one failure line) in every eleventh record; 12 lines per request.
  expect(info.failureEvents).toBe(10);
  const requests = info.events / 12;
  expect(info.failureEvents / requests).toBeGreaterThanOrEqual(0.015);
  expect(info.failureEvents / requests).toBeLessThanOrEqual(0.025);
});
