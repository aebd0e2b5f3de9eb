import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthHeaders, demo, json, MINIMAL_PDF, type TestApi, testApi } from '../support/api.js';
import { completeForm } from '../support/complete-form.js';

let api: TestApi;
let mnState: AuthHeaders;
let cms: AuthHeaders;
let pmap: string;

/** Uploads a small PDF to the draft, as the MN analyst; the server records the document. */
async function upload(id: string, name: string, category: string, rateId?: string) {
  const res = await api.upload(
    id,
    mnState,
    { name, content: MINIMAL_PDF },
    { category, ...(rateId ? { rateId } : {}) },
  );
  expect(res.statusCode, res.body).toBe(201);
}

beforeAll(async () => {
  api = await testApi();
  mnState = await api.login(demo('STATE_USER', 'MN'));
  cms = await api.login(demo('CMS_USER'));
  const mn = json<{ programs: { id: string; name: string }[] }>(
    await api.app.inject({ url: '/api/states/MN', headers: mnState }),
  );
  pmap = mn.programs.find((p) => p.name === 'PMAP')!.id;
});
afterAll(() => api.close());

describe('a package from draft to resubmission over HTTP', () => {
  it('is created, completed, submitted as MN-PMAP-0001, unlocked by CMS and resubmitted, keeping history', async () => {
    const { app } = api;
    const created = await app.inject({
      method: 'POST',
      url: '/api/packages',
      headers: mnState,
      payload: { formData: { submissionType: 'CONTRACT_AND_RATES', programIds: [pmap] } },
    });
    expect(created.statusCode).toBe(201);
    const draft = json<{ id: string; name: string; version: number; status: string }>(created);
    expect(draft).toMatchObject({ name: 'MN-PMAP-0001', status: 'DRAFT', version: 1 });
    expect(created.headers.location).toBe(`/api/packages/${draft.id}`);

    // CMS never sees a draft.
    expect((await app.inject({ url: `/api/packages/${draft.id}`, headers: cms })).statusCode).toBe(404);

    const incomplete = await app.inject({
      method: 'POST',
      url: `/api/packages/${draft.id}/submit`,
      headers: mnState,
      payload: { expectedVersion: 1 },
    });
    expect(incomplete.statusCode).toBe(422);
    const paths = json<{ errors: { path: string }[] }>(incomplete).errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['formData.contractType', 'formData.rateCertifications', 'documents']),
    );

    const rateId = randomUUID();
    const updated = await app.inject({
      method: 'PUT',
      url: `/api/packages/${draft.id}`,
      headers: mnState,
      payload: {
        expectedVersion: 1,
        formData: completeForm({ programIds: [pmap], rateId }),
      },
    });
    expect(updated.statusCode).toBe(200);
    expect(json(updated).version).toBe(2);
    await upload(draft.id, 'contract.pdf', 'CONTRACT');
    await upload(draft.id, 'rates.pdf', 'RATE', rateId);

    const stale = await app.inject({
      method: 'POST',
      url: `/api/packages/${draft.id}/submit`,
      headers: mnState,
      payload: { expectedVersion: 1 },
    });
    expect(stale.statusCode).toBe(409);
    expect(json(stale).code).toBe('VERSION_CONFLICT');

    const submitted = await app.inject({
      method: 'POST',
      url: `/api/packages/${draft.id}/submit`,
      headers: mnState,
      payload: { expectedVersion: 4 },
    });
    expect(submitted.statusCode).toBe(200);
    expect(json(submitted)).toMatchObject({ name: 'MN-PMAP-0001', status: 'SUBMITTED', version: 5 });

    const cmsList = json<{ items: { id: string; name: string }[] }>(
      await app.inject({ url: '/api/packages?stateCode=MN', headers: cms }),
    );
    expect(cmsList.items.map((p) => [p.id, p.name])).toContainEqual([draft.id, 'MN-PMAP-0001']);

    const noReason = await app.inject({
      method: 'POST',
      url: `/api/packages/${draft.id}/unlock`,
      headers: cms,
      payload: { expectedVersion: 5, reason: '   ' },
    });
    expect(noReason.statusCode).toBe(400);
    expect(json<{ errors: { path: string }[] }>(noReason).errors[0]!.path).toBe('body.reason');

    const stateUnlock = await app.inject({
      method: 'POST',
      url: `/api/packages/${draft.id}/unlock`,
      headers: mnState,
      payload: { expectedVersion: 5, reason: 'I want to' },
    });
    expect(stateUnlock.statusCode).toBe(403);

    const unlocked = await app.inject({
      method: 'POST',
      url: `/api/packages/${draft.id}/unlock`,
      headers: cms,
      payload: { expectedVersion: 5, reason: 'Rate certification date is wrong' },
    });
    expect(unlocked.statusCode).toBe(200);
    const u = json<{ status: string; unlockInfo: { reason: string }; revisions: unknown[] }>(unlocked);
    expect(u.status).toBe('UNLOCKED');
    expect(u.unlockInfo.reason).toBe('Rate certification date is wrong');
    // CMS sees what was submitted, not the state's work in progress.
    expect(u.revisions).toHaveLength(1);
    const stateView = json<{ revisions: unknown[] }>(
      await app.inject({ url: `/api/packages/${draft.id}`, headers: mnState }),
    );
    expect(stateView.revisions).toHaveLength(2);

    const resubmitted = await app.inject({
      method: 'POST',
      url: `/api/packages/${draft.id}/resubmit`,
      headers: mnState,
      payload: { expectedVersion: 6, reason: 'Fixed the certification date' },
    });
    expect(resubmitted.statusCode).toBe(200);
    const r = json<{ status: string; name: string; revisions: { submitInfo: { reason: string } }[] }>(
      resubmitted,
    );
    expect(r).toMatchObject({ status: 'RESUBMITTED', name: 'MN-PMAP-0001' });
    expect(r.revisions.map((rev) => rev.submitInfo.reason)).toEqual([
      'Fixed the certification date',
      'Initial submission',
    ]);

    const history = json<{ items: { action: string }[] }>(
      await app.inject({ url: `/api/packages/${draft.id}/history`, headers: cms }),
    );
    expect(history.items.map((e) => e.action)).toEqual([
      'CREATE',
      'UPDATE',
      'UPLOAD',
      'UPLOAD',
      'SUBMIT',
      'UNLOCK',
      'RESUBMIT',
    ]);
  });

  it('names a package after all its programs, natural-sorted, and numbers per state', async () => {
    const mn = json<{ programs: { id: string; name: string }[] }>(
      await api.app.inject({ url: '/api/states/MN', headers: mnState }),
    );
    const msho = mn.programs.find((p) => p.name === 'MSHO')!.id;
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/packages',
      headers: mnState,
      payload: { formData: { submissionType: 'CONTRACT_ONLY', programIds: [pmap, msho] } },
    });
    expect(json<{ name: string }>(res).name).toMatch(/^MN-MSHO-PMAP-\d{4}$/);
    const fl = await api.login(demo('STATE_USER', 'FL'));
    const flState = json<{ programs: { id: string; name: string }[] }>(
      await api.app.inject({ url: '/api/states/FL', headers: fl }),
    );
    const flPkg = await api.app.inject({
      method: 'POST',
      url: '/api/packages',
      headers: fl,
      payload: { formData: { submissionType: 'CONTRACT_ONLY', programIds: [flState.programs[0]!.id] } },
    });
    expect(json<{ stateNumber: number; stateCode: string }>(flPkg)).toMatchObject({
      stateNumber: 1,
      stateCode: 'FL',
    });
  });

  it("refuses programs of another state with the field's path", async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/packages',
      headers: mnState,
      payload: { formData: { submissionType: 'CONTRACT_ONLY', programIds: [pmap, randomUUID()] } },
    });
    expect(res.statusCode).toBe(400);
    expect(json<{ errors: { path: string }[] }>(res).errors).toEqual([
      { path: 'formData.programIds.1', message: 'is not a program of MN' },
    ]);
  });

  it('deletes a draft with its expected version, and never a submitted package', async () => {
    const { app } = api;
    const created = json<{ id: string }>(
      await app.inject({
        method: 'POST',
        url: '/api/packages',
        headers: mnState,
        payload: { formData: { submissionType: 'CONTRACT_ONLY', programIds: [pmap] } },
      }),
    );
    const missingVersion = await app.inject({
      method: 'DELETE',
      url: `/api/packages/${created.id}`,
      headers: mnState,
    });
    expect(missingVersion.statusCode).toBe(400);
    const del = await app.inject({
      method: 'DELETE',
      url: `/api/packages/${created.id}?expectedVersion=1`,
      headers: mnState,
    });
    expect(del.statusCode).toBe(204);
    expect((await app.inject({ url: `/api/packages/${created.id}`, headers: mnState })).statusCode).toBe(404);
  });
});
