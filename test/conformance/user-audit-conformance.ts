/**
 * User administration on every store (issues 12 and 14): `changeUser` writes the user and its user-audit
 * event together or not at all, re-plans when the user changed meanwhile (two administrators at
 * once both land, in order), and the trail reads newest first, paged, and is scanned and
 * imported (idempotently) by copies, backups and the dual-write mirror.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { User, UserAuditEvent } from '../../src/domain/index.js';
import type { DrivenStore } from '../support/store-commands.js';
import { cmsUser, freshState, stateUser } from './fixtures.js';
import { collect, expectStoreError, suiteStore } from './suite-helpers.js';

export function runUserAuditConformance(getStore: () => DrivenStore, nextCode: () => string) {
  const store = suiteStore(getStore);
  const admin = cmsUser('ADMIN_USER');

  async function seeded(user: User = cmsUser()) {
    await store.upsertUsers([user]);
    return user;
  }

  /** The whole trail (every test's events), newest first, read in pages of `limit`. */
  const trail = (limit = 100) => collect((cursor) => store.listUserAudit({ limit, cursor }));
  const eventsOf = async (...userIds: string[]) =>
    (await trail()).items.filter((e) => userIds.includes(e.userId));

  /** Every user-audit event a full scan in `partitions` shares reads. */
  async function scanAll(partitions: number): Promise<UserAuditEvent[]> {
    const events: UserAuditEvent[] = [];
    for (let partition = 0; partition < partitions; partition++) {
      let cursor: string | undefined;
      do {
        const page = await store.maintenance.scanUserAudit({ partition, partitions, limit: 7, cursor });
        events.push(...page.items);
        cursor = page.cursor;
      } while (cursor);
    }
    return events;
  }

  /** An event as a copy or a backup carries it: made elsewhere, with its own id and time. */
  function foreignEvent(user: User, at: string): UserAuditEvent {
    const after = { ...user, division: 'DMCP' } as User;
    return {
      id: randomUUID(),
      at,
      actor: { id: admin.id, email: admin.email, role: 'ADMIN_USER' },
      userId: user.id,
      action: 'SET_DIVISION',
      before: user,
      after,
      summary: `Division of ${user.email} set from none to DMCP`,
    };
  }

  describe('user audit: changeUser', () => {
    it('writes the user and its event together; the event reads back exactly', async () => {
      const user = await seeded();
      const result = await store.setDivision(user.id, { admin, division: 'OACT' });
      expect(result.before).toEqual(user);
      expect(result.after).toEqual({ ...user, division: 'OACT' });
      expect(result.event).toMatchObject({
        id: expect.any(String),
        userId: user.id,
        action: 'SET_DIVISION',
        actor: { id: admin.id, email: admin.email, role: 'ADMIN_USER' },
        before: user,
        after: result.after,
        summary: `Division of ${user.email} set from none to OACT`,
      });
      expect(await store.getUser(user.id)).toEqual(result.after);
      expect(await eventsOf(user.id)).toEqual([result.event]);

      // Cleared: the division is gone (absent, not empty), and a second event tells it.
      const cleared = await store.setDivision(user.id, { admin, division: null });
      expect(await store.getUser(user.id)).toEqual(user);
      expect(await eventsOf(user.id)).toEqual([cleared.event, result.event]);
    });

    it('keeps the session generation: a division change does not sign the user out', async () => {
      const user = await seeded();
      await store.endSessions(user.id);
      await store.setDivision(user.id, { admin, division: 'DMCO' });
      expect(await store.getSessionUser(user.id)).toEqual({
        user: { ...user, division: 'DMCO' },
        sessionGeneration: 1,
      });
    });

    it('a refused plan writes nothing: neither the user nor an event', async () => {
      const state = await freshState(store, nextCode);
      const reader = await seeded();
      const analyst = await seeded(stateUser(state.code));
      await expectStoreError(store.setDivision(analyst.id, { admin, division: 'DMCO' }), 'VALIDATION_FAILED');
      await expectStoreError(
        store.setDivision(reader.id, { admin: cmsUser(), division: 'DMCO' }),
        'FORBIDDEN',
      );
      await expectStoreError(store.setDivision(randomUUID(), { admin, division: 'DMCO' }), 'NOT_FOUND');
      expect(await store.getUser(analyst.id)).toEqual(analyst);
      expect(await store.getUser(reader.id)).toEqual(reader);
      expect(await eventsOf(analyst.id, reader.id)).toEqual([]);
    });

    for (const admins of [2, 5]) {
      it(`${admins} administrators changing one user at once: every change lands, each event after the one before`, async () => {
        const user = await seeded();
        const divisions = (['DMCO', 'DMCP', 'OACT', 'DMCO', 'DMCP'] as const).slice(0, admins);
        const results = await Promise.all(
          divisions.map((division) => store.setDivision(user.id, { admin: cmsUser('ADMIN_USER'), division })),
        );
        const events = (await eventsOf(user.id)).reverse(); // oldest first
        expect(events).toHaveLength(admins);
        expect(events.map((e) => e.id).sort()).toEqual(results.map((r) => r.event.id).sort());
        // Each change was planned on the user as the one before left it: no change lost.
        expect(events[0]!.before).toEqual(user);
        for (let i = 1; i < events.length; i++) expect(events[i]!.before).toEqual(events[i - 1]!.after);
        expect(await store.getUser(user.id)).toEqual(events.at(-1)!.after);
      });
    }
  });

  describe('user audit: state assignments', () => {
    it('assigns states with their event; the list reads back sorted, once each; cleared, it is gone', async () => {
      const [a, b] = [await freshState(store, nextCode), await freshState(store, nextCode)];
      const user = await seeded(cmsUser({ division: 'DMCP' }));
      const [first, second] = [a.code, b.code].sort() as [string, string];
      const set = await store.setStateAssignments(user.id, { admin, stateCodes: [second, first, second] });
      expect(set.after).toEqual({ ...user, stateAssignments: [first, second] });
      expect(set.event).toMatchObject({
        action: 'SET_STATE_ASSIGNMENTS',
        actor: { id: admin.id, email: admin.email, role: 'ADMIN_USER' },
        userId: user.id,
        before: user,
        after: set.after,
        summary: `States of ${user.email} set from none to ${first}, ${second}`,
      });
      expect(await store.getUser(user.id)).toEqual(set.after);
      expect((await store.listUsers()).find((u) => u.id === user.id)).toEqual(set.after);
      expect(await store.getSessionUser(user.id)).toMatchObject({ user: set.after });

      // A division change keeps the states; clearing the states keeps the division.
      const division = await store.setDivision(user.id, { admin, division: 'OACT' });
      expect(division.after).toEqual({ ...set.after, division: 'OACT' });
      const cleared = await store.setStateAssignments(user.id, { admin, stateCodes: [] });
      expect(cleared.after).toEqual({ ...user, division: 'OACT' });
      expect(await store.getUser(user.id)).not.toHaveProperty('stateAssignments');
      expect(await eventsOf(user.id)).toEqual([cleared.event, division.event, set.event]);
    });

    it('an upsert of the user (a sign-in) writes the states it is given, none when it has none', async () => {
      const state = await freshState(store, nextCode);
      const user = await seeded();
      await store.upsertUsers([{ ...user, stateAssignments: [state.code] } as User]);
      expect(await store.getUser(user.id)).toEqual({ ...user, stateAssignments: [state.code] });
      await store.upsertUsers([user]);
      expect(await store.getUser(user.id)).toEqual(user);
    });

    it('refuses unknown states, non-CMS users and non-administrators, writing nothing', async () => {
      const state = await freshState(store, nextCode);
      const user = await seeded();
      const resident = await seeded(stateUser(state.code));
      await expectStoreError(
        store.setStateAssignments(user.id, { admin, stateCodes: [state.code, 'QQ'] }),
        'VALIDATION_FAILED',
      );
      await expectStoreError(
        store.setStateAssignments(resident.id, { admin, stateCodes: [state.code] }),
        'VALIDATION_FAILED',
      );
      await expectStoreError(
        store.setStateAssignments(user.id, { admin: cmsUser(), stateCodes: [state.code] }),
        'FORBIDDEN',
      );
      expect(await store.getUser(user.id)).toEqual(user);
      expect(await store.getUser(resident.id)).toEqual(resident);
      expect(await eventsOf(user.id, resident.id)).toEqual([]);
    });

    it('two administrators assigning one user at once: both land, the second planned on the first', async () => {
      const [a, b] = [await freshState(store, nextCode), await freshState(store, nextCode)];
      const user = await seeded();
      await Promise.all([
        store.setStateAssignments(user.id, { admin, stateCodes: [a.code] }),
        store.setStateAssignments(user.id, { admin: cmsUser('ADMIN_USER'), stateCodes: [b.code] }),
      ]);
      const [last, first] = await eventsOf(user.id);
      expect(last!.before).toEqual(first!.after);
      expect(await store.getUser(user.id)).toEqual(last!.after);
    });

    it('scanned and imported with the trail, the states in before and after read back exactly', async () => {
      const state = await freshState(store, nextCode);
      const user = await seeded();
      const { event } = await store.setStateAssignments(user.id, { admin, stateCodes: [state.code] });
      const scanned = (await scanAll(2)).filter((e) => e.userId === user.id);
      expect(scanned).toEqual([event]);
      await store.maintenance.importUserAudit(scanned);
      expect(await eventsOf(user.id)).toEqual([event]);
    });
  });

  describe('user audit: reading, scanning, importing', () => {
    it('lists newest first, in pages', async () => {
      const users = [await seeded(), await seeded(), await seeded()];
      const made: UserAuditEvent[] = [];
      for (const [i, u] of users.entries())
        made.push((await store.setDivision(u.id, { admin, division: i === 1 ? 'OACT' : 'DMCO' })).event);
      made.push((await store.setDivision(users[0]!.id, { admin, division: 'DMCP' })).event);

      const paged = await trail(2);
      expect(paged.sizes.slice(0, -1).every((n) => n === 2)).toBe(true);
      expect(paged.sizes.at(-1)).toBeGreaterThan(0);
      const all = paged.items;
      expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
      for (let i = 1; i < all.length; i++) expect(all[i - 1]!.at >= all[i]!.at).toBe(true);
      const mine = all.filter((e) => users.some((u) => u.id === e.userId));
      expect(mine).toEqual([...made].reverse());
    });

    it('a scan reads every event exactly once, in any number of partitions', async () => {
      const user = await seeded();
      const made = [
        (await store.setDivision(user.id, { admin, division: 'DMCO' })).event,
        (await store.setDivision(user.id, { admin, division: 'OACT' })).event,
      ];
      for (const partitions of [1, 3]) {
        const scanned = await scanAll(partitions);
        expect(new Set(scanned.map((e) => e.id)).size).toBe(scanned.length);
        const mine = scanned.filter((e) => e.userId === user.id).sort((a, b) => a.at.localeCompare(b.at));
        expect(mine).toEqual(made);
        expect(scanned.length).toBe((await trail()).items.length);
      }
    });

    it('imports events as given, newest first in the list; a repeated import changes nothing', async () => {
      const user = await seeded();
      const base = Date.now();
      const events = [0, 1, 2].map((i) =>
        foreignEvent(user, new Date(base - (3 - i) * 60_000).toISOString()),
      );
      await store.maintenance.importUserAudit(events);
      expect(await eventsOf(user.id)).toEqual([...events].reverse());

      const total = (await trail()).items.length;
      await store.maintenance.importUserAudit(events);
      // Same id, other content: what is there stays.
      await store.maintenance.importUserAudit([{ ...events[0]!, summary: 'rewritten' }]);
      expect((await trail()).items.length).toBe(total);
      expect(await eventsOf(user.id)).toEqual([...events].reverse());
      // Importing an event never changes the user it names.
      expect(await store.getUser(user.id)).toEqual(user);
    });

    it('round trip: what a scan reads, imported again, is what the list shows', async () => {
      const user = await seeded();
      await store.setDivision(user.id, { admin, division: 'DMCO' });
      await store.setDivision(user.id, { admin, division: null });
      const scanned = (await scanAll(2)).filter((e) => e.userId === user.id);
      expect(scanned).toHaveLength(2);
      await store.maintenance.importUserAudit(scanned);
      const listed = await eventsOf(user.id);
      expect(listed).toHaveLength(2);
      expect([...listed].sort((a, b) => a.id.localeCompare(b.id))).toEqual(
        [...scanned].sort((a, b) => a.id.localeCompare(b.id)),
      );
    });
  });
}
