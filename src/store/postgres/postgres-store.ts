/**
 * The PostgreSQL backend (a server through `pg`, or embedded PGlite), one module per concern:
 * reference data, users and sessions (postgres-reference), package writes (postgres-writes),
 * lists and audit trails (postgres-lists), and maintenance (postgres-maintenance).
 */
import type { Kysely } from 'kysely';
import type { MaintainedStore, StoreMaintenance } from '../store.js';
import { mapNativeErrors } from './postgres-errors.js';
import { createPostgresLists } from './postgres-lists.js';
import { createPostgresMaintenance } from './postgres-maintenance.js';
import { createPostgresReference } from './postgres-reference.js';
import type { Database } from './postgres-schema.js';
import { createPostgresWrites } from './postgres-writes.js';

export interface PostgresStoreOptions {
  /** A ready Kysely instance (pg pool or embedded PGlite); migrations already applied. */
  db: Kysely<Database>;
  /** Called by `close()`, e.g. to end the pool the caller opened. */
  onClose?: () => Promise<void>;
}

/** Issue 12 in progress: user changes and their audit land with the backend's next commit. */
const notYet = (what: string) => () =>
  Promise.reject(new Error(`${what} is not implemented on this backend yet`));

export function createPostgresStore(options: PostgresStoreOptions): MaintainedStore {
  const { db } = options;
  const { getSessionGenerations, raiseSessionGenerations, ...reference } = createPostgresReference(db);
  const maintenance = mapNativeErrors<StoreMaintenance>({
    ...createPostgresMaintenance(db),
    getSessionGenerations,
    raiseSessionGenerations,
    scanUserAudit: notYet('scanUserAudit'),
    importUserAudit: notYet('importUserAudit'),
  });
  return {
    ...mapNativeErrors({
      backend: 'postgres',
      ...reference,
      ...createPostgresWrites(db),
      ...createPostgresLists(db),
      changeUser: notYet('changeUser'),
      listUserAudit: notYet('listUserAudit'),
      async close() {
        await options.onClose?.();
      },
    }),
    maintenance,
  };
}
