/**
 * CMS's questions and the state's responses (issue 12), and the user-audit trail.
 *
 * - `questions`: one row per question, numbered per package by `position` (1 = oldest), its
 *   round counted per division; the state's one response is the `response_*` columns of the
 *   same row (all NULL while the question is open). Keeping the response on the question's row
 *   lets plain constraints hold the rules: UNIQUE (package_id, position), UNIQUE (package_id,
 *   division, round), a partial unique index allowing ONE open question per package (two CMS
 *   users asking at once: one insert fails even if the plans' row lock were bypassed), a
 *   response complete or absent and never before its question.
 * - `qa_documents`: the documents of a question (response_id NULL) or of its response
 *   (response_id set), numbered per question across both. Composite foreign keys make a
 *   document belong to a question of the SAME package, and a response's document to that
 *   question's response. "At least one document" spans tables: the store checks it.
 * - History like the review actions (0007): a question row never changes except to gain its
 *   response once; a response and any document never change; deletes only with the package
 *   (ON DELETE CASCADE) — also with the maintenance switch on, as imports and restores replace
 *   a package by deleting it whole. An insert must follow the numbering (next position, next
 *   round of the division, open, on a submitted package); maintenance that writes whole
 *   packages (`carepack.allow_rewrite` on) skips that check: it writes a history that was
 *   checked when it was made.
 * - `packages.open_questions`: how many questions wait for a response, written with every head
 *   from the domain's `openQuestionCount` (like `review_status`), so the lists read it from the
 *   head row they read anyway. No package had questions before: 0 fits every existing row.
 * - `user_audit`: who changed which user, before and after (the domain's User as JSON: a
 *   snapshot of a record whose shape may grow), newest first for the administrators' page.
 * - The audit trail takes ASK_QUESTION and RESPOND_QUESTION.
 *
 * The lists are spelled here, not imported: a shipped migration must not change when the
 * domain's lists do (a later migration extends them).
 */
import { type Kysely, sql } from 'kysely';
import { oneOf } from './check-constraints.js';

const ROLES_0009 = ['STATE_USER', 'CMS_USER', 'ADMIN_USER'];
const CMS_DIVISIONS_0009 = ['DMCO', 'DMCP', 'OACT'];
const SCAN_STATUSES_0009 = ['NOT_SCANNED', 'PENDING', 'CLEAN', 'INFECTED', 'ERROR'];
const USER_AUDIT_ACTIONS_0009 = ['SET_DIVISION'];
/** The audit actions of 0007: the CHECK that `down` restores. */
const AUDIT_ACTIONS_0007 = [
  'CREATE',
  'UPDATE',
  'DELETE',
  'SUBMIT',
  'UNLOCK',
  'RESUBMIT',
  'UPLOAD',
  'REMOVE_DOCUMENT',
  'DOWNLOAD',
  'APPROVE',
  'UNDO_APPROVAL',
  'WITHDRAW',
  'UNDO_WITHDRAWAL',
  'UNDO_UNLOCK',
];
const AUDIT_ACTIONS_0009 = [...AUDIT_ACTIONS_0007, 'ASK_QUESTION', 'RESPOND_QUESTION'];

const auditCheck = (actions: readonly string[], notValid = '') =>
  `ALTER TABLE audit_events DROP CONSTRAINT IF EXISTS audit_events_action_check,
    ADD CONSTRAINT audit_events_action_check ${oneOf('action', actions)}${notValid}`;

const NO_UUID = `'00000000-0000-0000-0000-000000000000'::uuid`;
const OUTSIDE_MAINTENANCE = `current_setting('carepack.allow_rewrite', true) IS DISTINCT FROM 'on'`;

