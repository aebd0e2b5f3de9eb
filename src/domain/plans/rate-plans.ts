/**
 * The rules of rates shared between packages (rates.ts), as plans over a graph of records
 * (rate-graph.ts). Each plan is pure: it reads the graph, refuses with a DomainError, asks for
 * more records (`GraphNeeds`), or returns every record it changes — both sides of every link —
 * with the audit events. A store runs it under `Store.changeGraph`.
 *
 * Who: a state user of the package's state creates, edits, links, unlinks, submits and deletes;
 * CMS unlocks and withdraws (packages and rates). Another state's user gets NOT_FOUND, as for packages.
 */
import { DomainError } from '../errors.js';
import type { User } from '../reference.js';
import type { GraphChange, GraphNeeds, RateGraph } from './rate-graph.js';
import type { ReviewRequest } from './review-plans.js';
import type { UserStep } from './user-plans.js';

const todo = (what: string): never => {
  throw new DomainError('VALIDATION_FAILED', `${what} is not built yet (issue 13)`);
};

export interface PackageStep extends UserStep {
  packageId: string;
}
export interface VersionedPackageStep extends PackageStep {
  expectedVersion: number;
}

/**
 * A new child rate on a DRAFT or UNLOCKED package of the user's state: a DRAFT rate (one
 * unsubmitted revision) whose parent is the package, linked by the package's current revision
 * (`rateLinks` + `{ rateId, rateRevision: null }`); the rate's `packageIds` is [packageId].
 * `formData` is parsed with RateFormDataSchema (VALIDATION_FAILED naming `formData.*`);
 * `rateId` is chosen by the caller (a uuid; a repeat is ALREADY_EXISTS). At most
 * MAX_RATE_CERTIFICATIONS links per revision. Event CREATE_RATE on the package.
 */
export function planCreateRate(
  _graph: RateGraph,
  _step: VersionedPackageStep & { rateId: string; formData: unknown },
): GraphChange | GraphNeeds {
  return todo('creating a rate');
}

/**
 * Edits a rate's form data and/or documents: only the parent's state, only while the parent is
 * DRAFT or UNLOCKED and the rate's newest revision is unsubmitted; `expectedVersion` is the
 * rate's. Event UPDATE_RATE on the parent. The rate's documents are records the server made
 * (the service builds them), validated by RateDocumentListSchema.
 */
export function planUpdateRate(
  _graph: RateGraph,
  _step: UserStep & {
    rateId: string;
    expectedVersion: number;
    formData?: unknown;
    documents?: unknown;
  },
): GraphChange | GraphNeeds {
  return todo('editing a rate');
}

/**
 * Links a submitted rate of the SAME state to a DRAFT or UNLOCKED package: never another state's
 * (NOT_FOUND, nothing leaks), never a rate that was never submitted or is withdrawn (409
 * INVALID_TRANSITION), never twice (409), never its own child (it is linked already), at most
 * MAX_RATE_CERTIFICATIONS per revision and MAX_PACKAGES_PER_RATE per rate (VALIDATION_FAILED).
 * Both sides change: the package's current revision links it, the rate's `packageIds` gains the
 * package (rate version +1). Event LINK_RATE on the package. `expectedVersion` is the package's.
 */
export function planLinkRate(
  _graph: RateGraph,
  _step: VersionedPackageStep & { rateId: string },
): GraphChange | GraphNeeds {
  return todo('linking a rate');
}

/**
 * Removes a rate from a DRAFT or UNLOCKED package's current revision. A linked rate: the link
 * goes, never the rate (its `packageIds` loses the package unless the last submitted revision
 * still carries it). A child rate never submitted: the rate is deleted (REMOVE_RATE). A child
 * rate once submitted cannot leave its parent (409; CMS withdraws it instead).
 */
export function planUnlinkRate(
  _graph: RateGraph,
  _step: VersionedPackageStep & { rateId: string },
): GraphChange | GraphNeeds {
  return todo('unlinking a rate');
}

/**
 * Submits (DRAFT) or resubmits (UNLOCKED, with the state's reason) a package with the rules of
 * user-plans (who, validation), and freezes its rates: each child rate whose newest revision is
 * unsubmitted is submitted with it (`submitInfo`, `submittedWith` = this package revision;
 * status SUBMITTED or RESUBMITTED; `initiallySubmittedAt` once); each link of the submitted
 * revision is frozen to the rate revision it carries — a child's newest, a linked rate's LAST
 * SUBMITTED one (a linked rate its parent has unlocked is sent as last submitted). A linked
 * rate withdrawn or never submitted meanwhile refuses the submit (VALIDATION_FAILED on
 * `rateLinks.i`). `packageIds` of rates dropped since the last submission lose the package.
 */
