/**
 * Rates as records shared between a state's packages (issue 13).
 *
 * - `rates`: the head (state, per-state `state_rate_number` UNIQUE per state, parent package,
 *   status, version, dates, revision count and the number of the last submitted revision, which
 *   the rate lists show). `rate_counters`: the last rate number handed out per state, its own
 *   sequence beside `state_counters`.
 * - `rate_revisions`: one revision's form fields as columns (the shape of `rate_certifications`),
 *   who/when/why it was submitted and unlocked, and the package submission that froze it
 *   (`submitted_with_*`). Below it, as for package revisions: `rate_revision_programs`,
 *   `rate_revision_actuaries` (the shapes of `rate_programs` and `certifying_actuaries`) and
 *   `rate_documents` (the shape of `documents`, categories RATE and RATE_SUPPORTING only).
 * - `rate_withdrawals`: CMS's withdrawals and their undoing, numbered per rate (1 = oldest);
 *   history like review actions (never changed, gone only with the rate). The packages a
 *   withdrawal took the rate from are a `uuid[]` (at most MAX_PACKAGES_PER_RATE): history naming
 *   packages that may be deleted later, so no foreign key is wanted.
 * - `rate_links`: THE join table, package revision → rate, in order (`position`), with the rate
 *   revision a submitted revision froze (`rate_revision`, NULL on a draft revision). Its own
 *   `state_code` takes part in both composite foreign keys — `(package_id, state_code) →
 *   packages (id, state_code)` and `(rate_id, state_code) → rates (id, state_code)` — so a link
 *   between two states cannot exist, nor a link to a missing rate; `(rate_id, rate_revision) →
 *   rate_revisions (rate_id, number)` holds a frozen link to a revision that exists. The link →
 *   rate keys are DEFERRABLE INITIALLY DEFERRED: a graph change writes a package's links and its
 *   rates in one transaction in any order, and an import may replace a linked rate (delete, then
 *   insert) within one. A submitted package revision's links are all frozen, to a SUBMITTED rate
 *   revision, and a draft's are not: a CHECK cannot see the revision's row, so a deferred
 *   constraint trigger checks it at commit (also for imports: it is the data's validity, not
 *   history). Links of a submitted revision are immutable like its other rows (0003's function).
 * - `rate_packages`: a rate's `packageIds`, in the record's order. Stored rather than derived
 *   from the links because the record orders them (a derived list could only be sorted), imports
 *   write rates "exactly as given", and copies import rates BEFORE their packages (separate
 *   transactions), so a derived list would read wrong between the two and no foreign key to
 *   `packages` could hold. Instead a deferred constraint trigger keeps the two copies in
 *   agreement on every request path: at commit, for each package touched, the rates whose
 *   `rate_packages` name it are exactly those its current or last submitted revision links
 *   (domain `linkedRateIds`). Maintenance (`carepack.allow_rewrite` on) skips that check — a copy
 *   is consistent only once both halves are in.
 * - `rates.parent_package_id` has no foreign key for the same reason (rates are copied first).
 * - A submitted rate revision is immutable with everything under it (as 0001 and 0003 for
 *   package revisions), also against a cascade from its rate: a submitted rate is never deleted
 *   on a request path. Maintenance lifts this with the same switch.
 * - `packages` and `revisions` gain the UNIQUE keys the composite foreign keys point at; the
 *   audit trail takes the rate actions.
 *
 * The lists are spelled here, not imported: a shipped migration must not change when the
 * domain's lists do (a later migration extends them). The embedded rate certifications of
 * existing packages stay where they are: moving them into rate records needs the domain's
 * conversion and runs as a data step after this migration.
 */
import { type Kysely, sql } from 'kysely';
import { oneOf, subsetOf } from './check-constraints.js';