const ASK_FUNCTION = `CREATE FUNCTION refuse_impossible_question() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    last_position int;
    last_round int;
  BEGIN
    -- Never called while the maintenance switch is on: the trigger's WHEN clause says so.
    -- The package row lock serialises questions of one package (the store holds it already).
    PERFORM 1 FROM packages WHERE id = NEW.package_id FOR NO KEY UPDATE;
    IF NOT EXISTS (SELECT 1 FROM packages WHERE id = NEW.package_id AND initially_submitted_at IS NOT NULL) THEN
      RAISE EXCEPTION 'question % of package %: the package was never submitted', NEW.id, NEW.package_id
        USING ERRCODE = 'P0001';
    END IF;
    IF NEW.response_id IS NOT NULL THEN
      RAISE EXCEPTION 'question % of package %: a question is asked open; its response comes later', NEW.id,
        NEW.package_id USING ERRCODE = 'P0001';
    END IF;
    SELECT max(position) INTO last_position FROM questions WHERE package_id = NEW.package_id;
    IF NEW.position IS DISTINCT FROM coalesce(last_position, 0) + 1 THEN
      RAISE EXCEPTION 'question % of package %: position % does not follow %', NEW.id, NEW.package_id,
        NEW.position, coalesce(last_position, 0) USING ERRCODE = 'P0001';
    END IF;
    SELECT max(round) INTO last_round FROM questions WHERE package_id = NEW.package_id AND division = NEW.division;
    IF NEW.round IS DISTINCT FROM coalesce(last_round, 0) + 1 THEN
      RAISE EXCEPTION 'question % of package %: % round % does not follow %', NEW.id, NEW.package_id,
        NEW.division, NEW.round, coalesce(last_round, 0) USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
  END $$`;

const QUESTION_HISTORY_FUNCTION = `CREATE FUNCTION refuse_question_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'DELETE' THEN
      -- Deleted with its package (ON DELETE CASCADE: the package row is gone already): allowed.
      IF NOT EXISTS (SELECT 1 FROM packages WHERE id = OLD.package_id) THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'question % of package % is history and cannot be removed', OLD.id, OLD.package_id
        USING ERRCODE = 'P0001';
    END IF;
    IF OLD.response_id IS NOT NULL THEN
      RAISE EXCEPTION 'question % of package % was answered: neither it nor its response can change', OLD.id,
        OLD.package_id USING ERRCODE = 'P0001';
    END IF;
    IF NEW.response_id IS NULL
      OR (NEW.id, NEW.package_id, NEW.position, NEW.division, NEW.round, NEW.asked_at, NEW.asked_by_id,
          NEW.asked_by_email, NEW.asked_by_role, NEW.text, NEW.rate_id)
        IS DISTINCT FROM (OLD.id, OLD.package_id, OLD.position, OLD.division, OLD.round, OLD.asked_at,
          OLD.asked_by_id, OLD.asked_by_email, OLD.asked_by_role, OLD.text, OLD.rate_id) THEN
      RAISE EXCEPTION 'question % of package % cannot change: it only gains its one response', OLD.id,
        OLD.package_id USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
  END $$`;

const DOCUMENT_HISTORY_FUNCTION = `CREATE FUNCTION refuse_qa_document_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM packages WHERE id = OLD.package_id) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'document % of question % is history and cannot change', OLD.id, OLD.question_id
      USING ERRCODE = 'P0001';
  END $$`;

