import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, FormDataSchema, type Package } from '../../src/domain/index.js';
import { type AuthHeaders, demo, type TestApi, testApi } from '../support/api.js';

let api: TestApi;
let mn: AuthHeaders;
let cms: AuthHeaders;
let draft: Package;
let submitted: Package;

beforeAll(async () => {
  api = await testApi();
  mn = await api.login(demo('STATE_USER', 'MN'));
  cms = await api.login(demo('CMS_USER'));
  const state = await api.store.getState('MN');
  const actor = actorOf(demo('STATE_USER', 'MN'));
  const formData = FormDataSchema.parse({
    submissionType: 'CONTRACT_ONLY',
    programIds: [state.programs[0]!.id],
  });
  draft = await api.store.createDraft({ id: randomUUID(), stateCode: 'MN', formData, actor });
  const other = await api.store.createDraft({ id: randomUUID(), stateCode: 'MN', formData, actor });
  submitted = await api.store.submit(other.id, { expectedVersion: 1, actor });
});
afterAll(() => api.close());

describe('error answers', () => {
  it('malformed JSON is a 400 problem, not a 500', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/packages',
      headers: { ...mn, 'content-type': 'application/json' },
      payload: '{"formData": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
  });

  it('a body that is not JSON is a 415', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/packages',
      headers: { ...mn, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('names every bad field with its path', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/packages',
      headers: mn,
      payload: {
        formData: {
          submissionType: 'BOTH',
          contractDateStart: '2027-02-30',
          managedCareEntities: ['MCO', 'MCO'],
        },
      },
    });
    expect(res.statusCode).toBe(400);
    const paths = (res.json().errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.formData.submissionType',
        'body.formData.contractDateStart',
        'body.formData.managedCareEntities',
      ]),
    );
  });

  it('a malformed id is a 400 on params.id; an unknown route a 404 problem', async () => {
    const bad = await api.app.inject({ url: '/api/packages/not-a-uuid', headers: mn });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('params.id');
    const none = await api.app.inject({ url: '/api/nothing-here', headers: mn });
    expect(none.statusCode).toBe(404);
    expect(none.json().code).toBe('NOT_FOUND');
  });

  it('a transition the status does not allow is a 409 INVALID_TRANSITION', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: `/api/packages/${submitted.id}/submit`,
      headers: mn,
      payload: { expectedVersion: submitted.version },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('INVALID_TRANSITION');
  });

  it('random JSON bodies on every JSON endpoint: always a 2xx/4xx answer, never a 5xx, and a refusal changes nothing', async () => {
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          expectedVersion: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
          reason: fc.oneof(fc.string(), fc.integer()),
          formData: fc.oneof(
            fc.jsonValue(),
            fc.record(
              {
                submissionType: fc.constantFrom('CONTRACT_ONLY', 'CONTRACT_AND_RATES', 'X', 1),
                programIds: fc.array(fc.oneof(fc.uuid(), fc.string())),
                contractDateStart: fc.oneof(
                  fc.string(),
                  fc.date().map((d) => d.toISOString().slice(0, 10)),
                ),
                rateCertifications: fc.array(fc.jsonValue(), { maxLength: 3 }),
              },
              { requiredKeys: [] },
            ),
          ),
          documents: fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue(), { maxLength: 3 })),
          userId: fc.oneof(fc.uuid(), fc.string()),
        },
        { requiredKeys: [] },
      ),
    );
    const targets = [
      { method: 'POST' as const, url: '/api/packages', cookie: mn },
      { method: 'PUT' as const, url: `/api/packages/${draft.id}`, cookie: mn },
      { method: 'POST' as const, url: `/api/packages/${draft.id}/submit`, cookie: mn },
      { method: 'POST' as const, url: `/api/packages/${submitted.id}/unlock`, cookie: cms },
      { method: 'POST' as const, url: `/api/packages/${submitted.id}/resubmit`, cookie: mn },
      { method: 'POST' as const, url: '/api/auth/dev-login', cookie: undefined },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), body, async (target, payload) => {
        const before = await api.store.getPackage(draft.id);
        const res = await api.app.inject({
          method: target.method,
          url: target.url,
          headers: { ...target.cookie, 'content-type': 'application/json' },
          payload: JSON.stringify(payload),
        });
        expect(res.statusCode, res.body).toBeLessThan(500);
        if (res.statusCode >= 400) {
          const problem = res.json();
          expect(problem.code).toBeTruthy();
          expect(Array.isArray(problem.errors)).toBe(true);
          if (target.url.includes(draft.id)) expect(await api.store.getPackage(draft.id)).toEqual(before);
        }
      }),
      { numRuns: 150 },
    );
  });
});
