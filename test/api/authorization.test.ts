/**
 * Walks every API route × every kind of caller and checks the status each must get,
 * and that no response ever carries another state's data.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiScope, FormData, Package, Rate, State, User } from '../../src/domain/index.js';
import {
  actorOf,
  FormDataSchema,
  planApprove,
  planAskQuestion,
  planWithdraw,
} from '../../src/domain/index.js';
import { rateDocument } from '../conformance/fixtures.js';
import { type AuthHeaders, demo, MINIMAL_PDF, multipartBody, type TestApi, testApi } from '../support/api.js';
import { clientToken, createClient } from '../support/api-clients.js';
import { contractOnlyReady } from '../support/complete-form.js';
import { rateCommands, rateFormOf } from '../support/rate-commands.js';

type Person = 'anonymous' | 'mnState' | 'flState' | 'cms' | 'admin';
/** API clients acting as the CMS caller, one per scope (issue 14), with bearer tokens. */
type ClientCaller = 'clientRead' | 'clientReview';
type Caller = Person | ClientCaller;
const CALLERS: Caller[] = ['anonymous', 'mnState', 'flState', 'cms', 'admin', 'clientRead', 'clientReview'];
const SCOPE_OF: Record<ClientCaller, ApiScope> = {
  clientRead: 'packages:read',
  clientReview: 'review:write',
};
type Fixture = 'none' | 'draft' | 'submitted' | 'unlocked' | 'approved' | 'withdrawn' | 'asked' | RateFixture;
/** A package with a rate record (`rated`: submitted with its child rate; `linking`: a draft linking one). */
type RateFixture = 'draftRate' | 'rated' | 'rateWithdrawn' | 'linking';
const RATE_FIXTURES: readonly Fixture[] = ['draftRate', 'rated', 'rateWithdrawn', 'linking'];

interface RouteCase {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** OpenAPI-style path, `{id}` for the package id. */
  path: string;
  fixture: Fixture;
  body?: (pkg: Package) => unknown;
  /** Sends a multipart upload instead of a JSON body: these fields, then one PDF. */
  upload?: Record<string, string>;
  /** Whom `{userId}` names (default: a user who is none of the callers). */
  userId?: () => string;
  /** Which document `{documentId}` names (default: the first of the newest revision). */
  documentId?: (pkg: Package) => string;
  query?: (pkg: Package) => string;
  /** What `{id}` names when not the fixture's package or rate (an API client of the admin routes). */
  id?: () => string;
  /** The route ends the caller's sessions: the caller signs in again after it. */
  endsSessions?: true;
  expect: Record<Person, number>;
  /** What each API client gets; absent: 403 for both (a route machines may not use). */
  clients?: Record<ClientCaller, number>;
}

const NO_CLIENTS: Record<ClientCaller, number> = { clientRead: 403, clientReview: 403 };
/** A route `packages:read` opens: the reading client gets what the CMS caller gets. */
const reads = (status: number) => ({ clientRead: status, clientReview: 403 });
/** A route `review:write` opens. */
const reviews = (status: number) => ({ clientRead: 403, clientReview: status });
const expected = (route: RouteCase, caller: Caller) =>
  caller === 'clientRead' || caller === 'clientReview'
    ? (route.clients ?? NO_CLIENTS)[caller]
    : route.expect[caller];

const everyoneSignedIn = (status: number) => ({
  anonymous: 401,
  mnState: status,
  flState: status,
  cms: status,
  admin: status,
});

let api: TestApi;
const users = {} as Record<Exclude<Person, 'anonymous'>, User>;
const cookies = {} as Record<Person, AuthHeaders | undefined>;
const tokens = {} as Record<ClientCaller, string>;
/** The API client the admin routes rotate and revoke. */
let walkClientId: string;
const headersOf = (caller: Caller): Record<string, string> =>
  caller === 'clientRead' || caller === 'clientReview'
    ? { authorization: `Bearer ${tokens[caller]}` }
    : (cookies[caller] ?? {});
let mnForm: FormData;
let mnRecord: State;
/** The rate of the last rate fixture, as written. */
let fixtureRate: Rate;
/** A submitted rate of MN that a draft may link. */
let linkableRateId: string;

