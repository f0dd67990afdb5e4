/**
 * Incremental decoding: whatever the chunk boundaries, StreamDecoder reads the same events as a
 * decode of the whole input; large inputs are read value by value and event by event within
 * bounds; what cannot be read is a typed error.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { decodeInput } from '../../../lambda/core/decode/decodeInput';
import { JsonStreamSplitter } from '../../../lambda/core/decode/JsonStreamSplitter';
import { MAX_LINE_CHARS, StreamDecoder } from '../../../lambda/core/decode/StreamDecoder';
import { InvalidPayloadError } from '../../../lambda/core/errors';
import type { LogBatch } from '../../../lambda/core/types';
import { EVENTS_DIR, fixture } from '../../helpers/fixture';

/** Every event with where it came from, in order. */
function flatten(batches: readonly LogBatch[]): string[] {
  return batches.flatMap((batch) =>
    batch.events.map((event) =>
      JSON.stringify([
        batch.format,
        batch.logGroup,
        batch.logStream,
        event.id,
        event.timestamp,
        event.message,
      ]),
    ),
  );
}

/** Decodes `text` fed in pieces cut at `cuts` (positions). */
function decodeInPieces(text: string, cuts: readonly number[]): LogBatch[] {
  const batches: LogBatch[] = [];
  const decoder = new StreamDecoder((batch) => batches.push(batch), { batchEvents: 3 });
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    decoder.push(text.slice(from, cut));
    from = cut;
  }
  decoder.push(text.slice(from));
  decoder.end();
  return batches;
}

