/**
 * The datastore contract: everything Carepack keeps about states, users and packages.
 * Backend-neutral by design — no DynamoDB or SQL type appears here. Each backend lives in
 * its own folder and is chosen by `createStore` (see `create-store.ts`); the conformance
 * suite in `test/conformance/` is the executable definition of this interface.
 */
import type {
  ApiClient,
  AuditEvent,
  GraphChange,
  GraphNeeds,
  GraphRead,
  GraphResult,
  NewAuditEvent,
  NewPackagePlan,
  Package,
  PackageChange,
  PackageChangeEvent,
  PackageStatus,
  PackageSummary,
  Rate,
  RateGraph,
  RateStatus,
  RateSummary,
  ReviewStatus,
  State,
  StateCode,
  User,
  UserAuditEvent,
  UserChange,
} from '../domain/index.js';

export type { AuditAction, AuditEvent, NewAuditEvent } from '../domain/index.js';
export { AUDIT_ACTIONS } from '../domain/index.js';

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

/** What `changePackage` did: the package as read, as written (null: deleted), and the event recorded. */
export interface ChangeResult<After extends Package | null = Package | null> {
  before: Package;
  after: After;
  event: PackageChangeEvent;
}

/** `newest`: most recently updated first (the default); `oldest`: least recently updated first. */
export const LIST_ORDERS = ['newest', 'oldest'] as const;
export type ListOrder = (typeof LIST_ORDERS)[number];

/** What every package list can be narrowed and sorted by. A cursor is bound to all of it. */
export interface ListOptions extends PageRequest {
  /** Only packages whose current revision (in CMS's lists: last submitted revision) names this program (a uuid). */
  programId?: string;
  /**
   * `YYYY-MM-DD`: only packages whose list date (`updatedAt`; CMS's lists: of the last submit,
   * unlock, resubmit or review action) falls on these UTC days or between them, both included
   * (domain `updatedBounds`). Either end may be left out.
   */
  updatedFrom?: string;
  updatedTo?: string;
  /** Default `newest`. */
  order?: ListOrder;
}

export interface ListByStateQuery extends ListOptions {
  status?: PackageStatus;
  /** Only packages with this review status (never-submitted drafts have none, so never match). */
  reviewStatus?: ReviewStatus;
}

export interface ListSubmittedQuery extends ListOptions {
  stateCode?: StateCode;
  /** A status CMS can see: SUBMITTED, UNLOCKED or RESUBMITTED (DRAFT gives an empty page). */
  status?: PackageStatus;
  /** Only packages with this review status; combines with `status` and `stateCode`. */
  reviewStatus?: ReviewStatus;
}

/** What the rate lists (CMS's rate dashboard, a state's search for rates to link) narrow by. */
export interface ListRatesQuery extends PageRequest {
  stateCode?: StateCode;
  status?: RateStatus;
  /** Only rates whose last submitted revision names this program (a uuid) in `rateProgramIds`. */
  programId?: string;
  /** By `updatedAt`; default `newest`. */
  order?: ListOrder;
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
/** What `importAtomically` hands its work: writes that all commit together, or none. */
export type AtomicImportTarget = Pick<Store, 'upsertStates' | 'upsertUsers' | 'listStates' | 'listUsers'> & {
  maintenance: Pick<
    StoreMaintenance,
    | 'raiseSessionGenerations'
    | 'raiseCounters'
    | 'importPackages'
    | 'importAudit'
    | 'importUserAudit'
    | 'importApiClients'
    | 'getCounters'
    | 'importRates'
    | 'raiseRateCounters'
    | 'getRateCounters'
  >;
};

/**
 * The request-path contract: what the API and the services use. Every rule of a package's life
 * is in `src/domain`; a store reads, runs the domain's plan, and persists before → after under
 * its guards (version, number, immutability of submitted revisions).
 */
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
  /** @throws NOT_FOUND */
  getState(code: StateCode): Promise<State>;
  upsertUsers(users: readonly User[]): Promise<void>;
  listUsers(): Promise<User[]>;
  /** @throws NOT_FOUND */
  getUser(id: string): Promise<User>;
  /**
   * Reads the user, runs `plan` on it, and writes the user after with the plan's user-audit event,
   * atomically (both or neither). When the user changed between read and write (a sign-in, another
   * administrator), reads and plans again (bounded). A plan's error passes through; nothing is written.
   * @throws NOT_FOUND
   */
  changeUser(
    id: string,
    plan: (before: User) => UserChange,
  ): Promise<{ before: User; after: User; event: UserAuditEvent }>;
  /** Every user-audit event, newest first. */
  listUserAudit(page?: PageRequest): Promise<Page<UserAuditEvent>>;

  // Sessions: a per-user generation kept with the user, so checking a session cookie costs the
  // one read of the user that every request makes anyway.

