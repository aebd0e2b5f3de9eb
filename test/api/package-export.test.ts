/**
 * GET /api/packages.csv: the list's packages, filters and visibility, as RFC 4180 CSV that a
 * spreadsheet opens safely, read from the store a page at a time; and the list's updated-date range.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, type Package, type State, type User } from '../../src/domain/index.js';
import { PackageExport, UTF8_BOM } from '../../src/service/package-export.js';
import { PackageService } from '../../src/service/package-service.js';
import { ReferenceData } from '../../src/service/reference-data.js';
import type { ListByStateQuery, ListSubmittedQuery, Store } from '../../src/store/store.js';
import { formWithPrograms, makeState, stateUser } from '../conformance/fixtures.js';
import { type AuthHeaders, demo, type TestApi, testApi } from '../support/api.js';
import { freshDynamoStore } from '../support/dynamo.js';
import { type DrivenStore, storeCommands } from '../support/store-commands.js';

/** RFC 4180 read back: records of fields (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) throw new Error('unterminated quoted field');
        field += text.slice(i, quote);
        i = quote + 1;
        if (text[i] !== '"') break;
        field += '"';
        i++;
      }
    } else {
      const end = text.slice(i).search(/,|\r\n/);
      field = end < 0 ? text.slice(i) : text.slice(i, i + end);
      if (/["\r\n]/.test(field)) throw new Error(`unquoted field holds a quote or line break: ${field}`);
      i += field.length;
    }
    fields.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      records.push(fields);
      fields = [];
      i += 2;
    } else throw new Error(`a record does not end with CRLF at ${i}`);
  }
  return records;
}

const HEADER = [
  'Name',
  'State',
  'Programs',
  'Submission type',
  'Status',
  'Review status',
  'Created',
  'First submitted',
  'Last updated',
  'Revisions',
];

/** Names a spreadsheet would run, with commas, quotes and a line break. */
const NASTY_PROGRAMS = ['=HYPERLINK("http://evil.test","x")', 'Rural, "North"\nRegion', '+1', '@cmd', '-2'];

