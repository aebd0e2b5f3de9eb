/**
 * Administrators' changes to users, each written with its user-audit event (Store.changeUser),
 * and the user-audit trail they read. Today: a CMS user's division (issue 12).
 */
import {
  type CmsDivision,
  canManageUsers,
  forbidden,
  planSetDivision,
  type User,
  type UserAuditEvent,
} from '../domain/index.js';
import { type Clock, isoNow, systemClock } from '../lib/clock.js';
import type { Page, PageRequest, Store } from '../store/store.js';

/** Sets (or with null clears) a CMS user's division; the user after. @throws NOT_FOUND */
export async function setDivision(
  store: Store,
  admin: User,
  userId: string,
  division: CmsDivision | null,
  clock: Clock = systemClock,
): Promise<User> {
  // Before the read, so a non-administrator learns nothing about which users exist.
  assertAdmin(admin, 'set a CMS user’s division');
  const { after } = await store.changeUser(userId, (before) =>
    planSetDivision(before, { admin, at: isoNow(clock), division }),
  );
  return after;
}

/** Every user-audit event, newest first, a page at a time. */
export function userAudit(store: Store, admin: User, page: PageRequest): Promise<Page<UserAuditEvent>> {
  assertAdmin(admin, 'read the user audit trail');
  return store.listUserAudit(page);
}

function assertAdmin(user: User, what: string) {
  if (!canManageUsers(user)) throw forbidden(`only administrators ${what}`);
}
