/**
 * API clients (issue 14): machines acting as a CMS user, with the hash of their secret (never the
 * secret), their scopes as OAuth writes them (space-separated) and their secret generation. No
 * foreign key to users, as on DynamoDB: the service checks the user when it creates a client,
 * and copies may bring clients before users. Audit events name the client an action came
 * through; adding a nullable column rewrites nothing.
 */
import { type Kysely, sql } from 'kysely';

const SCOPE = '(packages:read|review:write)';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `CREATE TABLE api_clients (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        scopes text NOT NULL CHECK (scopes ~ '^${SCOPE}( ${SCOPE})*$'),
        user_id uuid NOT NULL,
        secret_hash text NOT NULL CHECK (secret_hash ~ '^sha256:[0-9a-f]{64}$'),
        secret_generation int NOT NULL DEFAULT 0 CHECK (secret_generation >= 0),
        created_at timestamptz NOT NULL,
        created_by uuid NOT NULL,
        last_used_at timestamptz,
        rotated_at timestamptz,
        revoked boolean NOT NULL DEFAULT false,
        revoked_at timestamptz,
        CHECK (revoked = (revoked_at IS NOT NULL))
      )`,
    )
    .execute(db);
  await sql`ALTER TABLE audit_events ADD COLUMN actor_client_id uuid`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE audit_events DROP COLUMN IF EXISTS actor_client_id`.execute(db);
  await sql`DROP TABLE IF EXISTS api_clients`.execute(db);
}