const ROLES_0010 = ['STATE_USER', 'CMS_USER', 'ADMIN_USER'];
const SCAN_STATUSES_0010 = ['NOT_SCANNED', 'PENDING', 'CLEAN', 'INFECTED', 'ERROR'];
const RATE_STATUSES_0010 = ['DRAFT', 'SUBMITTED', 'UNLOCKED', 'RESUBMITTED', 'WITHDRAWN'];
const RATE_TYPES_0010 = ['NEW', 'AMENDMENT'];
const CAPITATION_TYPES_0010 = ['RATE_CELL', 'RATE_RANGE'];
const MEDICAID_POPULATIONS_0010 = [
  'MEDICARE_MEDICAID_WITH_DSNP',
  'MEDICAID_ONLY',
  'MEDICARE_MEDICAID_WITHOUT_DSNP',
];
const ACTUARIAL_FIRMS_0010 = [
  'MERCER',
  'MILLIMAN',
  'OPTUMAS',
  'GUIDEHOUSE',
  'DELOITTE',
  'STATE_IN_HOUSE',
  'OTHER',
];
const WITHDRAWAL_ACTIONS_0010 = ['WITHDRAW', 'UNDO_WITHDRAWAL'];
/** Bounds of the domain (rates.ts, form-data.ts, document.ts) that fit a CHECK. */
const MAX_PACKAGES_PER_RATE_0010 = 10;
const MAX_RATE_LINKS_0010 = 20;
const MAX_DOCUMENTS_0010 = 48;

/** The audit actions of 0009: the CHECK that `down` restores. */
const AUDIT_ACTIONS_0009 = [
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
  'ASK_QUESTION',
  'RESPOND_QUESTION',
];
const AUDIT_ACTIONS_0010 = [
  ...AUDIT_ACTIONS_0009,
  'CREATE_RATE',
  'UPDATE_RATE',
  'REMOVE_RATE',
  'LINK_RATE',
  'UNLINK_RATE',
  'WITHDRAW_RATE',
  'UNDO_RATE_WITHDRAWAL',
  'REPARENT_RATE',
];

const auditCheck = (actions: readonly string[], notValid = '') =>
  `ALTER TABLE audit_events DROP CONSTRAINT IF EXISTS audit_events_action_check,
    ADD CONSTRAINT audit_events_action_check ${oneOf('action', actions)}${notValid}`;

const OUTSIDE_MAINTENANCE = `current_setting('carepack.allow_rewrite', true) IS DISTINCT FROM 'on'`;

/** Submit (or unlock) columns, all present or all absent, as on `revisions`. */
const actionColumns = (prefix: string, reason: string) => `${prefix}_at timestamptz,
    ${prefix}_by_id uuid,
    ${prefix}_by_email text,
    ${prefix}_by_role text ${oneOf(`${prefix}_by_role`, ROLES_0010)},
    ${reason} text,
    CHECK (num_nulls(${prefix}_at, ${prefix}_by_id, ${prefix}_by_email, ${prefix}_by_role, ${reason}) IN (0, 5))`;

const RATE_REVISION_FUNCTION = `CREATE FUNCTION refuse_submitted_rate_revision_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    -- Never called while the maintenance switch is on: the trigger's WHEN clause says so.
    -- Unlike a child row's, a submitted rate revision is refused even when its rate goes with it.
    IF OLD.submitted_at IS NOT NULL THEN
      RAISE EXCEPTION 'revision % of rate % was submitted and cannot change', OLD.number, OLD.rate_id
        USING ERRCODE = 'P0001';
    END IF;
    RETURN COALESCE(NEW, OLD);
  END $$`;

const RATE_REVISION_CHILD_FUNCTION = `CREATE FUNCTION refuse_submitted_rate_revision_child_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    -- Never called while the maintenance switch is on. A row whose revision is gone (a draft
    -- revision being deleted, its rows following by cascade) passes: the revision's trigger judged it.
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
      SELECT 1 FROM rate_revisions WHERE id = OLD.rate_revision_id AND submitted_at IS NOT NULL) THEN
      RAISE EXCEPTION '% of rate revision %: the revision was submitted and cannot change', TG_TABLE_NAME,
        OLD.rate_revision_id USING ERRCODE = 'P0001';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
      SELECT 1 FROM rate_revisions WHERE id = NEW.rate_revision_id AND submitted_at IS NOT NULL) THEN
      RAISE EXCEPTION '% of rate revision %: the revision was submitted and cannot change', TG_TABLE_NAME,
        NEW.rate_revision_id USING ERRCODE = 'P0001';
    END IF;
    RETURN COALESCE(NEW, OLD);
  END $$`;

