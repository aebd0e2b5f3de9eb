/**
 * What CMS sees of a package head, kept beside the state's view: the time of the last submit,
 * unlock or resubmit (`cms_updated_at`) and how many revisions CMS received (`cms_revision_count`,
 * also the number of the last submitted revision). Both come from domain `cmsFacts` and are NULL
 * until the first submission. CMS's lists sort and page on them, so a state's edits of an
 * unlocked draft neither move a package in CMS's lists nor show there.
 * Existing rows are filled from their revisions; the indexes of CMS's lists move to the new
 * column (the old ones sorted on `updated_at`, which those edits move).
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `ALTER TABLE packages
    ADD COLUMN cms_updated_at timestamptz,
    ADD COLUMN cms_revision_count int CHECK (cms_revision_count > 0)`,
  `UPDATE packages p SET
    cms_revision_count = s.submitted,
    cms_updated_at = coalesce(cur.submitted_at, cur.unlocked_at, s.last_submitted_at)
    FROM (SELECT package_id, count(*)::int AS submitted, max(submitted_at) AS last_submitted_at
          FROM revisions WHERE submitted_at IS NOT NULL GROUP BY package_id) s,
      revisions cur
    WHERE s.package_id = p.id AND cur.package_id = p.id AND cur.number = p.revision_count`,
  `ALTER TABLE packages ADD CONSTRAINT packages_cms_view_complete
    CHECK ((cms_updated_at IS NULL) = (cms_revision_count IS NULL))`,
  'DROP INDEX IF EXISTS packages_submitted',
  'DROP INDEX IF EXISTS packages_submitted_by_status',
  `CREATE INDEX packages_cms ON packages (cms_updated_at DESC, id DESC) WHERE cms_updated_at IS NOT NULL`,
  `CREATE INDEX packages_cms_by_status ON packages (status, cms_updated_at DESC, id DESC)
    WHERE cms_updated_at IS NOT NULL`,
  `CREATE INDEX packages_cms_by_state ON packages (state_code, cms_updated_at DESC, id DESC)
    WHERE cms_updated_at IS NOT NULL`,
  `CREATE INDEX packages_cms_by_state_status ON packages (state_code, status, cms_updated_at DESC, id DESC)
    WHERE cms_updated_at IS NOT NULL`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of [
    'packages_cms',
    'packages_cms_by_status',
    'packages_cms_by_state',
    'packages_cms_by_state_status',
  ])
    await sql.raw(`DROP INDEX IF EXISTS ${index}`).execute(db);
  await sql
    .raw(
      'CREATE INDEX packages_submitted ON packages (updated_at DESC, id DESC) WHERE initially_submitted_at IS NOT NULL',
    )
    .execute(db);
  await sql
    .raw(
      'CREATE INDEX packages_submitted_by_status ON packages (status, updated_at DESC, id DESC) WHERE initially_submitted_at IS NOT NULL',
    )
    .execute(db);
  await sql
    .raw(
      'ALTER TABLE packages DROP COLUMN IF EXISTS cms_updated_at, DROP COLUMN IF EXISTS cms_revision_count',
    )
    .execute(db);
}
