/**
 * The API fuzzed from its own /openapi.json: every operation — a new route is covered without
 * touching this file — gets malformed path parameters, query strings, bodies, headers and
 * content types, as every role, on DynamoDB and on the PostgreSQL server. Whatever arrives:
 * no answer is a 5xx, every refusal is problem+json and changes nothing, and no package or file
 * changes but by a change the API acknowledged.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiScope, Package, User } from '../../src/domain/index.js';
import {
  type AuthHeaders,
  CONTRACT_ONLY_READY,
  demo,
  MINIMAL_PDF,
  multipartBody,
  type TestApi,
  testApi,
} from '../support/api.js';
import { clientToken, createClient } from '../support/api-clients.js';
import { completeForm } from '../support/complete-form.js';
import { fromSchema, type JsonSchema, nastyString, nastyValue, toJson } from '../support/fuzz-arbitraries.js';
import { STORE_BACKENDS } from '../support/store-backends.js';

const REQUESTS_PER_STORE = Number(process.env.CAREPACK_FUZZ_REQUESTS ?? 2000);
/** Fuzz traffic comes from its own address, so the login rate limit never locks out the test's own sign-ins. */
const FUZZ_ADDRESS = '127.0.0.2';

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  path: string;
  pathParams: string[];
  query: { name: string; schema: JsonSchema }[];
  jsonBody?: JsonSchema;
  /** A form-urlencoded body (the OAuth token endpoint). */
  formBody?: JsonSchema;
  multipart: boolean;
}

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { in: string; name: string; schema: JsonSchema }[];
        requestBody?: { content: Record<string, { schema: JsonSchema }> };
      }
    >
  >;
}

function operationsOf(doc: OpenApi): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      return {
        method: method.toUpperCase() as Operation['method'],
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        ...(content['application/json'] ? { jsonBody: content['application/json'].schema } : {}),
        ...(content[FORM] ? { formBody: content[FORM].schema } : {}),
        multipart: 'multipart/form-data' in content,
      };
    }),
  );
}

/** Path segments sent as they are: broken percent-encodings, dots, overlong UTF-8. */
const RAW_PATH_SEGMENTS = fc
  .constantFrom('%', '%zz', '%ff%fe', '%c0%af', '..', '%2e%2e', '%00', ';x=1', 'a%2Fb')
  .map((raw) => ({ raw }));

/** Percent-encodes every byte but the unreserved ones (lone surrogates become U+FFFD, as in a real client). */
const percentEncode = (value: string) =>
  [...Buffer.from(value, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0')}`,
    )
    .join('');

const FORM = 'application/x-www-form-urlencoded';
/** The token endpoint answers OAuth's own JSON errors (RFC 6749 §5.2), not problems. */
const OAUTH_PATHS = new Set(['/oauth/token']);

/** People, and API clients (bearer tokens) acting as the CMS user with one scope each. */
const ROLES = ['anonymous', 'MN', 'FL', 'CMS', 'ADMIN', 'CLIENT_READ', 'CLIENT_REVIEW'] as const;
type Role = (typeof ROLES)[number];
type ClientRole = Extract<Role, `CLIENT_${string}`>;
const CLIENT_SCOPES: Record<ClientRole, ApiScope> = {
  CLIENT_READ: 'packages:read',
  CLIENT_REVIEW: 'review:write',
};
const userOf: Record<Exclude<Role, 'anonymous' | ClientRole>, User> = {
  MN: demo('STATE_USER', 'MN'),
  FL: demo('STATE_USER', 'FL'),
  CMS: demo('CMS_USER'),
  ADMIN: demo('ADMIN_USER'),
};

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/problem+json',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'multipart/form-data; boundary=zzz',
  'application/octet-stream',
  ';;;',
  'application/json\u0000',
];

