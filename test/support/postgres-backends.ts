/**
 * Runs PostgreSQL-only tests on both PostgreSQL backends: the embedded PGlite, and the server
 * (a database of its own, dropped afterwards) when one is reachable.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { connectPostgres, type PostgresHandle } from '../../src/store/postgres/postgres-client.js';
import { migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { openTestPglite } from './pglite.js';
import { createTestDatabase, pgAvailable, type TestDatabase } from './postgres.js';
import { type DrivenStore, drive } from './store-commands.js';

export interface PostgresBackend {
  /** The migrated database, for statements the store would never send. */
  handle: PostgresHandle;
  store: DrivenStore;
}

/** Declares `tests` once per backend; `backend()` is ready inside their tests. */
export function onEachPostgresBackend(title: string, tests: (backend: () => PostgresBackend) => void) {
  const variants: [string, boolean, () => Promise<{ handle: PostgresHandle; database?: TestDatabase }>][] = [
    ['PGlite', true, async () => ({ handle: await openTestPglite() })],
    [
      'server',
      pgAvailable,
      async () => {
        const database = await createTestDatabase();
        return { handle: connectPostgres(database.url, { maxConnections: 5 }), database };
      },
    ],
  ];
  for (const [name, available, open] of variants) {
    describe.runIf(available)(`${title} (${name})`, () => {
      let current: PostgresBackend | undefined;
      let database: TestDatabase | undefined;
      beforeAll(async () => {
        const opened = await open();
        database = opened.database;
        await migrateToLatest(opened.handle.db);
        current = { handle: opened.handle, store: drive(createPostgresStore({ db: opened.handle.db })) };
      });
      afterAll(async () => {
        await current?.handle.close();
        await database?.drop();
      });
      tests(() => {
        if (!current) throw new Error('the PostgreSQL backend is not open yet');
        return current;
      });
    });
  }
}
