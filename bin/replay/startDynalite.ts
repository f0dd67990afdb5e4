import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running in-process DynamoDB-compatible server. */
export interface DynaliteHandle {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Stops the server (and, with a path, flushes LevelDB to disk). */
  close(): Promise<void>;
}

// dynalite ships no types; its factory returns an http.Server.
type Dynalite = (options: {
  path?: string;
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}) => Server;

/**
 * Starts dynalite on a free loopback port: in memory, or in LevelDB under `path`. Table changes
 * are immediate (no simulated CREATING state). Loaded on call: only the local store, the tests and
 * the benchmark need dynalite and LevelDB.
 */
export async function startDynalite(options: { path?: string } = {}): Promise<DynaliteHandle> {
  const dynalite = require('dynalite') as Dynalite;
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ready());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections?.();
        server.close(() => done());
      }),
  };
}
