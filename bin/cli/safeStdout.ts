/** Standard output that tolerates its reader going away. */
export interface SafeStdout {
  /** Writes unless the reader has gone; `done` is always called (without an error then). */
  write(text: string | Uint8Array, done?: () => void): void;
  /** True once the reader closed the pipe (`invoke-doctor ... | head`). */
  readonly closed: boolean;
}

let instance: SafeStdout | undefined;

/**
 * process.stdout for commands that keep working after printing starts (replay still has to store
 * what it reads): when the reader closes the pipe, output stops quietly instead of the process
 * dying on an unhandled EPIPE with a stack trace.
 */
export function safeStdout(): SafeStdout {
  if (instance) return instance;
  let closed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      closed = true;
      return;
    }
    throw error;
  });
  instance = {
    write(text, done) {
      if (closed) {
        done?.();
        return;
      }
      process.stdout.write(text, () => done?.());
    },
    get closed() {
      return closed;
    },
  };
  return instance;
}
