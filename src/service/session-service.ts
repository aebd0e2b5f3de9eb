/** Ending sessions on the server: a user's own ("sign out everywhere"), or any user's by an administrator. */
import { canManageUsers, forbidden, type User } from '../domain/index.js';
import type { Store } from '../store/store.js';

/** Ends every session of the user; returns its new session generation. */
export function endOwnSessions(store: Store, user: User): Promise<number> {
  return store.endSessions(user.id);
}

/** An administrator ends every session of another user (or its own); returns the new generation. @throws NOT_FOUND */
export async function endUserSessions(store: Store, admin: User, userId: string): Promise<number> {
  if (!canManageUsers(admin)) throw forbidden('only administrators end the sessions of other users');
  return store.endSessions(userId);
}
