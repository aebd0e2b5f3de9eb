/**
 * Reference data on every store: states with their programs, and users of every role.
 * Called from `runStoreConformance`, so every backend is held to it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { User } from '../../src/domain/index.js';
import type { DrivenStore } from '../support/store-commands.js';
import { freshState, makeState } from './fixtures.js';
import { expectStoreError, suiteStore } from './suite-helpers.js';

export function runReferenceConformance(getStore: () => DrivenStore, nextCode: () => string) {
  const store = suiteStore(getStore);

  describe('reference data', () => {
    it('upserts and reads states with their programs', async () => {
      const a = makeState(nextCode());
      const b = makeState(nextCode(), ['Dental']);
      await store.upsertStates([a, b]);
      expect(await store.getState(a.code)).toEqual(a);
      const listed = await store.listStates();
      expect(listed).toEqual(expect.arrayContaining([a, b]));
      const renamed = { ...a, name: 'Renamed', programs: [...a.programs, makeState('ZZ').programs[0]!] };
      await store.upsertStates([renamed]);
      expect(await store.getState(a.code)).toEqual(renamed);
      expect((await store.listStates()).filter((s) => s.code === a.code)).toHaveLength(1);
    });

    it('seeds many states in one call', async () => {
      const many = Array.from({ length: 60 }, () => makeState(nextCode(), ['A', 'B', 'C']));
      await store.upsertStates(many);
      const codes = new Set((await store.listStates()).map((s) => s.code));
      for (const s of many) expect(codes.has(s.code)).toBe(true);
    });

    it('reports an unknown state as NotFound', async () => {
      await expectStoreError(store.getState('Q9'), 'NOT_FOUND');
    });

    it('upserts and reads users of every role', async () => {
      const state = await freshState(store, nextCode);
      const users: User[] = [
        {
          id: randomUUID(),
          email: 'a@state.gov',
          givenName: 'Aaron',
          familyName: 'State',
          role: 'STATE_USER',
          stateCode: state.code,
        },
        {
          id: randomUUID(),
          email: 'c@cms.gov',
          givenName: 'Cora',
          familyName: 'Reviewer',
          role: 'CMS_USER',
        },
        { id: randomUUID(), email: 'd@cms.gov', givenName: 'Dee', familyName: 'Admin', role: 'ADMIN_USER' },
      ];
      await store.upsertUsers(users);
      for (const u of users) expect(await store.getUser(u.id)).toEqual(u);
      expect(await store.listUsers()).toEqual(expect.arrayContaining(users));
      await store.upsertUsers([{ ...users[0]!, givenName: 'Renamed' }]);
      expect((await store.getUser(users[0]!.id)).givenName).toBe('Renamed');
      await expectStoreError(store.getUser(randomUUID()), 'NOT_FOUND');
    });

    it("keeps a CMS user's division, changes it, and takes it away (absent again, not empty)", async () => {
      const reviewer: User = {
        id: randomUUID(),
        email: `oact-${randomUUID().slice(0, 8)}@cms.gov`,
        givenName: 'Olu',
        familyName: 'Actuary',
        role: 'CMS_USER',
        division: 'OACT',
      };
      await store.upsertUsers([reviewer]);
      expect(await store.getUser(reviewer.id)).toEqual(reviewer);
      expect((await store.getSessionUser(reviewer.id)).user).toEqual(reviewer);
      await store.upsertUsers([{ ...reviewer, division: 'DMCP' }]);
      expect(await store.getUser(reviewer.id)).toEqual({ ...reviewer, division: 'DMCP' });
      const { division: _dropped, ...readerOnly } = reviewer;
      await store.upsertUsers([readerOnly]);
      expect(await store.getUser(reviewer.id)).toEqual(readerOnly);
      expect(await store.listUsers()).toContainEqual(readerOnly);
    });

    it('refuses a state user of an unknown state, writing none of the batch', async () => {
      const state = await freshState(store, nextCode);
      const ok: User = {
        id: randomUUID(),
        email: 'ok@state.gov',
        givenName: 'O',
        familyName: 'K',
        role: 'CMS_USER',
      };
      const bad: User = {
        id: randomUUID(),
        email: 'b@nowhere.gov',
        givenName: 'B',
        familyName: 'Ad',
        role: 'STATE_USER',
        stateCode: state.code === 'Q7' ? 'Q6' : 'Q7',
      };
      await expectStoreError(store.upsertUsers([ok, bad]), 'NOT_FOUND');
      await expectStoreError(store.getUser(bad.id), 'NOT_FOUND');
      await expectStoreError(store.getUser(ok.id), 'NOT_FOUND');
    });
  });
}
