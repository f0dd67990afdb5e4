import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localStore } from '../../../bin/replay/localStore';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'invoke-doctor-store-')), 'store');

describe('localStore', () => {
  test('creates the store with a .gitignore and the incidents table, and releases it on close', async () => {
    // Arrange
    const dir = fresh();
    // Act
    const store = await localStore({ dir, create: true });
    const lockedWhileOpen = existsSync(join(dir, 'lock'));
    await store.close();
    // Assert
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('*\n');
    expect(lockedWhileOpen).toBe(true);
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    const again = await localStore({ dir });
    await again.close();
  });

  test('two opens at the same moment: exactly one gets the store, the other a clear error', async () => {
    // Arrange
    const dir = fresh();
    await (await localStore({ dir, create: true })).close();
    // Act
    const results = await Promise.allSettled([localStore({ dir }), localStore({ dir })]);
    // Assert
    const opened = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(opened).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(String((refused[0] as PromiseRejectedResult).reason)).toMatch(/in use by another/);
    await (
      opened[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof localStore>>>
    ).value.close();
  });

  test('a lock held by a live process refuses; a lock left by a dead process is taken over', async () => {
    // Arrange: a live process, and the pid of one that has exited
    const dir = fresh();
    await (await localStore({ dir, create: true })).close();
    const live = spawn('sleep', ['30']);
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    try {
      // Act + Assert: live owner
      writeFileSync(join(dir, 'lock'), String(live.pid));
      await expect(localStore({ dir })).rejects.toThrow(`pid ${live.pid}`);
      // Act + Assert: stale owner
      writeFileSync(join(dir, 'lock'), String(dead.pid));
      const store = await localStore({ dir });
      expect(JSON.parse(readFileSync(join(dir, 'lock'), 'utf8'))).toMatchObject({
        pid: process.pid,
      });
      await store.close();
    } finally {
      live.kill();
    }
  });
});
