/**
 * A CMS user's division (DMCO, DMCP, OACT): who asks questions for which part of CMS. Only a CMS
 * user has one, and it is optional (without one a CMS user reads but does not ask). Adding a
 * nullable column rewrites nothing.
 */
import { type Kysely, sql } from 'kysely';
import { CMS_DIVISIONS } from '../../../domain/index.js';
import { inList } from './check-constraints.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `ALTER TABLE users ADD COLUMN division text,
        ADD CONSTRAINT users_division_check CHECK (division IS NULL OR (role = 'CMS_USER' AND ${inList('division', CMS_DIVISIONS)}))`,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS division`.execute(db);
}
