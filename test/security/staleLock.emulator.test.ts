/**
 * Finding 9: a stale lock file whose pid was reused by another process blocked the local store.
 * The lock now records its owner's start time: a live process with that pid but another start time
 * is not the owner, and the store is taken over; the owner itself still refuses a second opener.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localStore } from '../../bin/replay/localStore';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'invoke-doctor-lock-')), 'store');

describe('the local store lock and reused pids', () => {
  test('a live process that reuses the pid of a dead owner does not hold the store', async () => {
    // Arrange: a lock left by a replay that died; its pid now belongs to an unrelated process
    const dir = fresh();
    await (await localStore({ dir, create: true })).close();
    const unrelated = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: unrelated.pid, start: '1' }));
      // Act
      const store = await localStore({ dir });
      // Assert: taken over, now ours
      expect(JSON.parse(readFileSync(join(dir, 'lock'), 'utf8')).pid).toBe(process.pid);
      await store.close();
    } finally {
      unrelated.kill();
    }
  });

  test('the process that took the lock still holds it', async () => {
    // Arrange: the lock as this process writes it (its own pid and start time)
    const dir = fresh();
    const store = await localStore({ dir, create: true });
    try {
      // Act + Assert
      await expect(localStore({ dir })).rejects.toThrow(`pid ${process.pid}`);
    } finally {
      await store.close();
    }
  });
});
