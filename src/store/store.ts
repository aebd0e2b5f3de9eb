/**
 * The datastore contract: everything Carepack keeps about states, users and packages.
 * Backend-neutral by design — no DynamoDB or SQL type appears here. Each backend lives in
 * its own folder and is chosen by `createStore` (see `create-store.ts`); the conformance
 * suite in `test/conformance/` is the executable definition of this interface.
 */
import type {
  Actor,
  FormData,
  Package,
  PackageDocument,
  PackageStatus,
  PackageSummary,
  State,
  StateCode,
  User,
} from '../domain/index.js';

export interface Page<T> {
  items: T[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  cursor?: string;
}

export interface PageRequest {
  /** 1..100, default 25. */
  limit?: number;
  cursor?: string;
}

export interface CreateDraftInput {
  /** Chosen by the caller so retries are idempotent-safe; a repeat is `AlreadyExists`. */
  id: string;
  stateCode: StateCode;
  formData: FormData;
  documents?: PackageDocument[];
  actor: Actor;
}

export interface UpdateDraftInput {
  expectedVersion: number;
  /** Replaces the current revision's form data when given. */
  formData?: FormData;
  /** Replaces the current revision's document list when given. */
  documents?: PackageDocument[];
  actor: Actor;
  /** How the audit trail names this change; default: an UPDATE "Draft updated". */
  event?: { action: 'UPDATE' | 'UPLOAD' | 'REMOVE_DOCUMENT'; summary: string };
}

export interface TransitionInput {
  expectedVersion: number;
  actor: Actor;
  /** Required for unlock and resubmit; ignored for the initial submit (the reason is "Initial submission"). */
  reason?: string;
}

export interface DeleteDraftInput {
  expectedVersion: number;
  actor: Actor;
}

export const AUDIT_ACTIONS = [
  'CREATE',
  'UPDATE',
  'DELETE',
  'SUBMIT',
  'UNLOCK',
  'RESUBMIT',
  'UPLOAD',
  'REMOVE_DOCUMENT',
  'DOWNLOAD',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEvent {
  id: string;
  packageId: string;
  at: string;
  actor: Actor;
  action: AuditAction;
  summary: string;
}

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'at'>;

/** `newest`: most recently updated first (the default); `oldest`: least recently updated first. */
export const LIST_ORDERS = ['newest', 'oldest'] as const;
export type ListOrder = (typeof LIST_ORDERS)[number];

/** What every package list can be narrowed and sorted by. A cursor is bound to all of it. */
export interface ListOptions extends PageRequest {
  /** Only packages whose current revision (in CMS's lists: last submitted revision) names this program (a uuid). */
  programId?: string;
  /** Default `newest`. */
  order?: ListOrder;
}

export interface ListByStateQuery extends ListOptions {
  status?: PackageStatus;
}

export interface ListSubmittedQuery extends ListOptions {
  stateCode?: StateCode;
  /** A status CMS can see: SUBMITTED, UNLOCKED or RESUBMITTED (DRAFT gives an empty page). */
  status?: PackageStatus;
}

/** A share of a full scan: `partition` of `partitions` (0-based), for readers working in parallel. */
export interface ScanRequest {
  partition: number;
  partitions: number;
  /** Where the previous call of this partition stopped; omit to start. */
  cursor?: string;
  /** About how many records per call (1..1000, default 100). */
  limit?: number;
}

export interface PackagesWithAuditPage {
  packages: Package[];
  audit: AuditEvent[];
  /** Absent when the partition is done. */
  cursor?: string;
}

export interface ImportOptions {
  /**
   * How a package the target already holds is treated. Default `replace`.
   * - `replace`: version-guarded — a package is written only when the target holds none or an
   *   older one (a lower `version`); on an equal or newer version the target's copy is kept.
   *   What the older copy had and the new one does not is removed. Imports of the same package
   *   racing each other (a copy and the dual-write mirror) serialise: none fails, the newest
   *   wins. This is what copies and mirrors use: a backfill never moves the target backwards.
   * - `force`: the given package replaces the target's whatever their versions (a restore
   *   that puts a backup back on purpose).
   * - `overwrite`: every record written without looking first (fast; only for an empty target
   *   that nothing else writes to, e.g. a restore into an empty store). The target's numbers
   *   are not looked at either (PostgreSQL's constraint still refuses a duplicate).
   * In `replace` and `force`, a package's number held by ANOTHER package of its state is
   * refused with `AlreadyExists` naming both, before anything of that package is written. In
   * every mode, two packages of one call with one number are refused before anything is written.
   */
  mode?: 'replace' | 'force' | 'overwrite';
}

/** A user with the generation of its sessions (see `Store.endSessions`). */
export interface SessionUser {
  user: User;
  /** 0 until the user first signs out; a session cookie is good only while it names this number. */
  sessionGeneration: number;
}
/** What `importAtomically` hands its work: a store whose writes all commit together, or none. */
export type AtomicImportTarget = Pick<
  Store,
  | 'upsertStates'
  | 'upsertUsers'
  | 'raiseSessionGenerations'
  | 'raiseCounters'
  | 'importPackages'
  | 'importAudit'
  | 'listStates'
  | 'listUsers'
  | 'getCounters'
>;

export interface Store {
  /** Which backend this is, for logs and health checks. */
  readonly backend: string;
  /**
   * Why the store runs on less than it should, for health checks (dual-write: the secondary
   * is unreachable or behind); empty when nothing is wrong. Absent on single backends.
   */
  degradation?(): Promise<string[]>;

  // Reference data: seeded at start-up, the source of truth at run time.
  upsertStates(states: readonly State[]): Promise<void>;
  listStates(): Promise<State[]>;
  /** @throws NotFound */
  getState(code: StateCode): Promise<State>;
  upsertUsers(users: readonly User[]): Promise<void>;
  listUsers(): Promise<User[]>;
  /** @throws NotFound */
  getUser(id: string): Promise<User>;

  // Sessions: a per-user generation kept with the user, so checking a session cookie costs the
  // one read of the user that every request makes anyway.

  /** The user and its session generation, in the single read `getUser` makes. @throws NotFound */
  getSessionUser(id: string): Promise<SessionUser>;
  /**
   * Ends every session of the user: raises its session generation by one, atomically (two calls
   * at once raise it by two; it never goes back), and returns the new generation. `upsertUsers`
   * never changes a generation. @throws NotFound
   */
  endSessions(userId: string): Promise<number>;

  /**
   * Creates a package with one draft revision and allocates its per-state number, atomically:
   * numbers of a state are unique and never reused (a deleted draft leaves a gap).
   * Records a CREATE audit event in the same write.
   * @throws AlreadyExists when the id is taken; NotFound when the state is unknown.
   */
  createDraft(input: CreateDraftInput): Promise<Package>;
  /** @throws NotFound */
  getPackage(id: string): Promise<Package>;
  /**
   * Changes the current (draft or unlocked) revision.
   * @throws NotFound, VersionConflict, InvalidTransition (submitted packages are immutable)
   */
  updateDraft(id: string, input: UpdateDraftInput): Promise<Package>;
  /**
   * Deletes a never-submitted draft (its number is not reused). Its audit trail stays.
   * @throws NotFound, VersionConflict, InvalidTransition
   */
  deleteDraft(id: string, input: DeleteDraftInput): Promise<void>;
  /** DRAFT → SUBMITTED; freezes the revision. @throws NotFound, VersionConflict, InvalidTransition */
  submit(id: string, input: TransitionInput): Promise<Package>;
  /** SUBMITTED/RESUBMITTED → UNLOCKED; adds a draft revision copied from the last submitted one. */
  unlock(id: string, input: TransitionInput & { reason: string }): Promise<Package>;
  /** UNLOCKED → RESUBMITTED; freezes the revision. */
  resubmit(id: string, input: TransitionInput & { reason: string }): Promise<Package>;

  /**
   * A state's packages, drafts included, most recently updated first (`order: 'oldest'` reverses).
   * Every page but the last holds `limit` items, filters included; the last is never empty.
   * @throws InvalidInput on a bad limit, order, programId or a cursor of another list or options.
   */
  listByState(stateCode: StateCode, query?: ListByStateQuery): Promise<Page<PackageSummary>>;
  /**
   * Every package submitted at least once, as CMS sees it (domain `cmsFacts`): type, programs,
   * program filter and revision count of the LAST SUBMITTED revision, and `updatedAt` (the order)
   * of the last submit, unlock or resubmit — a state's edits of an unlocked draft change none of
   * it. Ordered and paged as `listByState`.
   */
  listSubmitted(query?: ListSubmittedQuery): Promise<Page<PackageSummary>>;

  /** Appends an event that is not a package change (e.g. a download). @throws NotFound */
  appendAudit(event: NewAuditEvent): Promise<AuditEvent>;
  /** A package's audit trail, oldest first. Kept after a draft is deleted. */
  listAudit(packageId: string, page?: PageRequest): Promise<Page<AuditEvent>>;

  // Maintenance: copying between backends, backups and dual-write mirroring. Never used on a
  // request path; each is idempotent so an interrupted run can simply be repeated.

  /** Every package, whole, one partition at a time; `cursor` absent when the partition is done. */
  scanPackages(request: ScanRequest): Promise<Page<Package>>;
  /** Every audit event (also of deleted drafts), one partition at a time. */
  scanAudit(request: ScanRequest): Promise<Page<AuditEvent>>;
  /**
   * Both of the above in one pass, where a backend keeps a package's audit events beside it
   * (DynamoDB: one Scan reads both anyway). `limit` counts packages; the partition's audit
   * events, also those of deleted drafts, come along. Absent: scan the two separately.
   */
  scanPackagesWithAudit?(request: ScanRequest): Promise<PackagesWithAuditPage>;
  /** How many packages there are (for progress bars; may be slow on a large table). */
  countPackages(): Promise<number>;
  /** The last number handed out per state (only the given states, when listed). */
  getCounters(states?: readonly StateCode[]): Promise<Record<StateCode, number>>;
  /** Raises each state's counter to at least the given number (never lowers one). */
  raiseCounters(counters: Record<StateCode, number>): Promise<void>;
  /** Every user's session generation above 0, by user id (copies, backups and mirroring carry them). */
  getSessionGenerations(): Promise<Record<string, number>>;
  /** Raises each user's session generation to at least the given number (never lowers one); unknown users are skipped. */
  raiseSessionGenerations(generations: Record<string, number>): Promise<void>;
  /**
   * Writes packages exactly as given — ids, numbers, revisions, timestamps. A package the target
   * already holds is replaced only when the mode says so (default: when it is older; see ImportOptions).
   * @throws AlreadyExists when a package's number is held by another package of its state
   */
  importPackages(packages: readonly Package[], options?: ImportOptions): Promise<void>;
  /** Writes audit events as given; an event already there (same id) is left alone. */
  importAudit(events: readonly AuditEvent[]): Promise<void>;
  /** Removes a package and everything under it, whatever its status (mirrors a deleted draft). */
  removePackage(id: string): Promise<void>;
  /**
   * Runs `work` so that every write it makes commits together or not at all (PostgreSQL: one
   * transaction). Absent where the backend cannot (DynamoDB): callers check before writing.
   */
  importAtomically?(work: (target: AtomicImportTarget) => Promise<void>): Promise<void>;

  /** Releases clients and connections the store owns. */
  close(): Promise<void>;
}

/** The maintenance part of the contract, which each backend builds in its own module. */
export type StoreMaintenance = Pick<
  Store,
  | 'scanPackages'
  | 'scanAudit'
  | 'scanPackagesWithAudit'
  | 'countPackages'
  | 'getCounters'
  | 'raiseCounters'
  | 'importPackages'
  | 'importAudit'
  | 'removePackage'
  | 'importAtomically'
>;
