import { gunzipSync, gzipSync } from 'node:zlib';
import { CloudWatchLogsSchema } from '@aws-lambda-powertools/parser/schemas/cloudwatch';
import {
  type BenchPayload,
  buildPayload,
  MAX_EVENTS,
  NEAR_1_MB,
  PAYLOAD_KINDS,
  type PayloadKind,
  type TextLogSummary,
  textLog,
} from '../../bench/buildPayload';
import { decodeAwslogs } from '../../lambda/core/decode/decodeAwslogs';
import { analyzeBatches } from '../../lambda/core/diagnose/analyzeBatches';

interface DataMessage {
  messageType: string;
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: Array<{ id: string; timestamp: number; message: string }>;
}

// The floor decode, independent of the engine.
function open(payload: BenchPayload): { json: string; message: DataMessage } {
  const json = gunzipSync(Buffer.from(payload.event.awslogs.data, 'base64')).toString('utf8');
  return { json, message: JSON.parse(json) as DataMessage };
}

const FAILURE: Readonly<Record<PayloadKind, RegExp>> = {
  'apigw-info':
    /Execution failed due to configuration error: Invalid permissions on Lambda function/,
  'lambda-mixed': /is not authorized to perform: lambda:InvokeFunction/,
  'all-denials': /is not authorized to perform: lambda:InvokeFunction/,
};

// Built once: generating three 1 MB payloads is the slow part of this file.
const NEAR_1_MB_PAYLOADS = new Map(
  PAYLOAD_KINDS.map((kind) => [kind, buildPayload(kind, { targetBytes: NEAR_1_MB })]),
);

function near1Mb(kind: PayloadKind): BenchPayload {
  return NEAR_1_MB_PAYLOADS.get(kind)!;
}

