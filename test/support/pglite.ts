/**
 * Embedded PGlite databases for tests, already migrated. A new PGlite in memory first creates
 * its cluster (initdb, in WebAssembly): seconds of CPU each time, and the tests open dozens.
 * Global setup creates and migrates one template directory per run instead (`pgliteRoot`);
 * each test database opens a copy of it: the same as a new one migrated to the latest version.
 * A test that needs an empty, unmigrated database calls `openPglite` itself.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { openPglite, type PostgresHandle } from '../../src/store/postgres/postgres-client.js';

/** A PGlite database of its own, migrated to the latest version; close() removes its directory. */
export async function openTestPglite(): Promise<PostgresHandle> {
  const root = inject('pgliteRoot');
  mkdirSync(join(root, 'copies'), { recursive: true });
  const dir = mkdtempSync(join(root, 'copies', 'db-'));
  cpSync(join(root, 'template'), dir, { recursive: true });
  const handle = await openPglite(dir);
  return {
    db: handle.db,
    async close() {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
