import { type Kysely, sql } from 'kysely';
import type { Database } from '../../src/store/postgres/postgres-schema.js';

/** Rows holding a package's head, revisions and everything below them, review actions, questions and their documents (audit excluded). */
export async function packageRecordCount(db: Kysely<Database>, packageId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT (SELECT count(*) FROM packages WHERE id = ${packageId})
         + (SELECT count(*) FROM revisions WHERE package_id = ${packageId})
         + (SELECT count(*) FROM review_actions WHERE package_id = ${packageId})
         + (SELECT count(*) FROM questions WHERE package_id = ${packageId})
         + (SELECT count(*) FROM qa_documents WHERE package_id = ${packageId})
         + (SELECT count(*) FROM documents d JOIN revisions r ON r.id = d.revision_id WHERE r.package_id = ${packageId})
         + (SELECT count(*) FROM state_contacts c JOIN revisions r ON r.id = c.revision_id WHERE r.package_id = ${packageId})
         + (SELECT count(*) FROM revision_programs p JOIN revisions r ON r.id = p.revision_id WHERE r.package_id = ${packageId})
         + (SELECT count(*) FROM rate_certifications x JOIN revisions r ON r.id = x.revision_id WHERE r.package_id = ${packageId})
      AS n`.execute(db);
  return Number(rows[0]!.n);
}
