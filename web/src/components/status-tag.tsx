import { Tag } from '@trussworks/react-uswds';
import type { PackageDocument, PackageView } from '../api/types.js';
import { SCAN_STATUS } from '../form/labels.js';

const LABELS: Record<PackageView['status'], string> = {
  DRAFT: 'Draft',
  SUBMITTED: 'Submitted',
  UNLOCKED: 'Unlocked',
  RESUBMITTED: 'Resubmitted',
};
/** Theme colours dark enough for white text at AA contrast (axe checks it on every page). */
const CLASSES: Record<PackageView['status'], string> = {
  DRAFT: 'bg-base-dark',
  SUBMITTED: 'bg-success-darker',
  UNLOCKED: 'bg-accent-warm-darker',
  RESUBMITTED: 'bg-primary-dark',
};

export function StatusTag({ status }: { status: PackageView['status'] }) {
  return <Tag className={CLASSES[status]}>{LABELS[status]}</Tag>;
}

export const statusLabel = (s: PackageView['status']) => LABELS[s];

export function ScanTag({ status }: { status: PackageDocument['scanStatus'] }) {
  const bad = status === 'INFECTED' || status === 'ERROR';
  return (
    <Tag className={bad ? 'bg-secondary-dark' : status === 'CLEAN' ? 'bg-success-darker' : 'bg-base-dark'}>
      {SCAN_STATUS[status]}
    </Tag>
  );
}