const WITHDRAWAL_HISTORY_FUNCTION = `CREATE FUNCTION refuse_rate_withdrawal_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    -- Deleted with its rate (ON DELETE CASCADE: the rate row is gone already): allowed.
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM rates WHERE id = OLD.rate_id) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'withdrawal % of rate % is history and cannot change', OLD.id, OLD.rate_id
      USING ERRCODE = 'P0001';
  END $$`;

/** At commit: a package revision's links are frozen (to a submitted rate revision) exactly when it is submitted. */
const FROZEN_FUNCTION = `CREATE FUNCTION check_rate_links_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    revision uuid;
    bad record;
  BEGIN
    IF TG_TABLE_NAME = 'revisions' THEN
      revision := NEW.id;
    ELSE
      revision := NEW.revision_id;
    END IF;
    SELECT l.rate_id, l.rate_revision, r.submitted_at IS NOT NULL AS submitted INTO bad
      FROM rate_links l
      JOIN revisions r ON r.id = l.revision_id
      LEFT JOIN rate_revisions rr ON rr.rate_id = l.rate_id AND rr.number = l.rate_revision
      WHERE l.revision_id = revision
        AND ((r.submitted_at IS NULL) <> (l.rate_revision IS NULL)
          OR (l.rate_revision IS NOT NULL AND rr.submitted_at IS NULL))
      LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'rate_links_frozen_when_submitted: rate link of revision % to rate %: a submitted revision''s links are frozen to a submitted rate revision, a draft''s are not (submitted: %, rate revision: %)',
        revision, bad.rate_id, bad.submitted, coalesce(bad.rate_revision::text, 'none')
        USING ERRCODE = '23514', CONSTRAINT = 'rate_links_frozen_when_submitted';
    END IF;
    RETURN NULL;
  END $$`;

/**
 * At commit: for the package touched, the rates whose `rate_packages` name it are exactly those
 * its current or last submitted revision links (domain `linkedRateIds`).
 */
const AGREEMENT_FUNCTION = `CREATE FUNCTION check_rate_packages_agree() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    pkg uuid;
    bad uuid;
  BEGIN
    IF TG_TABLE_NAME = 'packages' THEN
      pkg := OLD.id;
    ELSIF TG_OP = 'DELETE' THEN
      pkg := OLD.package_id;
    ELSE
      pkg := NEW.package_id;
    END IF;
    SELECT coalesce(d.rate_id, s.rate_id) INTO bad
      FROM (SELECT DISTINCT l.rate_id FROM rate_links l
              JOIN revisions r ON r.id = l.revision_id
              JOIN packages p ON p.id = l.package_id
              WHERE l.package_id = pkg AND r.number IN (p.revision_count, p.cms_revision_count)) d
      FULL JOIN (SELECT rate_id FROM rate_packages WHERE package_id = pkg) s ON s.rate_id = d.rate_id
      WHERE d.rate_id IS NULL OR s.rate_id IS NULL
      LIMIT 1;
    IF bad IS NOT NULL THEN
      RAISE EXCEPTION 'rate_packages_agree_with_links: rate % and package %: the rate''s packages and the package''s links disagree', bad, pkg
        USING ERRCODE = '23514', CONSTRAINT = 'rate_packages_agree_with_links';
    END IF;
    RETURN NULL;
  END $$`;

const deferredTrigger = (name: string, events: string, table: string, fn: string) =>
  `CREATE CONSTRAINT TRIGGER ${name} AFTER ${events} ON ${table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${fn}()`;
const agreementTrigger = (name: string, events: string, table: string, when = OUTSIDE_MAINTENANCE) =>
  `CREATE CONSTRAINT TRIGGER ${name} AFTER ${events} ON ${table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION check_rate_packages_agree()`;
const immutableChild = (table: string, fn: string) =>
  `CREATE TRIGGER ${table}_immutable_once_submitted BEFORE INSERT OR UPDATE OR DELETE ON ${table}
    FOR EACH ROW WHEN (${OUTSIDE_MAINTENANCE}) EXECUTE FUNCTION ${fn}()`;

