/** GET /api/packages?programId=&order=: validation, the program's state, order and cursors. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { actorOf, FormDataSchema, type Package } from '../../src/domain/index.js';
import { type AuthHeaders, demo, json, type TestApi, testApi } from '../support/api.js';

let api: TestApi;
let mn: AuthHeaders;
let cms: AuthHeaders;
let pmap: string;
let msho: string;
let flProgram: string;
/** MN packages naming MSHO, oldest first; all submitted. */
const withMsho: Package[] = [];

type ListAnswer = { items: { id: string; stateCode: string; programIds: string[] }[]; cursor?: string };
const list = async (headers: AuthHeaders, query: string) => {
  const res = await api.app.inject({ url: `/api/packages?${query}`, headers });
  return {
    status: res.statusCode,
    body: json<ListAnswer & { code?: string; errors?: { path: string }[] }>(res),
  };
};
const ids = (answer: ListAnswer) => answer.items.map((p) => p.id);

beforeAll(async () => {
  api = await testApi();
  mn = await api.login(demo('STATE_USER', 'MN'));
  cms = await api.login(demo('CMS_USER'));
  const state = await api.store.getState('MN');
  pmap = state.programs.find((p) => p.name === 'PMAP')!.id;
  msho = state.programs.find((p) => p.name === 'MSHO')!.id;
  flProgram = (await api.store.getState('FL')).programs[0]!.id;
  const actor = actorOf(demo('STATE_USER', 'MN'));
  for (const programIds of [[msho], [pmap], [pmap, msho], [pmap], [msho]]) {
    const formData = FormDataSchema.parse({ submissionType: 'CONTRACT_ONLY', programIds });
    const pkg = await api.store.createDraft({ id: randomUUID(), stateCode: 'MN', formData, actor });
    const done = await api.store.submit(pkg.id, { expectedVersion: 1, actor });
    if (programIds.includes(msho)) withMsho.push(done);
  }
});
afterAll(() => api.close());

describe('list options', () => {
  it('a malformed programId or an unknown order is a 400 naming the query field', async () => {
    const badId = await list(mn, 'programId=not-a-uuid');
    expect(badId.status).toBe(400);
    expect(badId.body.code).toBe('VALIDATION_FAILED');
    expect(badId.body.errors!.map((e) => e.path)).toEqual(['querystring.programId']);
    const badOrder = await list(cms, 'order=sideways');
    expect(badOrder.status).toBe(400);
    expect(badOrder.body.errors!.map((e) => e.path)).toEqual(['querystring.order']);
    expect((await list(mn, 'order=NEWEST')).status).toBe(400);
  });

  it("filters a state user's list by program, pages it and orders it both ways", async () => {
    const newestFirst = withMsho.map((p) => p.id).reverse();
    const first = await list(mn, `programId=${msho}&limit=2`);
    expect(first.status).toBe(200);
    expect(ids(first.body)).toEqual(newestFirst.slice(0, 2));
    const second = await list(mn, `programId=${msho}&limit=2&cursor=${first.body.cursor}`);
    expect(ids(second.body)).toEqual(newestFirst.slice(2));
    expect(second.body.cursor).toBeUndefined();
    const oldest = await list(mn, `programId=${msho}&order=oldest&limit=10`);
    expect(ids(oldest.body)).toEqual(withMsho.map((p) => p.id));
    expect((await list(mn, `programId=${randomUUID()}`)).body.items).toEqual([]);
  });

  it('refuses a program of another state, and a cursor of another order or filter', async () => {
    const foreign = await list(mn, `programId=${flProgram}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors).toEqual([{ path: 'programId', message: 'is not a program of MN' }]);
    const cmsForeign = await list(cms, `stateCode=FL&programId=${msho}`);
    expect(cmsForeign.status).toBe(400);
    expect(cmsForeign.body.errors).toEqual([{ path: 'programId', message: 'is not a program of FL' }]);

    const { cursor } = (await list(mn, 'limit=1')).body;
    expect(cursor).toBeDefined();
    for (const other of ['order=oldest', `programId=${pmap}`]) {
      const res = await list(mn, `${other}&limit=1&cursor=${cursor}`);
      expect(res.status, other).toBe(400);
      expect(res.body.code).toBe('INVALID_CURSOR');
    }
    expect((await list(mn, `order=newest&limit=1&cursor=${cursor}`)).status).toBe(200);
  });

  it("CMS filters by program with or without the state, the same packages either way (read in the program's state)", async () => {
    const expected = withMsho.map((p) => p.id).reverse();
    const spy = vi.spyOn(api.store, 'listSubmitted');
    const anywhere = await list(cms, `programId=${msho}`);
    expect(anywhere.status).toBe(200);
    expect(ids(anywhere.body)).toEqual(expected);
    // The program's packages all live in its state: only that state's index is read.
    expect(spy).toHaveBeenCalledWith(expect.objectContaining({ stateCode: 'MN', programId: msho }));
    spy.mockRestore();
    expect(ids((await list(cms, `stateCode=MN&programId=${msho}`)).body)).toEqual(expected);
    const paged = await list(cms, `programId=${msho}&order=oldest&limit=2`);
    const rest = await list(cms, `programId=${msho}&order=oldest&limit=2&cursor=${paged.body.cursor}`);
    expect([...ids(paged.body), ...ids(rest.body)]).toEqual([...expected].reverse());
  });
});
