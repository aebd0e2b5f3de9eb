/**
 * CMS's review decisions as change plans (see review.ts for the statuses they move between).
 * Each is pure: the package as read and the request in, the package after and its audit event
 * out — or a DomainError. Every one names the version it read, so a decision made on a package
 * that changed meanwhile (an unlock, another decision) is refused, never silently applied.
 *
 *   approve         SUBMITTED/RESUBMITTED and UNDER_REVIEW → APPROVED (release date ≤ today)
 *   undo approval   APPROVED → UNDER_REVIEW (or NOT_SUBJECT_TO_REVIEW, as the form says)
 *   withdraw        SUBMITTED/RESUBMITTED, UNDER_REVIEW or NOT_SUBJECT_TO_REVIEW → WITHDRAWN
 *   undo withdrawal WITHDRAWN → re-determined from the last submitted revision
 *   undo unlock     UNLOCKED → the last submitted revision is current again; the draft is dropped
 *
 * Only CMS decides (CMS reviewers and admins). Every decision needs a reason, except an approval
 * by a CMS reviewer; an admin approving on someone's behalf must say why.
 */
import { isCmsLike } from '../access.js';
import { AUDIT_SUMMARIES, type AuditAction } from '../audit.js';
import { forbidden, invalidField, invalidTransition, versionConflict } from '../errors.js';
import { IsoDateSchema } from '../form-data.js';
import type { Package } from '../package.js';
import { optionalReason, requireReason } from '../reasons.js';
import { actorOf, type User } from '../reference.js';
import { displayStatus, type ReviewAction, type ReviewActionKind, type ReviewStatus } from '../review.js';
import { assertStorableText } from '../text.js';
import { assertVisible, type KeptChange, withReviewAction } from './package-change.js';

export interface ReviewRequest {
  user: User;
  /** The server's clock. */
  at: string;
  expectedVersion: number;
  reason?: string | undefined;
  newId?: () => string;
}

export interface ApproveRequest extends ReviewRequest {
  /** `YYYY-MM-DD`: when the approval was released to the state; not after today (the date of `at`). */
  releasedOn: string | undefined;
}

/** Which submission and review statuses each decision starts from. */
const DECISION_FROM: Record<
  ReviewActionKind,
  { status: readonly Package['status'][]; review: readonly (ReviewStatus | null)[] }
> = {
  APPROVE: { status: ['SUBMITTED', 'RESUBMITTED'], review: ['UNDER_REVIEW'] },
  UNDO_APPROVAL: { status: ['SUBMITTED', 'RESUBMITTED'], review: ['APPROVED'] },
  WITHDRAW: { status: ['SUBMITTED', 'RESUBMITTED'], review: ['UNDER_REVIEW', 'NOT_SUBJECT_TO_REVIEW'] },
  UNDO_WITHDRAWAL: { status: ['SUBMITTED', 'RESUBMITTED'], review: ['WITHDRAWN'] },
  UNDO_UNLOCK: { status: ['UNLOCKED'], review: ['UNDER_REVIEW', 'NOT_SUBJECT_TO_REVIEW'] },
};

const VERB: Record<ReviewActionKind, string> = {
  APPROVE: 'approve',
  UNDO_APPROVAL: 'undo the approval of',
  WITHDRAW: 'withdraw',
  UNDO_WITHDRAWAL: 'undo the withdrawal of',
  UNDO_UNLOCK: 'undo the unlock of',
};

/** May this decision be made on the package as read? Who, then status, then version. */
export function canDecide(pkg: Package, kind: ReviewActionKind): boolean {
  const from = DECISION_FROM[kind];
  return from.status.includes(pkg.status) && from.review.includes(pkg.reviewStatus);
}

function assertMayDecide(pkg: Package, kind: ReviewActionKind, request: ReviewRequest): void {
  assertVisible(pkg, request.user);
  if (!isCmsLike(request.user)) throw forbidden(`only CMS users ${VERB[kind]} packages`);
  if (!canDecide(pkg, kind))
    throw invalidTransition(pkg.id, VERB[kind], displayStatus(pkg.status, pkg.reviewStatus));
  if (pkg.version !== request.expectedVersion)
    throw versionConflict(pkg.id, request.expectedVersion, pkg.version);
}

