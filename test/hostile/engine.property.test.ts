/**
 * Hostile input through the whole engine, in process: random bytes, invalid UTF-8, huge lines,
 * deep JSON, escape sequences, and adversarial near-matches of every pattern the engine reads
 * (fragments of each row's marker and of the lines correlation reads, cut and recombined). Every
 * failure is a typed InvalidPayloadError, the analysis and both renderers never throw, and a bad
 * input never loses the findings of a good input beside it. The Lambda handler answers every such
 * delivery with a summary, never an exception.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { diagnosisJson } from '../../bin/render/diagnosisJson';
import { renderDiagnosisText } from '../../bin/render/renderDiagnosisText';
import { runtimeConfig } from '../../lambda/adapters/runtimeConfig';
import { decodeInput } from '../../lambda/core/decode/decodeInput';
import { StreamDecoder } from '../../lambda/core/decode/StreamDecoder';
import { StreamingAnalysis } from '../../lambda/core/diagnose/StreamingAnalysis';
import { InvalidPayloadError } from '../../lambda/core/errors';
import { PATTERNS } from '../../lambda/core/formats/families';
import type { Diagnosis, LogBatch } from '../../lambda/core/types';
import { createHandler } from '../../lambda/handlers/logSubscription';
import { captureStdout } from '../helpers/capture';
import { fixture } from '../helpers/fixture';

/** Pieces of everything the engine looks for, to recombine into near-matches. */
const FRAGMENTS = [
  ...PATTERNS.flatMap((row) => [row.marker, row.needle, row.example]),
  ...PATTERNS.flatMap((row) => row.marker.split(' ')),
  'User: ',
  'User:',
  'arn:aws:sts::123456789012:assumed-role/r/s',
  'arn:aws:lambda:us-east-1:123456789012:function:f',
  'arn:aws:lambda:***',
  ' on resource: ',
  ' because no identity-based policy allows the lambda:InvokeFunction action',
  ' with an explicit deny in a service control policy: arn:aws:organizations::',
  '(f3ce6e03-582b-11e8-8f3a-cfe9e4701f18) ',
  'Thu Jan 25 06:47:10 UTC 2018 : ',
  'HTTP Method: GET, Resource Path: /',
  'Endpoint request URI: https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/',
  '/invocations',
  'Endpoint request headers: {X-Amz-Source-Arn=arn:aws:execute-api:us-east-1:123456789012:abcdefghij/prod/GET/x, ',
  'Starting execution for request: ',
  'Extended Request Id: ',
  'PostConfirmation invocation failed due to error AccessDeniedException',
  '{"awslogs":{"data":"H4sI',
  '{"messageType":"DATA_MESSAGE","logEvents":[',
  '{"events":[{"message":"',
  '{"log":"a\\nb',
  '\\n',
  '\\"',
  '\n',
  '\r\n',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '`',
  ')',
  '.',
  '\u001b[31m',
  '\u001b]0;t\u0007',
  '\u009b',
  '\u0000',
  '\ufffd',
  '\u202e',
  '[TRUNCATED]',
];

const nearMatch = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 8 })), { maxLength: 40 })
  .map((parts) => parts.join(''));

const GOOD = fixture('iam-sentence/no-identity-policy.log');
const GOOD_FUNCTION = 'CdkWorkshopStack-HelloHandler2E4FBA4D-xMvt0Kbw9VKD';

/** Decodes `input` as the CLI does, streaming in pieces: batches, or the typed error. */
function decodeStreamed(input: string, cuts: readonly number[]): LogBatch[] {
  const batches: LogBatch[] = [];
  const decoder = new StreamDecoder((batch) => batches.push(batch));
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    decoder.push(input.slice(from, Math.max(from, cut)));
    from = Math.max(from, cut);
  }
  decoder.push(input.slice(from));
  decoder.end();
  return batches;
}

/** Analyses a hostile input and a good one as two inputs, as `diagnose BAD GOOD` does. */
function besideGood(bad: string, cuts: readonly number[]): Diagnosis[] {
  const analysis = new StreamingAnalysis({ windowEvents: 16, lookaheadEvents: 4 });
  try {
    for (const batch of decodeStreamed(bad, cuts)) analysis.push(batch, 0);
  } catch (error) {
    if (!(error instanceof InvalidPayloadError)) throw error;
    expect(error.message).not.toContain('\n');
  }
  for (const batch of decodeInput(GOOD)) analysis.push(batch, 1);
  return analysis.finish().diagnoses;
}

