/**
 * Rates as records over HTTP (issue 13): a draft's rates are edited through its one form,
 * submitted with it, linked by another package of the state, revised by their parent (the other
 * package keeps showing what it was submitted with, and is told a newer revision exists), and
 * withdrawn by CMS from every package at once. On PGlite (in process): the store is the same
 * contract on every backend (test/conformance).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormDataInput } from '../../src/domain/index.js';
import type { PackageView } from '../../src/service/package-service.js';
import type { RateSummaryView, RateView } from '../../src/service/rate-service.js';
import { type AuthHeaders, demo, json, MINIMAL_PDF, type TestApi, testApi } from '../support/api.js';
import { completeForm } from '../support/complete-form.js';
import { STORE_BACKENDS } from '../support/store-backends.js';

const pglite = STORE_BACKENDS.find((b) => b.name === 'pglite')!;

let api: TestApi;
let mn: AuthHeaders;
let fl: AuthHeaders;
let cms: AuthHeaders;
let pmap: string;

beforeAll(async () => {
  api = await testApi({ createStore: pglite.create });
  mn = await api.login(demo('STATE_USER', 'MN'));
  fl = await api.login(demo('STATE_USER', 'FL'));
  cms = await api.login(demo('CMS_USER'));
  pmap = (await api.store.getState('MN')).programs.find((p) => p.name === 'PMAP')!.id;
}, 120_000);
afterAll(() => api?.close());

const send = async (
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  headers: AuthHeaders,
  payload?: object,
) => api.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

async function ok<T = PackageView>(res: Awaited<ReturnType<typeof send>>, status = 200): Promise<T> {
  expect(res.statusCode, res.body).toBe(status);
  return json<T>(res);
}

const versionOf = async (id: string) => (await api.store.getPackage(id)).version;
const paths = (res: Awaited<ReturnType<typeof send>>) =>
  json<{ errors: { path: string }[] }>(res).errors.map((e) => e.path);

async function upload(id: string, name: string, fields: Record<string, string>) {
  const res = await api.upload(id, mn, { name, content: MINIMAL_PDF }, fields);
  expect(res.statusCode, res.body).toBe(201);
}

/** A complete contract-and-rates form with these rate certifications (the first one's fields, new ids). */
function formWithRates(rateIds: string[]): FormDataInput {
  const form = completeForm({ programIds: [pmap] });
  const [template] = form.rateCertifications!;
  return { ...form, rateCertifications: rateIds.map((id) => ({ ...template!, id })) };
}

/** A submitted MN package whose child rates have these ids, each with its certification document. */
async function submittedWithRates(rateIds: string[]): Promise<PackageView> {
  const draft = await ok(await send('POST', '/api/packages', mn, { formData: formWithRates(rateIds) }), 201);
  await upload(draft.id, 'contract.pdf', { category: 'CONTRACT' });
  for (const rateId of rateIds)
    await upload(draft.id, `rates-${rateId.slice(0, 4)}.pdf`, { category: 'RATE', rateId });
  return ok(
    await send('POST', `/api/packages/${draft.id}/submit`, mn, {
      expectedVersion: await versionOf(draft.id),
    }),
  );
}