async function rateFixture(kind: RateFixture): Promise<Package> {
  const commands = rateCommands(api.store);
  const user = users.mnState;
  const rateId = randomUUID();
  const latest = async (id: string) => api.store.getPackage(id);
  let pkg = await commands.createPackage(mnRecord, user);
  await commands.createRate(pkg, user, { rateId, formData: rateFormOf(mnRecord) });
  const rate = await api.store.getRate(rateId);
  await commands.updateRate(rate, user, {
    documents: [{ ...rateDocument('rates.pdf'), addedAt: new Date().toISOString() }],
  });
  pkg = await latest(pkg.id);
  if (kind !== 'draftRate') {
    await commands.submit(pkg, user, mnRecord);
    pkg = await latest(pkg.id);
  }
  if (kind === 'rateWithdrawn') await commands.withdrawRate(await api.store.getRate(rateId), users.cms);
  fixtureRate = await api.store.getRate(rateId);
  if (kind !== 'linking') return latest(pkg.id);
  const draft = await commands.createPackage(mnRecord, user);
  await commands.link(draft, user, rateId);
  return latest(draft.id);
}

async function fixture(kind: Fixture): Promise<Package> {
  if (RATE_FIXTURES.includes(kind)) return rateFixture(kind as RateFixture);
  const actor = actorOf(users.mnState);
  const docs = [
    {
      id: randomUUID(),
      name: 'contract.pdf',
      bucket: 'b',
      key: `${randomUUID()}.pdf`,
      size: 1,
      contentType: 'application/pdf',
      sha256: 'b'.repeat(64),
      category: 'CONTRACT' as const,
      addedAt: new Date().toISOString(),
      scanStatus: 'NOT_SCANNED' as const,
    },
  ];
  let pkg = await api.store.createDraft({
    id: randomUUID(),
    stateCode: 'MN',
    formData: mnForm,
    documents: docs,
    actor,
  });
  if (kind === 'draft') return pkg;
  pkg = await api.store.submit(pkg.id, { expectedVersion: pkg.version, actor });
  if (kind === 'submitted') return pkg;
  if (kind === 'asked') {
    // CMS's open question, with a document of its own.
    const { category: _c, ...document } = { ...docs[0]!, id: randomUUID(), name: 'question.pdf' };
    const plan = (p: Package) =>
      planAskQuestion(p, {
        user: users.cms,
        at: new Date().toISOString(),
        id: randomUUID(),
        documents: [document],
      });
    return (await api.store.changePackage(pkg.id, plan)).after;
  }
  if (kind === 'approved' || kind === 'withdrawn') {
    const decision = { user: users.cms, at: new Date().toISOString(), expectedVersion: pkg.version };
    const plan =
      kind === 'approved'
        ? (p: Package) => planApprove(p, { ...decision, releasedOn: today() })
        : (p: Package) => planWithdraw(p, { ...decision, reason: 'State asked' });
    return (await api.store.changePackage(pkg.id, plan)).after;
  }
  return api.store.unlock(pkg.id, {
    expectedVersion: pkg.version,
    actor: actorOf(users.cms),
    reason: 'fix it',
  });
}

const today = () => new Date().toISOString().slice(0, 10);
/** CMS's decisions: a state user who sees the package may not make them (403), another state does not see it (404). */
const cmsDecides = { anonymous: 401, mnState: 403, flState: 404, cms: 200, admin: 200 };

const firstDocument = (pkg: Package) => pkg.revisions[0]!.documents[0]!.id;

