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

/** Who holds the lock: a pid and that process's start time, when the system tells it. */
interface LockOwner {
  readonly pid: number;
  /** Start time of the process in clock ticks since boot (`/proc/<pid>/stat`), null elsewhere. */
  readonly start: string | null;
}

/**
 * Start time of a process (field 22 of `/proc/<pid>/stat`), which tells a process from a later one
 * given the same pid; null where /proc is not there (macOS) or the process is gone.
 */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function readOwner(text: string): LockOwner {
  try {
    const parsed = JSON.parse(text) as { pid?: unknown; start?: unknown };
    if (typeof parsed === 'object' && parsed !== null && typeof parsed.pid === 'number') {
      return { pid: parsed.pid, start: typeof parsed.start === 'string' ? parsed.start : null };
    }
  } catch {
    // a lock written by an older version: the pid alone
  }
  return { pid: Number.parseInt(text, 10), start: null };
}

/**
 * True when the lock's owner still runs: its pid is alive and, where the system tells start times,
 * it is the same process that took the lock (a pid reused by another process is not the owner).
 */
function holds(owner: LockOwner): boolean {
  if (!isAlive(owner.pid)) return false;
  if (owner.start === null) return true;
  const start = processStart(owner.pid);
  return start === null || start === owner.start;
}

/**
 * Takes the store for this process: creates `<dir>/lock` (exclusively) holding our pid and start
 * time, or fails with the "in use" message when the process that took it still runs. A lock left
 * by a process that died, or whose pid now belongs to another process, is taken over. LevelDB's
 * own lock cannot serve alone: between a probe and dynalite's open another process can slip in,
 * and dynalite then throws out of the process instead of reporting it. Returns the release function.
 */
function acquireLock(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  const mine: LockOwner = { pid: process.pid, start: processStart(process.pid) };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify(mine));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(readFileSync(path, 'utf8'));
      if (holds(owner)) {
        throw new InvokeDoctorError(
          `the local store at ${dir} is in use by another invoke-doctor process (pid ${owner.pid}; a replay still running?)`,
        );
      }
      rmSync(path, { force: true }); // stale: its process is gone, or its pid was reused
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