/** Multipart bodies that are each wrong in some way (so no upload can land on a fixture). */
const brokenMultipart = fc
  .record({
    category: fc.oneof(fc.constantFrom('CONTRACT', 'RATE', 'X', ''), nastyString),
    rateId: fc.option(fc.oneof(fc.uuid(), nastyString), { nil: undefined }),
    sha256: fc.option(fc.oneof(fc.constant('0'.repeat(64)), nastyString), { nil: undefined }),
    fileName: fc.oneof(
      fc.constantFrom('a.pdf', '', '.pdf', `${'n'.repeat(400)}.pdf`, 'x\u0000.pdf'),
      nastyString,
    ),
    content: fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x01]), b])),
      fc.constant(MINIMAL_PDF),
    ),
    breakage: fc.constantFrom(
      'invalid-fields',
      'no-boundary',
      'wrong-boundary',
      'truncated',
      'two-files',
      'binary',
    ),
  })
  .map((m) => {
    const fields: Record<string, string> = {
      category: m.breakage === 'invalid-fields' ? `${m.category}!` : m.category,
    };
    if (m.rateId !== undefined) fields.rateId = m.rateId;
    if (m.sha256 !== undefined) fields.sha256 = m.sha256;
    const content = m.breakage === 'binary' ? Buffer.from([0xff, 0xfe, 0x00, 0x01]) : m.content;
    const body = multipartBody(fields, { name: m.fileName, content });
    const boundary = body.contentType.split('boundary=')[1]!;
    switch (m.breakage) {
      case 'no-boundary':
        return { contentType: 'multipart/form-data', payload: body.payload };
      case 'wrong-boundary':
        return { contentType: 'multipart/form-data; boundary=other', payload: body.payload };
      case 'truncated':
        return { contentType: body.contentType, payload: body.payload.subarray(0, body.payload.length - 12) };
      case 'two-files': {
        const end = Buffer.from(`--${boundary}--\r\n`);
        const second = multipartBody({}, { name: 'b.pdf', content: MINIMAL_PDF }).payload.toString('latin1');
        const part = second.slice(second.indexOf('\r\n') + 2, second.lastIndexOf('\r\n--'));
        return {
          contentType: body.contentType,
          payload: Buffer.concat([
            body.payload.subarray(0, body.payload.length - end.length),
            Buffer.from(`--${boundary}\r\n${part}\r\n`, 'latin1'),
            end,
          ]),
        };
      }
      default:
        return { contentType: body.contentType, payload: body.payload };
    }
  });

