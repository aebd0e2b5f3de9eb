/**
 * What start-up and `carepack db migrate` run: the schema migrations, then the one-off data
 * steps that convert records written by older versions. A data step runs outside the schema
 * migration's transaction, a record per transaction, so the portal (and other start-ups) can
 * write meanwhile; once finished it is recorded in `carepack_data_steps` (migration 0011) and
 * later start-ups skip it without scanning. A step interrupted (crash, deploy) just runs again:
 * each only picks up what is left.
 */
import { type Kysely, sql } from 'kysely';
import { type MigrationOutcome, migrateToLatest } from './postgres-migrate.js';
import { type DataStepProgress, migrateEmbeddedRates } from './postgres-rate-migration.js';
import type { Database } from './postgres-schema.js';

/** The data steps, in order: each name is recorded once finished. */
const DATA_STEPS: Record<string, (db: Kysely<Database>, onProgress?: DataStepProgress) => Promise<number>> = {
  // Issue 13: embedded rate certifications become child rate records with links.
  'embedded-rates': (db, onProgress) => migrateEmbeddedRates(db, 100, onProgress),
};

export interface UpgradeOutcome extends MigrationOutcome {
  /** Per data step that ran now: how many records it converted (absent: finished before). */
  dataSteps: Record<string, number>;
}

export interface UpgradeOptions {
  /** Progress of a data step that runs (the CLI draws a bar). */
  onProgress?: (step: string, done: number, total: number) => void;
}

/** Brings schema and data to the latest version; after the first time, a few quick reads. */
export async function upgradeToLatest(
  // biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
  db: Kysely<any>,
  options: UpgradeOptions = {},
): Promise<UpgradeOutcome> {
  const { applied } = await migrateToLatest(db);
  const finished = new Set(
    (await sql<{ name: string }>`SELECT name FROM carepack_data_steps`.execute(db)).rows.map((r) => r.name),
  );
  const dataSteps: Record<string, number> = {};
  for (const [name, run] of Object.entries(DATA_STEPS)) {
    if (finished.has(name)) continue;
    const records = await run(
      db,
      options.onProgress && ((done, total) => options.onProgress!(name, done, total)),
    );
    await sql`INSERT INTO carepack_data_steps (name, records) VALUES (${name}, ${records})
      ON CONFLICT (name) DO NOTHING`.execute(db);
    dataSteps[name] = records;
  }
  return { applied, dataSteps };
}