const UP = [
  // Targets of the composite foreign keys that carry the state code (and the package) along.
  'ALTER TABLE packages ADD CONSTRAINT packages_id_state UNIQUE (id, state_code)',
  'ALTER TABLE revisions ADD CONSTRAINT revisions_id_package UNIQUE (id, package_id)',
  `CREATE TABLE rate_counters (
    state_code char(2) PRIMARY KEY REFERENCES states (code),
    last_number int NOT NULL CHECK (last_number >= 0)
  )`,
  `CREATE TABLE rates (
    id uuid PRIMARY KEY,
    state_code char(2) NOT NULL REFERENCES states (code),
    state_rate_number int NOT NULL CHECK (state_rate_number > 0),
    parent_package_id uuid NOT NULL,
    status text NOT NULL ${oneOf('status', RATE_STATUSES_0010)},
    version int NOT NULL CHECK (version > 0),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    initially_submitted_at timestamptz,
    revision_count int NOT NULL CHECK (revision_count > 0),
    last_submitted_revision int CHECK (last_submitted_revision > 0 AND last_submitted_revision <= revision_count),
    CONSTRAINT rates_state_number_unique UNIQUE (state_code, state_rate_number),
    CONSTRAINT rates_id_state UNIQUE (id, state_code),
    CONSTRAINT rates_submitted_once CHECK ((initially_submitted_at IS NULL) = (last_submitted_revision IS NULL)),
    CONSTRAINT rates_draft_never_submitted CHECK (status <> 'DRAFT' OR initially_submitted_at IS NULL),
    CONSTRAINT rates_submitted_status CHECK (status IN ('DRAFT', 'WITHDRAWN') OR initially_submitted_at IS NOT NULL)
  )`,
  // The rate lists: submitted rates only, newest or oldest first, by state and status.
  `CREATE INDEX rates_listed ON rates (updated_at DESC, id DESC) WHERE initially_submitted_at IS NOT NULL`,
  `CREATE INDEX rates_listed_by_state ON rates (state_code, status, updated_at DESC, id DESC)
    WHERE initially_submitted_at IS NOT NULL`,
  `CREATE TABLE rate_revisions (
    id uuid PRIMARY KEY,
    rate_id uuid NOT NULL REFERENCES rates (id) ON DELETE CASCADE,
    number int NOT NULL CHECK (number > 0),
    created_at timestamptz NOT NULL,
    rate_type text ${oneOf('rate_type', RATE_TYPES_0010)},
    rate_date_start date,
    rate_date_end date,
    rate_date_certified date,
    effective_date_start date,
    effective_date_end date,
    capitation_type text ${oneOf('capitation_type', CAPITATION_TYPES_0010)},
    medicaid_populations text[] ${subsetOf('medicaid_populations', MEDICAID_POPULATIONS_0010)},
    ${actionColumns('submitted', 'submit_reason')},
    ${actionColumns('unlocked', 'unlock_reason')},
    submitted_with_package_id uuid,
    submitted_with_package_revision int CHECK (submitted_with_package_revision > 0),
    CONSTRAINT rate_revisions_number_unique UNIQUE (rate_id, number),
    CONSTRAINT rate_revisions_submitted_with CHECK (
      (submitted_with_package_id IS NULL) = (submitted_with_package_revision IS NULL)
      AND (submitted_with_package_id IS NULL OR submitted_at IS NOT NULL))
  )`,
  `CREATE TABLE rate_revision_programs (
    rate_revision_id uuid NOT NULL REFERENCES rate_revisions (id) ON DELETE CASCADE,
    position int NOT NULL CHECK (position >= 0),
    program_id uuid NOT NULL,
    PRIMARY KEY (rate_revision_id, position),
    UNIQUE (rate_revision_id, program_id)
  )`,
  // The rate lists by program: the revisions naming a program.
  `CREATE INDEX rate_revision_programs_by_program ON rate_revision_programs (program_id, rate_revision_id)`,
  `CREATE TABLE rate_revision_actuaries (
    rate_revision_id uuid NOT NULL REFERENCES rate_revisions (id) ON DELETE CASCADE,
    position int NOT NULL CHECK (position >= 0),
    name text NOT NULL,
    title text NOT NULL,
    email text NOT NULL,
    actuarial_firm text ${oneOf('actuarial_firm', ACTUARIAL_FIRMS_0010)},
    actuarial_firm_other text,
    PRIMARY KEY (rate_revision_id, position)
  )`,
  `CREATE TABLE rate_documents (
    rate_revision_id uuid NOT NULL REFERENCES rate_revisions (id) ON DELETE CASCADE,
    id uuid NOT NULL,
    position int NOT NULL CHECK (position >= 0 AND position < ${MAX_DOCUMENTS_0010}),
    name text NOT NULL,
    bucket text NOT NULL,
    key text NOT NULL,
    size bigint NOT NULL CHECK (size >= 0),
    content_type text NOT NULL,
    sha256 char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    category text NOT NULL ${oneOf('category', ['RATE', 'RATE_SUPPORTING'])},
    added_at timestamptz NOT NULL,
    scan_status text NOT NULL ${oneOf('scan_status', SCAN_STATUSES_0010)},
    PRIMARY KEY (rate_revision_id, id),
    UNIQUE (rate_revision_id, position)
  )`,
  // No two documents with one name in one list (a category of the revision), as for packages.
  `CREATE UNIQUE INDEX rate_documents_unique_name_per_list ON rate_documents (rate_revision_id, category, lower(name))`,
  `CREATE TABLE rate_withdrawals (
    rate_id uuid NOT NULL REFERENCES rates (id) ON DELETE CASCADE,
    position int NOT NULL CHECK (position > 0),
    id uuid PRIMARY KEY,
    action text NOT NULL ${oneOf('action', WITHDRAWAL_ACTIONS_0010)},
    at timestamptz NOT NULL,
    actor_id uuid NOT NULL,
    actor_email text NOT NULL,
    actor_role text NOT NULL ${oneOf('actor_role', ROLES_0010)},
    reason text NOT NULL CHECK (reason <> ''),
    package_ids uuid[] NOT NULL CHECK (cardinality(package_ids) <= ${MAX_PACKAGES_PER_RATE_0010}),
    CONSTRAINT rate_withdrawals_position_unique UNIQUE (rate_id, position)
  )`,
  `CREATE TABLE rate_packages (
    rate_id uuid NOT NULL,
    state_code char(2) NOT NULL,
    position int NOT NULL CHECK (position >= 0 AND position < ${MAX_PACKAGES_PER_RATE_0010}),
    package_id uuid NOT NULL,
    PRIMARY KEY (rate_id, position),
    CONSTRAINT rate_packages_once UNIQUE (rate_id, package_id),
    CONSTRAINT rate_packages_rate FOREIGN KEY (rate_id, state_code) REFERENCES rates (id, state_code) ON DELETE CASCADE
  )`,
  `CREATE INDEX rate_packages_by_package ON rate_packages (package_id)`,
  `CREATE TABLE rate_links (
    revision_id uuid NOT NULL,
    package_id uuid NOT NULL,
    state_code char(2) NOT NULL,
    position int NOT NULL CHECK (position >= 0 AND position < ${MAX_RATE_LINKS_0010}),
    rate_id uuid NOT NULL,
    rate_revision int CHECK (rate_revision > 0),
    PRIMARY KEY (revision_id, position),
    CONSTRAINT rate_links_once UNIQUE (revision_id, rate_id),
    CONSTRAINT rate_links_revision FOREIGN KEY (revision_id, package_id)
      REFERENCES revisions (id, package_id) ON DELETE CASCADE,
    CONSTRAINT rate_links_package_state FOREIGN KEY (package_id, state_code)
      REFERENCES packages (id, state_code) ON DELETE CASCADE,
    CONSTRAINT rate_links_rate_state FOREIGN KEY (rate_id, state_code)
      REFERENCES rates (id, state_code) DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT rate_links_rate_revision FOREIGN KEY (rate_id, rate_revision)
      REFERENCES rate_revisions (rate_id, number) DEFERRABLE INITIALLY DEFERRED
  )`,
  // The packages linking a rate (removeRate, the agreement check), and the page reads by package.
  `CREATE INDEX rate_links_by_rate ON rate_links (rate_id)`,
  `CREATE INDEX rate_links_by_package ON rate_links (package_id)`,
  RATE_REVISION_FUNCTION,
  `CREATE TRIGGER rate_revisions_immutable_once_submitted BEFORE UPDATE OR DELETE ON rate_revisions
    FOR EACH ROW WHEN (${OUTSIDE_MAINTENANCE}) EXECUTE FUNCTION refuse_submitted_rate_revision_change()`,
  RATE_REVISION_CHILD_FUNCTION,
  ...['rate_revision_programs', 'rate_revision_actuaries', 'rate_documents'].map((t) =>
    immutableChild(t, 'refuse_submitted_rate_revision_child_change'),
  ),
  // A package revision's links are one of its lists: 0003's function guards them.
  immutableChild('rate_links', 'refuse_submitted_revision_child_change'),
  WITHDRAWAL_HISTORY_FUNCTION,
  `CREATE TRIGGER rate_withdrawals_history BEFORE UPDATE OR DELETE ON rate_withdrawals
    FOR EACH ROW EXECUTE FUNCTION refuse_rate_withdrawal_change()`,
  FROZEN_FUNCTION,
  deferredTrigger(
    'rate_links_frozen_when_submitted',
    'INSERT OR UPDATE',
    'rate_links',
    'check_rate_links_frozen',
  ),
  deferredTrigger(
    'revisions_rate_links_frozen_when_submitted',
    'UPDATE OF submitted_at',
    'revisions',
    'check_rate_links_frozen',
  ),
  AGREEMENT_FUNCTION,
  agreementTrigger('rate_links_agree', 'INSERT OR UPDATE OR DELETE', 'rate_links'),
  agreementTrigger('rate_packages_agree', 'INSERT OR UPDATE OR DELETE', 'rate_packages'),
  agreementTrigger(
    'packages_rate_packages_agree',
    'UPDATE OF revision_count, cms_revision_count',
    'packages',
    `${OUTSIDE_MAINTENANCE} AND (OLD.revision_count, OLD.cms_revision_count)
      IS DISTINCT FROM (NEW.revision_count, NEW.cms_revision_count)`,
  ),
  agreementTrigger('packages_deleted_rate_packages_agree', 'DELETE', 'packages'),
  auditCheck(AUDIT_ACTIONS_0010),
];

