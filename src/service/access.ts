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
const DRAFT_WORK: ReadonlySet<AuditAction> = new Set(['UPDATE', 'UPLOAD', 'REMOVE_DOCUMENT']);

/**
 * Which audit events a user is shown, or undefined when all of them. While a package is
 * unlocked, CMS sees the unlock itself but not the state's work since (its edits, uploads,
 * removals, and its downloads, which name the new files) until the state resubmits.
 */
export function visibleEvents(user: User, pkg: Package): ((e: AuditEvent) => boolean) | undefined {
  if (user.role === 'STATE_USER' || pkg.status !== 'UNLOCKED') return undefined;
  const unlockedAt = currentRevision(pkg).unlockInfo?.at;
  if (!unlockedAt) return undefined;
  const stateWork = (e: AuditEvent) =>
    DRAFT_WORK.has(e.action) || (e.action === 'DOWNLOAD' && e.actor.role === 'STATE_USER');
  return (e) => !(e.at >= unlockedAt && stateWork(e));
}
