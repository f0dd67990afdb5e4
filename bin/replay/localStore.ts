import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureIncidentsTable } from '../../lambda/adapters/ensureIncidentsTable';
import { ConfigError, InvokeDoctorError } from '../../lambda/core/errors';
import { startDynalite } from './startDynalite';

/** Directory of the local store when none is given: `.invoke-doctor/` in the current directory. */
export const DEFAULT_STORE_DIR = '.invoke-doctor';

/** Table name used inside the local store. */
export const LOCAL_TABLE_NAME = 'invoke-doctor-incidents';

// LevelDB files live in a sub-directory so the store directory can carry a .gitignore beside them.
const DATA_SUBDIR = 'dynalite';

/** Where and how to open the local store. */
export interface LocalStoreOptions {
  /** Store directory (default `.invoke-doctor` under the current directory). */
  readonly dir?: string;
  /** Create the store when it does not exist (replay); otherwise a missing store is a ConfigError. */
  readonly create?: boolean;
}

/** An open local store: a DynamoDB client for the in-process server and the incidents table. */
export interface LocalStore {
  /** Absolute store directory. */
  readonly dir: string;
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Endpoint of the in-process server, `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Stops the server and flushes the data to disk. */
  close(): Promise<void>;
}

/**
 * Opens the local incident store: an in-process DynamoDB-compatible server (dynalite, data in
 * LevelDB under `<dir>/dynalite`) on a free loopback port, with the incidents table created by
 * {@link ensureIncidentsTable} (same schema as the stack's). The same repository code as in AWS
 * then runs against it: no AWS account, no credentials, nothing leaves the machine. LevelDB allows
 * one process at a time; a second one gets a clear error instead of a hang.
 */
export async function localStore(options: LocalStoreOptions = {}): Promise<LocalStore> {
  const dir = resolve(options.dir ?? DEFAULT_STORE_DIR);
  const dataDir = join(dir, DATA_SUBDIR);
  if (!existsSync(dataDir)) {
    if (!options.create) {
      throw new ConfigError(
        '--store',
        `no local store at ${dir}: run \`invoke-doctor replay\` first (or pass --store DIR)`,
      );
    }
    mkdirSync(dataDir, { recursive: true });
    // The store is data, not source: keep it out of the user's repository.
    writeFileSync(join(dir, '.gitignore'), '*\n');
  }

  const releaseLock = acquireLock(dir);
  let server: Awaited<ReturnType<typeof startDynalite>>;
  try {
    await ensureUnlocked(dataDir, dir);
    server = await startDynalite({ path: dataDir });
  } catch (error) {
    releaseLock();
    throw error;
  }
  const endpoint = server.endpoint;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    // dynalite checks that requests are signed, not by whom: any static key will do.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 2,
  });
  const close = async (): Promise<void> => {
    client.destroy();
    await server.close();
    releaseLock();
  };

  try {
    await ensureIncidentsTable(client, LOCAL_TABLE_NAME);
  } catch (error) {
    await close().catch(() => {});
    throw new InvokeDoctorError(`cannot open the local store at ${dir}: ${describe(error)}`, {
      cause: error,
    });
  }
  return { dir, client, tableName: LOCAL_TABLE_NAME, endpoint, close };
}

const LOCK_FILE = 'lock';

/**
 * Takes the store for this process: creates `<dir>/lock` (exclusively) holding our pid, or fails
 * with the "in use" message when a live process holds it. A lock left by a process that died is
 * taken over. LevelDB's own lock cannot serve alone: between a probe and dynalite's open another
 * process can slip in, and dynalite then throws out of the process instead of reporting it.
 * Returns the release function.
 */
function acquireLock(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (isAlive(owner)) {
        throw new InvokeDoctorError(
          `the local store at ${dir} is in use by another invoke-doctor process (pid ${owner}; a replay still running?)`,
        );
      }
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new InvokeDoctorError(
    `the local store at ${dir} is in use by another invoke-doctor process`,
  );
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface LevelDb {
  open(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Fails with a clear message when another process (a running replay) has the store open. dynalite
 * does not report LevelDB's lock: every request would fail and its server would throw out of the
 * process. So the lock is probed first with the same LevelDB module dynalite uses.
 */
async function ensureUnlocked(dataDir: string, dir: string): Promise<void> {
  const levelPath = require.resolve('level', { paths: [dirname(require.resolve('dynalite'))] });
  const { Level } = require(levelPath) as { Level: new (path: string) => LevelDb };
  const db = new Level(dataDir);
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const locked = cause?.code === 'LEVEL_LOCKED';
    throw new InvokeDoctorError(
      locked
        ? `the local store at ${dir} is in use by another invoke-doctor process (a replay still running?)`
        : `cannot open the local store at ${dir}: ${describe(error)}`,
      { cause: error },
    );
  }
  await db.close();
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\s+/g, ' ').slice(0, 300);
}
