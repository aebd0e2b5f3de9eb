import type { PackageStatus } from './package.js';
import type { StateCode, User } from './reference.js';

/** The head fields an access decision needs. */
export interface PackageAccessFacts {
  stateCode: StateCode;
  status: PackageStatus;
  initiallySubmittedAt: string | null;
}

export const isCmsLike = (user: User) => user.role === 'CMS_USER' || user.role === 'ADMIN_USER';

/**
 * May this user know the package exists? A state user sees all of its own state's packages;
 * CMS sees every package that has been submitted at least once, never a never-submitted draft.
 * Callers answer 404 (not 403) when this is false, so nothing leaks across states.
 */
export function canView(user: User, pkg: PackageAccessFacts): boolean {
  if (user.role === 'STATE_USER') return user.stateCode === pkg.stateCode;
  return pkg.initiallySubmittedAt !== null;
}

/** Drafting, editing, submitting and deleting belong to the package's own state. */
export function canAuthor(user: User, stateCode: StateCode): boolean {
  return user.role === 'STATE_USER' && user.stateCode === stateCode;
}

/** Unlocking belongs to CMS. */
export function canUnlock(user: User): boolean {
  return isCmsLike(user);
}

/** Acting on other users (such as ending their sessions) belongs to administrators. */
export function canManageUsers(user: User): boolean {
  return user.role === 'ADMIN_USER';
}
