/**
 * Every request with a session cookie reads its user and session generation; on a busy list
 * page that read is as costly as the page itself. This keeps each answer for a short while
 * (`ttlMs`, default 1 s) per API instance. Whatever this instance changes — a sign-out, ended
 * sessions, an upserted user, an administrator's change (a division) — drops the entry at once,
 * so on one instance a sign-out is final immediately; another instance sees it within `ttlMs`.
 * `ttlMs: 0` reads the store every time. API clients checked on each bearer request (issue 14)
 * are kept the same way: a rotation or revocation on this instance drops the entry at once.
 */
import type { ApiClient } from '../domain/index.js';
import type { SessionUser, Store } from '../store/store.js';

export const DEFAULT_SESSION_CACHE_MS = 1000;
const MAX_ENTRIES = 10_000;

export function withSessionCache(store: Store, ttlMs = DEFAULT_SESSION_CACHE_MS): Store {
  if (ttlMs <= 0) return store;
  const entries = new Map<string, { at: number; value: Promise<SessionUser> }>();
  const clients = new Map<string, { at: number; value: Promise<ApiClient> }>();
  const forget = (userIds: Iterable<string>) => {
    for (const id of userIds) entries.delete(id);
  };
  function cached<T>(
    map: Map<string, { at: number; value: Promise<T> }>,
    id: string,
    read: () => Promise<T>,
  ) {
    const now = Date.now();
    const hit = map.get(id);
    if (hit && now - hit.at < ttlMs) return hit.value;
    if (map.size >= MAX_ENTRIES) map.clear();
    const value = read();
    map.set(id, { at: now, value });
    // A failed read (unknown user, store down) is not kept.
    value.catch(() => map.delete(id));
    return value;
  }
  async function thenForgetClient<T>(id: string, write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      clients.delete(id);
    }
  }
  const overrides: Partial<Store> = {
    getSessionUser: (userId) => cached(entries, userId, () => store.getSessionUser(userId)),
    getApiClient: (id) => cached(clients, id, () => store.getApiClient(id)),
    rotateApiClientSecret: (id, hash, at) => thenForgetClient(id, store.rotateApiClientSecret(id, hash, at)),
    revokeApiClient: (id, at) => thenForgetClient(id, store.revokeApiClient(id, at)),
    async endSessions(userId) {
      try {
        return await store.endSessions(userId);
      } finally {
        forget([userId]);
      }
    },
    async changeUser(userId, plan) {
      try {
        return await store.changeUser(userId, plan);
      } finally {
        forget([userId]);
      }
    },
    async upsertUsers(users) {
      try {
        return await store.upsertUsers(users);
      } finally {
        forget(users.map((u) => u.id));
      }
    },
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in overrides) return overrides[prop as keyof Store];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
