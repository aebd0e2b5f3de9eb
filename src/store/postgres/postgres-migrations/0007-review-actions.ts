/**
 * CMS's review (issue 11 §2): the review status beside the submission status, and the review
 * actions as their own table of history.
 *
 * - `packages.review_status` is written with every head from the domain's `deriveReviewStatus`
 *   (never taken as given): NULL exactly while the package was never submitted. Existing
 *   submitted packages had no decisions, so they get what the domain derives without any: the
 *   status their last submitted revision's form calls for (UNDER_REVIEW; NOT_SUBJECT_TO_REVIEW
 *   for a CHIP-only one).
 * - `review_actions` holds each decision (approve, undo approval, withdraw, undo withdrawal,
 *   undo unlock), numbered per package by `position` (1 = oldest). A trigger refuses an insert
 *   that no plan could make (undoing an approval that is not in force, deciding twice, a gap in
 *   the numbering) and every UPDATE or DELETE: actions are history, gone only with their package
 *   (ON DELETE CASCADE). Maintenance that rewrites whole packages (import, restore) inserts
 *   them with `carepack.allow_rewrite` on, as for submitted revisions (0003), and skips the
 *   transition check: it writes a history that was checked when it was made.
 * - The audit trail takes the five new actions; indexes serve the lists by review status.
 */
import { type Kysely, sql } from 'kysely';
import { REVIEW_ACTIONS, REVIEW_STATUSES, ROLES } from '../../../domain/index.js';
import { oneOf } from './check-constraints.js';

/** The audit actions before the review: the CHECK that `down` restores. */
const AUDIT_ACTIONS_0006 = [
  'CREATE',
  'UPDATE',
  'DELETE',
  'SUBMIT',
  'UNLOCK',
  'RESUBMIT',
  'UPLOAD',
  'REMOVE_DOCUMENT',
  'DOWNLOAD',
];
const AUDIT_ACTIONS_0007 = [...AUDIT_ACTIONS_0006, ...REVIEW_ACTIONS];

const auditCheck = (actions: readonly string[], notValid = '') =>
  `ALTER TABLE audit_events DROP CONSTRAINT IF EXISTS audit_events_action_check,
    ADD CONSTRAINT audit_events_action_check ${oneOf('action', actions)}${notValid}`;

const TRANSITION_FUNCTION = `CREATE FUNCTION refuse_impossible_review_action() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    latest text;
    last_position int;
  BEGIN
    -- Never called while the maintenance switch is on: the trigger's WHEN clause says so.
    -- The package row lock serialises decisions on one package (the store holds it already).
    PERFORM 1 FROM packages WHERE id = NEW.package_id FOR NO KEY UPDATE;
    SELECT max(position) INTO last_position FROM review_actions WHERE package_id = NEW.package_id;
    IF NEW.position IS DISTINCT FROM coalesce(last_position, 0) + 1 THEN
      RAISE EXCEPTION 'review action % of package %: position % does not follow %',
        NEW.action, NEW.package_id, NEW.position, coalesce(last_position, 0) USING ERRCODE = 'P0001';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM packages WHERE id = NEW.package_id AND initially_submitted_at IS NOT NULL) THEN
      RAISE EXCEPTION 'review action % of package %: the package was never submitted', NEW.action, NEW.package_id
        USING ERRCODE = 'P0001';
    END IF;
    SELECT action INTO latest FROM review_actions
      WHERE package_id = NEW.package_id AND action <> 'UNDO_UNLOCK' ORDER BY position DESC LIMIT 1;
    IF (NEW.action IN ('APPROVE', 'WITHDRAW') AND latest IN ('APPROVE', 'WITHDRAW'))
      OR (NEW.action = 'UNDO_APPROVAL' AND latest IS DISTINCT FROM 'APPROVE')
      OR (NEW.action = 'UNDO_WITHDRAWAL' AND latest IS DISTINCT FROM 'WITHDRAW')
      OR (NEW.action = 'UNDO_UNLOCK' AND latest IN ('APPROVE', 'WITHDRAW')) THEN
      RAISE EXCEPTION 'review action % of package %: impossible after %', NEW.action, NEW.package_id,
        coalesce(latest, 'no decision') USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
  END $$`;

