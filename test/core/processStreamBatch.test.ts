import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { DeliveryContext, DiagnosisSink } from '../../lambda/core/ports/DiagnosisSink';
import { processStreamBatch, type StreamRecord } from '../../lambda/core/processStreamBatch';
import type { Diagnosis } from '../../lambda/core/types';
import {
  awslogsEvent,
  awslogsPayload,
  eventId,
  restExecutionTrace,
} from '../helpers/awslogsPayload';
import { fixture } from '../helpers/fixture';
import { LAMBDA_DENIAL_LINE, LAMBDA_LOG_GROUP } from '../helpers/lambdaDenial';

const NOW = Date.parse('2026-02-03T04:05:06.000Z');
const A = '111111111111';
const B = '222222222222';

interface Accepted {
  readonly diagnoses: readonly Diagnosis[];
  readonly context: DeliveryContext;
}

function recordingSink(failFor: ReadonlySet<string> = new Set()): DiagnosisSink & {
  readonly accepted: Accepted[];
} {
  const accepted: Accepted[] = [];
  return {
    accepted,
    async accept(diagnoses, context) {
      if (context.account !== undefined && failFor.has(context.account)) {
        throw new Error(`store unavailable for ${context.account}`);
      }
      accepted.push({ diagnoses, context });
    },
  };
}

let sequence = 0;
function record(data: string): StreamRecord {
  sequence++;
  return {
    sequenceNumber: `4959033827149025660855969253836157109592157598913${String(sequence).padStart(7, '0')}`,
    data,
  };
}

// The caller-side denial of the CDK workshop (test/events/iam-sentence/no-identity-policy.log),
// logged by a function in `owner`.
function lambdaRecord(owner: string, firstN: number, count = 1): StreamRecord {
  const events = Array.from({ length: count }, (_, i) => ({
    id: eventId(NOW, firstN + i),
    timestamp: NOW + firstN + i,
    message: LAMBDA_DENIAL_LINE,
  }));
  return record(awslogsPayload({ owner, logGroup: LAMBDA_LOG_GROUP }, events).awslogs.data);
}

// A REST stage's execution log of one refused request (line shapes of test/events/rest-execution-log/).
function restRecord(owner: string): StreamRecord {
  const lines = restExecutionTrace({
    requestId: 'd0f70f44-e843-42ff-b628-28384d82a707',
    apiId: 'k7xw2m9qpd',
    stage: 'prod',
    httpMethod: 'GET',
    resourcePath: '/orders',
    functionArn: `arn:aws:lambda:us-east-1:${owner}:function:orders-api`,
    region: 'us-east-1',
  });
  const events = lines.map((message, i) => ({
    id: eventId(NOW, 100 + i),
    timestamp: NOW + i,
    message,
  }));
  return record(
    awslogsPayload({ owner, logGroup: 'API-Gateway-Execution-Logs_k7xw2m9qpd/prod' }, events)
      .awslogs.data,
  );
}

function controlRecord(): StreamRecord {
  return record(awslogsEvent(fixture('data-message/control-message.json')).awslogs.data);
}

describe('processStreamBatch', () => {
  test('groups records by account, records each account once with its account, and reports only the bad records', async () => {
    // Arrange
    const a1 = lambdaRecord(A, 0);
    const b1 = restRecord(B);
    const corrupt = record(Buffer.from('not a gzip stream at all').toString('base64'));
    const a2 = lambdaRecord(A, 1, 2);
    const control = controlRecord();
    const masked = lambdaRecord('95**********', 5);
    const notJson = record(gzipSync('{"messageType":').toString('base64'));
    const sink = recordingSink();

    // Act
    const result = await processStreamBatch([a1, b1, corrupt, a2, control, masked, notJson], {
      sink,
      now: NOW,
    });

    // Assert
    expect(result.failed).toEqual([corrupt, masked, notJson].map((r) => r.sequenceNumber));
    expect(result.bad.map((b) => b.reason)).toEqual(['not-gzip', 'bad-owner', 'not-json']);
    expect(result.controlMessages).toBe(1);
    expect(sink.accepted.map((a) => a.context.account).sort()).toEqual([A, B]);
    const inA = sink.accepted.find((a) => a.context.account === A)!;
    expect(inA.context).toMatchObject({ owner: A, logGroup: LAMBDA_LOG_GROUP, receivedAt: NOW });
    // Three denial events over two records of one account: one diagnosis, counted once each.
    expect(inA.diagnoses).toHaveLength(1);
    expect(inA.diagnoses[0]).toMatchObject({ kind: 'invoke-access-denied', occurrences: 3 });
    const inB = sink.accepted.find((a) => a.context.account === B)!;
    expect(inB.diagnoses.map((d) => [d.kind, d.function.name, d.api?.resourcePath])).toEqual([
      ['apigw-invalid-permissions', 'orders-api', '/orders'],
    ]);
    expect(result.accounts.map((a) => [a.account, a.records, a.error])).toEqual([
      [A, 2, null],
      [B, 1, null],
    ]);
  });

  test('an account whose incidents cannot be stored fails only its own records', async () => {
    // Arrange
    const a1 = lambdaRecord(A, 10);
    const b1 = restRecord(B);
    const b2 = lambdaRecord(B, 20);
    const sink = recordingSink(new Set([B]));

    // Act
    const result = await processStreamBatch([b1, a1, b2], { sink, now: NOW });

    // Assert
    expect(result.failed).toEqual([b1.sequenceNumber, b2.sequenceNumber]);
    expect(sink.accepted.map((a) => a.context.account)).toEqual([A]);
    expect(String(result.accounts.find((a) => a.account === B)?.error)).toContain(
      'store unavailable for 222222222222',
    );
  });

  test('a batch of control messages only succeeds without a sink call', async () => {
    const sink = recordingSink();
    const result = await processStreamBatch([controlRecord(), controlRecord()], { sink, now: NOW });
    expect(result).toMatchObject({ failed: [], bad: [], controlMessages: 2, accounts: [] });
    expect(sink.accepted).toEqual([]);
  });

  test('never throws on record data: every undecodable record is reported, every good one recorded', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.constant<'good'>('good'),
            fc.base64String(),
            fc.string(),
            fc.uint8Array({ maxLength: 64 }).map((bytes) => gzipSync(bytes).toString('base64')),
          ),
          { minLength: 1, maxLength: 12 },
        ),
        async (datas) => {
          // Arrange
          const records = datas.map((d, i) =>
            d === 'good' ? lambdaRecord(i % 2 === 0 ? A : B, 1000 + i) : record(d),
          );
          const sink = recordingSink();
          // Act
          const result = await processStreamBatch(records, { sink, now: NOW });
          // Assert
          const good = new Set(
            records.filter((_, i) => datas[i] === 'good').map((r) => r.sequenceNumber),
          );
          expect(result.failed.every((s) => !good.has(s))).toBe(true);
          expect(result.failed).toEqual(result.bad.map((b) => b.sequenceNumber));
          expect(result.failed.length + good.size).toBe(records.length);
          const occurrences = sink.accepted
            .flatMap((a) => a.diagnoses)
            .reduce((n, d) => n + d.occurrences, 0);
          expect(occurrences).toBe(good.size);
        },
      ),
      { numRuns: 60 },
    );
  });
});
