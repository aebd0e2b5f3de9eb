/**
 * Every backend a test can run on, each as a factory of a fresh, isolated, seeded-nothing store:
 * DynamoDB Local (always), the PostgreSQL server (when reachable; required in CI) and embedded
 * PGlite. API tests loop over `STORE_BACKENDS` to hold every store to the same behaviour.
 */
import { connectPostgres } from '../../src/store/postgres/postgres-client.js';
import { migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { freshDynamoStore } from './dynamo.js';
import { openTestPglite } from './pglite.js';
import { createTestDatabase, pgAvailable } from './postgres.js';
import { type DrivenStore, drive } from './store-commands.js';

export interface StoreBackend {
  name: string;
  /** False when an outside part (the PostgreSQL server) is missing; its tests are then skipped loudly. */
  available: boolean;
  /** A store on an empty database of its own; closing the store drops that database. */
  create(): Promise<DrivenStore>;
}

export const STORE_BACKENDS: readonly StoreBackend[] = [
  {
    name: 'dynamodb',
    available: true,
    create: async () => (await freshDynamoStore('carepack-api')).store,
  },
  {
    name: 'postgres',
    available: pgAvailable,
    async create() {
      const database = await createTestDatabase();
      const handle = connectPostgres(database.url, { maxConnections: 10 });
      await migrateToLatest(handle.db);
      return drive(
        createPostgresStore({
          db: handle.db,
          onClose: async () => {
            await handle.close();
            await database.drop();
          },
        }),
      );
    },
  },
  {
    name: 'pglite',
    available: true,
    async create() {
      const handle = await openTestPglite();
      await migrateToLatest(handle.db);
      return drive(createPostgresStore({ db: handle.db, onClose: handle.close }));
    },
  },
];
