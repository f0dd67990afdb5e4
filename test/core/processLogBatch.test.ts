import type { DeliveryContext, DiagnosisSink } from '../../lambda/core/ports/DiagnosisSink';
import type { LogLookup, LogLookupQuery } from '../../lambda/core/ports/LogLookup';
import { processLogBatch } from '../../lambda/core/processLogBatch';
import type { Diagnosis, LogBatch, LogEvent } from '../../lambda/core/types';
import { fixture } from '../helpers/fixture';

const GROUP = 'API-Gateway-Execution-Logs_abc123def45/dev';
const [SENDING, FAILURE] = fixture('rest-execution-log/invalid-permissions-info.log')
  .split('\n')
  .filter((line) => line.trim() !== '');

const DELIVERY: LogBatch = {
  format: 'awslogs',
  owner: '123456789012',
  logGroup: GROUP,
  logStream: '2a38a4a9316c49e5a833517c45d31070',
  policyLevel: null,
  // ERROR-level delivery: only the failure line was streamed
  events: [{ id: 'e-fail', timestamp: 1536026489781, message: FAILURE! }],
};

/** In-memory LogLookup port: answers from a fixed set of lines, like FilterLogEvents would. */
class LinesLookup implements LogLookup {
  readonly queries: LogLookupQuery[] = [];
  constructor(
    private readonly lines: readonly LogEvent[],
    private readonly failWith?: Error,
  ) {}
  async findRequestLines(query: LogLookupQuery): Promise<readonly LogEvent[]> {
    this.queries.push(query);
    if (this.failWith !== undefined) throw this.failWith;
    return this.lines.filter((line) => query.requestIds.some((id) => line.message.includes(id)));
  }
}

class RecordingSink implements DiagnosisSink {
  readonly calls: Array<{ diagnoses: readonly Diagnosis[]; context: DeliveryContext }> = [];
  async accept(diagnoses: readonly Diagnosis[], context: DeliveryContext): Promise<void> {
    this.calls.push({ diagnoses, context });
  }
}

describe('processLogBatch', () => {
  test('fetches the missing context once and re-analyses with it', async () => {
    // Arrange
    const lookup = new LinesLookup([
      { id: 'e-send', timestamp: 1536026489779, message: SENDING! },
      { id: 'e-fail', timestamp: 1536026489781, message: FAILURE! },
    ]);
    const sink = new RecordingSink();

    // Act
    const result = await processLogBatch([DELIVERY], { lookup, sink, now: 1_700_000_000_000 });

    // Assert
    expect(lookup.queries).toHaveLength(1);
    expect(lookup.queries[0]).toMatchObject({
      logGroup: GROUP,
      requestIds: ['d0f70f44-e843-42ff-b628-28384d82a707'],
    });
    expect(result).toMatchObject({ eventsScanned: 1, lookups: 1, lookupFailures: 0 });
    expect(result.diagnoses).toHaveLength(1);
    // the failure line came back from the lookup too: still one occurrence
    expect(result.diagnoses[0]).toMatchObject({
      function: { name: 'simple_regex_lambda' },
      occurrences: 1,
    });
    expect(sink.calls).toEqual([
      {
        diagnoses: result.diagnoses,
        context: { logGroup: GROUP, owner: '123456789012', receivedAt: 1_700_000_000_000 },
      },
    ]);
  });

  test('a failing lookup keeps the diagnosis without context', async () => {
    const lookup = new LinesLookup([], new Error('throttled'));
    const result = await processLogBatch([DELIVERY], { lookup, now: 0 });
    expect(result).toMatchObject({ lookups: 1, lookupFailures: 1 });
    expect(result.diagnoses[0]).toMatchObject({
      function: { name: null },
      fixes: expect.any(Array),
    });
  });

  test('no lookup port, no lookups; nothing found, nothing sent', async () => {
    const sink = new RecordingSink();
    const quiet: LogBatch = { ...DELIVERY, events: [{ id: 'x', timestamp: 1, message: SENDING! }] };
    expect(await processLogBatch([DELIVERY], { now: 0 })).toMatchObject({ lookups: 0 });
    expect(await processLogBatch([quiet], { sink, now: 0 })).toMatchObject({
      diagnoses: [],
      eventsScanned: 1,
    });
    expect(sink.calls).toEqual([]);
  });
});