  /** The user and its session generation, in the single read `getUser` makes. @throws NOT_FOUND */
  getSessionUser(id: string): Promise<SessionUser>;
  /**
   * Ends every session of the user: raises its session generation by one, atomically (two calls
   * at once raise it by two; it never goes back), and returns the new generation. `upsertUsers`
   * never changes a generation. @throws NOT_FOUND
   */
  endSessions(userId: string): Promise<number>;

  /**
   * Creates the package `plan` builds, allocating its per-state number and writing its audit
   * event, atomically: numbers of a state are unique and never reused (a deleted draft leaves a gap).
   * @throws ALREADY_EXISTS when the id is taken; NOT_FOUND when the state is unknown.
   */
  createPackage(plan: NewPackagePlan): Promise<Package>;
  /** @throws NOT_FOUND */
  getPackage(id: string): Promise<Package>;
  /**
   * Reads the package once, runs `plan` on it, and writes the result with the plan's audit event,
   * atomically, only if the package is still at the version read. When it moved on meanwhile,
   * the store reads and plans again (bounded): a plan with an expected version then refuses with
   * the domain's VERSION_CONFLICT; one without (a document upload) lands on the newer package.
   * A plan's error is passed through untouched; nothing is written. A submitted revision is
   * never rewritten, whatever the plan says.
   * @throws NOT_FOUND; VERSION_CONFLICT when the retries run out
   */
  changePackage<C extends PackageChange>(
    id: string,
    plan: (before: Package) => C,
  ): Promise<ChangeResult<C['after']>>;

  /**
   * A state's packages, drafts included, most recently updated first (`order: 'oldest'` reverses).
   * Every page but the last holds `limit` items, filters included; the last is never empty.
   * @throws VALIDATION_FAILED on a bad limit, order, programId or updated-date range; INVALID_CURSOR on a cursor of another list or options.
   */
  listByState(stateCode: StateCode, query?: ListByStateQuery): Promise<Page<PackageSummary>>;
  /**
   * Every package submitted at least once, as CMS sees it (domain `cmsFacts`): type, programs,
   * program filter and revision count of the LAST SUBMITTED revision, and `updatedAt` (the order)
   * of the last submit, unlock or resubmit — a state's edits of an unlocked draft change none of
   * it. Ordered and paged as `listByState`.
   */
  listSubmitted(query?: ListSubmittedQuery): Promise<Page<PackageSummary>>;

  // Rates (issue 13): records of their own, shared between a state's packages (domain rates.ts).

  /** @throws NOT_FOUND */
  getRate(id: string): Promise<Rate>;
  /**
   * The rates of these ids that exist, in the order asked (missing ones left out): a package's
   * rates (`everLinkedRateIds`) read together, in a bounded number of requests.
   * @throws VALIDATION_FAILED for more than MAX_GRAPH_RATES ids
   */
  getRates(ids: readonly string[]): Promise<Rate[]>;
  /**
   * Rates submitted at least once (never-submitted ones are the parent's draft business), newest
   * `updatedAt` first, paged like the package lists. CMS's rate dashboard; a state user's search
   * for rates to link passes its own `stateCode`.
   * @throws VALIDATION_FAILED on a bad limit, order, status or programId; INVALID_CURSOR
   */
  listRates(query?: ListRatesQuery): Promise<Page<RateSummary>>;
  /**
   * The one write of rates and links. Reads the packages and rates `read` names (absent ones are
   * left out of the graph), runs `plan`; when the plan asks for more (`GraphNeeds`), reads those
   * too and plans again (bounded: MAX_GRAPH_PACKAGES, MAX_GRAPH_RATES, 4 rounds). Then writes every
   * record the change holds — packages, rates (new ones numbered per state, atomically, never
   * reused), deletions, audit events — all together or none, and only if EVERY record read is
   * still at the version read; when one moved on, reads and plans again (bounded), so a plan with
   * an expected version then refuses with VERSION_CONFLICT. A submitted revision (of a package or
   * a rate) is never rewritten. A plan's error passes through; nothing is written.
   * @throws VERSION_CONFLICT when the retries run out; VALIDATION_FAILED when a read goes past the bounds
   */
  changeGraph(read: GraphRead, plan: (graph: RateGraph) => GraphChange | GraphNeeds): Promise<GraphResult>;

  // API clients (issue 14): machines acting as a CMS user. Few records, read on every bearer
  // request (the API keeps one a few seconds at most); the secret itself is never stored.