const ROUTES: RouteCase[] = [
  {
    method: 'GET',
    path: '/api/auth/me',
    fixture: 'none',
    expect: everyoneSignedIn(200),
    clients: { clientRead: 401, clientReview: 401 },
  },
  {
    method: 'POST',
    path: '/api/auth/logout-everywhere',
    fixture: 'none',
    endsSessions: true,
    expect: everyoneSignedIn(204),
  },
  {
    method: 'POST',
    path: '/api/users/{userId}/sessions/revoke',
    fixture: 'none',
    // {userId}: a user who is none of the callers, so their sessions live on.
    expect: { anonymous: 401, mnState: 403, flState: 403, cms: 403, admin: 204 },
  },
  {
    method: 'PUT',
    path: '/api/users/{userId}/division',
    fixture: 'none',
    // The CMS caller (the demo reviewer, in DMCO) keeps its division for the question routes below.
    userId: () => users.cms.id,
    body: () => ({ division: 'DMCO' }),
    expect: { anonymous: 401, mnState: 403, flState: 403, cms: 403, admin: 200 },
  },
  {
    method: 'PUT',
    path: '/api/users/{userId}/states',
    fixture: 'none',
    userId: () => users.cms.id,
    body: () => ({ stateCodes: ['MN'] }),
    expect: { anonymous: 401, mnState: 403, flState: 403, cms: 403, admin: 200 },
  },
  {
    method: 'GET',
    path: '/api/users',
    fixture: 'none',
    expect: { anonymous: 401, mnState: 403, flState: 403, cms: 403, admin: 200 },
  },
  {
    method: 'GET',
    path: '/api/admin/assignments',
    fixture: 'none',
    expect: { anonymous: 401, mnState: 403, flState: 403, cms: 403, admin: 200 },
  },
  {
    method: 'GET',
    path: '/api/admin/audit',
    fixture: 'none',
    expect: { anonymous: 401, mnState: 403, flState: 403, cms: 403, admin: 200 },
  },
  {
    method: 'GET',
    path: '/api/auth/csrf',
    fixture: 'none',
    expect: everyoneSignedIn(200),
    clients: { clientRead: 401, clientReview: 401 },
  },
  { method: 'GET', path: '/api/states', fixture: 'none', expect: everyoneSignedIn(200), clients: reads(200) },
  {
    method: 'GET',
    path: '/api/states/{code}',
    fixture: 'none',
    expect: everyoneSignedIn(200),
    clients: reads(200),
  },
  {
    method: 'GET',
    path: '/api/packages',
    fixture: 'submitted',
    expect: everyoneSignedIn(200),
    clients: reads(200),
  },
  {
    method: 'GET',
    path: '/api/packages.csv',
    fixture: 'submitted',
    expect: everyoneSignedIn(200),
    clients: reads(200),
  },
  {
    method: 'POST',
    path: '/api/packages',
    fixture: 'none',
    body: () => ({ formData: { submissionType: 'CONTRACT_ONLY' } }),
    expect: { anonymous: 401, mnState: 201, flState: 201, cms: 403, admin: 403 },
  },
  {
    method: 'GET',
    path: '/api/packages/{id}',
    fixture: 'draft',
    expect: { anonymous: 401, mnState: 200, flState: 404, cms: 404, admin: 404 },
    clients: reads(404),
  },
  {
    method: 'PUT',
    path: '/api/packages/{id}',
    fixture: 'draft',
    body: (p) => ({ expectedVersion: p.version, formData: mnForm }),
    expect: { anonymous: 401, mnState: 200, flState: 404, cms: 404, admin: 404 },
  },
  {
    method: 'DELETE',
    path: '/api/packages/{id}',
    fixture: 'draft',
    query: (p) => `?expectedVersion=${p.version}`,
    expect: { anonymous: 401, mnState: 204, flState: 404, cms: 404, admin: 404 },
  },
  {
    method: 'POST',
    path: '/api/packages/{id}/submit',
    fixture: 'draft',
    body: (p) => ({ expectedVersion: p.version }),
    expect: { anonymous: 401, mnState: 200, flState: 404, cms: 404, admin: 404 },
  },
  {
    method: 'POST',
    path: '/api/packages/{id}/unlock',
    fixture: 'submitted',
    body: (p) => ({ expectedVersion: p.version, reason: 'Please fix' }),
    expect: { anonymous: 401, mnState: 403, flState: 404, cms: 200, admin: 200 },
    clients: reviews(200),
  },
  {
    method: 'POST',
    path: '/api/packages/{id}/resubmit',
    fixture: 'unlocked',
    body: (p) => ({ expectedVersion: p.version, reason: 'Fixed' }),
    expect: { anonymous: 401, mnState: 200, flState: 404, cms: 403, admin: 403 },
  },
  {
    method: 'POST',
    path: '/api/packages/{id}/approve',
    fixture: 'submitted',
    body: (p) => ({ expectedVersion: p.version, releasedOn: today(), reason: 'Approved for the reviewer' }),
    expect: cmsDecides,
    clients: reviews(200),
  },
  {
    // Without a reason: a CMS reviewer may approve; an administrator must say why (400 on reason).
    method: 'POST',
    path: '/api/packages/{id}/approve',
    fixture: 'submitted',
    body: (p) => ({ expectedVersion: p.version, releasedOn: today() }),
    expect: { anonymous: 401, mnState: 403, flState: 404, cms: 200, admin: 400 },
    clients: reviews(200),
  },
  {
    method: 'POST',
    path: '/api/packages/{id}/undo-approval',
    fixture: 'approved',
    body: (p) => ({ expectedVersion: p.version, reason: 'Approved by mistake' }),
    expect: cmsDecides,
    clients: reviews(200),
  },
  {
    method: 'POST',
    path: '/api/packages/{id}/withdraw',
    fixture: 'submitted',
    body: (p) => ({ expectedVersion: p.version, reason: 'State asked' }),
    expect: cmsDecides,
    clients: reviews(200),
  },
  {
    method: 'POST',
    path: '/api/packages/{id}/undo-withdrawal',
    fixture: 'withdrawn',
    body: (p) => ({ expectedVersion: p.version, reason: 'Withdrawn by mistake' }),
    expect: cmsDecides,
    clients: reviews(200),
  },
  {
    method: 'POST',
    path: '/api/packages/{id}/undo-unlock',
    fixture: 'unlocked',
    body: (p) => ({ expectedVersion: p.version, reason: 'Unlocked by mistake' }),
    expect: cmsDecides,
    clients: reviews(200),
  },
  {
    // An approved package cannot be unlocked: the state's 403 and 404 come first, CMS gets 409.
    method: 'POST',
    path: '/api/packages/{id}/unlock',
    fixture: 'approved',
    body: (p) => ({ expectedVersion: p.version, reason: 'Please fix' }),
    expect: { anonymous: 401, mnState: 403, flState: 404, cms: 409, admin: 409 },
    clients: reviews(409),
  },
  {
    method: 'POST',
    path: '/api/packages/{id}/documents',
    fixture: 'draft',
    upload: { category: 'CONTRACT_SUPPORTING' },
    expect: { anonymous: 401, mnState: 201, flState: 404, cms: 404, admin: 404 },
  },
  {
    // Only a CMS user with a division asks (the demo reviewer is in DMCO).
    method: 'POST',
    path: '/api/packages/{id}/questions',
    fixture: 'submitted',
    upload: { text: 'Why?' },
    expect: { anonymous: 401, mnState: 403, flState: 404, cms: 201, admin: 403 },
    clients: reviews(201),
  },
  {
    method: 'POST',
    path: '/api/packages/{id}/questions',
    fixture: 'draft',
    upload: { text: 'Why?' },
    expect: { anonymous: 401, mnState: 403, flState: 404, cms: 404, admin: 404 },
    clients: reviews(404),
  },
  {
    method: 'POST',
    path: '/api/packages/{id}/questions',
    fixture: 'approved',
    upload: { text: 'Why?' },
    expect: { anonymous: 401, mnState: 403, flState: 404, cms: 409, admin: 403 },
    clients: reviews(409),
  },
  {
    // While a question is open, CMS may not ask another.
    method: 'POST',
    path: '/api/packages/{id}/questions',
    fixture: 'asked',
    upload: {},
    expect: { anonymous: 401, mnState: 403, flState: 404, cms: 409, admin: 403 },
    clients: reviews(409),
  },
  {
    method: 'POST',
    path: '/api/packages/{id}/questions/{questionId}/response',
    fixture: 'asked',
    upload: { text: 'Because.' },
    expect: { anonymous: 401, mnState: 201, flState: 404, cms: 403, admin: 403 },
  },
  {
    method: 'GET',
    path: '/api/packages/{id}/documents/{documentId}/download',
    fixture: 'submitted',
    expect: { anonymous: 401, mnState: 200, flState: 404, cms: 200, admin: 200 },
    clients: reads(200),
  },
  {
    method: 'GET',
    path: '/api/packages/{id}/documents/{documentId}/download',
    fixture: 'draft',
    expect: { anonymous: 401, mnState: 200, flState: 404, cms: 404, admin: 404 },
    clients: reads(404),
  },
  {
    // A question's document: both sides download it, another state does not see it.
    method: 'GET',
    path: '/api/packages/{id}/documents/{documentId}/download',
    fixture: 'asked',
    documentId: (pkg) => pkg.questions[0]!.documents[0]!.id,
    expect: { anonymous: 401, mnState: 200, flState: 404, cms: 200, admin: 200 },
    clients: reads(200),
  },
  {
    method: 'GET',
    path: '/api/packages/{id}/revisions/{n}/documents.zip',
    fixture: 'submitted',
    expect: { anonymous: 401, mnState: 200, flState: 404, cms: 200, admin: 200 },
    clients: reads(200),
  },
  {
    method: 'GET',
    path: '/api/packages/{id}/revisions/{n}/documents.zip',
    fixture: 'draft',
    expect: { anonymous: 401, mnState: 200, flState: 404, cms: 404, admin: 404 },
    clients: reads(404),
  },
  {
    // A rate's documents come along with its package's revision.
    method: 'GET',
    path: '/api/packages/{id}/revisions/{n}/documents.zip',
    fixture: 'rated',
    expect: { anonymous: 401, mnState: 200, flState: 404, cms: 200, admin: 200 },
    clients: reads(200),
  },
  {
    method: 'DELETE',
    path: '/api/packages/{id}/documents/{documentId}',
    fixture: 'draft',
    expect: { anonymous: 401, mnState: 204, flState: 404, cms: 404, admin: 404 },
  },
  {
    method: 'GET',
    path: '/api/packages/{id}/history',
    fixture: 'submitted',
    expect: { anonymous: 401, mnState: 200, flState: 404, cms: 200, admin: 200 },
    clients: reads(200),
  },
  {
    method: 'GET',
    path: '/api/packages/{id}/history',
    fixture: 'draft',
    expect: { anonymous: 401, mnState: 200, flState: 404, cms: 404, admin: 404 },
    clients: reads(404),
  },
  { method: 'GET', path: '/api/rates', fixture: 'none', expect: everyoneSignedIn(200), clients: reads(200) },
  {
    method: 'GET',
    path: '/api/rates/{id}',
    fixture: 'rated',
    expect: { anonymous: 401, mnState: 200, flState: 404, cms: 200, admin: 200 },
    clients: reads(200),
  },
  {
    // A rate never submitted is its state's business only.
    method: 'GET',
    path: '/api/rates/{id}',
    fixture: 'draftRate',
    expect: { anonymous: 401, mnState: 200, flState: 404, cms: 404, admin: 404 },
    clients: reads(404),
  },
  {
    method: 'POST',
    path: '/api/rates/{id}/withdraw',
    fixture: 'rated',
    body: () => ({ expectedVersion: fixtureRate.version, reason: 'Superseded' }),
    expect: cmsDecides,
    clients: reviews(200),
  },
  {
    method: 'POST',
    path: '/api/rates/{id}/undo-withdrawal',
    fixture: 'rateWithdrawn',
    body: () => ({ expectedVersion: fixtureRate.version, reason: 'Withdrawn by mistake' }),
    expect: cmsDecides,
    clients: reviews(200),
  },
  {
    method: 'GET',
    path: '/api/rates/{id}/documents/{documentId}',
    fixture: 'rated',
    documentId: () => fixtureRate.revisions[0]!.documents[0]!.id,
    expect: { anonymous: 401, mnState: 200, flState: 404, cms: 200, admin: 200 },
    clients: reads(200),
  },
  {
    method: 'POST',
    path: '/api/packages/{id}/rate-links',
    fixture: 'draft',
    body: (p) => ({ rateId: linkableRateId, expectedVersion: p.version }),
    expect: { anonymous: 401, mnState: 200, flState: 404, cms: 404, admin: 404 },
  },
  {
    method: 'DELETE',
    path: '/api/packages/{id}/rate-links/{rateId}',
    fixture: 'linking',
    query: (p) => `?expectedVersion=${p.version}`,
    expect: { anonymous: 401, mnState: 200, flState: 404, cms: 404, admin: 404 },
  },
  // API clients (administrators only; no API client administers clients).
  {
    method: 'POST',
    path: '/api/admin/clients',
    fixture: 'none',
    body: () => ({ name: 'Walk', scopes: ['packages:read'], userId: users.cms.id }),
    expect: { anonymous: 401, mnState: 403, flState: 403, cms: 403, admin: 201 },
  },
  {
    method: 'GET',
    path: '/api/admin/clients',
    fixture: 'none',
    expect: { anonymous: 401, mnState: 403, flState: 403, cms: 403, admin: 200 },
  },
  {
    method: 'POST',
    path: '/api/admin/clients/{id}/rotate',
    fixture: 'none',
    id: () => walkClientId,
    expect: { anonymous: 401, mnState: 403, flState: 403, cms: 403, admin: 200 },
  },
  {
    method: 'POST',
    path: '/api/admin/clients/{id}/revoke',
    fixture: 'none',
    id: () => walkClientId,
    expect: { anonymous: 401, mnState: 403, flState: 403, cms: 403, admin: 200 },
  },
];