for (const backend of STORE_BACKENDS.filter((b) => b.name !== 'pglite')) {
  describe.runIf(backend.available)(`the API fuzzed from /openapi.json (${backend.name})`, () => {
    let api: TestApi;
    const sessions = new Map<Role, AuthHeaders>();
    const bearers = new Map<Role, string>();
    let operations: Operation[];
    const ids: Record<string, string[]> = {};
    let cursors: string[] = [];
    let fixtureIds: string[] = [];

    let logins = 0;
    /** Each sign-in from an address of its own, past the per-address login rate limit. */
    const signIn = async () => {
      for (const [role, user] of Object.entries(userOf)) {
        logins++;
        sessions.set(role as Role, await api.login(user, `127.1.${logins >> 8}.${logins & 255}`));
      }
    };

    const inject = (method: string, url: string, headers: AuthHeaders, payload?: unknown) =>
      api.app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(payload ? { payload: payload as object } : {}),
      });

    async function upload(id: string, name: string) {
      const res = await api.upload(id, sessions.get('MN')!, { name, content: MINIMAL_PDF });
      return res.json().id as string;
    }

    beforeAll(async () => {
      // Downloads through the API, so its file route is fuzzed too.
      api = await testApi({ createStore: backend.create, downloads: 'api' });
      await signIn();
      const mn = sessions.get('MN')!;
      const cms = sessions.get('CMS')!;
      const pmap = (await api.store.getState('MN')).programs[0]!.id;
      const form = { submissionType: 'CONTRACT_ONLY', programIds: [pmap], ...CONTRACT_ONLY_READY };
      const make = async (fate: 'draft' | 'submitted' | 'unlocked' | 'approved' | 'withdrawn') => {
        const pkg = (await inject('POST', '/api/packages', mn, { formData: form })).json();
        const docId = await upload(pkg.id, `${fate}.pdf`);
        if (fate !== 'draft') {
          const { version } = await api.store.getPackage(pkg.id);
          await inject('POST', `/api/packages/${pkg.id}/submit`, mn, { expectedVersion: version });
        }
        if (fate === 'unlocked') {
          const { version } = await api.store.getPackage(pkg.id);
          await inject('POST', `/api/packages/${pkg.id}/unlock`, cms, {
            expectedVersion: version,
            reason: 'fix',
          });
        }
        // Decided packages, so the undo routes meet a package they could act on.
        if (fate === 'approved' || fate === 'withdrawn') {
          const { version } = await api.store.getPackage(pkg.id);
          await inject(
            'POST',
            `/api/packages/${pkg.id}/${fate === 'approved' ? 'approve' : 'withdraw'}`,
            cms,
            {
              expectedVersion: version,
              releasedOn: new Date().toISOString().slice(0, 10),
              reason: 'decided',
            },
          );
        }
        return { id: pkg.id as string, docId };
      };
      const fixtures = [
        await make('draft'),
        await make('submitted'),
        await make('unlocked'),
        await make('submitted'),
        await make('approved'),
        await make('withdrawn'),
      ];
      // A submitted package with a child rate record, so the rate routes meet a real rate.
      const rateId = randomUUID();
      const rated = (
        await inject('POST', '/api/packages', mn, { formData: completeForm({ programIds: [pmap], rateId }) })
      ).json();
      await upload(rated.id, 'contract.pdf');
      const rateUpload = await api.upload(
        rated.id,
        mn,
        { name: 'rates.pdf', content: MINIMAL_PDF },
        { category: 'RATE', rateId },
      );
      expect(rateUpload.statusCode, rateUpload.body).toBe(201);
      const ratedVersion = (await api.store.getPackage(rated.id)).version;
      const submitted = await inject('POST', `/api/packages/${rated.id}/submit`, mn, {
        expectedVersion: ratedVersion,
      });
      expect(submitted.statusCode, submitted.body).toBe(200);
      fixtureIds = fixtures.map((f) => f.id);
      for (const f of fixtures)
        expect((await api.store.getPackage(f.id)).revisions[0]!.documents).toHaveLength(1);
      // `{id}` names packages and (on the rate routes) rates: the fuzz tries each kind of id on every route.
      ids.id = [...fixtureIds, rateId];
      ids.rateId = [rateId];
      ids.documentId = [...fixtures.map((f) => f.docId), rateUpload.json().id as string];
      ids.code = ['MN', 'FL', 'ZZ', 'mn'];
      // Revision numbers: the first (every fixture has it), the unlocked one's second, none, nonsense.
      ids.n = ['1', '2', '99', '0'];
      // A client per scope for the client roles, and one more that `{id}` names (the admin routes rotate and revoke it).
      for (const [role, scope] of Object.entries(CLIENT_SCOPES)) {
        const client = await createClient(api, [scope], { admin: sessions.get('ADMIN')! });
        bearers.set(role as Role, await clientToken(api, client, '127.3.0.1'));
      }
      ids.id.push((await createClient(api, ['packages:read'], { admin: sessions.get('ADMIN')! })).id);
      for (const [headers, url] of [
        [mn, '/api/packages?limit=1'],
        [cms, '/api/packages?limit=1'],
        [mn, `/api/packages/${fixtureIds[2]}/history?limit=1`],
      ] as const) {
        const cursor = (await inject('GET', url, headers)).json().cursor as string | undefined;
        if (cursor) cursors.push(cursor);
      }
      cursors = cursors.flatMap((c) => [c, `${c.slice(0, 8)}A${c.slice(9)}`, c.replace(/\.[^.]*$/, '')]);
      operations = operationsOf((await api.app.inject({ url: '/openapi.json' })).json());
    }, 180_000);
    afterAll(() => api?.close());

    it(`answers ${REQUESTS_PER_STORE} malformed requests with no 5xx, problem+json refusals, and changes no package or file`, {
      timeout: 300_000,
    }, async () => {
      // What each fixture is now: only an acknowledged change (a 2xx) may move it on.
      const expected = new Map<string, Package>();
      for (const id of fixtureIds) expected.set(id, await api.store.getPackage(id));
      const filesBefore = await api.objectDigests();
      const statuses = new Map<number, number>();
      const opsHit = new Set<string>();
      // Versions that never match a fixture: a fuzzed change can only be refused.
      const hints = {
        values: { ...ids, cursor: cursors },
        only: { expectedVersion: [0, -1, 987654, '987654x', null, 1.5] },
        corruption: 0.1,
      };

      const request = fc.constantFrom(...operations).chain((op) =>
        fc.record({
          op: fc.constant(op),
          role: fc.constantFrom(...ROLES),
          path: fc.tuple(
            ...op.pathParams.map((name) =>
              fc.oneof(
                { weight: 4, arbitrary: fc.constantFrom(...(ids[name] ?? ['x'])) },
                { weight: 1, arbitrary: fc.uuid() },
                { weight: 2, arbitrary: nastyString },
                { weight: 1, arbitrary: RAW_PATH_SEGMENTS },
              ),
            ),
          ),
          query: fc.record(
            Object.fromEntries(op.query.map((q) => [q.name, fromSchema(q.schema, hints, q.name)])),
            { requiredKeys: [] },
          ),
          extraQuery: fc.option(
            fc.tuple(fc.constantFrom('__proto__', 'constructor', 'x', 'limit'), nastyString),
            {
              nil: undefined,
            },
          ),
          body: op.multipart
            ? brokenMultipart
            : op.formBody
              ? fc.oneof(
                  { weight: 3, arbitrary: fromSchema(op.formBody, hints) },
                  { weight: 1, arbitrary: nastyValue },
                )
              : fc.oneof(
                  { weight: 6, arbitrary: op.jsonBody ? fromSchema(op.jsonBody, hints) : nastyValue },
                  { weight: 2, arbitrary: nastyValue },
                  { weight: 1, arbitrary: fc.constant(undefined) },
                ),
          contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined, freq: 4 }),
          csrf: fc.constantFrom('real', 'real', 'real', 'garbage', 'none'),
          // Odd headers on one request in five: a bearer token or a cookie then shadows the session.
          headers: fc.oneof(
            { weight: 4, arbitrary: fc.constant({}) },
            {
              weight: 1,
              arbitrary: fc.record(
                {
                  accept: fc.constantFrom('application/json', 'text/html', '*/*', '', 'x/\u00ff'),
                  authorization: fc.constantFrom('Bearer x.y.z', 'Basic Zm9vOmJhcg==', 'Bearer '),
                  cookie: fc.constantFrom('carepack_session=s%3Aforged.sig', 'a=b; ;;', 'carepack_session='),
                },
                { requiredKeys: [] },
              ),
            },
          ),
        }),
      );

      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const params = [...r.path];
          const path = r.op.path.replace(/\{[^}]+\}/g, () => {
            const value = params.shift() as string | { raw: string };
            return typeof value === 'object' ? value.raw : percentEncode(value);
          });
          const search = new URLSearchParams();
          for (const [k, v] of Object.entries(r.query)) {
            search.append(k, typeof v === 'string' ? v : toJson(v));
          }
          if (r.extraQuery) search.append(...r.extraQuery);
          const url = `${path}${search.size ? `?${search}` : ''}`;

          const session = r.role === 'anonymous' ? undefined : sessions.get(r.role);
          const headers: Record<string, string> = {};
          const bearer = bearers.get(r.role);
          if (bearer) headers.authorization = `Bearer ${bearer}`;
          if (session) {
            headers.cookie = session.cookie;
            if (r.csrf === 'real') headers['x-csrf-token'] = session['x-csrf-token'];
            if (r.csrf === 'garbage') headers['x-csrf-token'] = 'garbage';
          }
          for (const [k, v] of Object.entries(r.headers)) {
            if ((k === 'cookie' && session) || (k === 'authorization' && bearer)) continue;
            headers[k] = v;
          }
          let payload: string | Buffer | undefined;
          if (r.op.multipart && r.body && typeof r.body === 'object' && 'payload' in r.body) {
            const m = r.body as { contentType: string; payload: Buffer };
            headers['content-type'] = r.contentType ?? m.contentType;
            payload = m.payload;
          } else if (r.op.formBody && r.body !== undefined) {
            headers['content-type'] = r.contentType ?? FORM;
            payload =
              r.body !== null && typeof r.body === 'object' && !Array.isArray(r.body)
                ? new URLSearchParams(
                    Object.entries(r.body).map(([k, v]) => [k, typeof v === 'string' ? v : toJson(v)]),
                  ).toString()
                : toJson(r.body);
          } else if (r.body !== undefined) {
            headers['content-type'] = r.contentType ?? 'application/json';
            payload = toJson(r.body);
          }
          const touched = r.op.method === 'GET' ? undefined : fixtureIds.find((id) => url.includes(id));
          const res = await api.app.inject({
            method: r.op.method,
            url,
            headers,
            remoteAddress: FUZZ_ADDRESS,
            ...(payload !== undefined ? { payload } : {}),
          });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          opsHit.add(`${r.op.method} ${r.op.path}`);
          expect(res.statusCode, `${r.op.method} ${url} → ${res.body.slice(0, 500)}`).toBeLessThan(500);
          if (res.statusCode >= 400 && OAUTH_PATHS.has(r.op.path)) {
            expect(String(res.headers['content-type']), `${r.op.method} ${url}`).toContain(
              'application/json',
            );
            expect(typeof res.json().error).toBe('string');
            expect(typeof res.json().error_description).toBe('string');
          } else if (res.statusCode >= 400) {
            expect(String(res.headers['content-type']), `${r.op.method} ${url}`).toContain(
              'application/problem+json',
            );
            const problem = res.json();
            expect(typeof problem.code).toBe('string');
            expect(Array.isArray(problem.errors)).toBe(true);
          }
          if (touched) {
            const now = await api.store.getPackage(touched);
            if (res.statusCode < 300) expected.set(touched, now);
            else
              expect(now, `a refused ${r.op.method} ${url} changed the package`).toEqual(
                expected.get(touched),
              );
          }
          // A sign-out that went through ends a session the rest of the run needs: sign in again.
          if (res.statusCode < 300 && /logout|sessions/.test(r.op.path) && r.op.method !== 'GET')
            await signIn();
        }),
        {
          numRuns: REQUESTS_PER_STORE,
          seed: process.env.CAREPACK_FUZZ_SEED ? Number(process.env.CAREPACK_FUZZ_SEED) : undefined,
        },
      );

      const summary = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
      console.info(
        `[fuzz ${backend.name}] ${REQUESTS_PER_STORE} requests over ${opsHit.size}/${operations.length} operations: ${summary.join(' ')}`,
      );
      expect(opsHit.size, 'every operation was tried').toBe(operations.length);
      for (const id of fixtureIds) expect(await api.store.getPackage(id)).toEqual(expected.get(id));
      // Every file a fixture still holds is byte for byte what it was; none of a submitted revision went.
      const filesAfter = await api.objectDigests();
      for (const pkg of expected.values()) {
        for (const doc of pkg.revisions.flatMap((r) => r.documents)) {
          expect(filesAfter.get(doc.key), doc.key).toBe(filesBefore.get(doc.key));
        }
      }
    });
  });
}
