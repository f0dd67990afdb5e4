/**
 * The streaming analysis finds what the whole-input analysis finds, window size aside: on every
 * real fixture and on the benchmark's generated deliveries, cut into windows as small as one event.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildPayload, PAYLOAD_KINDS } from '../../../bench/buildPayload';
import { decodeAwslogs } from '../../../lambda/core/decode/decodeAwslogs';
import { decodeInput } from '../../../lambda/core/decode/decodeInput';
import { analyzeBatches } from '../../../lambda/core/diagnose/analyzeBatches';
import { DiagnosisTally } from '../../../lambda/core/diagnose/DiagnosisTally';
import {
  StreamingAnalysis,
  type StreamingOptions,
} from '../../../lambda/core/diagnose/StreamingAnalysis';
import { FORMAT_FAMILIES } from '../../../lambda/core/formats/families';
import type { Diagnosis, LogBatch } from '../../../lambda/core/types';
import { EVENTS_DIR, fixture } from '../../helpers/fixture';

/** What the two analyses must agree on (ids are lists of the first ones in a tally). */
function summary(diagnoses: readonly Diagnosis[]): unknown[] {
  return diagnoses
    .map(({ eventIds: _e, requestIds: _r, ...rest }) => rest)
    .sort((a, b) => a.fingerprint.localeCompare(b.fingerprint));
}

function streamed(batches: readonly LogBatch[], options: StreamingOptions): Diagnosis[] {
  const analysis = new StreamingAnalysis(options);
  for (const batch of batches) analysis.push(batch);
  return analysis.finish().diagnoses;
}

/** Streamed as it is read: each batch cut into pieces of `size` events. */
function pieces(batches: readonly LogBatch[], size: number): LogBatch[] {
  return batches.flatMap((batch) => {
    const out: LogBatch[] = [];
    for (let i = 0; i < batch.events.length; i += size) {
      out.push({ ...batch, events: batch.events.slice(i, i + size) });
    }
    return out;
  });
}

const FIXTURES = FORMAT_FAMILIES.flatMap((family) =>
  readdirSync(join(EVENTS_DIR, family.name)).map((file) => `${family.name}/${file}`),
);

// A request's lines after its failure line (`Authorizer error`) are read through the lookahead.
const WINDOWS: readonly StreamingOptions[] = [
  { windowEvents: 1, lookaheadEvents: 2, contextEvents: 64 },
  { windowEvents: 3, lookaheadEvents: 1, contextEvents: 64 },
  { windowEvents: 7, lookaheadEvents: 3, contextEvents: 64 },
];

describe.each(FIXTURES)('%s', (file) => {
  const batches = decodeInput(fixture(file));
  const expected = summary(analyzeBatches(batches).diagnoses);

  test.each(WINDOWS)(
    'windows of $windowEvents, lookahead $lookaheadEvents: same diagnoses',
    (options) => {
      expect(summary(streamed(pieces(batches, 2), options))).toEqual(expected);
    },
  );
});

describe.each(PAYLOAD_KINDS)('a generated 256 KB %s delivery', (kind) => {
  const payload = buildPayload(kind, { targetBytes: 262_144 });
  const batch = decodeAwslogs(payload.event.awslogs.data) as LogBatch;
  const expected = summary(analyzeBatches([batch]).diagnoses);

  test('streamed in windows of 500 events: same diagnoses and counts', () => {
    // Act
    const diagnoses = streamed(pieces([batch], 97), {
      windowEvents: 500,
      lookaheadEvents: 64,
      contextEvents: 1024,
    });
    // Assert
    expect(expected.length).toBeGreaterThan(0);
    expect(summary(diagnoses)).toEqual(expected);
  });

  test('one window per event, as long as the context window spans a request', () => {
    const diagnoses = streamed(pieces([batch], 1000), {
      windowEvents: 1,
      lookaheadEvents: 0,
      contextEvents: 64,
    });
    expect(summary(diagnoses)).toEqual(expected);
  });
});

describe('StreamingAnalysis bounds', () => {
  test('lines of a request farther back than the context window are not used', () => {
    // Arrange: the real INFO trace, then 100 unrelated lines, then its failure line again under a
    // new request id that only the far-away lines would explain
    const lines = fixture('rest-execution-log/invalid-permissions-info.log').trim().split('\n');
    const batch = decodeInput(lines.join('\n'), {
      logGroup: 'API-Gateway-Execution-Logs_abc123def45/dev',
    })[0] as LogBatch;
    const far: LogBatch = {
      ...batch,
      events: [
        ...batch.events.filter((e) => !e.message.includes('Invalid permissions')),
        ...Array.from({ length: 100 }, (_, i) => ({
          id: `filler:${i}`,
          timestamp: null,
          message: `filler ${i}`,
        })),
        ...batch.events.filter((e) => e.message.includes('Invalid permissions')),
      ],
    };
    // Act
    const near = streamed([far], { windowEvents: 10, lookaheadEvents: 0, contextEvents: 500 });
    const beyond = streamed([far], { windowEvents: 10, lookaheadEvents: 0, contextEvents: 20 });
    // Assert
    expect(near[0]?.function.name).toBe('simple_regex_lambda');
    expect(beyond[0]?.function.name).toBeNull();
  });

  test('an event delivered twice is counted once across windows', () => {
    const batch = decodeInput(fixture('awslogs/lambda-invoke-error-real.json'))[0] as LogBatch;
    const tally = new DiagnosisTally();
    const once = analyzeBatches([batch]).diagnoses;
    tally.add(once);
    tally.add(analyzeBatches([batch]).diagnoses);
    expect(tally.diagnoses().map((d) => d.occurrences)).toEqual(once.map((d) => d.occurrences));
  });
});
