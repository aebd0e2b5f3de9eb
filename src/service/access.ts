/** Reading a package on behalf of a user: what they may see of it. */
import {
  type AuditAction,
  type AuditEvent,
  canView,
  currentRevision,
  hasErrorCode,
  notFound,
  type Package,
  type User,
} from '../domain/index.js';
import type { Store } from '../store/store.js';

/** The package if the user may know it exists; otherwise 404, so nothing leaks across states. */
export async function visiblePackage(store: Store, user: User, id: string): Promise<Package> {
  try {
    const pkg = await store.getPackage(id);
    if (canView(user, pkg)) return pkg;
  } catch (e) {
    if (!hasErrorCode(e, 'NOT_FOUND')) throw e;
  }
  throw notFound('package', id);
}

/** The revisions a user is shown: CMS sees what was submitted, never a state's work in progress. */
export function visibleRevisions(user: User, pkg: Package) {
  return user.role === 'STATE_USER' ? pkg.revisions : pkg.revisions.filter((r) => r.submitInfo !== null);
}

/** The audit actions of a state's work on a draft. */
const DRAFT_WORK: ReadonlySet<AuditAction> = new Set([
  'UPDATE',
  'UPLOAD',
  'REMOVE_DOCUMENT',
  // The state's work on the draft's rates: its child rates and the rates it links.
  'CREATE_RATE',
  'UPDATE_RATE',
  'REMOVE_RATE',
  'LINK_RATE',
  'UNLINK_RATE',
]);

/**
 * Which audit events a user is shown, or undefined when all of them. CMS never sees the state's
 * work on a draft it did not receive (its edits, uploads, removals, and its downloads, which name
 * the new files): while a package is unlocked, what the state did since the unlock, until it
 * resubmits; and for an unlock CMS undid, what the state did on the discarded draft. That draft's
 * unlock is no longer on the package, but it came after everything CMS did or received before the
 * undo (nothing else happens to an unlocked package), so its window opens at the latest of those.
 */
export function visibleEvents(user: User, pkg: Package): ((e: AuditEvent) => boolean) | undefined {
  if (user.role === 'STATE_USER') return undefined;
  /** Windows [from, to] in which the state's work is hidden from CMS. */
  const hidden: [string, string][] = [];
  const unlockedAt = pkg.status === 'UNLOCKED' ? currentRevision(pkg).unlockInfo?.at : undefined;
  if (unlockedAt) hidden.push([unlockedAt, '\uffff']);
  const milestones = [
    ...pkg.revisions.flatMap((r) => [r.submitInfo?.at, r.unlockInfo?.at]),
    ...pkg.reviewActions.map((a) => a.at),
  ].filter((at): at is string => at !== undefined);
  for (const undo of pkg.reviewActions) {
    if (undo.action !== 'UNDO_UNLOCK') continue;
    const from =
      milestones
        .filter((at) => at < undo.at)
        .sort()
        .at(-1) ?? '';
    hidden.push([from, undo.at]);
  }
  if (hidden.length === 0) return undefined;
  const stateWork = (e: AuditEvent) =>
    DRAFT_WORK.has(e.action) || (e.action === 'DOWNLOAD' && e.actor.role === 'STATE_USER');
  return (e) => !(stateWork(e) && hidden.some(([from, to]) => e.at >= from && e.at <= to));
}