const DOWN = [
  // The trail keeps the rate events already written: the narrower CHECK holds for new ones.
  auditCheck(AUDIT_ACTIONS_0009, ' NOT VALID'),
  'DROP TRIGGER IF EXISTS packages_deleted_rate_packages_agree ON packages',
  'DROP TRIGGER IF EXISTS packages_rate_packages_agree ON packages',
  'DROP TRIGGER IF EXISTS revisions_rate_links_frozen_when_submitted ON revisions',
  'DROP TABLE IF EXISTS rate_links',
  'DROP TABLE IF EXISTS rate_packages',
  'DROP TABLE IF EXISTS rate_withdrawals',
  'DROP TABLE IF EXISTS rate_documents',
  'DROP TABLE IF EXISTS rate_revision_actuaries',
  'DROP TABLE IF EXISTS rate_revision_programs',
  'DROP TABLE IF EXISTS rate_revisions',
  'DROP TABLE IF EXISTS rates',
  'DROP TABLE IF EXISTS rate_counters',
  'DROP FUNCTION IF EXISTS check_rate_packages_agree()',
  'DROP FUNCTION IF EXISTS check_rate_links_frozen()',
  'DROP FUNCTION IF EXISTS refuse_rate_withdrawal_change()',
  'DROP FUNCTION IF EXISTS refuse_submitted_rate_revision_child_change()',
  'DROP FUNCTION IF EXISTS refuse_submitted_rate_revision_change()',
  'ALTER TABLE revisions DROP CONSTRAINT IF EXISTS revisions_id_package',
  'ALTER TABLE packages DROP CONSTRAINT IF EXISTS packages_id_state',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await sql.raw(statement).execute(db);
}
