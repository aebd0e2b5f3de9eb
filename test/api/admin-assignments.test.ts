/**
 * An administrator assigns CMS users to states through the API (issue 14): each change in the
 * user-audit trail, the users found by name, role and state, every state's analysts with the
 * unassigned ones flagged, and an assigned analyst told of the state's packages by email.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, FormDataSchema, type User, type UserAuditEvent } from '../../src/domain/index.js';
import { type AuthHeaders, demo, json, type TestApi, testApi } from '../support/api.js';
import { STORE_BACKENDS } from '../support/store-backends.js';

const analyst = (n: number, givenName = 'Ana'): User => ({
  id: `7c000000-0000-4000-8000-00000000000${n}`,
  email: `analyst${n}@cms.example.gov`,
  givenName,
  familyName: `Lyst ${n}`,
  role: 'CMS_USER',
});

type Assignments = {
  states: { code: string; analysts: User[]; unassigned: boolean }[];
  unassignedCount: number;
};

function expectProblem(res: LightMyRequestResponse, status: number, code: string, path?: string) {
  expect(res.statusCode, res.body).toBe(status);
  const problem = json<{ code: string; errors: { path: string }[] }>(res);
  expect(problem.code).toBe(code);
  if (path) expect(problem.errors.map((e) => e.path)).toContain(path);
}

for (const backend of STORE_BACKENDS.filter((b) => b.name !== 'pglite')) {
  describe.runIf(backend.available)(`CMS analysts assigned to states (${backend.name})`, () => {
    let api: TestApi;
    let admin: AuthHeaders;
    let cms: AuthHeaders;
    let mn: AuthHeaders;

    const assign = (headers: AuthHeaders, userId: string, stateCodes: unknown) =>
      api.app.inject({ method: 'PUT', url: `/api/users/${userId}/states`, headers, payload: { stateCodes } });
    const users = (headers: AuthHeaders, query = '') =>
      api.app.inject({ url: `/api/users${query}`, headers });
    const assignments = async () => {
      const res = await api.app.inject({ url: '/api/admin/assignments', headers: admin });
      expect(res.statusCode, res.body).toBe(200);
      return json<Assignments>(res);
    };

    beforeAll(async () => {
      api = await testApi({ createStore: backend.create });
      await api.store.upsertUsers([analyst(1, 'Zelda'), analyst(2)]);
      admin = await api.login(demo('ADMIN_USER'));
      cms = await api.login(demo('CMS_USER'));
      mn = await api.login(demo('STATE_USER', 'MN'));
    }, 120_000);
    afterAll(() => api?.close());

    it('assigns, changes and clears states, each recorded in the audit trail', async () => {
      const user = analyst(1, 'Zelda');
      const set = await assign(admin, user.id, ['VA', 'MN', 'VA']);
      expect(set.statusCode, set.body).toBe(200);
      expect(json<User>(set)).toMatchObject({ id: user.id, stateAssignments: ['MN', 'VA'] });
      expect(json<User>(await assign(admin, user.id, ['FL']))).toMatchObject({ stateAssignments: ['FL'] });
      const cleared = await assign(admin, user.id, []);
      expect(cleared.statusCode, cleared.body).toBe(200);
      expect(json<User>(cleared)).not.toHaveProperty('stateAssignments');

      const trail = json<{ items: UserAuditEvent[] }>(
        await api.app.inject({ url: '/api/admin/audit?limit=100', headers: admin }),
      ).items.filter((e) => e.userId === user.id);
      expect(trail.map((e) => e.summary)).toEqual([
        `States of ${user.email} set from FL to none`,
        `States of ${user.email} set from MN, VA to FL`,
        `States of ${user.email} set from none to MN, VA`,
      ]);
      expect(trail[2]).toMatchObject({
        action: 'SET_STATE_ASSIGNMENTS',
        actor: { id: demo('ADMIN_USER').id, role: 'ADMIN_USER' },
        after: { stateAssignments: ['MN', 'VA'] },
      });
      expect(trail[2]!.before).not.toHaveProperty('stateAssignments');
    });

    it('refuses unknown states, other roles and non-administrators, field by field', async () => {
      const user = analyst(2);
      expectProblem(await assign(admin, user.id, ['MN', 'QQ']), 400, 'VALIDATION_FAILED', 'stateCodes.1');
      expectProblem(await assign(admin, user.id, ['mn']), 400, 'VALIDATION_FAILED', 'body.stateCodes.0');
      expectProblem(await assign(admin, user.id, 'MN'), 400, 'VALIDATION_FAILED', 'body.stateCodes');
      expectProblem(
        await assign(admin, demo('STATE_USER', 'MN').id, ['MN']),
        400,
        'VALIDATION_FAILED',
        'stateCodes',
      );
      expectProblem(await assign(admin, randomUUID(), ['MN']), 404, 'NOT_FOUND');
      for (const headers of [cms, mn]) {
        expectProblem(await assign(headers, user.id, ['MN']), 403, 'FORBIDDEN');
        expectProblem(await assign(headers, randomUUID(), ['MN']), 403, 'FORBIDDEN');
        expectProblem(await users(headers), 403, 'FORBIDDEN');
        expectProblem(await api.app.inject({ url: '/api/admin/assignments', headers }), 403, 'FORBIDDEN');
      }
      expect(await api.store.getUser(user.id)).toEqual(user);
    });

    it('finds users by name or email, role and state', async () => {
      await assign(admin, analyst(2).id, ['VA']);
      const found = async (query: string) => {
        const res = await users(admin, query);
        expect(res.statusCode, res.body).toBe(200);
        return json<{ items: User[]; total: number }>(res);
      };
      const all = await found('');
      expect(all.total).toBe(all.items.length);
      expect(all.items.map((u) => u.email)).toEqual([...all.items.map((u) => u.email)].sort());
      expect((await found('?q=ZELDA')).items.map((u) => u.id)).toEqual([analyst(1).id]);
      expect((await found('?q=analyst2%40cms')).items.map((u) => u.id)).toEqual([analyst(2).id]);
      const va = await found('?stateCode=VA');
      expect(va.items.map((u) => u.role).sort()).toEqual(['CMS_USER', 'STATE_USER']);
      expect((await found('?stateCode=VA&role=CMS_USER')).items.map((u) => u.id)).toEqual([analyst(2).id]);
      const limited = await found('?limit=1');
      expect(limited).toMatchObject({ total: all.total });
      expect(limited.items).toHaveLength(1);
      expectProblem(await users(admin, '?role=KING'), 400, 'VALIDATION_FAILED', 'querystring.role');
      expectProblem(
        await users(admin, '?stateCode=virginia'),
        400,
        'VALIDATION_FAILED',
        'querystring.stateCode',
      );
    });

    it("lists every state's analysts and flags the states nobody is assigned to", async () => {
      await assign(admin, analyst(2).id, ['VA', 'MN']);
      const { states, unassignedCount } = await assignments();
      expect(states.map((s) => s.code)).toEqual([...states.map((s) => s.code)].sort());
      const mn = states.find((s) => s.code === 'MN')!;
      expect(mn.unassigned).toBe(false);
      expect(mn.analysts.map((u) => u.id)).toContain(analyst(2).id);
      const nobody = states.filter((s) => s.analysts.length === 0);
      expect(nobody.length).toBeGreaterThan(0);
      expect(nobody.every((s) => s.unassigned)).toBe(true);
      expect(unassignedCount).toBe(nobody.length);
    });

    it("an assigned analyst is told of the state's packages besides the review list; others are not", async () => {
      await assign(admin, analyst(2).id, ['MN']);
      await assign(admin, analyst(1).id, ['FL']);
      const actor = actorOf(demo('STATE_USER', 'MN'));
      const formData = FormDataSchema.parse({
        submissionType: 'CONTRACT_ONLY',
        programIds: [(await api.store.getState('MN')).programs[0]!.id],
      });
      const draft = await api.store.createDraft({ id: randomUUID(), stateCode: 'MN', formData, actor });
      const pkg = await api.store.submit(draft.id, { expectedVersion: draft.version, actor });
      const unlock = await api.app.inject({
        method: 'POST',
        url: `/api/packages/${pkg.id}/unlock`,
        headers: cms,
        payload: { reason: 'Please fix the dates', expectedVersion: pkg.version },
      });
      expect(unlock.statusCode, unlock.body).toBe(200);
      await api.notifier.drain();
      const toCms = readdirSync(api.outbox)
        .map((f) => readFileSync(join(api.outbox, f), 'utf8'))
        .filter((m) => m.includes(`X-Carepack-Package: ${pkg.id}`) && m.includes('X-Carepack-Audience: CMS'));
      expect(toCms).toHaveLength(1);
      const to = /^To: ((?:.+)(?:\r?\n[ \t].+)*)$/m.exec(toCms[0]!)?.[1] ?? '';
      expect(to).toContain('review@cms.example.gov');
      expect(to).toContain(analyst(2).email);
      expect(to).not.toContain(analyst(1).email);
    });
  });
}
