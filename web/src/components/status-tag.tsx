import { type DisplayStatus, displayStatus, type ReviewStatus } from '@carepack/domain/review.js';
import { Tag } from '@trussworks/react-uswds';
import type { PackageDocument, PackageView } from '../api/types.js';
import { SCAN_STATUS } from '../form/labels.js';

const LABELS: Record<DisplayStatus, string> = {
  DRAFT: 'Draft',
  SUBMITTED: 'Submitted',
  UNLOCKED: 'Unlocked',
  RESUBMITTED: 'Resubmitted',
  APPROVED: 'Approved',
  WITHDRAWN: 'Withdrawn',
};
/** Theme colours dark enough for white text at AA contrast (axe checks it on every page). */
const CLASSES: Record<DisplayStatus, string> = {
  DRAFT: 'bg-base-dark',
  SUBMITTED: 'bg-success-darker',
  UNLOCKED: 'bg-accent-warm-darker',
  RESUBMITTED: 'bg-primary-dark',
  APPROVED: 'bg-accent-cool-darker',
  WITHDRAWN: 'bg-secondary-darker',
};

/** The status users see: the submission status, or CMS's decision (Approved, Withdrawn) when one outranks it. */
export function StatusTag({ status }: { status: DisplayStatus }) {
  return (
    <Tag className={CLASSES[status]} data-testid="status-tag">
      {LABELS[status]}
    </Tag>
  );
}

/** The combined status of a package or a list row (domain: review.ts `displayStatus`). */
export const shownStatus = (pkg: Pick<PackageView, 'status' | 'reviewStatus'>): DisplayStatus =>
  displayStatus(pkg.status, pkg.reviewStatus);

export const statusLabel = (s: DisplayStatus) => LABELS[s];

const REVIEW_LABELS: Record<ReviewStatus, string> = {
  UNDER_REVIEW: 'Under review',
  NOT_SUBJECT_TO_REVIEW: 'Not subject to review',
  APPROVED: 'Approved',
  WITHDRAWN: 'Withdrawn',
};

/** CMS's review status in words; a never-submitted draft has none. */
export const reviewStatusLabel = (s: ReviewStatus | null) => (s ? REVIEW_LABELS[s] : 'Not submitted');

export function ScanTag({ status }: { status: PackageDocument['scanStatus'] }) {
  const bad = status === 'INFECTED' || status === 'ERROR';
  return (
    <Tag className={bad ? 'bg-secondary-dark' : status === 'CLEAN' ? 'bg-success-darker' : 'bg-base-dark'}>
      {SCAN_STATUS[status]}
    </Tag>
  );
}
