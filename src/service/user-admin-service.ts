/**
 * Administrators' changes to users, each written with its user-audit event (Store.changeUser),
 * and what they read to make them: a CMS user's division (issue 12), the states a CMS user is
 * assigned to, the users found by name, role or state, the analysts of every state (issue 14),
 * and the user-audit trail.
 */
import {
  type CmsDivision,
  canManageUsers,
  forbidden,
  planSetDivision,
  planSetStateAssignments,
  type Role,
  type StateCode,
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

/** Replaces the states a CMS user is assigned to (empty: none); the user after. @throws NOT_FOUND */
export async function setStateAssignments(
  store: Store,
  admin: User,
  userId: string,
  stateCodes: readonly string[],
  clock: Clock = systemClock,
): Promise<User> {
  assertAdmin(admin, 'assign CMS users to states');
  const knownStates = (await store.listStates()).map((s) => s.code);
  const { after } = await store.changeUser(userId, (before) =>
    planSetStateAssignments(before, { admin, at: isoNow(clock), stateCodes, knownStates }),
  );
  return after;
}

export interface UserSearch {
  /** Part of the name or email, any case. */
  q?: string;
  role?: Role;
  /** State users of the state and CMS users assigned to it. */
  stateCode?: StateCode;
  /** At most this many users (default 100); `total` counts every match. */
  limit?: number;
}

/** Users matching the search, by email; few enough (staff, not the public) to filter in memory. */
export async function findUsers(
  store: Store,
  admin: User,
  search: UserSearch,
): Promise<{ items: User[]; total: number }> {
  assertAdmin(admin, 'list users');
  const q = search.q?.trim().toLowerCase() ?? '';
  const matches = (await store.listUsers())
    .filter((u) => !search.role || u.role === search.role)
    .filter((u) => !search.stateCode || statesOf(u).includes(search.stateCode))
    .filter((u) => q === '' || `${u.givenName} ${u.familyName} ${u.email}`.toLowerCase().includes(q))
    .sort((a, b) => a.email.localeCompare(b.email));
  return { items: matches.slice(0, search.limit ?? 100), total: matches.length };
}

export interface StateAssignments {
  code: StateCode;
  name: string;
  /** CMS users assigned to the state, by email. */
  analysts: User[];
}

/** Every state with the CMS users assigned to it (an empty list: nobody hears of it but the review list). */
export async function assignmentsByState(store: Store, admin: User): Promise<StateAssignments[]> {
  assertAdmin(admin, 'read state assignments');
  const [states, users] = await Promise.all([store.listStates(), store.listUsers()]);
  const analysts = users.filter((u) => u.role === 'CMS_USER').sort((a, b) => a.email.localeCompare(b.email));
  return states
    .map((s) => ({
      code: s.code,
      name: s.name,
      analysts: analysts.filter((u) => u.stateAssignments?.includes(s.code)),
    }))
    .sort((a, b) => a.code.localeCompare(b.code));
}

/** The emails of the CMS users assigned to a state: they hear of its packages too. */
export async function stateAnalystEmails(store: Store, stateCode: StateCode): Promise<string[]> {
  return (await store.listUsers()).flatMap((u) =>
    u.role === 'CMS_USER' && u.stateAssignments?.includes(stateCode) ? [u.email] : [],
  );
}

/** Every user-audit event, newest first, a page at a time. */
export function userAudit(store: Store, admin: User, page: PageRequest): Promise<Page<UserAuditEvent>> {
  assertAdmin(admin, 'read the user audit trail');
  return store.listUserAudit(page);
}

function statesOf(user: User): readonly string[] {
  if (user.role === 'STATE_USER') return [user.stateCode];
  if (user.role === 'CMS_USER') return user.stateAssignments ?? [];
  return [];
}

function assertAdmin(user: User, what: string) {
  if (!canManageUsers(user)) throw forbidden(`only administrators ${what}`);
}

/**
 * `stateAnalystEmails` for an email about to go: when the users cannot be read, the email goes
 * to its other recipients (logged), rather than to nobody.
 */
export async function stateAnalysts(
  store: Store,
  stateCode: StateCode,
  log?: { error(details: object, message: string): void },
): Promise<string[]> {
  try {
    return await stateAnalystEmails(store, stateCode);
  } catch (e) {
    log?.error({ err: e, stateCode }, 'could not read the state’s analysts; the email goes without them');
    return [];
  }
}