const HISTORY_FUNCTION = `CREATE FUNCTION refuse_review_action_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    -- Deleted with its package (ON DELETE CASCADE: the package row is gone already): allowed.
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM packages WHERE id = OLD.package_id) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'review action % of package % is history and cannot change', OLD.id, OLD.package_id
      USING ERRCODE = 'P0001';
  END $$`;

const UP = [
  `ALTER TABLE packages ADD COLUMN review_status text ${oneOf('review_status', REVIEW_STATUSES)}`,
  // No decisions yet: what the last submitted revision's form calls for (domain undecidedReviewStatus).
  `UPDATE packages p SET review_status =
      CASE WHEN r.population_covered = 'CHIP' THEN 'NOT_SUBJECT_TO_REVIEW' ELSE 'UNDER_REVIEW' END
    FROM revisions r
    WHERE p.initially_submitted_at IS NOT NULL AND r.package_id = p.id AND r.number = p.cms_revision_count`,
  `ALTER TABLE packages ADD CONSTRAINT packages_review_status_once_submitted
    CHECK ((review_status IS NULL) = (initially_submitted_at IS NULL))`,
  `CREATE TABLE review_actions (
    package_id uuid NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    position int NOT NULL CHECK (position > 0),
    id uuid PRIMARY KEY,
    action text NOT NULL ${oneOf('action', REVIEW_ACTIONS)},
    at timestamptz NOT NULL,
    actor_id uuid NOT NULL,
    actor_email text NOT NULL,
    actor_role text NOT NULL ${oneOf('actor_role', ROLES)},
    reason text NOT NULL,
    released_on date,
    CONSTRAINT review_actions_position_unique UNIQUE (package_id, position),
    CONSTRAINT review_actions_released_on_approve CHECK ((released_on IS NOT NULL) = (action = 'APPROVE')),
    CONSTRAINT review_actions_reason_given CHECK (reason <> '' OR action = 'APPROVE')
  )`,
  TRANSITION_FUNCTION,
  `CREATE TRIGGER review_actions_possible BEFORE INSERT ON review_actions
    FOR EACH ROW WHEN (current_setting('carepack.allow_rewrite', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION refuse_impossible_review_action()`,
  HISTORY_FUNCTION,
  `CREATE TRIGGER review_actions_history BEFORE UPDATE OR DELETE ON review_actions
    FOR EACH ROW EXECUTE FUNCTION refuse_review_action_change()`,
  auditCheck(AUDIT_ACTIONS_0007),
  // A state's list by review status (and status within it), newest or oldest first.
  `CREATE INDEX packages_by_state_review ON packages (state_code, review_status, updated_at DESC, id DESC)
    WHERE review_status IS NOT NULL`,
  // CMS's lists by review status, alone and with a state.
  `CREATE INDEX packages_cms_by_review ON packages (review_status, cms_updated_at DESC, id DESC)
    WHERE cms_updated_at IS NOT NULL`,
  `CREATE INDEX packages_cms_by_state_review ON packages (state_code, review_status, cms_updated_at DESC, id DESC)
    WHERE cms_updated_at IS NOT NULL`,
];

const DOWN = [
  'DROP INDEX IF EXISTS packages_cms_by_state_review',
  'DROP INDEX IF EXISTS packages_cms_by_review',
  'DROP INDEX IF EXISTS packages_by_state_review',
  // The trail keeps the review's events already written: the narrower CHECK holds for new ones.
  auditCheck(AUDIT_ACTIONS_0006, ' NOT VALID'),
  'DROP TABLE IF EXISTS review_actions',
  'DROP FUNCTION IF EXISTS refuse_review_action_change()',
  'DROP FUNCTION IF EXISTS refuse_impossible_review_action()',
  'ALTER TABLE packages DROP CONSTRAINT IF EXISTS packages_review_status_once_submitted',
  'ALTER TABLE packages DROP COLUMN IF EXISTS review_status',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await sql.raw(statement).execute(db);
}
