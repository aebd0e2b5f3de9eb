/**
 * The states a CMS user is assigned to (issue 14): a sorted array of state codes on the user's
 * row, NULL when none (never empty), only on CMS users. The user-audit trail takes the action
 * SET_STATE_ASSIGNMENTS. Adding a nullable column rewrites nothing.
 *
 * The lists are spelled here, not imported: a shipped migration must not change when the
 * domain's lists do.
 */
import { type Kysely, sql } from 'kysely';
import { oneOf } from './check-constraints.js';

const USER_AUDIT_ACTIONS_0009 = ['SET_DIVISION'];
const USER_AUDIT_ACTIONS_0013 = ['SET_DIVISION', 'SET_STATE_ASSIGNMENTS'];

const userAuditActions = (actions: readonly string[]) =>
  `ALTER TABLE user_audit DROP CONSTRAINT IF EXISTS user_audit_action_check,
    ADD CONSTRAINT user_audit_action_check ${oneOf('action', actions)}`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `ALTER TABLE users ADD COLUMN state_assignments text[],
        ADD CONSTRAINT users_state_assignments_check CHECK (state_assignments IS NULL OR (
          role = 'CMS_USER' AND cardinality(state_assignments) BETWEEN 1 AND 100
          AND array_position(state_assignments, NULL) IS NULL))`,
    )
    .execute(db);
  await sql.raw(userAuditActions(USER_AUDIT_ACTIONS_0013)).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM user_audit WHERE action = 'SET_STATE_ASSIGNMENTS'`.execute(db);
  await sql.raw(userAuditActions(USER_AUDIT_ACTIONS_0009)).execute(db);
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS state_assignments`.execute(db);
}