export function planSubmitPackage(
  _graph: RateGraph,
  _step: VersionedPackageStep & { reason?: string | undefined; programs: readonly { id: string }[] },
): GraphChange | GraphNeeds {
  return todo('submitting a package with rates');
}

/**
 * CMS unlocks a package (lifecycle rules): its new draft revision links the same rates
 * (unfrozen), and each CHILD rate not withdrawn is unlocked too — a new unsubmitted revision
 * copied from its last submitted one, with the unlock's `unlockInfo` (status UNLOCKED). Linked
 * rates are untouched: packages linking a rate keep showing the revision they were submitted with.
 */
export function planUnlockPackage(
  _graph: RateGraph,
  _step: VersionedPackageStep & { reason: string | undefined },
): GraphChange | GraphNeeds {
  return todo('unlocking a package with rates');
}

/** CMS undoes an unlock: the package's draft revision goes, and so does each child rate's unlocked revision. */
export function planUndoUnlockPackage(
  _graph: RateGraph,
  _request: ReviewRequest & { packageId: string },
): GraphChange | GraphNeeds {
  return todo('undoing an unlock with rates');
}

/**
 * Deletes a never-submitted draft: its never-submitted child rates go with it, and linked rates'
 * `packageIds` lose it. The package's number and its audit trail stay (as `planDelete`).
 */
export function planDeletePackage(_graph: RateGraph, _step: VersionedPackageStep): GraphChange | GraphNeeds {
  return todo('deleting a draft with rates');
}

/**
 * CMS withdraws a rate, with a reason: a rate submitted at least once and not withdrawn. Every
 * package in its `packageIds` whose current revision is submitted gets, in the same change, a
 * new submitted revision (a copy of its current one, documents included, without the link;
 * submitInfo by the CMS user with the reason); refused (409) if any of them is APPROVED or
 * UNLOCKED; a never-submitted draft linking it simply loses the link. The rate records the
 * withdrawal with those packages' ids, status WITHDRAWN, `packageIds` emptied of them. Event
 * WITHDRAW_RATE on each package touched. `expectedVersion` is the rate's.
 */
export function planWithdrawRate(
  _graph: RateGraph,
  _request: ReviewRequest & { rateId: string },
): GraphChange | GraphNeeds {
  return todo('withdrawing a rate');
}

/**
 * CMS undoes a rate's withdrawal: each package the withdrawal took it from that still exists,
 * is submitted (not unlocked) and not APPROVED or WITHDRAWN gets a new submitted revision
 * carrying it again (frozen to its last submitted revision); refused (409) if one of them is
 * unlocked. The rate records the undo with those packages, its status is derived again.
 */
export function planUndoRateWithdrawal(
  _graph: RateGraph,
  _request: ReviewRequest & { rateId: string },
): GraphChange | GraphNeeds {
  return todo('undoing a rate withdrawal');
}

/**
 * CMS withdraws a package (review-plans' `planWithdraw` rules). Each of its child rates that
 * another, not withdrawn, package still carries is re-parented to the one of them submitted
 * first (event REPARENT_RATE on the new parent); a child rate no other package carries is
 * withdrawn with it (a rate withdrawal naming the package). Undo (`planUndoPackageWithdrawal`)
 * brings back the rates withdrawn with it; re-parenting stays.
 */
export function planWithdrawPackage(
  _graph: RateGraph,
  _request: ReviewRequest & { packageId: string },
): GraphChange | GraphNeeds {
  return todo('withdrawing a package with rates');
}

export function planUndoPackageWithdrawal(
  _graph: RateGraph,
  _request: ReviewRequest & { packageId: string },
): GraphChange | GraphNeeds {
  return todo('undoing a package withdrawal with rates');
}

/** May this user read the rate? Its state's users; CMS once it was submitted (as packages). */
export function canViewRate(
  user: User,
  rate: { stateCode: string; initiallySubmittedAt: string | null },
): boolean {
  if (user.role === 'STATE_USER') return user.stateCode === rate.stateCode;
  return rate.initiallySubmittedAt !== null;
}