function renders(diagnoses: readonly Diagnosis[]): void {
  expect(typeof renderDiagnosisText(diagnoses, true)).toBe('string');
  for (const d of diagnoses) JSON.stringify(diagnosisJson(d));
}

describe('hostile text through the streaming engine', () => {
  test('near-matches of every pattern: typed errors only, the good input beside is still found', () => {
    fc.assert(
      fc.property(nearMatch, fc.array(fc.nat({ max: 2000 }), { maxLength: 6 }), (bad, cuts) => {
        const diagnoses = besideGood(bad, cuts);
        expect(diagnoses.some((d) => d.function.name === GOOD_FUNCTION)).toBe(true);
        renders(diagnoses);
      }),
      { numRuns: 400 },
    );
  });

  test('arbitrary unicode, also as JSON string values and payload shapes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        for (const input of [
          text,
          JSON.stringify({ log: text }),
          JSON.stringify({ events: [{ message: text, timestamp: 1 }] }),
          JSON.stringify({
            messageType: 'DATA_MESSAGE',
            logEvents: [{ id: '1', timestamp: 1, message: text }],
          }),
          JSON.stringify([{ messageType: 'DATA_MESSAGE', logEvents: [text] }]),
        ]) {
          renders(besideGood(input, [7]));
        }
      }),
      { numRuns: 150 },
    );
  });

  test('random bytes and invalid UTF-8: decoded or a typed error, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        try {
          renders(new StreamingAnalysis().finish().diagnoses);
          const analysis = new StreamingAnalysis();
          for (const batch of decodeInput(bytes)) analysis.push(batch);
          renders(analysis.finish().diagnoses);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidPayloadError);
        }
      }),
      { numRuns: 300 },
    );
  });

  test.each([
    ['nested arrays', `${'['.repeat(100_000)}`],
    ['nested objects', `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`],
    ['nested arrays inside a filter-log-events event', `{"events":[${'['.repeat(10_000)}]}`],
  ])('deep JSON (%s): a typed error naming the limit', (_name, input) => {
    let caught: unknown;
    try {
      decodeStreamed(input, [1000]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidPayloadError);
    expect((caught as InvalidPayloadError).message).toMatch(
      /deeper than 256 levels|does not parse|ends inside/,
    );
  });

  test('a line of 5 MB of near-matches: read, bounded, and the good input beside it found', () => {
    const line = `User: ${'arn:aws:sts::1:assumed-role/a/b is not authorized to perform: lambda:InvokeFunction on resource: '.repeat(52_000)}`;
    const diagnoses = besideGood(`${line}\n${line}`, [999_999, 3_000_001]);
    expect(diagnoses.some((d) => d.function.name === GOOD_FUNCTION)).toBe(true);
  });
});

describe('hostile deliveries through the Lambda handler', () => {
  const handler = createHandler({
    config: runtimeConfig({}),
    sink: { accept: async () => {} },
    lookup: null,
  });
  const event = (data: string) => ({ awslogs: { data } });
  const gz = (value: unknown) =>
    gzipSync(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');

  test('every delivery gets a summary: processed, control message or bad payload', async () => {
    // Arrange: random deliveries, a control message and a gzip bomb
    const random = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 200 }).map((s) => event(s)),
        fc.uint8Array({ maxLength: 500 }).map((b) => event(Buffer.from(b).toString('base64'))),
        fc.uint8Array({ maxLength: 500 }).map((b) => event(gzipSync(b).toString('base64'))),
        fc.jsonValue().map((v) => event(gz(v))),
        nearMatch.map((m) =>
          event(
            gz({
              messageType: 'DATA_MESSAGE',
              logGroup: 'g',
              logEvents: [{ id: '1', timestamp: 1, message: m }],
            }),
          ),
        ),
      ),
      { numRuns: 250, seed: 10 },
    );
    const control = event(gz({ messageType: 'CONTROL_MESSAGE', logEvents: [] }));
    const bomb = event(gzipSync(Buffer.alloc(70 * 1024 * 1024)).toString('base64'));
    // Act
    const out = await captureStdout(async () => {
      const statuses: string[] = [];
      for (const payload of [...random, control, bomb]) {
        statuses.push((await handler(payload as never)).status);
      }
      return statuses;
    });
    // Assert
    expect(out.error).toBeUndefined();
    expect(new Set(out.result)).toEqual(new Set(['processed', 'control-message', 'bad-payload']));
    // the bomb is refused by its size, not by running out of memory
    expect(out.result?.at(-1)).toBe('bad-payload');
    expect(out.logs.some((log) => /beyond 64 MiB/.test(String(log.error)))).toBe(true);
  });
});
