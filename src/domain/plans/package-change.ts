/**
 * A change plan: a pure function from a package as read (and a request) to the package after
 * plus the audit event that records it — or a DomainError. Every rule of a package's life is
 * applied here once; a store only reads the package, runs the plan, and persists before → after
 * under its version guard (see `Store.changePackage`).
 */

import { canView } from '../access.js';
import type { AuditAction } from '../audit.js';
import { DomainError, invalidTransition, versionConflict } from '../errors.js';
import {
  canTransition,
  type Package,
  type PackageAction,
  type Revision,
  withDerivedStatuses,
} from '../package.js';
import type { Question } from '../questions.js';
import type { Actor, User } from '../reference.js';
import type { ReviewAction } from '../review.js';

export interface PackageChangeEvent {
  actor: Actor;
  action: AuditAction;
  summary: string;
  at: string;
}

/** What a plan returns: the package after (null: deleted) and the event recording it. */
export interface PackageChange {
  after: Package | null;
  event: PackageChangeEvent;
}

/** A change whose package still exists afterwards. */
export interface KeptChange extends PackageChange {
  after: Package;
}

/** Refuses a user who may not know the package exists: 404, so nothing leaks across states. */
export function assertVisible(pkg: Package, user: User): void {
  if (!canView(user, pkg))
    throw new DomainError('NOT_FOUND', `package ${pkg.id} was not found`, [], { id: pkg.id });
}

/** Refuses an action the package's status does not allow, then a stale expected version. */
export function assertStatusAndVersion(pkg: Package, action: PackageAction, expectedVersion?: number): void {
  if (!canTransition(action, pkg.status)) throw invalidTransition(pkg.id, action, pkg.status);
  if (expectedVersion !== undefined && pkg.version !== expectedVersion)
    throw versionConflict(pkg.id, expectedVersion, pkg.version);
}

/** `pkg` with its current (newest) revision replaced, one version on, dated `at`. */
export function withCurrentRevision(pkg: Package, current: Revision, at: string): Package {
  return changed(pkg, { revisions: [current, ...pkg.revisions.slice(1)] }, at);
}

/** `pkg` with a new revision on top, one version on, dated `at`. */
export function withNewRevision(pkg: Package, revision: Revision, at: string): Package {
  return changed(pkg, { revisions: [revision, ...pkg.revisions] }, at);
}

/**
 * `pkg` with a review action recorded on top, one version on, dated by the action. With
 * `dropCurrentRevision` (undo unlock) the unsubmitted current revision goes too, in the same change.
 */
export function withReviewAction(pkg: Package, action: ReviewAction, dropCurrentRevision = false): Package {
  const revisions = dropCurrentRevision ? pkg.revisions.slice(1) : pkg.revisions;
  return changed(pkg, { revisions, reviewActions: [action, ...pkg.reviewActions] }, action.at);
}

/** `pkg` with its questions replaced (one asked or answered), one version on, dated `at`. */
export function withQuestions(pkg: Package, questions: Question[], at: string): Package {
  return changed(pkg, { questions }, at);
}

function changed(
  pkg: Package,
  parts: Partial<Pick<Package, 'revisions' | 'reviewActions' | 'questions'>>,
  at: string,
) {
  return withDerivedStatuses({ ...pkg, ...parts, version: pkg.version + 1, updatedAt: at });
}
