/** CMS sees only what was submitted: an unlocked package's detail, list entry and history. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, FormDataSchema, type Package } from '../../src/domain/index.js';
import {
  type AuthHeaders,
  demo,
  json,
  MINIMAL_PDF,
  multipartBody,
  type TestApi,
  testApi,
} from '../support/api.js';

let api: TestApi;
let mn: AuthHeaders;
let cms: AuthHeaders;
let pkg: Package;
let submittedName: string;
let unlocked: Package;

type Detail = { name: string; updatedAt: string; revisions: { number: number }[]; status: string };
type ListAnswer = { items: { id: string; name: string; updatedAt: string; revisionCount: number }[] };
type History = { items: { action: string; summary: string }[]; cursor?: string };

const get = async <T>(headers: AuthHeaders, url: string) => {
  const res = await api.app.inject({ url, headers });
  expect(res.statusCode, res.body).toBe(200);
  return json<T>(res);
};

/** Every event of the history, `limit` at a time; also the size of each page. */
async function wholeHistory(headers: AuthHeaders, limit: number) {
  const items: History['items'] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await get<History>(
      headers,
      `/api/packages/${pkg.id}/history?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    items.push(...page.items);
    sizes.push(page.items.length);
    cursor = page.cursor;
  } while (cursor);
  return { actions: items.map((e) => e.action), sizes };
}

beforeAll(async () => {
  api = await testApi();
  mn = await api.login(demo('STATE_USER', 'MN'));
  cms = await api.login(demo('CMS_USER'));
  const programs = (await api.store.getState('MN')).programs;
  const pmap = programs.find((p) => p.name === 'PMAP')!.id;
  const snbc = programs.find((p) => p.name === 'SNBC')!.id;
  const actor = actorOf(demo('STATE_USER', 'MN'));
  const formData = FormDataSchema.parse({ submissionType: 'CONTRACT_ONLY', programIds: [pmap] });
  const draft = await api.store.createDraft({ id: randomUUID(), stateCode: 'MN', formData, actor });
  const submitted = await api.store.submit(draft.id, { expectedVersion: 1, actor });
  submittedName = `MN-PMAP-${String(submitted.stateNumber).padStart(4, '0')}`;
  unlocked = await api.store.unlock(draft.id, {
    expectedVersion: submitted.version,
    actor: actorOf(demo('CMS_USER')),
    reason: 'Add SNBC',
  });
  // CMS downloads nothing here; the state edits, uploads and downloads its new file.
  const edited = await api.app.inject({
    method: 'PUT',
    url: `/api/packages/${draft.id}`,
    headers: mn,
    payload: { expectedVersion: unlocked.version, formData: { ...formData, programIds: [pmap, snbc] } },
  });
  expect(edited.statusCode, edited.body).toBe(200);
  const body = multipartBody({ category: 'CONTRACT' }, { name: 'new-contract.pdf', content: MINIMAL_PDF });
  const uploaded = await api.app.inject({
    method: 'POST',
    url: `/api/packages/${draft.id}/documents`,
    headers: { ...mn, 'content-type': body.contentType },
    payload: body.payload,
  });
  expect(uploaded.statusCode, uploaded.body).toBe(201);
  const docId = json<{ id: string }>(uploaded).id;
  const download = await api.app.inject({
    url: `/api/packages/${draft.id}/documents/${docId}/download`,
    headers: mn,
  });
  expect(download.statusCode, download.body).toBeLessThan(400);
  pkg = await api.store.getPackage(draft.id);
});
afterAll(() => api.close());

describe('an unlocked package as CMS sees it', () => {
  it('keeps the submitted name and the time of the unlock in the detail; the state sees its draft', async () => {
    const asCms = await get<Detail>(cms, `/api/packages/${pkg.id}`);
    expect(asCms).toMatchObject({ name: submittedName, status: 'UNLOCKED', updatedAt: unlocked.updatedAt });
    expect(asCms.revisions.map((r) => r.number)).toEqual([1]);
    const asState = await get<Detail>(mn, `/api/packages/${pkg.id}`);
    expect(asState.name).toBe(submittedName.replace('PMAP', 'PMAP-SNBC'));
    expect(asState.updatedAt).toBe(pkg.updatedAt);
    expect(asState.revisions.map((r) => r.number)).toEqual([2, 1]);
  });

  it('lists it under the submitted name, with one revision and the time of the unlock', async () => {
    const listed = (await get<ListAnswer>(cms, '/api/packages?stateCode=MN')).items.find(
      (p) => p.id === pkg.id,
    );
    expect(listed).toMatchObject({ name: submittedName, revisionCount: 1, updatedAt: unlocked.updatedAt });
    const own = (await get<ListAnswer>(mn, '/api/packages')).items.find((p) => p.id === pkg.id);
    expect(own).toMatchObject({ name: submittedName.replace('PMAP', 'PMAP-SNBC'), revisionCount: 2 });
  });

  it("shows CMS the history up to the unlock, without the state's work since, in full pages", async () => {
    const upToUnlock = ['CREATE', 'SUBMIT', 'UNLOCK'];
    for (const limit of [1, 2, 3, 25]) {
      const { actions, sizes } = await wholeHistory(cms, limit);
      expect(actions, `limit ${limit}`).toEqual(upToUnlock);
      expect(
        sizes.slice(0, -1).every((n) => n === limit),
        `pages ${sizes}`,
      ).toBe(true);
      expect(sizes.at(-1)).toBeGreaterThan(0);
    }
    const { actions } = await wholeHistory(mn, 2);
    expect(actions).toEqual([...upToUnlock, 'UPDATE', 'UPLOAD', 'DOWNLOAD']);
  });

  it('shows CMS everything once the state resubmits', async () => {
    const now = await api.store.getPackage(pkg.id);
    const re = await api.store.resubmit(pkg.id, {
      expectedVersion: now.version,
      actor: actorOf(demo('STATE_USER', 'MN')),
      reason: 'SNBC added',
    });
    const asCms = await get<Detail>(cms, `/api/packages/${pkg.id}`);
    expect(asCms).toMatchObject({
      name: submittedName.replace('PMAP', 'PMAP-SNBC'),
      updatedAt: re.updatedAt,
    });
    const { actions } = await wholeHistory(cms, 2);
    expect(actions).toEqual(['CREATE', 'SUBMIT', 'UNLOCK', 'UPDATE', 'UPLOAD', 'DOWNLOAD', 'RESUBMIT']);
  });
});