/** Routes that need no session by design. */
const PUBLIC = [
  'GET /healthz',
  'GET /readyz',
  'GET /api/auth/dev-users',
  'POST /api/auth/dev-login',
  'POST /api/auth/logout',
  // Which sign-ins are on, for the sign-in page (test/api/oidc-flow.test.ts).
  'GET /api/auth/config',
  // Downloads through the API: the link's signed token is the authority (test/api/download-links.test.ts).
  'GET /api/files',
  // API clients authenticate here with their id and secret (test/api/api-clients.test.ts).
  'POST /oauth/token',
];

beforeAll(async () => {
  // Downloads through the API, as with the embedded S3: every route there can be is walked.
  api = await testApi({ downloads: 'api' });
  users.mnState = demo('STATE_USER', 'MN');
  users.flState = demo('STATE_USER', 'FL');
  users.cms = demo('CMS_USER');
  users.admin = demo('ADMIN_USER');
  for (const c of ['anonymous', 'mnState', 'flState', 'cms', 'admin'] as const)
    cookies[c] = c === 'anonymous' ? undefined : await api.login(users[c]);
  for (const c of ['clientRead', 'clientReview'] as const)
    tokens[c] = await clientToken(api, await createClient(api, [SCOPE_OF[c]], { admin: cookies.admin! }));
  walkClientId = (await createClient(api, ['packages:read'], { admin: cookies.admin! })).id;
  const mn = await api.store.getState('MN');
  mnRecord = mn;
  mnForm = FormDataSchema.parse(contractOnlyReady([mn.programs[0]!.id]));
  await rateFixture('rated');
  linkableRateId = fixtureRate.id;
});
afterAll(() => api.close());

