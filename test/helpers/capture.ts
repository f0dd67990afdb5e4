/** One JSON record written to stdout (Powertools Logger or Metrics EMF). */
export type Record = { readonly [key: string]: unknown };

/** What the handler wrote to stdout and stderr while `run` ran, parsed line by line. */
export interface Captured<T> {
  /** What `run` resolved to (undefined when it threw). */
  readonly result: T | undefined;
  /** What `run` threw (undefined when it resolved). */
  readonly error: unknown;
  readonly records: Record[];
  /** Log records (not EMF). */
  readonly logs: Record[];
  /** EMF records (`_aws` metadata). */
  readonly emf: Record[];
}

/**
 * Runs `run` while recording process.stdout and process.stderr, where Powertools Logger (WARN and
 * ERROR go to stderr) and Metrics write their JSON in Lambda. This reads the handler's real output;
 * nothing of ours is replaced.
 */
export async function captureStdout<T>(run: () => Promise<T>): Promise<Captured<T>> {
  let text = '';
  const record = (chunk: unknown): boolean => {
    const piece =
      typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    // Whole JSON lines only: Console writes each record with its newline in one call.
    text += piece.endsWith('\n') ? piece : `${piece}\n`;
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(record);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(record);
  const spy = {
    mockRestore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
  let result: T | undefined;
  let error: unknown;
  try {
    result = await run();
  } catch (thrown) {
    error = thrown ?? new Error('rejected without a reason');
  } finally {
    spy.mockRestore();
  }
  const records = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record);
  return {
    result,
    error,
    records,
    logs: records.filter((r) => !('_aws' in r)),
    emf: records.filter((r) => '_aws' in r),
  };
}

/** Sum of metric `name` over EMF records, optionally only those with dimension `kind`. */
export function metricSum(emf: readonly Record[], name: string, kind?: string): number {
  let sum = 0;
  for (const r of emf) {
    if (!(name in r)) continue;
    if (kind !== undefined && r.kind !== kind) continue;
    const value = r[name];
    sum += Array.isArray(value) ? value.reduce((a: number, b: number) => a + b, 0) : Number(value);
  }
  return sum;
}
