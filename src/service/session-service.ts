/** Ending sessions on the server: a user's own ("sign out everywhere"), or any user's by an administrator. */
import { canManageUsers, type User } from '../domain/index.js';
import { isStoreError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { forbidden, ServiceError } from './service-error.js';

/** Ends every session of the user; returns its new session generation. */
export function endOwnSessions(store: Store, user: User): Promise<number> {
  return store.endSessions(user.id);
}

/** An administrator ends every session of another user (or its own); returns the new generation. */
export async function endUserSessions(store: Store, admin: User, userId: string): Promise<number> {
  if (!canManageUsers(admin)) throw forbidden('only administrators end the sessions of other users');
  try {
    return await store.endSessions(userId);
  } catch (e) {
    if (isStoreError(e, 'NotFound')) throw new ServiceError('NOT_FOUND', `user ${userId} was not found`);
    throw e;
  }
}