function decide(
  pkg: Package,
  kind: ReviewActionKind,
  request: ReviewRequest,
  reason: string,
  summary: string,
  extra: Partial<ReviewAction> = {},
): KeptChange {
  const action: ReviewAction = {
    id: (request.newId ?? (() => globalThis.crypto.randomUUID()))(),
    action: kind,
    at: request.at,
    by: actorOf(request.user),
    reason,
    ...extra,
  };
  const after = withReviewAction(pkg, action, kind === 'UNDO_UNLOCK');
  return {
    after,
    event: { actor: action.by, action: kind satisfies AuditAction, summary, at: request.at },
  };
}

/** Approves a package under review, with the date the approval was released to the state. */
export function planApprove(pkg: Package, request: ApproveRequest): KeptChange {
  assertStorableText(request);
  assertMayDecide(pkg, 'APPROVE', request);
  const releasedOn = checkReleaseDate(request.releasedOn, request.at);
  const reason =
    request.user.role === 'ADMIN_USER'
      ? requireReason(request.reason, 'approve as an administrator')
      : optionalReason(request.reason);
  return decide(pkg, 'APPROVE', request, reason, AUDIT_SUMMARIES.approve(releasedOn, reason), {
    releasedOn,
  });
}

export function planUndoApproval(pkg: Package, request: ReviewRequest): KeptChange {
  return decideWithReason(pkg, 'UNDO_APPROVAL', request, AUDIT_SUMMARIES.undoApproval);
}

export function planWithdraw(pkg: Package, request: ReviewRequest): KeptChange {
  return decideWithReason(pkg, 'WITHDRAW', request, AUDIT_SUMMARIES.withdraw);
}

export function planUndoWithdrawal(pkg: Package, request: ReviewRequest): KeptChange {
  return decideWithReason(pkg, 'UNDO_WITHDRAWAL', request, AUDIT_SUMMARIES.undoWithdrawal);
}

/**
 * Returns an unlocked package to its last submitted revision: the state's unsubmitted edits
 * (the draft revision the unlock opened) are discarded. Files only that draft held are the
 * caller's to delete once this is written (see `discardedFileKeys`).
 */
export function planUndoUnlock(pkg: Package, request: ReviewRequest): KeptChange {
  return decideWithReason(pkg, 'UNDO_UNLOCK', request, AUDIT_SUMMARIES.undoUnlock);
}

function decideWithReason(
  pkg: Package,
  kind: Exclude<ReviewActionKind, 'APPROVE'>,
  request: ReviewRequest,
  summary: (reason: string) => string,
): KeptChange {
  assertStorableText(request);
  const reason = requireReason(request.reason, VERB[kind]);
  assertMayDecide(pkg, kind, request);
  return decide(pkg, kind, request, reason, summary(reason));
}

function checkReleaseDate(releasedOn: string | undefined, at: string): string {
  if (releasedOn === undefined || releasedOn.trim() === '')
    throw invalidField('releasedOn', 'give the date the approval was released to the state');
  const parsed = IsoDateSchema.safeParse(releasedOn);
  if (!parsed.success) throw invalidField('releasedOn', parsed.error.issues[0]!.message);
  if (parsed.data > at.slice(0, 10)) throw invalidField('releasedOn', 'cannot be in the future');
  return parsed.data;
}

/** Storage keys of files the change dropped that no revision after it still names: safe to delete. */
export function discardedFileKeys(before: Package, after: Package | null): string[] {
  const kept = new Set(after?.revisions.flatMap((r) => r.documents.map((d) => d.key)) ?? []);
  const dropped = before.revisions.flatMap((r) => r.documents.map((d) => d.key)).filter((k) => !kept.has(k));
  return [...new Set(dropped)];
}
