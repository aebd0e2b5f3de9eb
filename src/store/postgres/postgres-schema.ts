/** The tables as Kysely sees them (see postgres-migrations/ for the DDL and its constraints). */
import type { ColumnType } from 'kysely';

/** timestamptz: written and read back as ISO strings (postgres-types.ts). */
type Timestamp = ColumnType<string, string, string>;
type NullableTimestamp = ColumnType<string | null, string | null, string | null>;
/** bigint arrives as a string from `pg`; the client parses it to a number. */
type BigInt = ColumnType<number, number, number>;

export interface StatesTable {
  code: string;
  name: string;
}
export interface ProgramsTable {
  id: string;
  state_code: string;
  position: number;
  name: string;
  full_name: string;
  is_rate_program: boolean | null;
}
export interface UsersTable {
  id: string;
  email: string;
  given_name: string;
  family_name: string;
  role: string;
  state_code: string | null;
  /** A CMS user's division (migration 0008); NULL for everyone else and for CMS users without one. */
  division: ColumnType<string | null, string | null | undefined, string | null>;
  /** A CMS user's assigned states, sorted (migration 0012); NULL when none. */
  state_assignments: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  /** Raised by each sign-out; never written by an upsert of the user (migration 0003). */
  session_generation: ColumnType<number, number | undefined, number>;
}
export interface StateCountersTable {
  state_code: string;
  last_number: number;
}
export interface PackagesTable {
  id: string;
  state_code: string;
  state_number: number;
  status: string;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  initially_submitted_at: NullableTimestamp;
  revision_count: number;
  /** What CMS sees (domain `cmsFacts`); NULL until the first submission. */
  cms_updated_at: NullableTimestamp;
  cms_revision_count: number | null;
  /** Domain `deriveReviewStatus`; NULL until the first submission (migration 0007). */
  review_status: string | null;
  /** Domain `openQuestionCount`, written with every head (migration 0009). */
  open_questions: ColumnType<number, number | undefined, number>;
}
export interface RevisionsTable {
  id: string;
  package_id: string;
  number: number;
  created_at: Timestamp;
  submission_type: string;
  submission_description: string;
  contract_type: string | null;
  contract_date_start: string | null;
  contract_date_end: string | null;
  managed_care_entities: string[];
  federal_authorities: string[];
  items_being_amended: string[];
  other_item_being_amended: string | null;
  related_to_covid19: boolean | null;
  actuary_communication_preference: string | null;
  population_covered: string | null;
  risk_based_contract: boolean | null;
  contract_execution_status: string | null;
  dsnp_contract: boolean | null;
  /** The provisions answered yes, and those answered no; both NULL until answered (migration 0006). */
  modified_provisions: string[] | null;
  unmodified_provisions: string[] | null;
  submitted_at: NullableTimestamp;
  submitted_by_id: string | null;
  submitted_by_email: string | null;
  submitted_by_role: string | null;
  submit_reason: string | null;
  unlocked_at: NullableTimestamp;
  unlocked_by_id: string | null;
  unlocked_by_email: string | null;
  unlocked_by_role: string | null;
  unlock_reason: string | null;
}
export interface RevisionProgramsTable {
  revision_id: string;
  position: number;
  program_id: string;
}
export interface StateContactsTable {
  revision_id: string;
  position: number;
  name: string;
  title: string;
  email: string;
}
export interface RateCertificationsTable {
  revision_id: string;
  id: string;
  position: number;
  rate_type: string | null;
  rate_date_start: string | null;
  rate_date_end: string | null;
  rate_date_certified: string | null;
  effective_date_start: string | null;
  effective_date_end: string | null;
  capitation_type: string | null;
  medicaid_populations: string[] | null;
}
export interface RateProgramsTable {
  revision_id: string;
  rate_id: string;
  position: number;
  program_id: string;
}
export interface CertifyingActuariesTable {
  revision_id: string;
  rate_id: string;
  position: number;
  name: string;
  title: string;
  email: string;
  actuarial_firm: string | null;
  actuarial_firm_other: string | null;
}
export interface DocumentsTable {
  revision_id: string;
  id: string;
  position: number;
  name: string;
  bucket: string;
  key: string;
  size: BigInt;
  content_type: string;
  sha256: string;
  category: string;
  rate_id: string | null;
  added_at: Timestamp;
  scan_status: string;
}
/** CMS's review decisions, numbered per package from 1 (the oldest); history (migration 0007). */
export interface ReviewActionsTable {
  package_id: string;
  position: number;
  id: string;
  action: string;
  at: Timestamp;
  actor_id: string;
  actor_email: string;
  actor_role: string;
  reason: string;
  released_on: string | null;
}
/**
 * CMS's questions, numbered per package from 1 (the oldest), each with the state's one response
 * in the `response_*` columns (all NULL while open); history (migration 0009).
 */
