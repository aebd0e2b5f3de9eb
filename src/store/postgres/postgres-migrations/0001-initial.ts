/**
 * The relational schema. Enumerations are CHECK constraints over text (easy to extend in a
 * later migration), sets of enum values are text[] checked with `<@`, and no JSON column is
 * needed: every part of a package has a fixed shape. See docs/postgres.md.
 */
import { type Kysely, sql } from 'kysely';
import {
  ACTUARIAL_FIRMS,
  ACTUARY_COMMUNICATION_PREFERENCES,
  CONTRACT_TYPES,
  DOCUMENT_CATEGORIES,
  FEDERAL_AUTHORITIES,
  ITEMS_BEING_AMENDED,
  MANAGED_CARE_ENTITIES,
  PACKAGE_STATUSES,
  RATE_TYPES,
  ROLES,
  SCAN_STATUSES,
  SUBMISSION_TYPES,
} from '../../../domain/index.js';
import { AUDIT_ACTIONS } from '../../store.js';
import { oneOf, subsetOf } from './check-constraints.js';

const STATEMENTS = [
  `CREATE TABLE states (
    code char(2) PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'),
    name text NOT NULL
  )`,
  `CREATE TABLE programs (
    id uuid PRIMARY KEY,
    state_code char(2) NOT NULL REFERENCES states (code) ON DELETE CASCADE,
    position int NOT NULL,
    name text NOT NULL,
    full_name text NOT NULL,
    UNIQUE (state_code, position)
  )`,
  `CREATE TABLE users (
    id uuid PRIMARY KEY,
    email text NOT NULL,
    given_name text NOT NULL,
    family_name text NOT NULL,
    role text NOT NULL ${oneOf('role', ROLES)},
    state_code char(2) REFERENCES states (code),
    CHECK ((role = 'STATE_USER') = (state_code IS NOT NULL))
  )`,
  `CREATE INDEX users_email ON users (lower(email))`,
  // One row per state; the row lock taken by its increment serialises number allocation.
  `CREATE TABLE state_counters (
    state_code char(2) PRIMARY KEY REFERENCES states (code),
    last_number int NOT NULL CHECK (last_number >= 0)
  )`,
  `CREATE TABLE packages (
    id uuid PRIMARY KEY,
    state_code char(2) NOT NULL REFERENCES states (code),
    state_number int NOT NULL CHECK (state_number > 0),
    status text NOT NULL ${oneOf('status', PACKAGE_STATUSES)},
    version int NOT NULL CHECK (version > 0),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    initially_submitted_at timestamptz,
    revision_count int NOT NULL CHECK (revision_count > 0),
    CONSTRAINT packages_state_number_unique UNIQUE (state_code, state_number),
    CHECK ((status = 'DRAFT') = (initially_submitted_at IS NULL))
  )`,
  `CREATE INDEX packages_by_state ON packages (state_code, updated_at DESC, id DESC)`,
  `CREATE INDEX packages_by_state_status ON packages (state_code, status, updated_at DESC, id DESC)`,
  `CREATE INDEX packages_submitted ON packages (updated_at DESC, id DESC) WHERE initially_submitted_at IS NOT NULL`,
  `CREATE INDEX packages_submitted_by_status ON packages (status, updated_at DESC, id DESC) WHERE initially_submitted_at IS NOT NULL`,
  `CREATE TABLE revisions (
    id uuid PRIMARY KEY,
    package_id uuid NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    number int NOT NULL CHECK (number > 0),
    created_at timestamptz NOT NULL,
    submission_type text NOT NULL ${oneOf('submission_type', SUBMISSION_TYPES)},
    submission_description text NOT NULL,
    contract_type text ${oneOf('contract_type', CONTRACT_TYPES)},
    contract_date_start date,
    contract_date_end date,
    managed_care_entities text[] NOT NULL ${subsetOf('managed_care_entities', MANAGED_CARE_ENTITIES)},
    federal_authorities text[] NOT NULL ${subsetOf('federal_authorities', FEDERAL_AUTHORITIES)},
    items_being_amended text[] NOT NULL ${subsetOf('items_being_amended', ITEMS_BEING_AMENDED)},
    other_item_being_amended text,
    related_to_covid19 boolean,
    actuary_communication_preference text ${oneOf('actuary_communication_preference', ACTUARY_COMMUNICATION_PREFERENCES)},
    submitted_at timestamptz,
    submitted_by_id uuid,
    submitted_by_email text,
    submitted_by_role text ${oneOf('submitted_by_role', ROLES)},
    submit_reason text,
    unlocked_at timestamptz,
    unlocked_by_id uuid,
    unlocked_by_email text,
    unlocked_by_role text ${oneOf('unlocked_by_role', ROLES)},
    unlock_reason text,
    UNIQUE (package_id, number),
    CHECK ((submitted_at IS NULL) = (submit_reason IS NULL) AND (submitted_at IS NULL) = (submitted_by_id IS NULL)),
    CHECK ((unlocked_at IS NULL) = (unlock_reason IS NULL) AND (unlocked_at IS NULL) = (unlocked_by_id IS NULL))
  )`,
  `CREATE TABLE revision_programs (
    revision_id uuid NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,
    position int NOT NULL,
    program_id uuid NOT NULL,
    PRIMARY KEY (revision_id, position),
    UNIQUE (revision_id, program_id)
  )`,
  `CREATE TABLE state_contacts (
    revision_id uuid NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,
    position int NOT NULL,
    name text NOT NULL,
    title text NOT NULL,
    email text NOT NULL,
    PRIMARY KEY (revision_id, position)
  )`,
  `CREATE TABLE rate_certifications (
    revision_id uuid NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,
    id uuid NOT NULL,
    position int NOT NULL,
    rate_type text ${oneOf('rate_type', RATE_TYPES)},
    rate_date_start date,
    rate_date_end date,
    rate_date_certified date,
    effective_date_start date,
    effective_date_end date,
    PRIMARY KEY (revision_id, id),
    UNIQUE (revision_id, position)
  )`,
  `CREATE TABLE rate_programs (
    revision_id uuid NOT NULL,
    rate_id uuid NOT NULL,
    position int NOT NULL,
    program_id uuid NOT NULL,
    PRIMARY KEY (revision_id, rate_id, position),
    FOREIGN KEY (revision_id, rate_id) REFERENCES rate_certifications (revision_id, id) ON DELETE CASCADE
  )`,
  `CREATE TABLE certifying_actuaries (
    revision_id uuid NOT NULL,
    rate_id uuid NOT NULL,
    position int NOT NULL,
    name text NOT NULL,
    title text NOT NULL,
    email text NOT NULL,
    actuarial_firm text ${oneOf('actuarial_firm', ACTUARIAL_FIRMS)},
    actuarial_firm_other text,
    PRIMARY KEY (revision_id, rate_id, position),
    FOREIGN KEY (revision_id, rate_id) REFERENCES rate_certifications (revision_id, id) ON DELETE CASCADE
  )`,
  `CREATE TABLE documents (
    revision_id uuid NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,
    id uuid NOT NULL,
    position int NOT NULL,
    name text NOT NULL,
    bucket text NOT NULL,
    key text NOT NULL,
    size bigint NOT NULL CHECK (size >= 0),
    content_type text NOT NULL,
    sha256 char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    category text NOT NULL ${oneOf('category', DOCUMENT_CATEGORIES)},
    rate_id uuid,
    added_at timestamptz NOT NULL,
    scan_status text NOT NULL ${oneOf('scan_status', SCAN_STATUSES)},
    PRIMARY KEY (revision_id, id),
    UNIQUE (revision_id, position)
  )`,
  // No two documents with the same name in one list (a category, or one rate's documents).
  `CREATE UNIQUE INDEX documents_unique_name_per_list
    ON documents (revision_id, category, coalesce(rate_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name))`,
  // Audit events outlive a deleted draft, so they do not reference packages.
  `CREATE TABLE audit_events (
    id uuid PRIMARY KEY,
    package_id uuid NOT NULL,
    at timestamptz NOT NULL,
    actor_id uuid NOT NULL,
    actor_email text NOT NULL,
    actor_role text NOT NULL ${oneOf('actor_role', ROLES)},
    action text NOT NULL ${oneOf('action', AUDIT_ACTIONS)},
    summary text NOT NULL
  )`,
  `CREATE INDEX audit_events_by_package ON audit_events (package_id, at, id)`,
  // Submitted revisions are immutable forever: the database itself refuses to change them.
  `CREATE FUNCTION refuse_submitted_revision_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('carepack.allow_rewrite', true) = 'on' THEN
        RETURN COALESCE(NEW, OLD);
      END IF;
      IF OLD.submitted_at IS NOT NULL THEN
        RAISE EXCEPTION 'revision % was submitted and cannot change', OLD.id USING ERRCODE = 'P0001';
      END IF;
      RETURN COALESCE(NEW, OLD);
    END $$`,
  `CREATE TRIGGER revisions_immutable_once_submitted
    BEFORE UPDATE OR DELETE ON revisions
    FOR EACH ROW EXECUTE FUNCTION refuse_submitted_revision_change()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'audit_events',
    'documents',
    'certifying_actuaries',
    'rate_programs',
    'rate_certifications',
    'state_contacts',
    'revision_programs',
    'revisions',
    'packages',
    'state_counters',
    'users',
    'programs',
    'states',
  ]) {
    await sql.raw(`DROP TABLE IF EXISTS ${table} CASCADE`).execute(db);
  }
  await sql.raw('DROP FUNCTION IF EXISTS refuse_submitted_revision_change()').execute(db);
}