  /** @throws ALREADY_EXISTS when the id is taken */
  createApiClient(client: ApiClient): Promise<void>;
  /** @throws NOT_FOUND */
  getApiClient(id: string): Promise<ApiClient>;
  /** Every client, revoked ones included, oldest first. */
  listApiClients(): Promise<ApiClient[]>;
  /**
   * Replaces the secret's hash and raises `secretGeneration` by one, atomically (two rotations at
   * once raise it by two), setting `rotatedAt`; returns the client as written.
   * @throws NOT_FOUND; VERSION_CONFLICT when the client is revoked
   */
  rotateApiClientSecret(id: string, secretHash: string, at: string): Promise<ApiClient>;
  /** Revokes the client for good; revoking it again keeps the first `revokedAt`. @throws NOT_FOUND */
  revokeApiClient(id: string, at: string): Promise<ApiClient>;
  /** Sets `lastUsedAt` to `at` unless it is that late already (never backwards); an unknown client is ignored. */
  touchApiClient(id: string, at: string): Promise<void>;

  /** Appends an event that is not a package change (e.g. a download). @throws NOT_FOUND */
  appendAudit(event: NewAuditEvent): Promise<AuditEvent>;
  /** A package's audit trail, oldest first. Kept after a draft is deleted. */
  listAudit(packageId: string, page?: PageRequest): Promise<Page<AuditEvent>>;

  /** Releases clients and connections the store owns. */
  close(): Promise<void>;
}

/**
 * Maintenance: copying between backends, backups, restores and dual-write mirroring. Only
 * `src/ops` and the CLI hold it (through `MaintainedStore`); never used on a request path.
 * Each is idempotent, so an interrupted run can simply be repeated.
 */
export interface StoreMaintenance {
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
   * @throws ALREADY_EXISTS when a package's number is held by another package of its state
   */
  importPackages(packages: readonly Package[], options?: ImportOptions): Promise<void>;
  /** Writes audit events as given; an event already there (same id) is left alone. */
  importAudit(events: readonly AuditEvent[]): Promise<void>;
  /** Every user-audit event (copies, backups and mirroring carry them), one partition at a time. */
  scanUserAudit(request: ScanRequest): Promise<Page<UserAuditEvent>>;
  /** Writes user-audit events as given; one already there (same id) is left alone. */
  importUserAudit(events: readonly UserAuditEvent[]): Promise<void>;
  /** Every rate, whole, one partition at a time (copies, backups, verify). */
  scanRates(request: ScanRequest): Promise<Page<Rate>>;
  /**
   * Writes rates exactly as given (ids, numbers, revisions, `packageIds`), version-guarded as
   * `importPackages` by `options.mode`. Copies import rates BEFORE the packages that link them.
   * @throws ALREADY_EXISTS when a rate's number is held by another rate of its state
   */
  importRates(rates: readonly Rate[], options?: ImportOptions): Promise<void>;
  /** The last rate number handed out per state (a sequence of its own, beside packages'). */
  getRateCounters(states?: readonly StateCode[]): Promise<Record<StateCode, number>>;
  /** Raises each state's rate counter to at least the given number (never lowers one). */
  raiseRateCounters(counters: Record<StateCode, number>): Promise<void>;
  /** Removes a rate whatever its status (mirrors a deleted never-submitted rate). */
  removeRate(id: string): Promise<void>;
  /** Removes a package and everything under it, whatever its status (mirrors a deleted draft). */
  removePackage(id: string): Promise<void>;
  /**
   * Runs `work` so that every write it makes commits together or not at all (PostgreSQL: one
   * transaction). Absent where the backend cannot (DynamoDB): callers check before writing.
   */
  importAtomically?(work: (target: AtomicImportTarget) => Promise<void>): Promise<void>;
  /** Writes API clients exactly as given, replacing a client of the same id (copies, backups, mirroring). */
  importApiClients(clients: readonly ApiClient[]): Promise<void>;
}

/** A store with its maintenance part: what `createStore` opens, and what ops and the CLI receive. */
export interface MaintainedStore extends Store {
  readonly maintenance: StoreMaintenance;
}

/** The maintenance of rates and their counters: each backend's rate module. */
export type RateMaintenance = Pick<
  StoreMaintenance,
  'scanRates' | 'importRates' | 'getRateCounters' | 'raiseRateCounters' | 'removeRate'
>;

/** The maintenance of packages, counters and audit: each backend's maintenance module (sessions and user audit come with users, rates with rates). */
export type PackageMaintenance = Omit<
  StoreMaintenance,
  | 'getSessionGenerations'
  | 'raiseSessionGenerations'
  | 'scanUserAudit'
  | 'importUserAudit'
  | 'importApiClients'
  | keyof RateMaintenance
>;

/** API clients: each backend's client module. */
export type ApiClientOperations = Pick<
  Store,
  | 'createApiClient'
  | 'getApiClient'
  | 'listApiClients'
  | 'rotateApiClientSecret'
  | 'revokeApiClient'
  | 'touchApiClient'
> &
  Pick<StoreMaintenance, 'importApiClients'>;
