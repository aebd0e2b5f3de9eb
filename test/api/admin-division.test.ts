/**
 * An administrator sets a CMS user's division through the API, each change recorded in the
 * user-audit trail that only administrators read; the division decides who may ask questions.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, FormDataSchema, type User, type UserAuditEvent } from '../../src/domain/index.js';
import {
  type AuthHeaders,
  demo,
  json,
  MINIMAL_PDF,
  multipartBody,
  type TestApi,
  testApi,
} from '../support/api.js';
import { STORE_BACKENDS } from '../support/store-backends.js';

const reviewer = (n: number): User => ({
  id: `7b000000-0000-4000-8000-00000000000${n}`,
  email: `division${n}@cms.example.gov`,
  givenName: 'Dee',
  familyName: `Vision ${n}`,
  role: 'CMS_USER',
});

type Page = { items: UserAuditEvent[]; cursor?: string };

function expectProblem(res: LightMyRequestResponse, status: number, code: string, path?: string) {
  expect(res.statusCode, res.body).toBe(status);
  const problem = json<{ code: string; errors: { path: string }[] }>(res);
  expect(problem.code).toBe(code);
  if (path) expect(problem.errors.map((e) => e.path)).toContain(path);
}

for (const backend of STORE_BACKENDS.filter((b) => b.name !== 'pglite')) {
  describe.runIf(backend.available)(
    `a CMS user's division, set by an administrator (${backend.name})`,
    () => {
      let api: TestApi;
      let admin: AuthHeaders;
      let cms: AuthHeaders;
      let mn: AuthHeaders;

      const setDivision = (headers: AuthHeaders, userId: string, division: unknown) =>
        api.app.inject({
          method: 'PUT',
          url: `/api/users/${userId}/division`,
          headers,
          payload: { division },
        });
      const audit = (headers: AuthHeaders, query = '') =>
        api.app.inject({ url: `/api/admin/audit${query}`, headers });

      beforeAll(async () => {
        api = await testApi({ createStore: backend.create });
        await api.store.upsertUsers([reviewer(1), reviewer(2)]);
        admin = await api.login(demo('ADMIN_USER'));
        cms = await api.login(demo('CMS_USER'));
        mn = await api.login(demo('STATE_USER', 'MN'));
      }, 120_000);
      afterAll(() => api?.close());

      it('sets, changes and removes a division, each recorded with who, whom, before and after', async () => {
        const user = reviewer(1);
        const set = await setDivision(admin, user.id, 'OACT');
        expect(set.statusCode, set.body).toBe(200);
        expect(json<User>(set)).toMatchObject({ id: user.id, role: 'CMS_USER', division: 'OACT' });

        // The user's own session sees it at once (the user is read on every request).
        const own = await api.login(user);
        expect(json<User>(await api.app.inject({ url: '/api/auth/me', headers: own }))).toMatchObject({
          division: 'OACT',
        });

        expect(json<User>(await setDivision(admin, user.id, 'DMCP'))).toMatchObject({ division: 'DMCP' });
        const removed = await setDivision(admin, user.id, null);
        expect(removed.statusCode, removed.body).toBe(200);
        expect(json<User>(removed)).not.toHaveProperty('division');
        expect((await api.store.getUser(user.id)) as User & { division?: string }).not.toHaveProperty(
          'division',
        );

        const page = await audit(admin, '?limit=100');
        expect(page.statusCode, page.body).toBe(200);
        const mine = json<Page>(page).items.filter((e) => e.userId === user.id);
        // Newest first.
        expect(mine.map((e) => e.summary)).toEqual([
          `Division of ${user.email} set from DMCP to none`,
          `Division of ${user.email} set from OACT to DMCP`,
          `Division of ${user.email} set from none to OACT`,
        ]);
        expect(mine[2]).toMatchObject({
          action: 'SET_DIVISION',
          actor: { id: demo('ADMIN_USER').id, role: 'ADMIN_USER' },
          before: { id: user.id },
          after: { id: user.id, division: 'OACT' },
        });
        expect(mine[2]!.before).not.toHaveProperty('division');
      });

      it('decides who may ask: a CMS user without a division can read but not ask', async () => {
        const actor = actorOf(demo('STATE_USER', 'MN'));
        const formData = FormDataSchema.parse({
          submissionType: 'CONTRACT_ONLY',
          programIds: [(await api.store.getState('MN')).programs[0]!.id],
        });
        const draft = await api.store.createDraft({ id: randomUUID(), stateCode: 'MN', formData, actor });
        const pkg = await api.store.submit(draft.id, { expectedVersion: draft.version, actor });
        const user = reviewer(2);
        const headers = await api.login(user);
        const ask = () => {
          const body = multipartBody({ text: 'Why?' }, { name: 'q.pdf', content: MINIMAL_PDF });
          return api.app.inject({
            method: 'POST',
            url: `/api/packages/${pkg.id}/questions`,
            headers: { ...headers, 'content-type': body.contentType },
            payload: body.payload,
          });
        };
        expect((await api.app.inject({ url: `/api/packages/${pkg.id}`, headers })).statusCode).toBe(200);
        expectProblem(await ask(), 403, 'FORBIDDEN');
        expect(json<User>(await setDivision(admin, user.id, 'DMCO'))).toMatchObject({ division: 'DMCO' });
        // At once, on the next request of the same session.
        expect(json<User>(await api.app.inject({ url: '/api/auth/me', headers }))).toMatchObject({
          division: 'DMCO',
        });
        const asked = await ask();
        expect(asked.statusCode, asked.body).toBe(201);
        expect(asked.json()).toMatchObject({ division: 'DMCO', round: 1 });
      });

      it('is for administrators only, and only about CMS users', async () => {
        for (const headers of [cms, mn]) {
          expectProblem(await setDivision(headers, reviewer(1).id, 'DMCO'), 403, 'FORBIDDEN');
          // Not even whether the user exists.
          expectProblem(await setDivision(headers, randomUUID(), 'DMCO'), 403, 'FORBIDDEN');
          expectProblem(await audit(headers), 403, 'FORBIDDEN');
        }
        expectProblem(await setDivision(admin, randomUUID(), 'DMCO'), 404, 'NOT_FOUND');
        expectProblem(
          await setDivision(admin, demo('STATE_USER', 'MN').id, 'DMCO'),
          400,
          'VALIDATION_FAILED',
          'division',
        );
        expectProblem(
          await setDivision(admin, reviewer(1).id, 'DMCX'),
          400,
          'VALIDATION_FAILED',
          'body.division',
        );
        expectProblem(
          await setDivision(admin, reviewer(1).id, undefined),
          400,
          'VALIDATION_FAILED',
          'body.division',
        );
        expect((await api.store.getUser(demo('STATE_USER', 'MN').id)).role).toBe('STATE_USER');
      });

      it('pages the trail with sealed cursors', async () => {
        for (const division of ['DMCO', 'DMCP', 'OACT']) await setDivision(admin, reviewer(2).id, division);
        const first = json<Page>(await audit(admin, '?limit=2'));
        expect(first.items).toHaveLength(2);
        expect(first.cursor).toBeDefined();
        const second = json<Page>(await audit(admin, `?limit=2&cursor=${encodeURIComponent(first.cursor!)}`));
        expect(second.items.length).toBeGreaterThan(0);
        expect(second.items.map((e) => e.id)).not.toContain(first.items[0]!.id);
        expect(first.items[0]!.at >= second.items[0]!.at).toBe(true);
        expectProblem(
          await audit(admin, `?cursor=${encodeURIComponent(`${first.cursor!}x`)}`),
          400,
          'INVALID_CURSOR',
        );
      });
    },
  );
}
