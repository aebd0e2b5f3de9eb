/**
 * A submitted revision is immutable with everything under it, not only its own row: the rows
 * of revision_programs, state_contacts, rate_certifications, rate_programs, certifying_actuaries
 * and documents of a submitted revision cannot be inserted, updated or deleted either. The same
 * switch as for `revisions` lets maintenance (copy, restore, mirroring, removePackage) rewrite
 * them: `SET LOCAL carepack.allow_rewrite = on` in its transaction.
 *
 * A child row whose revision is gone (a draft revision being deleted, its rows following by
 * ON DELETE CASCADE) passes: the revision's own trigger already judged that deletion.
 */
import { type Kysely, sql } from 'kysely';

export const REVISION_CHILD_TABLES = [
  'revision_programs',
  'state_contacts',
  'rate_certifications',
  'rate_programs',
  'certifying_actuaries',
  'documents',
] as const;

const trigger = (table: string) => `${table}_immutable_once_submitted`;

const FUNCTION = `CREATE FUNCTION refuse_submitted_revision_child_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    -- Never called while the maintenance switch is on: the triggers' WHEN clause says so.
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      IF EXISTS (SELECT 1 FROM revisions WHERE id = OLD.revision_id AND submitted_at IS NOT NULL) THEN
        RAISE EXCEPTION '% of revision %: the revision was submitted and cannot change', TG_TABLE_NAME, OLD.revision_id
          USING ERRCODE = 'P0001';
      END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      IF EXISTS (SELECT 1 FROM revisions WHERE id = NEW.revision_id AND submitted_at IS NOT NULL) THEN
        RAISE EXCEPTION '% of revision %: the revision was submitted and cannot change', TG_TABLE_NAME, NEW.revision_id
          USING ERRCODE = 'P0001';
      END IF;
    END IF;
    RETURN COALESCE(NEW, OLD);
  END $$`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(FUNCTION).execute(db);
  for (const table of REVISION_CHILD_TABLES) {
    await sql
      .raw(
        // The WHEN clause skips the function call altogether while a maintenance write has the
        // switch on: bulk imports and copies insert tens of thousands of child rows.
        `CREATE TRIGGER ${trigger(table)} BEFORE INSERT OR UPDATE OR DELETE ON ${table}
          FOR EACH ROW WHEN (current_setting('carepack.allow_rewrite', true) IS DISTINCT FROM 'on')
          EXECUTE FUNCTION refuse_submitted_revision_child_change()`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of REVISION_CHILD_TABLES) {
    await sql.raw(`DROP TRIGGER IF EXISTS ${trigger(table)} ON ${table}`).execute(db);
  }
  await sql.raw('DROP FUNCTION IF EXISTS refuse_submitted_revision_child_change()').execute(db);
}
