import { Bench } from 'tinybench';

/** How long and how often to time. */
export interface RoundOptions {
  /** Rounds; each round times every method once, in a rotated order. */
  readonly rounds: number;
  /** tinybench time budget per method and round (ms). */
  readonly timeMs: number;
  readonly warmupMs: number;
}

/** One method's median latency (ms) and sample count in one round. */
export interface RoundTiming {
  readonly p50: number;
  readonly samples: number;
}

/**
 * Times every method of `run` in `rounds` short tinybench rounds, all methods in every round in a
 * rotating order, so machine load hits them alike and a ratio taken within a round is fair.
 * Returns each round's timings.
 */
export async function timeRounds<M extends string>(
  methods: readonly M[],
  run: Readonly<Record<M, () => Promise<unknown>>>,
  options: RoundOptions,
): Promise<Array<Record<M, RoundTiming>>> {
  const rounds: Array<Record<M, RoundTiming>> = [];
  for (let r = 0; r < options.rounds; r++) {
    // Many short rounds rather than a few long ones: on a shared machine the load changes
    // within seconds, and a ratio is only fair when both sides were timed moments apart.
    // Only the first round warms up (JIT); later rounds run already optimised code.
    const bench = new Bench({
      time: options.timeMs,
      warmup: r === 0,
      warmupTime: options.warmupMs,
      iterations: 5,
      warmupIterations: 2,
      throws: true,
    });
    for (let m = 0; m < methods.length; m++) {
      const method = methods[(m + r) % methods.length] as M;
      const fn = run[method];
      bench.add(method, async () => {
        await fn();
      });
    }
    await bench.run();
    const round = {} as Record<M, RoundTiming>;
    for (const task of bench.tasks) {
      const res = task.result;
      if (res.state !== 'completed') throw new Error(`${task.name}: ${res.state}`);
      round[task.name as M] = { p50: res.latency.p50, samples: res.latency.samplesCount };
    }
    rounds.push(round);
  }
  return rounds;
}
