import { Tag } from '@trussworks/react-uswds';
import type { PackageView } from '../api/types.js';

const LABELS: Record<PackageView['status'], string> = {
  DRAFT: 'Draft',
  SUBMITTED: 'Submitted',
  UNLOCKED: 'Unlocked',
  RESUBMITTED: 'Resubmitted',
};
/** Darker tag colours than USWDS's default keep the text at AA contrast. */
const CLASSES: Record<PackageView['status'], string> = {
  DRAFT: 'bg-base-dark',
  SUBMITTED: 'bg-green-cool-70v',
  UNLOCKED: 'bg-orange-60v',
  RESUBMITTED: 'bg-blue-70v',
};

export function StatusTag({ status }: { status: PackageView['status'] }) {
  return <Tag className={CLASSES[status]}>{LABELS[status]}</Tag>;
}

export const statusLabel = (s: PackageView['status']) => LABELS[s];
