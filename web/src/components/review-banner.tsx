import { currentApproval, currentWithdrawal } from '@carepack/domain/review.js';
import type { PackageView } from '../api/types.js';
import { formatDate, formatDateTime } from './format.js';
import { Notice } from './notice.js';

/**
 * CMS's decision in force, for both sides: an approved package says when the approval was
 * released to the state, a withdrawn one why it was withdrawn. Nothing while under review.
 */
export function ReviewBanner({ pkg }: { pkg: PackageView }) {
  const approval = pkg.reviewStatus === 'APPROVED' ? currentApproval(pkg) : undefined;
  const withdrawal = pkg.reviewStatus === 'WITHDRAWN' ? currentWithdrawal(pkg) : undefined;
  if (approval) {
    return (
      <Notice type="success" level="h2" heading="Approved by CMS" data-testid="approved-banner">
        {`${pkg.name} was approved; the approval was released to the state on ${
          approval.releasedOn ? formatDate(approval.releasedOn) : 'an unrecorded date'
        }.`}
        <span className="display-block font-body-3xs margin-top-05">
          Recorded by {approval.by.email} on {formatDateTime(approval.at)}
          {approval.reason && `. Note: ${approval.reason}`}
        </span>
      </Notice>
    );
  }
  if (withdrawal) {
    return (
      <Notice type="warning" level="h2" heading="Withdrawn by CMS" data-testid="withdrawn-banner">
        Reason: {withdrawal.reason}
        <span className="display-block font-body-3xs margin-top-05">
          Withdrawn by {withdrawal.by.email} on {formatDateTime(withdrawal.at)}
        </span>
      </Notice>
    );
  }
  return null;
}
