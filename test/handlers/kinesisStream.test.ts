import type { KinesisStreamEvent } from 'aws-lambda';
import { runtimeConfig } from '../../lambda/adapters/runtimeConfig';
import { InvalidPayloadError } from '../../lambda/core/errors';
import type { DeliveryContext, DiagnosisSink } from '../../lambda/core/ports/DiagnosisSink';
import type { Diagnosis } from '../../lambda/core/types';
import { createHandler } from '../../lambda/handlers/kinesisStream';
import { awslogsPayload, eventId } from '../helpers/awslogsPayload';
import { captureStdout, metricSum } from '../helpers/capture';
import { fixture } from '../helpers/fixture';
import { LAMBDA_DENIAL_LINE, LAMBDA_LOG_GROUP } from '../helpers/lambdaDenial';

const NOW = Date.parse('2026-02-03T04:05:06.000Z');

function docsSample(): KinesisStreamEvent {
  return JSON.parse(fixture('kinesis/lambda-docs-sample.json')) as KinesisStreamEvent;
}

function recording(): DiagnosisSink & { calls: [readonly Diagnosis[], DeliveryContext][] } {
  const calls: [readonly Diagnosis[], DeliveryContext][] = [];
  return {
    calls,
    async accept(diagnoses, context) {
      calls.push([diagnoses, context]);
    },
  };
}

describe('kinesisStream handler', () => {
  test("reads the event source mapping's record shape: the docs sample's plain-text records are both reported by sequence number", async () => {
    // Arrange
    const event = docsSample();
    const sink = recording();
    const handler = createHandler({ config: runtimeConfig({}), sink, now: () => NOW });

    // Act
    const out = await captureStdout(() => handler(event));

    // Assert
    expect(out.result).toEqual({
      batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.kinesis.sequenceNumber })),
    });
    expect(sink.calls).toEqual([]);
    const bad = out.logs.filter((l) => l.message === 'bad stream record');
    expect(bad.map((l) => [l.sequenceNumber, l.reason])).toEqual(
      event.Records.map((r) => [r.kinesis.sequenceNumber, 'not-gzip']),
    );
    expect(metricSum(out.emf, 'BadPayloads')).toBe(2);
    expect(metricSum(out.emf, 'FailedRecords')).toBe(2);
  });

  test('a CloudWatch Logs record in the same envelope is diagnosed next to a bad one, which alone is reported', async () => {
    // Arrange
    const event = docsSample();
    const [good, bad] = event.Records as [
      KinesisStreamEvent['Records'][number],
      KinesisStreamEvent['Records'][number],
    ];
    good.kinesis.data = awslogsPayload({ owner: '111111111111', logGroup: LAMBDA_LOG_GROUP }, [
      { id: eventId(NOW, 1), timestamp: NOW, message: LAMBDA_DENIAL_LINE },
    ]).awslogs.data;
    const sink = recording();
    const handler = createHandler({ config: runtimeConfig({}), sink, now: () => NOW });

    // Act
    const out = await captureStdout(() => handler(event));

    // Assert
    expect(out.result).toEqual({
      batchItemFailures: [{ itemIdentifier: bad.kinesis.sequenceNumber }],
    });
    expect(sink.calls.map(([d, c]) => [d.length, c.account])).toEqual([[1, '111111111111']]);
    expect(metricSum(out.emf, 'Diagnoses', 'invoke-access-denied')).toBe(1);
    expect(out.logs.find((l) => l.message === 'stream batch processed')).toMatchObject({
      records: 2,
      accounts: 1,
      diagnoses: 1,
      failed: 1,
    });
  });

  test.each<[string, unknown]>([
    ['not a batch', { awslogs: { data: 'H4sI' } }],
    ['a record without a sequence number', { Records: [{ kinesis: { data: 'H4sI' } }] }],
  ])('fails the whole invocation on %s, since nothing could be reported', async (_case, event) => {
    const handler = createHandler({ config: runtimeConfig({}), sink: recording() });
    const out = await captureStdout(() => handler(event as KinesisStreamEvent));
    expect(out.error).toBeInstanceOf(InvalidPayloadError);
  });
});
