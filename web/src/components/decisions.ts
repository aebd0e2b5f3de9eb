/**
 * Which of CMS's decisions a package page offers: the domain's rules (review-plans.ts
 * `canDecide`, and unlock's in lifecycle.ts) applied to the package as shown, so a button
 * appears only where the API would accept it.
 */
import { isCmsLike } from '@carepack/domain/access.js';
import { canDecide } from '@carepack/domain/plans/review-plans.js';
import type { ReviewActionKind } from '@carepack/domain/review.js';
import type { PackageView, User } from '../api/types.js';

export type Decision = 'UNLOCK' | ReviewActionKind;

/** The decisions this user may make on the package as shown, in the order the buttons appear. */
export function availableDecisions(
  pkg: Pick<PackageView, 'status' | 'reviewStatus'>,
  user: Pick<User, 'role'>,
): Decision[] {
  if (!isCmsLike(user as User)) return [];
  // An approved or withdrawn package is not unlocked (the decision is undone first).
  const unlockable =
    (pkg.status === 'SUBMITTED' || pkg.status === 'RESUBMITTED') &&
    pkg.reviewStatus !== 'APPROVED' &&
    pkg.reviewStatus !== 'WITHDRAWN';
  const kinds: ReviewActionKind[] = [
    'APPROVE',
    'WITHDRAW',
    'UNDO_APPROVAL',
    'UNDO_WITHDRAWAL',
    'UNDO_UNLOCK',
  ];
  const decisions: Decision[] = kinds.filter((kind) => canDecide(pkg as PackageView, kind));
  if (unlockable) decisions.splice(decisions.indexOf('APPROVE') + 1, 0, 'UNLOCK');
  return decisions;
}