/** Counts the store's list reads per state (and CMS's), with the page size asked. */
const reads: { list: string; limit: number | undefined }[] = [];
function counting(store: DrivenStore): DrivenStore {
  return new Proxy(store, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (key === 'listByState')
        return (code: string, q?: ListByStateQuery) => {
          reads.push({ list: code, limit: q?.limit });
          return target.listByState(code, q);
        };
      if (key === 'listSubmitted')
        return (q?: ListSubmittedQuery) => {
          reads.push({ list: `cms:${q?.stateCode ?? '*'}`, limit: q?.limit });
          return target.listSubmitted(q);
        };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

let api: TestApi;
let mn: AuthHeaders;
let fl: AuthHeaders;
let cms: AuthHeaders;
/** A state whose program names are hostile; its user; a draft and a submitted package. */
let qx: State;
let qxUser: User;
let qxHeaders: AuthHeaders;
let qxDraft: Package;
let qxSubmitted: Package;
/** MN packages dated in 2024 (a stopped clock), for the date range: [day, package]. */
const dated: [string, Package][] = [];

async function get(url: string, headers?: AuthHeaders) {
  return api.app.inject({ url, ...(headers ? { headers } : {}) });
}
const rowsOf = (body: string) => parseCsv(body).slice(1);
const csvNames = async (query: string, headers: AuthHeaders) => {
  const res = await get(`/api/packages.csv?${query}`, headers);
  expect(res.statusCode, res.body).toBe(200);
  return rowsOf(res.body).map((r) => r[0]);
};
/** Every name the JSON list shows for a query, through all its pages. */
async function listNames(query: string, headers: AuthHeaders, limit = 7): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const res = await get(
      `/api/packages?limit=${limit}&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      headers,
    );
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as { items: { name: string }[]; cursor?: string };
    names.push(...page.items.map((p) => p.name));
    cursor = page.cursor;
  } while (cursor);
  return names;
}

beforeAll(async () => {
  api = await testApi({ createStore: async () => counting((await freshDynamoStore('carepack-csv')).store) });
  mn = await api.login(demo('STATE_USER', 'MN'));
  fl = await api.login(demo('STATE_USER', 'FL'));
  cms = await api.login(demo('CMS_USER'));

  qx = makeState('QX', NASTY_PROGRAMS);
  qxUser = stateUser('QX');
  await api.store.upsertStates([qx]);
  await api.store.upsertUsers([qxUser]);
  qxHeaders = await api.login(qxUser);
  const actor = actorOf(qxUser);
  const programs = qx.programs.map((p) => p.id);
  qxDraft = await api.store.createDraft({
    id: randomUUID(),
    stateCode: 'QX',
    formData: formWithPrograms(programs),
    actor,
  });
  const toSubmit = await api.store.createDraft({
    id: randomUUID(),
    stateCode: 'QX',
    formData: formWithPrograms([programs[1]!]),
    actor,
  });
  qxSubmitted = await api.store.submit(toSubmit.id, { expectedVersion: 1, actor });

  const mnState = await api.store.getState('MN');
  const mnActor = actorOf(demo('STATE_USER', 'MN'));
  for (const [day, submit] of [
    ['2024-04-01', true],
    ['2024-04-02', false],
    ['2024-04-03', true],
    ['2024-04-05', true],
  ] as const) {
    const on = storeCommands(api.store, () => new Date(`${day}T12:00:00.000Z`));
    let pkg = await on.createDraft({
      id: randomUUID(),
      stateCode: 'MN',
      formData: formWithPrograms([mnState.programs[0]!.id]),
      actor: mnActor,
    });
    if (submit) pkg = await on.submit(pkg.id, { expectedVersion: 1, actor: mnActor });
    dated.push([day, pkg]);
  }
  // Today's packages: a draft and a submitted one of FL.
  const flState = await api.store.getState('FL');
  const flActor = actorOf(demo('STATE_USER', 'FL'));
  const flDraft = await api.store.createDraft({
    id: randomUUID(),
    stateCode: 'FL',
    formData: formWithPrograms([flState.programs[0]!.id]),
    actor: flActor,
  });
  await api.store.submit(flDraft.id, { expectedVersion: 1, actor: flActor });
});
afterAll(() => api.close());

describe('GET /api/packages.csv', () => {
  it('answers a CSV attachment: UTF-8, a header, CRLF records, the list as the user sees it', async () => {
    const res = await get('/api/packages.csv', qxHeaders);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const today = new Date().toISOString().slice(0, 10);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="carepack-packages-QX-${today}.csv"`,
    );
    expect(res.headers['content-length']).toBeUndefined(); // streamed, not built whole first
    // A byte order mark first, so Excel reads the file as UTF-8.
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const [header, ...rows] = parseCsv(res.body.slice(UTF8_BOM.length));
    expect(header).toEqual(HEADER);
    const list = (await get('/api/packages?limit=100', qxHeaders)).json() as {
      items: { name: string }[];
    };
    expect(rows.map((r) => r[0])).toEqual(list.items.map((p) => p.name));
    const submitted = rows.find((r) => r[4] === 'SUBMITTED')!;
    expect(submitted.slice(1)).toEqual([
      'QX',
      'Rural, "North"\nRegion',
      'CONTRACT_ONLY',
      'SUBMITTED',
      qxSubmitted.reviewStatus,
      qxSubmitted.createdAt,
      qxSubmitted.initiallySubmittedAt,
      qxSubmitted.updatedAt,
      '1',
    ]);
    const draft = rows.find((r) => r[4] === 'DRAFT')!;
    expect(draft.slice(5, 8)).toEqual(['', qxDraft.createdAt, '']);
  });

  it('is documented in /openapi.json as a CSV answer with the list filters', async () => {
    const doc = (await get('/openapi.json')).json() as {
      paths: Record<
        string,
        { get: { parameters: { name: string }[]; responses: Record<string, { content: object }> } }
      >;
    };
    const op = doc.paths['/api/packages.csv']!.get;
    expect(Object.keys(op.responses['200']!.content)).toEqual(['text/csv']);
    expect(op.parameters.map((p) => p.name).sort()).toEqual(
      ['order', 'programId', 'reviewStatus', 'stateCode', 'status', 'updatedFrom', 'updatedTo'].sort(),
    );
  });

  it('neutralises fields a spreadsheet would run as formulas, quoting the rest as RFC 4180 says', async () => {
    const res = await get('/api/packages.csv?status=DRAFT', qxHeaders);
    const [draft] = rowsOf(res.body);
    // The programs in the state's order, joined: the field starts with "=", so it gets a quote first.
    expect(draft![2]).toBe(`'${NASTY_PROGRAMS.join(', ')}`);
    // As sent: quoted (comma, quotes, line break), quotes doubled, the single quote inside.
    expect(res.body).toContain(
      `"'=HYPERLINK(""http://evil.test"",""x""), Rural, ""North""\nRegion, +1, @cmd, -2"`,
    );
    // No field of any row starts with a formula character.
    for (const row of parseCsv((await get('/api/packages.csv', cms)).body)) {
      for (const field of row) expect(field).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  it('shows each user what their list shows: their state (drafts too), or for CMS every submitted package', async () => {
    const mnRows = rowsOf((await get('/api/packages.csv', mn)).body);
    expect(mnRows.length).toBeGreaterThan(0);
    expect(mnRows.every((r) => r[1] === 'MN')).toBe(true);
    expect(mnRows.some((r) => r[4] === 'DRAFT')).toBe(true);
    const flRows = rowsOf((await get('/api/packages.csv', fl)).body);
    expect(flRows.every((r) => r[1] === 'FL')).toBe(true);
    expect(flRows.map((r) => r[0]).join()).not.toMatch(/MN-/);

    const cmsRows = rowsOf((await get('/api/packages.csv', cms)).body);
    expect(cmsRows.every((r) => r[4] !== 'DRAFT')).toBe(true);
    expect(new Set(cmsRows.map((r) => r[1]))).toEqual(new Set(['MN', 'FL', 'QX']));
    expect(cmsRows.map((r) => r[0])).not.toContain(
      rowsOf((await get('/api/packages.csv?status=DRAFT', mn)).body)[0]![0],
    );
    expect(cmsRows.map((r) => r[0])).toEqual(await listNames('', cms));

    const other = await get('/api/packages.csv?stateCode=MN', fl);
    expect(other.statusCode).toBe(400);
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect((await get('/api/packages.csv')).statusCode).toBe(401);
  });

  it('takes the list filters and order, and holds exactly the packages the list does', async () => {
    const mnState = await api.store.getState('MN');
    const program = mnState.programs[0]!.id;
    const queries: [string, AuthHeaders][] = [
      ['status=SUBMITTED', mn],
      ['status=DRAFT&order=oldest', mn],
      [`programId=${program}`, mn],
      ['reviewStatus=UNDER_REVIEW', mn],
      ['stateCode=MN', cms],
      ['stateCode=QX&reviewStatus=UNDER_REVIEW', cms],
      [`programId=${program}&order=oldest`, cms],
      ['updatedFrom=2024-04-02&updatedTo=2024-04-03', mn],
      ['updatedTo=2024-04-04&order=oldest', cms],
    ];
    for (const [query, headers] of queries) {
      const names = await listNames(query, headers);
      expect(await csvNames(query, headers), query).toEqual(names);
    }
    expect(await csvNames('stateCode=QX&status=UNLOCKED', cms)).toEqual([]);
    const bad = await get(`/api/packages.csv?programId=${qx.programs[0]!.id}`, mn);
    expect(bad.statusCode).toBe(400);
  });

  it('reads the store a page of 100 at a time, however many packages match', async () => {
    const big = makeState('QB', ['PMAP']);
    const user = stateUser('QB');
    await api.store.upsertStates([big]);
    await api.store.upsertUsers([user]);
    const actor = actorOf(user);
    const count = 205;
    // One after another: drafts of one state taken at once would contend for its package number.
    for (let i = 0; i < count; i++) {
      await api.store.createDraft({
        id: randomUUID(),
        stateCode: 'QB',
        formData: formWithPrograms([big.programs[0]!.id]),
        actor,
      });
    }
    const headers = await api.login(user);
    reads.length = 0;
    const res = await get('/api/packages.csv', headers);
    expect(res.statusCode).toBe(200);
    const rows = rowsOf(res.body);
    expect(rows).toHaveLength(count);
    expect(new Set(rows.map((r) => r[0])).size).toBe(count);
    // Three reads of the store's largest page (the JSON list pages the same way).
    expect(reads).toEqual([1, 2, 3].map(() => ({ list: 'QB', limit: 100 })));
    expect(rows.map((r) => r[0])).toEqual(await listNames('', headers, 100));

    // Lazily: the service has read one page when the header and the first records are handed on.
    const store = api.store as Store;
    const reference = new ReferenceData(store);
    const csv = await new PackageExport(new PackageService(store, reference), reference).csv(user, {});
    reads.length = 0;
    const iterator = csv[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe(`${UTF8_BOM}${HEADER.join(',')}\r\n`);
    expect(parseCsv((await iterator.next()).value as string)).toHaveLength(100);
    expect(reads).toHaveLength(0); // the first page was read before the export began
    expect(parseCsv((await iterator.next()).value as string)).toHaveLength(100);
    expect(reads).toHaveLength(1);
    await iterator.return?.();
    expect(reads).toHaveLength(1);
  }, 120_000);
});

describe('the updated-date range of the lists', () => {
  const day = (name: string) => dated.find(([, p]) => p.id === name)?.[0];

  it('keeps the packages updated on those UTC days, both ends included, in the JSON list and the CSV', async () => {
    const list = async (query: string, headers: AuthHeaders) =>
      ((await get(`/api/packages?${query}`, headers)).json() as { items: { id: string }[] }).items.map((p) =>
        day(p.id),
      );
    expect(await list('updatedFrom=2024-04-02&updatedTo=2024-04-03', mn)).toEqual([
      '2024-04-03',
      '2024-04-02',
    ]);
    expect(await list('updatedFrom=2024-04-03&updatedTo=2024-04-03', cms)).toEqual(['2024-04-03']);
    expect(await list('updatedTo=2024-04-04&order=oldest', cms)).toEqual(['2024-04-01', '2024-04-03']);
    expect(await list('updatedFrom=2024-04-04&updatedTo=2024-04-04', mn)).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    const fromToday = await csvNames(`updatedFrom=${today}`, fl);
    expect(fromToday.length).toBeGreaterThan(0);
    const csvDays = rowsOf((await get('/api/packages.csv?updatedTo=2024-12-31', mn)).body).map((r) =>
      r[8]!.slice(0, 10),
    );
    expect(csvDays).toEqual(['2024-04-05', '2024-04-03', '2024-04-02', '2024-04-01']);
  });

  it('refuses a date that is not a real YYYY-MM-DD and an end before the start, naming the field', async () => {
    for (const path of ['/api/packages', '/api/packages.csv']) {
      for (const [query, field] of [
        ['updatedFrom=2024-02-30', 'updatedFrom'],
        ['updatedFrom=yesterday', 'updatedFrom'],
        ['updatedTo=2024-4-1', 'updatedTo'],
        ['updatedTo=2024-04-01T00:00:00Z', 'updatedTo'],
        ['updatedFrom=2024-04-02&updatedTo=2024-04-01', 'updatedTo'],
      ] as const) {
        const res = await get(`${path}?${query}`, cms);
        expect(res.statusCode, `${path}?${query}`).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(new Set(res.json().errors.map((e: { path: string }) => e.path))).toEqual(
          new Set([`querystring.${field}`]),
        );
      }
    }
  });
});
