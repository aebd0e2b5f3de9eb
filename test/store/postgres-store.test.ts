import { afterAll, describe } from 'vitest';
import { connectPostgres, type PostgresHandle } from '../../src/store/postgres/postgres-client.js';
import { migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { runStoreConformance } from '../conformance/store-conformance.js';
import { createTestDatabase, pgAvailable, type TestDatabase } from '../support/postgres.js';
import { packageRecordCount } from '../support/postgres-inspect.js';
import { drive } from '../support/store-commands.js';

let database: TestDatabase | undefined;
let handle: PostgresHandle;
afterAll(async () => {
  await database?.drop();
});

describe.runIf(pgAvailable)('PostgreSQL server', () => {
  runStoreConformance({
    name: 'postgres',
    async createStore() {
      database = await createTestDatabase();
      handle = connectPostgres(database.url, { maxConnections: 20 });
      await migrateToLatest(handle.db);
      return drive(createPostgresStore({ db: handle.db, onClose: handle.close }));
    },
    inspect: { packageRecordCount: (_store, id) => packageRecordCount(handle.db, id) },
  });
});
