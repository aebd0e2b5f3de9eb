import { z } from 'zod';
import { type FormData, IsoDateSchema } from './form-data.js';
import type { PackageStatus } from './package.js';
import { ActorSchema } from './reference.js';
import { storableString } from './text.js';

/**
 * CMS's review of a package, beside its submission status (package.ts). The review status is
 * derived — from the last submitted revision and the review actions — never set by hand:
 *
 *   submit → UNDER_REVIEW, or NOT_SUBJECT_TO_REVIEW when the rules say so (a CHIP-only package)
 *   UNDER_REVIEW ─approve→ APPROVED ─undo approval→ (re-determined)
 *   UNDER_REVIEW | NOT_SUBJECT_TO_REVIEW ─withdraw→ WITHDRAWN ─undo withdrawal→ (re-determined)
 *
 * Undo unlock is recorded with the review actions (it is CMS's decision, with a reason) but does
 * not move the review status: it drops the unlocked draft revision (plans/review-plans.ts).
 */
export const REVIEW_STATUSES = ['UNDER_REVIEW', 'NOT_SUBJECT_TO_REVIEW', 'APPROVED', 'WITHDRAWN'] as const;
export const ReviewStatusSchema = z.enum(REVIEW_STATUSES);
export type ReviewStatus = z.infer<typeof ReviewStatusSchema>;

export const REVIEW_ACTIONS = [
  'APPROVE',
  'UNDO_APPROVAL',
  'WITHDRAW',
  'UNDO_WITHDRAWAL',
  'UNDO_UNLOCK',
] as const;
export const ReviewActionKindSchema = z.enum(REVIEW_ACTIONS);
export type ReviewActionKind = z.infer<typeof ReviewActionKindSchema>;

/** One decision CMS recorded: who, when, why; an approval also says when it was released to the state. */
export const ReviewActionSchema = z.object({
  id: z.uuid(),
  action: ReviewActionKindSchema,
  at: z.iso.datetime(),
  by: ActorSchema,
  /** Empty only on an approval by a CMS reviewer (an admin must give one); required otherwise. */
  reason: storableString().max(5000),
  /** APPROVE only: the date the approval was released to the state (not in the future). */
  releasedOn: IsoDateSchema.optional(),
});
export type ReviewAction = z.infer<typeof ReviewActionSchema>;

/** What users see: the submission status, unless a review decision outranks it. */
export const DISPLAY_STATUSES = [
  'DRAFT',
  'SUBMITTED',
  'UNLOCKED',
  'RESUBMITTED',
  'APPROVED',
  'WITHDRAWN',
] as const;
export type DisplayStatus = (typeof DISPLAY_STATUSES)[number];

/** Is a submission with this form reviewed by CMS? A CHIP-only package is not. */
export function isSubjectToReview(formData: Pick<FormData, 'populationCovered'>): boolean {
  return formData.populationCovered !== 'CHIP';
}

/** The status a review returns to when a decision is undone (or none was made). */
export function undecidedReviewStatus(lastSubmitted: Pick<FormData, 'populationCovered'>): ReviewStatus {
  return isSubjectToReview(lastSubmitted) ? 'UNDER_REVIEW' : 'NOT_SUBJECT_TO_REVIEW';
}

/** The newest approve/withdraw decision or its undoing; undo unlock is no decision. */
export function latestDecision(actions: readonly ReviewAction[]): ReviewAction | undefined {
  return actions.find((a) => a.action !== 'UNDO_UNLOCK');
}

interface ReviewFacts {
  revisions: readonly { submitInfo: unknown; formData: Pick<FormData, 'populationCovered'> }[];
  /** Newest first. */
  reviewActions: readonly ReviewAction[];
}

/**
 * The review status of a package: null until first submitted; else the newest decision, or
 * (none, or undone) the status the last submitted revision's form calls for. A package written
 * before reviews existed has no actions, so it reads as under review.
 */
export function deriveReviewStatus(pkg: ReviewFacts): ReviewStatus | null {
  const submitted = pkg.revisions.find((r) => r.submitInfo !== null);
  if (!submitted) return null;
  const decision = latestDecision(pkg.reviewActions);
  if (decision?.action === 'APPROVE') return 'APPROVED';
  if (decision?.action === 'WITHDRAW') return 'WITHDRAWN';
  return undecidedReviewStatus(submitted.formData);
}

/** An approved package shows Approved, a withdrawn one Withdrawn; otherwise its submission status. */
export function displayStatus(status: PackageStatus, reviewStatus: ReviewStatus | null): DisplayStatus {
  if (status === 'DRAFT' || status === 'UNLOCKED') return status;
  if (reviewStatus === 'APPROVED' || reviewStatus === 'WITHDRAWN') return reviewStatus;
  return status;
}

/** The approval in force, when the package is approved: its release date and who approved it. */
export function currentApproval(pkg: Pick<ReviewFacts, 'reviewActions'>): ReviewAction | undefined {
  const decision = latestDecision(pkg.reviewActions);
  return decision?.action === 'APPROVE' ? decision : undefined;
}

/** The withdrawal in force, when the package is withdrawn. */
export function currentWithdrawal(pkg: Pick<ReviewFacts, 'reviewActions'>): ReviewAction | undefined {
  const decision = latestDecision(pkg.reviewActions);
  return decision?.action === 'WITHDRAW' ? decision : undefined;
}
