import { analyzeBatches } from '../lambda/core/diagnose/analyzeBatches';
import { FORMAT_FAMILIES } from '../lambda/core/formats/families';
import type { LogBatch } from '../lambda/core/types';

/** One hostile line shape aimed at one format family. */
interface Adversary {
  readonly family: string;
  readonly name: string;
  /** A line of about `bytes` characters (ASCII, so characters are bytes). */
  readonly line: (bytes: number) => string;
}

const repeat = (unit: string, bytes: number, tail = ''): string =>
  unit.repeat(Math.max(1, Math.floor((bytes - tail.length) / unit.length))) + tail;

const IAM = ' is not authorized to perform: lambda:InvokeFunction';
const INVALID =
  'Execution failed due to configuration error: Invalid permissions on Lambda function';
const ASSUME = 'API Gateway does not have permission to assume the provided role ';
const HTTP =
  "The IAM role configured on the integration or API Gateway doesn't have permissions to call the integration";

/**
 * Lines built to make a matcher backtrack or rescan: runs of the text a pattern starts on, tokens
 * without an end, the needle repeated, and the shape that made the old access-log pattern quadratic
 * (a run of `"A ` before the needle). Every family has at least two.
 */
export const ADVERSARIES: readonly Adversary[] = [
  { family: 'iam-sentence', name: 'needle repeated', line: (b) => repeat(`User: x${IAM} `, b) },
  {
    family: 'iam-sentence',
    name: 'endless caller token',
    line: (b) => `User: arn:aws:iam::123456789012:role/${'a'.repeat(b)}${IAM} on resource: x`,
  },
  {
    family: 'iam-sentence',
    name: 'endless resource token',
    line: (b) => `User: x${IAM} on resource: arn:aws:lambda:${':;'.repeat(b / 2)}`,
  },
  {
    family: 'rest-execution-log',
    name: 'failure repeated',
    line: (b) => repeat(`(abcdefgh-1234) ${INVALID} API Stage: ${'a'.repeat(64)} `, b),
  },
  {
    family: 'rest-execution-log',
    name: 'assume-role with endless role',
    line: (b) => `${ASSUME}arn:aws:iam::${'1'.repeat(b)}`,
  },
  {
    family: 'rest-execution-log',
    name: 'JSON record of many keys',
    line: (b) => `{${repeat('"authorizerX":"a",', b, `"e":"${INVALID}"`)}}`,
  },
  {
    family: 'http-api-access-log',
    name: 'run of "A before the needle',
    line: (b) => repeat('"A ', b, HTTP),
  },
  {
    family: 'http-api-access-log',
    name: 'request field without an end',
    line: (b) => `1.2.3.4 - - [x] "GET ${'/a'.repeat(b / 2)} ${HTTP}`,
  },
  {
    family: 'http-api-access-log',
    name: 'JSON record of many keys',
    line: (b) => `{${repeat('"k":"v",', b, `"integrationErrorMessage":"${HTTP}"`)}}`,
  },
];

/** Time per KB of one adversary at one size. */
export interface MatcherTiming {
  readonly family: string;
  readonly name: string;
  readonly bytes: number;
  /** The family's `find` alone, µs per KiB (best of the calls: the machine is shared). */
  readonly findUsPerKib: number;
  /** The whole engine (analyzeBatches: prefilter, length cap, every family, grouping), µs per KiB. */
  readonly engineUsPerKib: number;
}

/** Per adversary: the per-KB times at each size and the ratio largest / smallest (flat is ~1). */
export interface MatcherResult {
  readonly family: string;
  readonly name: string;
  readonly timings: readonly MatcherTiming[];
  /** findUsPerKib at the largest size over that at the smallest. */
  readonly findGrowth: number;
  readonly engineGrowth: number;
}

/** How big and how often. */
export interface MatcherOptions {
  /** Line sizes in bytes, smallest first (the full run: 256 KiB and 1 MiB). */
  readonly sizes: readonly number[];
  /** Timed calls per line, matcher and engine; the fastest counts. */
  readonly calls: number;
}

// With `node --expose-gc` (npm run bench), each call starts on a collected heap: the garbage of
// the previous call is not charged to it.
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** The fastest of `calls` calls (after one warm-up call): the least noisy figure on a shared machine. */
function bestCall(fn: () => void, calls: number): number {
  fn();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < calls; i++) {
    collect();
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

function batchOf(line: string): LogBatch[] {
  return [
    {
      format: 'awslogs',
      owner: '123456789012',
      logGroup: '/aws/lambda/bench',
      logStream: 'bench',
      policyLevel: null,
      events: [{ id: '1', timestamp: 0, message: line }],
    },
  ];
}

/**
 * Times every family's matcher, and the whole engine, on adversarial lines of each size: the time
 * per KiB must stay flat as lines grow (linear matching) rather than grow with the line (quadratic).
 */
export function measureMatchers(options: MatcherOptions): MatcherResult[] {
  return ADVERSARIES.map((adversary) => {
    const family = FORMAT_FAMILIES.find((f) => f.name === adversary.family);
    if (family === undefined) throw new Error(`no format family ${adversary.family}`);
    const timings = options.sizes.map((bytes): MatcherTiming => {
      const line = adversary.line(bytes);
      const kib = line.length / 1024;
      const batches = batchOf(line);
      const find = bestCall(() => family.find(line), options.calls);
      const engine = bestCall(() => analyzeBatches(batches), options.calls);
      return {
        family: adversary.family,
        name: adversary.name,
        bytes: line.length,
        findUsPerKib: (find * 1000) / kib,
        engineUsPerKib: (engine * 1000) / kib,
      };
    });
    const first = timings[0]!;
    const last = timings[timings.length - 1]!;
    return {
      family: adversary.family,
      name: adversary.name,
      timings,
      findGrowth: last.findUsPerKib / first.findUsPerKib,
      engineGrowth: last.engineUsPerKib / first.engineUsPerKib,
    };
  });
}