const UP = [
  `ALTER TABLE packages ADD COLUMN open_questions int NOT NULL DEFAULT 0
    CONSTRAINT packages_open_questions_check CHECK (open_questions >= 0)`,
  `CREATE TABLE questions (
    id uuid PRIMARY KEY,
    package_id uuid NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    position int NOT NULL CHECK (position > 0),
    division text NOT NULL ${oneOf('division', CMS_DIVISIONS_0009)},
    round int NOT NULL CHECK (round > 0 AND round <= position),
    asked_at timestamptz NOT NULL,
    asked_by_id uuid NOT NULL,
    asked_by_email text NOT NULL,
    asked_by_role text NOT NULL ${oneOf('asked_by_role', ROLES_0009)},
    text text NOT NULL,
    rate_id uuid,
    response_id uuid CONSTRAINT questions_response_id_unique UNIQUE,
    responded_at timestamptz,
    responded_by_id uuid,
    responded_by_email text,
    responded_by_role text ${oneOf('responded_by_role', ROLES_0009)},
    response_text text,
    CONSTRAINT questions_position_unique UNIQUE (package_id, position),
    CONSTRAINT questions_round_unique UNIQUE (package_id, division, round),
    -- Targets of qa_documents' foreign keys: a document of THIS package's question, of THIS question's response.
    CONSTRAINT questions_of_package UNIQUE (package_id, id),
    CONSTRAINT questions_with_response UNIQUE (id, response_id),
    CONSTRAINT questions_response_complete CHECK (
      num_nulls(response_id, responded_at, responded_by_id, responded_by_email, responded_by_role, response_text) IN (0, 6)),
    CONSTRAINT questions_response_after_question CHECK (responded_at >= asked_at)
  )`,
  // While any question of a package is unanswered, no other may be asked.
  `CREATE UNIQUE INDEX questions_one_open_per_package ON questions (package_id) WHERE response_id IS NULL`,
  `CREATE TABLE qa_documents (
    package_id uuid NOT NULL,
    question_id uuid NOT NULL,
    response_id uuid,
    position int NOT NULL CHECK (position > 0),
    id uuid NOT NULL,
    name text NOT NULL,
    bucket text NOT NULL,
    key text NOT NULL,
    size bigint NOT NULL CHECK (size >= 0),
    content_type text NOT NULL,
    sha256 char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    added_at timestamptz NOT NULL,
    scan_status text NOT NULL ${oneOf('scan_status', SCAN_STATUSES_0009)},
    PRIMARY KEY (package_id, question_id, position),
    CONSTRAINT qa_documents_question_of_package FOREIGN KEY (package_id, question_id)
      REFERENCES questions (package_id, id) ON DELETE CASCADE,
    CONSTRAINT qa_documents_response_of_question FOREIGN KEY (question_id, response_id)
      REFERENCES questions (id, response_id) ON DELETE CASCADE
  )`,
  // One list is a question's documents, or its response's: no name or id twice in a list.
  `CREATE UNIQUE INDEX qa_documents_unique_name_per_list
    ON qa_documents (question_id, coalesce(response_id, ${NO_UUID}), lower(name))`,
  `CREATE UNIQUE INDEX qa_documents_unique_id_per_list
    ON qa_documents (question_id, coalesce(response_id, ${NO_UUID}), id)`,
  ASK_FUNCTION,
  `CREATE TRIGGER questions_possible BEFORE INSERT ON questions
    FOR EACH ROW WHEN (${OUTSIDE_MAINTENANCE}) EXECUTE FUNCTION refuse_impossible_question()`,
  QUESTION_HISTORY_FUNCTION,
  `CREATE TRIGGER questions_history BEFORE UPDATE OR DELETE ON questions
    FOR EACH ROW EXECUTE FUNCTION refuse_question_rewrite()`,
  DOCUMENT_HISTORY_FUNCTION,
  `CREATE TRIGGER qa_documents_history BEFORE UPDATE OR DELETE ON qa_documents
    FOR EACH ROW EXECUTE FUNCTION refuse_qa_document_change()`,
  auditCheck(AUDIT_ACTIONS_0009),
  `CREATE TABLE user_audit (
    id uuid PRIMARY KEY,
    at timestamptz NOT NULL,
    actor_id uuid NOT NULL,
    actor_email text NOT NULL,
    actor_role text NOT NULL ${oneOf('actor_role', ROLES_0009)},
    user_id uuid NOT NULL,
    action text NOT NULL ${oneOf('action', USER_AUDIT_ACTIONS_0009)},
    before jsonb NOT NULL CHECK (jsonb_typeof(before) = 'object'),
    after jsonb NOT NULL CHECK (jsonb_typeof(after) = 'object'),
    summary text NOT NULL
  )`,
  `CREATE INDEX user_audit_newest_first ON user_audit (at DESC, id DESC)`,
];

const DOWN = [
  'DROP TABLE IF EXISTS user_audit',
  // The trail keeps the question events already written: the narrower CHECK holds for new ones.
  auditCheck(AUDIT_ACTIONS_0007, ' NOT VALID'),
  'DROP TABLE IF EXISTS qa_documents',
  'DROP TABLE IF EXISTS questions',
  'DROP FUNCTION IF EXISTS refuse_qa_document_change()',
  'DROP FUNCTION IF EXISTS refuse_question_rewrite()',
  'DROP FUNCTION IF EXISTS refuse_impossible_question()',
  'ALTER TABLE packages DROP COLUMN IF EXISTS open_questions',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await sql.raw(statement).execute(db);
}
