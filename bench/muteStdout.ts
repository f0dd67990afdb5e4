/**
 * Runs `fn` with process.stdout writes swallowed (and counted), then restores stdout. The handler's
 * Powertools Logger and Metrics still build and serialise every record; only the terminal write,
 * which in Lambda is a pipe to the runtime, is skipped so the benchmark table stays readable.
 */
export async function muteStdout<T>(fn: () => Promise<T>): Promise<{ result: T; bytes: number }> {
  const stdout = process.stdout;
  const write = stdout.write;
  let bytes = 0;
  stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof stdout.write;
  try {
    const result = await fn();
    return { result, bytes };
  } finally {
    stdout.write = write;
  }
}
