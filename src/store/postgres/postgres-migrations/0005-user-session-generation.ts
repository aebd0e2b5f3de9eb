/**
 * Sign-out ends sessions on the server: each user has a session generation that a session
 * cookie must name, and signing out raises it. Kept on the user row, so the session check
 * reads it with the user. Adding a column with a constant default rewrites nothing.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users ADD COLUMN session_generation int NOT NULL DEFAULT 0 CHECK (session_generation >= 0)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS session_generation`.execute(db);
}
