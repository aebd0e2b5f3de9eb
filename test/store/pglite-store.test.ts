import type { PostgresHandle } from '../../src/store/postgres/postgres-client.js';
import { migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { runStoreConformance } from '../conformance/store-conformance.js';
import { openTestPglite } from '../support/pglite.js';
import { packageRecordCount } from '../support/postgres-inspect.js';
import { drive } from '../support/store-commands.js';

let handle: PostgresHandle;

runStoreConformance({
  name: 'postgres (embedded PGlite)',
  async createStore() {
    handle = await openTestPglite();
    await migrateToLatest(handle.db);
    return drive(createPostgresStore({ db: handle.db, onClose: handle.close }));
  },
  inspect: { packageRecordCount: (_store, id) => packageRecordCount(handle.db, id) },
});