describe('authorization over every route', () => {
  it('covers every route of the OpenAPI document', () => {
    const doc = api.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const covered = new Set([...ROUTES.map((r) => `${r.method} ${r.path}`), ...PUBLIC]);
    expect(documented.filter((r) => !covered.has(r))).toEqual([]);
  });

  for (const route of ROUTES) {
    for (const caller of CALLERS) {
      it(`${route.method} ${route.path} [${route.fixture}] as ${caller} → ${expected(route, caller)}`, async () => {
        const pkg = route.fixture === 'none' ? undefined : await fixture(route.fixture);
        // The rate routes name the fixture's rate; the package routes its package (and its rate).
        const id = route.id?.() ?? (route.path.startsWith('/api/rates/') ? fixtureRate.id : (pkg?.id ?? ''));
        const url =
          route.path
            .replace('{id}', id)
            .replace('{rateId}', pkg?.revisions[0]?.rateLinks[0]?.rateId ?? '')
            .replace('{documentId}', pkg ? (route.documentId ?? firstDocument)(pkg) : '')
            .replace('{questionId}', pkg?.questions[0]?.id ?? '')
            .replace('{n}', String(pkg?.revisions[0]?.number ?? 1))
            .replace('{code}', caller === 'flState' ? 'FL' : 'MN')
            .replace('{userId}', route.userId?.() ?? demo('STATE_USER', 'VA').id) +
          (pkg && route.query ? route.query(pkg) : '');
        const upload = route.upload
          ? multipartBody(route.upload, { name: 'more.pdf', content: MINIMAL_PDF })
          : undefined;
        const res = await api.app.inject({
          method: route.method,
          url,
          headers: { ...headersOf(caller), ...(upload ? { 'content-type': upload.contentType } : {}) },
          ...(upload
            ? { payload: upload.payload }
            : route.body && pkg
              ? { payload: route.body(pkg) as object }
              : route.body
                ? { payload: route.body(undefined as never) as object }
                : {}),
        });
        if (route.endsSessions && caller !== 'anonymous' && !(caller in SCOPE_OF))
          cookies[caller as Exclude<Person, 'anonymous'>] = await api.login(
            users[caller as Exclude<Person, 'anonymous'>],
          );
        expect(res.statusCode, res.body).toBe(expected(route, caller));
        if (caller in SCOPE_OF && res.statusCode === 403)
          expect(['INSUFFICIENT_SCOPE', 'FORBIDDEN']).toContain(res.json().code);
        if (caller === 'flState' && route.path.startsWith('/api/packages')) {
          expect(res.body).not.toContain('"MN"');
          expect(res.body).not.toMatch(/MN-[A-Z]/);
        }
        if (res.statusCode === 404 && pkg) {
          // Exactly what a package that does not exist gets: nothing tells the two apart.
          const what = route.path.startsWith('/api/rates/') ? `rate ${id}` : `package ${pkg.id}`;
          expect(res.json().detail).toBe(`${what} was not found`);
        }
        if (res.statusCode >= 400) expect(res.headers['content-type']).toContain('application/problem+json');
      });
    }
  }

  it('lists only what each caller may see', async () => {
    const draft = await fixture('draft');
    const sub = await fixture('submitted');
    const list = async (caller: Caller, query = '') =>
      (
        await api.app.inject({
          url: `/api/packages?limit=100${query}`,
          headers: headersOf(caller),
        })
      ).json() as {
        items: { id: string; stateCode: string; status: string }[];
      };
    const mn = await list('mnState');
    expect(mn.items.map((p) => p.id)).toEqual(expect.arrayContaining([draft.id, sub.id]));
    expect(mn.items.every((p) => p.stateCode === 'MN')).toBe(true);
    expect((await list('flState')).items.every((p) => p.stateCode === 'FL')).toBe(true);
    const other = await api.app.inject({
      url: '/api/packages?stateCode=MN',
      headers: cookies.flState!,
    });
    expect(other.statusCode).toBe(400);
    // An API client reading as its CMS user sees what that user sees.
    for (const c of ['cms', 'admin', 'clientRead'] as const) {
      const seen = (await list(c, '&stateCode=MN')).items;
      expect(seen.map((p) => p.id)).toContain(sub.id);
      expect(seen.map((p) => p.id)).not.toContain(draft.id);
      expect(seen.every((p) => p.status !== 'DRAFT')).toBe(true);
    }
  });

  it('refuses forged, tampered and expired-looking session cookies', async () => {
    for (const cookie of [
      'carepack_session=abc',
      `${cookies.mnState!.cookie.split(';')[0]}x`,
      'carepack_session=6f1c1e52|9999999999999.sig',
    ]) {
      const res = await api.app.inject({ url: '/api/packages', headers: { cookie } });
      expect(res.statusCode).toBe(401);
    }
    const logout = await api.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: cookies.mnState!,
    });
    expect(logout.statusCode).toBe(204);
    expect(logout.cookies.find((c) => c.name === 'carepack_session')?.value).toBe('');
  });
});

describe('with the development login disabled', () => {
  it('offers neither the user list nor the login', async () => {
    const locked = await testApi({ devLogin: false });
    try {
      expect((await locked.app.inject({ url: '/api/auth/dev-users' })).statusCode).toBe(404);
      const res = await locked.app.inject({
        method: 'POST',
        url: '/api/auth/dev-login',
        payload: { userId: demo('CMS_USER').id },
      });
      expect(res.statusCode).toBe(404);
    } finally {
      await locked.close();
    }
  });
});
