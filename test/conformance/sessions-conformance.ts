/**
 * Sessions on every store: a per-user session generation, read with the user, raised by each
 * sign-out (atomically, never backwards) and never reset by an upsert of the user.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { User } from '../../src/domain/index.js';
import type { DrivenStore } from '../support/store-commands.js';
import { freshState } from './fixtures.js';
import { expectStoreError } from './suite-helpers.js';

function cmsUser(): User {
  const id = randomUUID();
  return {
    id,
    email: `${id.slice(0, 8)}@cms.example.gov`,
    givenName: 'Sam',
    familyName: 'Session',
    role: 'CMS_USER',
  };
}

export function sessionsConformance(getStore: () => DrivenStore, nextCode: () => string) {
  describe('sessions', () => {
    it('starts every user at generation 0, read together with the user', async () => {
      const store = getStore();
      const user = cmsUser();
      await store.upsertUsers([user]);
      expect(await store.getSessionUser(user.id)).toEqual({ user, sessionGeneration: 0 });
      await expectStoreError(store.getSessionUser(randomUUID()), 'NOT_FOUND');
    });

    it('ends sessions by raising the generation by one, and reports the new one', async () => {
      const store = getStore();
      const user = cmsUser();
      await store.upsertUsers([user]);
      expect(await store.endSessions(user.id)).toBe(1);
      expect(await store.endSessions(user.id)).toBe(2);
      expect(await store.getSessionUser(user.id)).toEqual({ user, sessionGeneration: 2 });
      // The generation is the store's business: the user record stays exactly the user.
      expect(await store.getUser(user.id)).toEqual(user);
      expect((await store.listUsers()).find((u) => u.id === user.id)).toEqual(user);
    });

    it('refuses to end the sessions of an unknown user, creating nothing', async () => {
      const store = getStore();
      const id = randomUUID();
      await expectStoreError(store.endSessions(id), 'NOT_FOUND');
      await expectStoreError(store.getUser(id), 'NOT_FOUND');
    });

    it('keeps the generation when the user is upserted again, also with another role', async () => {
      const store = getStore();
      const state = await freshState(store, nextCode);
      const user: User = { ...cmsUser(), role: 'STATE_USER', stateCode: state.code };
      await store.upsertUsers([user]);
      await store.endSessions(user.id);
      await store.endSessions(user.id);
      const renamed: User = { ...user, givenName: 'Renamed' };
      await store.upsertUsers([renamed]);
      expect(await store.getSessionUser(user.id)).toEqual({ user: renamed, sessionGeneration: 2 });
      const promoted: User = {
        id: user.id,
        email: user.email,
        givenName: 'P',
        familyName: 'Q',
        role: 'CMS_USER',
      };
      await store.upsertUsers([promoted]);
      expect(await store.getSessionUser(user.id)).toEqual({ user: promoted, sessionGeneration: 2 });
    });

    it('counts every one of many sign-outs at once: none is lost', async () => {
      const store = getStore();
      const user = cmsUser();
      await store.upsertUsers([user]);
      const returned = await Promise.all(Array.from({ length: 12 }, () => store.endSessions(user.id)));
      expect([...returned].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect((await store.getSessionUser(user.id)).sessionGeneration).toBe(12);
    });

    it('lists the generations above 0 and raises them, never lowering one, skipping unknown users', async () => {
      const store = getStore();
      const [signedOut, never, raised] = [cmsUser(), cmsUser(), cmsUser()];
      await store.upsertUsers([signedOut!, never!, raised!]);
      for (let i = 0; i < 3; i++) await store.endSessions(signedOut!.id);
      const listed = await store.maintenance.getSessionGenerations();
      expect(listed[signedOut!.id]).toBe(3);
      expect(never!.id in listed).toBe(false);

      const stranger = randomUUID();
      await store.maintenance.raiseSessionGenerations({ [signedOut!.id]: 1, [raised!.id]: 5, [stranger]: 7 });
      expect((await store.getSessionUser(signedOut!.id)).sessionGeneration).toBe(3);
      expect((await store.getSessionUser(raised!.id)).sessionGeneration).toBe(5);
      await expectStoreError(store.getUser(stranger), 'NOT_FOUND');
      await store.maintenance.raiseSessionGenerations({});
      expect((await store.getSessionUser(raised!.id)).sessionGeneration).toBe(5);
    });

    it('never goes back when an older copy raises or upserts while the user signs out', async () => {
      const store = getStore();
      const user = cmsUser();
      await store.upsertUsers([user]);
      for (let i = 0; i < 7; i++) await store.endSessions(user.id);
      await Promise.all([
        ...Array.from({ length: 6 }, () => store.endSessions(user.id)),
        ...Array.from({ length: 6 }, (_, i) =>
          store.maintenance.raiseSessionGenerations({ [user.id]: i + 1 }),
        ),
        ...Array.from({ length: 3 }, () => store.upsertUsers([user])),
      ]);
      // Each raise names a number below the generation: only the six sign-outs count.
      expect((await store.getSessionUser(user.id)).sessionGeneration).toBe(13);
    });
  });
}