describe.each(PAYLOAD_KINDS)('buildPayload %s near 1 MB', (kind) => {
  test('is a CloudWatch Logs awslogs delivery: base64 gzip of a DATA_MESSAGE in real key order', () => {
    // Arrange
    const payload = near1Mb(kind);

    // Act
    const { json, message } = open(payload);

    // Assert
    expect(Object.keys(payload.event)).toEqual(['awslogs']);
    expect(Object.keys(payload.event.awslogs)).toEqual(['data']);
    expect(payload.event.awslogs.data).toMatch(/^H4sI[A-Za-z0-9+/]+={0,2}$/);
    expect(Object.keys(message)).toEqual([
      'messageType',
      'owner',
      'logGroup',
      'logStream',
      'subscriptionFilters',
      'logEvents',
    ]);
    expect(message.messageType).toBe('DATA_MESSAGE');
    expect(message.owner).toMatch(/^\d{12}$/);
    expect(message.logGroup).toBe(payload.logGroup);
    expect(message.logEvents).toHaveLength(payload.events);
    expect(Buffer.byteLength(json)).toBe(payload.dataMessageBytes);
    expect(JSON.stringify(payload.event).length).toBe(payload.eventBytes);
    // Powertools' schema (what most users would decode with) accepts it too
    expect(CloudWatchLogsSchema.parse(payload.event).awslogs.data.logEvents).toHaveLength(
      payload.events,
    );
  });

  test('fills 1 MiB of DATA_MESSAGE without exceeding it, within the 10,000-event batch limit', () => {
    // Arrange
    const payload = near1Mb(kind);

    // Act
    const { message } = open(payload);

    // Assert
    expect(payload.dataMessageBytes).toBeLessThanOrEqual(NEAR_1_MB);
    expect(payload.dataMessageBytes).toBeGreaterThan(0.97 * NEAR_1_MB);
    expect(payload.events).toBeLessThanOrEqual(MAX_EVENTS);
    // compressed, it fits the Lambda asynchronous invocation payload (256 KB before October 2025)
    expect(payload.eventBytes).toBeLessThan(256 * 1024);
    const ids = message.logEvents.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^\d{56}$/);
    const times = message.logEvents.map((event) => event.timestamp);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  test('holds the failure lines it reports, at the intended ratio', () => {
    // Arrange
    const payload = near1Mb(kind);

    // Act
    const { message } = open(payload);
    const failures = message.logEvents.filter((event) => FAILURE[kind].test(event.message));

    // Assert
    expect(failures).toHaveLength(payload.failureEvents);
    if (kind === 'apigw-info') {
      // ~2% of requests, each request 12 lines
      expect(payload.events).toBe(12 * payload.units);
      expect(payload.failedUnits).toBe(payload.failureEvents);
      expect(payload.failedUnits / payload.units).toBeGreaterThanOrEqual(0.02);
      expect(payload.failedUnits / payload.units).toBeLessThan(0.025);
    } else if (kind === 'lambda-mixed') {
      // ~1% of the lines; each invocation START, 2 lines, END, REPORT
      expect(payload.events).toBe(5 * payload.units);
      expect(payload.failureEvents / payload.events).toBeGreaterThanOrEqual(0.01);
      expect(payload.failureEvents / payload.events).toBeLessThan(0.0105);
      expect(
        message.logEvents.filter((e) => e.message.startsWith('REPORT RequestId: ')),
      ).toHaveLength(payload.units);
    } else {
      expect(payload.failureEvents).toBe(payload.events);
    }
  });

  test('the engine diagnoses exactly the failures the generator wrote', () => {
    // Arrange
    const batch = decodeAwslogs(near1Mb(kind).event.awslogs.data);

    // Act
    const analysis = analyzeBatches([batch!]);

    // Assert
    const occurrences = analysis.diagnoses.reduce((sum, d) => sum + d.occurrences, 0);
    expect(occurrences).toBe(near1Mb(kind).failureEvents);
    expect(analysis.eventsScanned).toBe(near1Mb(kind).events);
    // every payload carries its own context: nothing for the lookup to fetch
    expect(analysis.pendingLookups).toEqual([]);
    if (kind === 'apigw-info') {
      expect(analysis.diagnoses).toHaveLength(1);
      expect(analysis.diagnoses[0]).toMatchObject({
        kind: 'apigw-invalid-permissions',
        function: { name: 'hexaville-test-app-function' },
        api: { id: 'h733q2j6gb', stage: 'Prod', httpMethod: 'GET', resourcePath: '/users' },
      });
    }
  });
});

describe('buildPayload options', () => {
  test('is deterministic for a seed and varies with it', () => {
    // Act
    const a = buildPayload('lambda-mixed', { targetBytes: 20_000, seed: 7 });
    const b = buildPayload('lambda-mixed', { targetBytes: 20_000, seed: 7 });
    const c = buildPayload('lambda-mixed', { targetBytes: 20_000, seed: 8 });

    // Assert
    expect(a.event.awslogs.data).toBe(b.event.awslogs.data);
    expect(c.event.awslogs.data).not.toBe(a.event.awslogs.data);
  });

  test('maxEvents caps a delivery at whole requests; a small delivery still holds a failure', () => {
    // Act
    const capped = buildPayload('apigw-info', {
      targetBytes: Number.POSITIVE_INFINITY,
      maxEvents: 100,
      failureRatio: 1,
    });
    const small = buildPayload('apigw-info', { targetBytes: 8_000 });

    // Assert
    expect(capped.events).toBe(96);
    expect(capped.failedUnits).toBe(capped.units);
    expect(small.failedUnits).toBe(1);
  });
});

describe('textLog', () => {
  function collect(kind: PayloadKind, targetBytes: number, chunkBytes?: number) {
    const log = textLog(kind, { targetBytes, ...(chunkBytes ? { chunkBytes } : {}) });
    const chunks: string[] = [];
    for (let next = log.next(); ; next = log.next()) {
      if (next.done === true) return { text: chunks.join(''), chunks, summary: next.value };
      chunks.push(next.value);
    }
  }

  test.each(PAYLOAD_KINDS)('writes the messages of the delivery, one a line (%s)', (kind) => {
    // Arrange
    const payload = buildPayload(kind, { targetBytes: 200_000 });
    const messages = open(payload).message.logEvents.map((e) => e.message.replace(/\n$/, ''));

    // Act
    const { text, summary } = collect(kind, 1_000_000);

    // Assert: the same generator, so the first lines are the delivery's messages
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.slice(0, messages.length)).toEqual(messages);
    expect(summary).toMatchObject<Partial<TextLogSummary>>({
      kind,
      logGroup: payload.logGroup,
      lines: lines.length,
      failureLines: lines.filter((line) => FAILURE[kind].test(line)).length,
      bytes: Buffer.byteLength(text),
    });
  });

  test('fills the target with whole requests, streamed in chunks, at the failure ratio', () => {
    // Act
    const { text, chunks, summary } = collect('apigw-info', 3_000_000, 256 * 1024);

    // Assert
    expect(summary.bytes).toBeLessThanOrEqual(3_000_000);
    expect(summary.bytes).toBeGreaterThan(2_990_000);
    expect(summary.lines).toBe(12 * summary.units);
    expect(summary.failedUnits / summary.units).toBeGreaterThanOrEqual(0.02);
    expect(summary.failedUnits / summary.units).toBeLessThan(0.025);
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks) expect(chunk.endsWith('\n')).toBe(true);
    expect(collect('apigw-info', 3_000_000).text).toBe(text);
  });
});

describe('the engine decode the benchmark times', () => {
  test.each(PAYLOAD_KINDS)(
    'decodeAwslogs returns the messages the floor decode returns (%s)',
    (kind) => {
      // Arrange
      const payload = near1Mb(kind);

      // Act
      const batch = decodeAwslogs(payload.event.awslogs.data);

      // Assert
      expect(batch?.events.map((event) => event.message)).toEqual(
        open(payload).message.logEvents.map((event) => event.message),
      );
    },
  );

  test('a delivery with non-ASCII text decodes as UTF-8 like the floor decode', () => {
    // Arrange: accented letters, CJK and an emoji, as application log lines carry them
    const message = {
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: '/aws/lambda/café',
      logStream: 's',
      subscriptionFilters: ['f'],
      logEvents: [{ id: '1', timestamp: 1, message: 'état: 失敗 🚫 not authorized' }],
    };
    const data = gzipSync(Buffer.from(JSON.stringify(message), 'utf8')).toString('base64');

    // Act
    const batch = decodeAwslogs(data);

    // Assert
    expect(batch?.logGroup).toBe('/aws/lambda/café');
    expect(batch?.events[0]?.message).toBe('état: 失敗 🚫 not authorized');
  });
});
