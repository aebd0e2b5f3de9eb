/**
 * An administrator's change of a user on PostgreSQL (server and PGlite): the user and its
 * user-audit event are written together or not at all, changes of one user queue on its row
 * lock, the trail reads newest first in pages, and maintenance scans and imports it.
 */
import { randomUUID } from 'node:crypto';
import { CompiledQuery, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { type CmsDivision, planSetDivision, type User, type UserAuditEvent } from '../../src/domain/index.js';
import { onEachPostgresBackend } from '../support/postgres-backends.js';

type Q = Pick<Kysely<unknown>, 'executeQuery'>;
const run = async (q: Q, text: string, params: unknown[] = []) =>
  (await q.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, params))).rows;

const person = (role: User['role']) => ({
  id: randomUUID(),
  email: `${role.toLowerCase()}-${randomUUID().slice(0, 8)}@example.gov`,
  givenName: 'Pat',
  familyName: 'Person',
});
const admin: User = { ...person('ADMIN_USER'), role: 'ADMIN_USER' };
const cmsUser = (): User => ({ ...person('CMS_USER'), role: 'CMS_USER' });
const setDivision = (division: CmsDivision | null) => (before: User) =>
  planSetDivision(before, { admin, at: new Date().toISOString(), division });

onEachPostgresBackend('user changes on PostgreSQL', (backend) => {
  it('writes the user and its event together, reads the trail newest first in pages', async () => {
    const { store, handle } = backend();
    const user = cmsUser();
    await store.upsertUsers([admin, user]);

    const first = await store.changeUser(user.id, setDivision('DMCO'));
    expect(first.after).toEqual({ ...user, division: 'DMCO' });
    expect(await store.getUser(user.id)).toEqual(first.after);
    const second = await store.changeUser(user.id, setDivision(null));
    expect(second.before).toEqual(first.after);
    expect(await store.getUser(user.id)).toEqual(user);
    expect(second.event).toMatchObject({
      userId: user.id,
      action: 'SET_DIVISION',
      before: first.after,
      after: user,
    });

    const page1 = await store.listUserAudit({ limit: 1 });
    expect(page1.items).toEqual([second.event]);
    const page2 = await store.listUserAudit({ limit: 1, cursor: page1.cursor! });
    expect(page2.items).toEqual([first.event]);
    await expect(store.listAudit(randomUUID(), { cursor: page1.cursor! })).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
    });

    // A plan's refusal writes nothing; an unknown user is NOT_FOUND.
    const before = await run(handle.db, 'select count(*)::int as n from user_audit');
    await expect(store.changeUser(admin.id, setDivision('OACT'))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(store.changeUser(randomUUID(), setDivision('OACT'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(store.changeUser('not-a-uuid', setDivision('OACT'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await run(handle.db, 'select count(*)::int as n from user_audit')).toEqual(before);
    expect(await store.getUser(admin.id)).toEqual(admin);
  });

  it('queues changes of one user on its row: each starts where the one before it ended', async () => {
    const { store } = backend();
    const user = cmsUser();
    await store.upsertUsers([admin, user]);
    const divisions: CmsDivision[] = ['DMCO', 'DMCP', 'OACT'];
    const results = await Promise.all(divisions.map((d) => store.changeUser(user.id, setDivision(d))));
    // No lost update: the changes saw three different users, the first none and each other one
    // what another change left; the one that left the user as it is now was seen by none.
    const divisionOf = (u: User) => (u.role === 'CMS_USER' ? u.division : undefined);
    const seen = results.map((r) => divisionOf(r.before) ?? 'none');
    const final = divisionOf(await store.getUser(user.id));
    expect([...seen].sort()).toEqual(['none', ...divisions.filter((d) => d !== final)].sort());
    expect(results.map((r) => r.event.before)).toEqual(results.map((r) => r.before));
  });

  it('scans and imports the trail; an event already there is left alone', async () => {
    const { store } = backend();
    const user = cmsUser();
    await store.upsertUsers([admin, user]);
    const { event } = await store.changeUser(user.id, setDivision('OACT'));

    const scanned: UserAuditEvent[] = [];
    for (let partition = 0; partition < 3; partition++) {
      let cursor: string | undefined;
      do {
        const page = await store.maintenance.scanUserAudit({
          partition,
          partitions: 3,
          limit: 2,
          ...(cursor ? { cursor } : {}),
        });
        scanned.push(...page.items);
        cursor = page.cursor;
      } while (cursor);
    }
    expect(scanned).toContainEqual(event);
    expect(new Set(scanned.map((e) => e.id)).size).toBe(scanned.length);

    const imported: UserAuditEvent = {
      ...event,
      id: randomUUID(),
      at: '2020-01-01T00:00:00.000Z',
      summary: 'imported from a backup',
    };
    await store.maintenance.importUserAudit([imported, { ...event, summary: 'a rewrite is ignored' }]);
    await store.maintenance.importUserAudit([imported]);
    const all: UserAuditEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listUserAudit({ limit: 100, ...(cursor ? { cursor } : {}) });
      all.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    expect(all.filter((e) => e.id === event.id)).toEqual([event]);
    expect(all.filter((e) => e.id === imported.id)).toEqual([imported]);
    expect(all.map((e) => e.at)).toEqual([...all.map((e) => e.at)].sort().reverse());
  });
});
