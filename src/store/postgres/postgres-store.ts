/**
 * The PostgreSQL backend (a server through `pg`, or embedded PGlite), one module per concern:
 * reference data, users and sessions (postgres-reference), user changes and their audit
 * (postgres-user-audit), package writes (postgres-writes, postgres-questions), lists and audit
 * trails (postgres-lists), API clients (postgres-api-clients), and maintenance (postgres-maintenance).
 */
import type { Kysely } from 'kysely';
import type { MaintainedStore, StoreMaintenance } from '../store.js';
import { createPostgresApiClients } from './postgres-api-clients.js';
import { mapNativeErrors } from './postgres-errors.js';
import { createPostgresLists } from './postgres-lists.js';
import { createPostgresMaintenance } from './postgres-maintenance.js';
import { createPostgresRateMaintenance, createPostgresRates } from './postgres-rates.js';
import { createPostgresReference } from './postgres-reference.js';
import type { Database } from './postgres-schema.js';
import { createPostgresUserAudit } from './postgres-user-audit.js';
import { createPostgresWrites } from './postgres-writes.js';

export interface PostgresStoreOptions {
  /** A ready Kysely instance (pg pool or embedded PGlite); migrations already applied. */
  db: Kysely<Database>;
  /** Called by `close()`, e.g. to end the pool the caller opened. */
  onClose?: () => Promise<void>;
}

export function createPostgresStore(options: PostgresStoreOptions): MaintainedStore {
  const { db } = options;
  const { getSessionGenerations, raiseSessionGenerations, ...reference } = createPostgresReference(db);
  const { scanUserAudit, importUserAudit, ...userChanges } = createPostgresUserAudit(db);
  const { importApiClients, ...apiClients } = createPostgresApiClients(db);
  const maintenance = mapNativeErrors<StoreMaintenance>({
    ...createPostgresMaintenance(db),
    ...createPostgresRateMaintenance(db),
    getSessionGenerations,
    raiseSessionGenerations,
    scanUserAudit,
    importUserAudit,
    importApiClients,
  });
  return {
    ...mapNativeErrors({
      backend: 'postgres',
      ...reference,
      ...createPostgresWrites(db),
      ...createPostgresLists(db),
      ...createPostgresRates(db),
      ...userChanges,
      ...apiClients,
      async close() {
        await options.onClose?.();
      },
    }),
    maintenance,
  };
}
