import { type Kysely, Migrator } from 'kysely';
import { migrationProvider } from './postgres-migrations/index.js';

export interface MigrationOutcome {
  applied: string[];
}

/** Carepack's migrations on `db`, recorded in `carepack_migrations` (also for moving down, in tests). */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
export function carepackMigrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: migrationProvider, migrationTableName: 'carepack_migrations' });
}

/** Brings the schema to the latest version; a no-op when it is there already. */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationOutcome> {
  const { error, results } = await carepackMigrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(error as Error).message}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