export interface QuestionsTable {
  id: string;
  package_id: string;
  position: number;
  division: string;
  round: number;
  asked_at: Timestamp;
  asked_by_id: string;
  asked_by_email: string;
  asked_by_role: string;
  text: string;
  rate_id: string | null;
  response_id: string | null;
  responded_at: NullableTimestamp;
  responded_by_id: string | null;
  responded_by_email: string | null;
  responded_by_role: string | null;
  response_text: string | null;
}
/** A question's documents (response_id NULL) and its response's, numbered per question across both. */
export interface QaDocumentsTable {
  package_id: string;
  question_id: string;
  response_id: string | null;
  position: number;
  id: string;
  name: string;
  bucket: string;
  key: string;
  size: BigInt;
  content_type: string;
  sha256: string;
  added_at: Timestamp;
  scan_status: string;
}
/** Who changed which user, with the user before and after as JSON (migration 0009). */
export interface UserAuditTable {
  id: string;
  at: Timestamp;
  actor_id: string;
  actor_email: string;
  actor_role: string;
  user_id: string;
  action: string;
  /** The domain's User; sent as JSON text, read back parsed. */
  before: ColumnType<unknown, string, string>;
  after: ColumnType<unknown, string, string>;
  summary: string;
}
export interface AuditEventsTable {
  id: string;
  package_id: string;
  at: Timestamp;
  actor_id: string;
  actor_email: string;
  actor_role: string;
  /** The API client the actor acted through (migration 0012). */
  actor_client_id: string | null;
  action: string;
  summary: string;
}
/** API clients (migration 0012); `scopes` space-separated, as OAuth writes them. */
export interface ApiClientsTable {
  id: string;
  name: string;
  scopes: string;
  user_id: string;
  secret_hash: string;
  secret_generation: number;
  created_at: Timestamp;
  created_by: string;
  last_used_at: NullableTimestamp;
  rotated_at: NullableTimestamp;
  revoked: boolean;
  revoked_at: NullableTimestamp;
}
/** Rate records (migration 0010): the head; `last_submitted_revision` NULL until first submitted. */
export interface RatesTable {
  id: string;
  state_code: string;
  state_rate_number: number;
  parent_package_id: string;
  status: string;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  initially_submitted_at: NullableTimestamp;
  revision_count: number;
  last_submitted_revision: number | null;
}
export interface RateCountersTable {
  state_code: string;
  last_number: number;
}
/** A rate revision: the form of `rate_certifications` as columns, its submit and unlock, and the package submission that froze it. */
export interface RateRevisionsTable {
  id: string;
  rate_id: string;
  number: number;
  created_at: Timestamp;
  rate_type: string | null;
  rate_date_start: string | null;
  rate_date_end: string | null;
  rate_date_certified: string | null;
  effective_date_start: string | null;
  effective_date_end: string | null;
  capitation_type: string | null;
  medicaid_populations: string[] | null;
  submitted_at: NullableTimestamp;
  submitted_by_id: string | null;
  submitted_by_email: string | null;
  submitted_by_role: string | null;
  submit_reason: string | null;
  unlocked_at: NullableTimestamp;
  unlocked_by_id: string | null;
  unlocked_by_email: string | null;
  unlocked_by_role: string | null;
  unlock_reason: string | null;
  submitted_with_package_id: string | null;
  submitted_with_package_revision: number | null;
}
export interface RateRevisionProgramsTable {
  rate_revision_id: string;
  position: number;
  program_id: string;
}
export interface RateRevisionActuariesTable {
  rate_revision_id: string;
  position: number;
  name: string;
  title: string;
  email: string;
  actuarial_firm: string | null;
  actuarial_firm_other: string | null;
}
export interface RateDocumentsTable {
  rate_revision_id: string;
  id: string;
  position: number;
  name: string;
  bucket: string;
  key: string;
  size: BigInt;
  content_type: string;
  sha256: string;
  category: string;
  added_at: Timestamp;
  scan_status: string;
}
/** Withdrawals and their undoing, numbered per rate from 1 (the oldest); history. */
export interface RateWithdrawalsTable {
  rate_id: string;
  position: number;
  id: string;
  action: string;
  at: Timestamp;
  actor_id: string;
  actor_email: string;
  actor_role: string;
  reason: string;
  package_ids: string[];
}
/** A rate's `packageIds`, in order; kept in agreement with `rate_links` by a deferred check. */
export interface RatePackagesTable {
  rate_id: string;
  state_code: string;
  position: number;
  package_id: string;
}
/** A package revision's rate links, in order; `rate_revision` NULL on a draft revision. */
export interface RateLinksTable {
  revision_id: string;
  package_id: string;
  state_code: string;
  position: number;
  rate_id: string;
  rate_revision: number | null;
}

export interface Database {
  states: StatesTable;
  programs: ProgramsTable;
  users: UsersTable;
  state_counters: StateCountersTable;
  packages: PackagesTable;
  revisions: RevisionsTable;
  revision_programs: RevisionProgramsTable;
  state_contacts: StateContactsTable;
  rate_certifications: RateCertificationsTable;
  rate_programs: RateProgramsTable;
  certifying_actuaries: CertifyingActuariesTable;
  documents: DocumentsTable;
  review_actions: ReviewActionsTable;
  questions: QuestionsTable;
  qa_documents: QaDocumentsTable;
  audit_events: AuditEventsTable;
  api_clients: ApiClientsTable;
  user_audit: UserAuditTable;
  rates: RatesTable;
  rate_counters: RateCountersTable;
  rate_revisions: RateRevisionsTable;
  rate_revision_programs: RateRevisionProgramsTable;
  rate_revision_actuaries: RateRevisionActuariesTable;
  rate_documents: RateDocumentsTable;
  rate_withdrawals: RateWithdrawalsTable;
  rate_packages: RatePackagesTable;
  rate_links: RateLinksTable;
}

/** The package-owned tables below `revisions`, in an order safe for inserts. */
export const REVISION_CHILD_TABLES = [
  'revision_programs',
  'state_contacts',
  'rate_certifications',
  'rate_programs',
  'certifying_actuaries',
  'documents',
  'rate_links',
] as const;
