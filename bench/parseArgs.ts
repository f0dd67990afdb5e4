/** Command line of `npm run bench`. */
export interface BenchArgs {
  /** Small payloads and few repetitions: a smoke run of every measurement, figures meaningless. */
  readonly quick: boolean;
  /** Where to write the results as JSON. */
  readonly json: string | null;
}

/** Parses `--quick` and `--json FILE` (also `--json=FILE`). */
export function parseArgs(argv: readonly string[]): BenchArgs {
  let quick = false;
  let json: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--quick') quick = true;
    else if (arg === '--json') {
      json = argv[++i] ?? null;
      if (json === null) throw new Error('--json needs a file name');
    } else if (arg.startsWith('--json=')) json = arg.slice('--json='.length);
    else throw new Error(`unknown argument ${arg} (use --quick, --json FILE)`);
  }
  return { quick, json };
}