describe('rates shared between packages over HTTP', () => {
  it('walks a rate from a draft through linking, revision, withdrawal and its undoing', async () => {
    const [rate1, rate2] = [randomUUID(), randomUUID()];
    // A: a draft with two child rates, edited as one form, then submitted.
    const a = await submittedWithRates([rate1, rate2]);
    expect(a.status).toBe('SUBMITTED');
    const shownA = a.revisions[0]!;
    expect(shownA.formData.rateCertifications.map((r) => r.id)).toEqual([rate1, rate2]);
    expect(shownA.documents.filter((d) => d.rateId).map((d) => d.rateId)).toEqual([rate1, rate2]);
    expect(
      shownA.rates.map((r) => [r.rateId, r.isChild, r.status, r.rateRevision, r.parentPackageName]),
    ).toEqual([
      [rate1, true, 'SUBMITTED', 1, a.name],
      [rate2, true, 'SUBMITTED', 1, a.name],
    ]);
    const number1 = shownA.rates[0]!.rateNumber;
    expect(number1).toMatch(/^MN-RATE-\d{4}$/);
    // The package record itself holds links, not copies.
    const stored = await api.store.getPackage(a.id);
    expect(stored.revisions[0]!.formData.rateCertifications).toEqual([]);
    expect(stored.revisions[0]!.rateLinks).toEqual([
      { rateId: rate1, rateRevision: 1 },
      { rateId: rate2, rateRevision: 1 },
    ]);

    // B: a second package links rate 1, unlinks it, links it again and is submitted with it.
    let b = await ok(
      await send('POST', '/api/packages', mn, { formData: { ...formWithRates([]), rateCertifications: [] } }),
      201,
    );
    await upload(b.id, 'contract-b.pdf', { category: 'CONTRACT' });
    const link = async () =>
      ok(
        await send('POST', `/api/packages/${b.id}/rate-links`, mn, {
          rateId: rate1,
          expectedVersion: await versionOf(b.id),
        }),
      );
    b = await link();
    expect(b.revisions[0]!.rates.map((r) => [r.rateId, r.isChild, r.parentPackageName])).toEqual([
      [rate1, false, a.name],
    ]);
    b = await ok(
      await send('DELETE', `/api/packages/${b.id}/rate-links/${rate1}?expectedVersion=${b.version}`, mn),
    );
    expect(b.revisions[0]!.rates).toEqual([]);
    b = await link();
    // The editor sends the linked rate back unchanged: it is ignored, not copied.
    b = await ok(
      await send('PUT', `/api/packages/${b.id}`, mn, {
        expectedVersion: b.version,
        formData: b.revisions[0]!.formData,
      }),
    );
    expect((await api.store.getRate(rate1)).revisions).toHaveLength(1);
    b = await ok(await send('POST', `/api/packages/${b.id}/submit`, mn, { expectedVersion: b.version }));
    expect(b.revisions[0]!.rates[0]).toMatchObject({
      rateId: rate1,
      rateRevision: 1,
      latestSubmittedRevision: 1,
    });

    // Editing a linked rate through B's form is refused on the field.
    const unlockB = await ok(
      await send('POST', `/api/packages/${b.id}/unlock`, cms, {
        expectedVersion: b.version,
        reason: 'Look again',
      }),
    );
    const stateB = await ok(await send('GET', `/api/packages/${b.id}`, mn));
    const edited = stateB.revisions[0]!.formData.rateCertifications.map((r) => ({
      ...r,
      rateDateCertified: '2026-09-01',
    }));
    const refused = await send('PUT', `/api/packages/${b.id}`, mn, {
      expectedVersion: unlockB.version,
      formData: { ...stateB.revisions[0]!.formData, rateCertifications: edited },
    });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(paths(refused)).toEqual(['formData.rateCertifications.0']);
    await ok(
      await send('POST', `/api/packages/${b.id}/undo-unlock`, cms, {
        expectedVersion: unlockB.version,
        reason: 'Fine',
      }),
    );

    // CMS unlocks A; the state revises rate 1 through A's form and resubmits.
    let unlockedA = await ok(
      await send('POST', `/api/packages/${a.id}/unlock`, cms, {
        expectedVersion: a.version,
        reason: 'Fix the rate date',
      }),
    );
    const draftA = await ok(await send('GET', `/api/packages/${a.id}`, mn));
    const revised = draftA.revisions[0]!.formData.rateCertifications.map((r) =>
      r.id === rate1 ? { ...r, rateDateCertified: '2026-09-01' } : r,
    );
    unlockedA = await ok(
      await send('PUT', `/api/packages/${a.id}`, mn, {
        expectedVersion: unlockedA.version,
        formData: { ...draftA.revisions[0]!.formData, rateCertifications: revised },
      }),
    );
    expect(unlockedA.revisions[0]!.rates[0]).toMatchObject({
      rateId: rate1,
      status: 'UNLOCKED',
      rateRevision: 2,
    });
    const resubmittedA = await ok(
      await send('POST', `/api/packages/${a.id}/resubmit`, mn, {
        expectedVersion: unlockedA.version,
        reason: 'Rate date fixed',
      }),
    );
    expect(resubmittedA.revisions[0]!.rates[0]).toMatchObject({ rateRevision: 2, status: 'RESUBMITTED' });

    // B still shows what it was submitted with, and that a newer revision exists.
    for (const headers of [mn, cms]) {
      const seen = await ok(await send('GET', `/api/packages/${b.id}`, headers));
      expect(seen.revisions[0]!.rates[0]).toMatchObject({ rateRevision: 1, latestSubmittedRevision: 2 });
      expect(seen.revisions[0]!.formData.rateCertifications[0]!.rateDateCertified).toBe('2026-10-01');
    }
    // B is unlocked and resubmitted: it picks the new revision up.
    const bAgain = await ok(await send('GET', `/api/packages/${b.id}`, mn));
    const unlocked2 = await ok(
      await send('POST', `/api/packages/${b.id}/unlock`, cms, {
        expectedVersion: bAgain.version,
        reason: 'New rate',
      }),
    );
    b = await ok(
      await send('POST', `/api/packages/${b.id}/resubmit`, mn, {
        expectedVersion: unlocked2.version,
        reason: 'Takes it',
      }),
    );
    expect(b.revisions[0]!.rates[0]).toMatchObject({ rateRevision: 2, latestSubmittedRevision: 2 });
    expect(b.revisions[0]!.formData.rateCertifications[0]!.rateDateCertified).toBe('2026-09-01');

    // The rate's page and the lists.
    const page = await ok<RateView>(await send('GET', `/api/rates/${rate1}`, cms));
    expect(page).toMatchObject({ rateNumber: number1, status: 'RESUBMITTED' });
    expect(page.packages.map((p) => [p.id, p.isParent, p.rateRevision]).sort()).toEqual(
      [
        [a.id, true, 2],
        [b.id, false, 2],
      ].sort(),
    );
    const found = await ok<{ items: RateSummaryView[] }>(
      await send('GET', `/api/rates?q=${number1.toLowerCase()}`, mn),
    );
    expect(found.items.map((r) => r.id)).toEqual([rate1]);
    expect(found.items[0]).toMatchObject({ rateNumber: number1, parentPackageName: a.name });

    // CMS withdraws rate 1: both packages get a new submitted revision without it.
    const before = {
      a: (await api.store.getPackage(a.id)).revisions.length,
      b: (await api.store.getPackage(b.id)).revisions.length,
    };
    const stateWithdraws = await send('POST', `/api/rates/${rate1}/withdraw`, mn, {
      expectedVersion: page.version,
      reason: 'Wrong',
    });
    expect(stateWithdraws.statusCode).toBe(403);
    const withdrawn = await ok<RateView>(
      await send('POST', `/api/rates/${rate1}/withdraw`, cms, {
        expectedVersion: page.version,
        reason: 'Superseded',
      }),
    );
    expect(withdrawn.status).toBe('WITHDRAWN');
    for (const [id, count] of [
      [a.id, before.a],
      [b.id, before.b],
    ] as const) {
      const view = await ok(await send('GET', `/api/packages/${id}`, cms));
      expect(view.revisions).toHaveLength(count + 1);
      expect(view.revisions[0]!.rates.map((r) => r.rateId)).not.toContain(rate1);
      expect(view.revisions[1]!.rates.map((r) => r.rateId)).toContain(rate1);
    }
    const undone = await ok<RateView>(
      await send('POST', `/api/rates/${rate1}/undo-withdrawal`, cms, {
        expectedVersion: withdrawn.version,
        reason: 'Withdrawn by mistake',
      }),
    );
    expect(undone.status).not.toBe('WITHDRAWN');
    const backOnB = await ok(await send('GET', `/api/packages/${b.id}`, mn));
    expect(backOnB.revisions[0]!.rates.map((r) => r.rateId)).toEqual([rate1]);
  });

  it('refuses what the rules forbid, each with a clear 4xx', async () => {
    const rate = randomUUID();
    await submittedWithRates([rate]);
    // A draft of another package whose rate was never submitted.
    const draftRate = randomUUID();
    const other = await ok(
      await send('POST', '/api/packages', mn, { formData: formWithRates([draftRate]) }),
      201,
    );
    const target = await ok(
      await send('POST', '/api/packages', mn, { formData: { ...formWithRates([]), rateCertifications: [] } }),
      201,
    );
    const linkTo = (id: string, headers: AuthHeaders, body: object) =>
      send('POST', `/api/packages/${id}/rate-links`, headers, body);

    // Never-submitted rate: 409; another state's package: 404; the same rate twice: 409.
    expect(
      (await linkTo(target.id, mn, { rateId: draftRate, expectedVersion: target.version })).statusCode,
    ).toBe(409);
    const flDraft = await ok(
      await send('POST', '/api/packages', fl, { formData: { submissionType: 'CONTRACT_ONLY' } }),
      201,
    );
    const crossState = await linkTo(flDraft.id, fl, { rateId: rate, expectedVersion: flDraft.version });
    expect(crossState.statusCode).toBe(404);
    expect(crossState.body).not.toContain('MN-');
    expect((await linkTo(target.id, fl, { rateId: rate, expectedVersion: target.version })).statusCode).toBe(
      404,
    );
    // CMS never sees a never-submitted rate; another state never sees any.
    expect((await send('GET', `/api/rates/${draftRate}`, cms)).statusCode).toBe(404);
    expect((await send('GET', `/api/rates/${rate}`, fl)).statusCode).toBe(404);
    expect((await send('GET', `/api/rates/${draftRate}`, mn)).statusCode).toBe(200);
    // A rate document may go to a child rate only.
    const linked = await ok(await linkTo(target.id, mn, { rateId: rate, expectedVersion: target.version }));
    const toLinked = await api.upload(
      target.id,
      mn,
      { name: 'more.pdf', content: MINIMAL_PDF },
      { category: 'RATE_SUPPORTING', rateId: rate },
    );
    expect(toLinked.statusCode).toBe(400);
    expect(paths(toLinked)).toEqual(['rateId']);
    expect((await linkTo(target.id, mn, { rateId: rate, expectedVersion: linked.version })).statusCode).toBe(
      409,
    );
    // Bad bodies and queries name the field.
    const bad = await linkTo(target.id, mn, { rateId: 'x', expectedVersion: 0 });
    expect(bad.statusCode).toBe(400);
    expect(paths(bad).sort()).toEqual(['body.expectedVersion', 'body.rateId']);
    const badQuery = await send('GET', '/api/rates?status=NOPE', cms);
    expect(paths(badQuery)).toEqual(['querystring.status']);
    const otherState = await send('GET', '/api/rates?stateCode=FL', mn);
    expect(otherState.statusCode).toBe(400);
    expect(paths(otherState)).toEqual(['stateCode']);
    expect(other.revisions[0]!.rates[0]).toMatchObject({ isChild: true, status: 'DRAFT' });
  });
});