const FIXTURES = readdirSync(EVENTS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((dir) =>
    readdirSync(join(EVENTS_DIR, dir.name), { withFileTypes: true })
      .filter((file) => file.isFile())
      .map((file) => `${dir.name}/${file.name}`),
  );

describe('StreamDecoder reads the same events whatever the chunk boundaries', () => {
  test.each(FIXTURES)('%s', (file) => {
    const text = fixture(file);
    const whole = flatten(decodeInput(text));
    fc.assert(
      fc.property(fc.array(fc.nat({ max: text.length }), { maxLength: 20 }), (cuts) => {
        expect(flatten(decodeInPieces(text, cuts))).toEqual(whole);
      }),
      { numRuns: 25 },
    );
  });

  test('one character at a time', () => {
    const text = fixture('rest-execution-log/test-invoke-method-cli.json');
    const cuts = Array.from({ length: text.length }, (_, i) => i);
    expect(flatten(decodeInPieces(text, cuts))).toEqual(flatten(decodeInput(text)));
  });
});

describe('StreamDecoder on large and unusual input', () => {
  /** filter-log-events output as the AWS CLI prints it (4-space indent), `n` events. */
  function filterLogEvents(n: number): string {
    const line = fixture('rest-execution-log/error-level-only.log').trim();
    const events = Array.from({ length: n }, (_, i) => ({
      logStreamName: `stream-${i % 3}`,
      timestamp: 1_700_000_000_000 + i,
      message:
        i % 100 === 0
          ? line
          : `(f3ce6e03-582b-11e8-8f3a-${String(i).padStart(12, '0')}) Method request path: {}`,
      ingestionTime: 1_700_000_000_500 + i,
      eventId: String(i).padStart(56, '0'),
    }));
    return JSON.stringify({ events, searchedLogStreams: [] }, null, 4);
  }

  test('filter-log-events output is streamed event by event in batches, ids and streams kept', () => {
    // Arrange
    const text = filterLogEvents(5000);
    const batches: LogBatch[] = [];
    const decoder = new StreamDecoder((batch) => batches.push(batch), { batchEvents: 100 });
    // Act: 64 KiB chunks, as a file is read
    for (let i = 0; i < text.length; i += 65_536) decoder.push(text.slice(i, i + 65_536));
    decoder.end();
    // Assert
    expect(batches.reduce((sum, b) => sum + b.events.length, 0)).toBe(5000);
    expect(Math.max(...batches.map((b) => b.events.length))).toBeLessThanOrEqual(100);
    expect(batches.every((b) => b.format === 'filter-log-events')).toBe(true);
    expect(batches[0]?.events[0]?.id).toBe('0'.repeat(56));
    expect(new Set(batches.map((b) => b.logStream))).toEqual(
      new Set(['stream-0', 'stream-1', 'stream-2']),
    );
  });

  test('the splitter holds one event at a time, not the whole answer', () => {
    // Arrange: a value limit far below the answer's size, above one event's
    const text = filterLogEvents(3000);
    let elements = 0;
    const splitter = new JsonStreamSplitter(
      { value: () => {}, element: () => elements++, text: () => {} },
      { maxValueChars: 4096, maxDepth: 8 },
    );
    // Act
    for (let i = 0; i < text.length; i += 1000) splitter.push(text.slice(i, i + 1000));
    // Assert
    expect(splitter.end()).toBe('');
    expect(elements).toBe(3000);
    expect(text.length).toBeGreaterThan(100 * 4096);
  });

  test('JSON Lines of payloads and text after JSON are both read', () => {
    const payload = fixture('data-message/lambda-report-line.json').replace(/\s*\n\s*/g, ' ');
    const line = fixture('iam-sentence/cli-iam-user.log').trim();
    const batches = decodeInPieces(`${payload}\n${payload}\n${line}\n`, [10, 500]);
    expect(batches.filter((b) => b.format === 'data-message')).toHaveLength(2);
    expect(batches.flatMap((b) => b.events.map((e) => e.message))).toContain(line);
  });

  test.each([
    ['Python log lines in brackets', '[ERROR] 2024-06-01T10:00:00Z boom\n[INFO] next\n'],
    ['a templated line in braces', '{timestamp} message\n'],
  ])('%s are text, not JSON', (_name, text) => {
    const batches = decodeInPieces(text, []);
    expect(batches.every((b) => b.format === 'text')).toBe(true);
    expect(batches.flatMap((b) => b.events).length).toBe(text.trim().split('\n').length);
  });

  test('a line past the line limit is cut, counted, and the lines after it are read', () => {
    // Arrange
    const long = 'x'.repeat(MAX_LINE_CHARS + 10);
    const line = fixture('iam-sentence/cli-iam-user.log').trim();
    const batches: LogBatch[] = [];
    const decoder = new StreamDecoder((batch) => batches.push(batch));
    // Act: the long line arrives in many chunks
    decoder.push('first\n');
    for (let i = 0; i < long.length; i += 100_000) decoder.push(long.slice(i, i + 100_000));
    decoder.push(`\n${line}\n`);
    decoder.end();
    // Assert
    const events = batches.flatMap((b) => b.events);
    expect(decoder.stats.longLines).toBe(1);
    expect(events.map((e) => e.message.length)).toEqual([5, MAX_LINE_CHARS, line.length]);
    expect(events.map((e) => e.id)).toEqual(['line:1', 'line:2', 'line:3']);
  });

  test.each([
    ['nested too deep', `[${'['.repeat(1000)}]`, 'too-deep'],
    ['a payload cut off', '{"awslogs": {"data": "H4sIAAAA', 'not-json'],
    ['a filter-log-events event of the wrong shape', '{"events":[{"message":42}]}', 'bad-shape'],
  ])('%s is a typed error', (_name, text, reason) => {
    let caught: unknown;
    try {
      decodeInPieces(text, [3]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidPayloadError);
    expect((caught as InvalidPayloadError).reason).toBe(reason);
  });

  test('a value larger than the limit is refused while it is read, not after', () => {
    const splitter = new JsonStreamSplitter(
      { value: () => {}, element: () => {}, text: () => {} },
      { maxValueChars: 1000, maxDepth: 8 },
    );
    splitter.push('{"a":"');
    expect(() => splitter.push('x'.repeat(2000))).toThrow(/larger than/);
  });
});
