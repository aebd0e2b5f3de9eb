/**
 * Lists filtered by program: finds the revisions naming a program without walking every package
 * of the list (the initial UNIQUE (revision_id, program_id) only serves the per-package check).
 * A plain CREATE INDEX: it blocks writes to revision_programs while it builds, which is brief at
 * the sizes Carepack has (one row per program of each revision).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX revision_programs_by_program ON revision_programs (program_id, revision_id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS revision_programs_by_program`.execute(db);
}
