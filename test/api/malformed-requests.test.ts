/** Requests that are broken on the wire: each is a 4xx problem naming what to fix, never a 5xx, and stores nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthHeaders, demo, MINIMAL_PDF, multipartBody, type TestApi, testApi } from '../support/api.js';

let api: TestApi;
let mn: AuthHeaders;
let id: string;

beforeAll(async () => {
  api = await testApi();
  mn = await api.login(demo('STATE_USER', 'MN'));
  const pmap = (await api.store.getState('MN')).programs[0]!.id;
  for (let i = 0; i < 3; i++) {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/packages',
      headers: mn,
      payload: { formData: { submissionType: 'CONTRACT_ONLY', programIds: [pmap] } },
    });
    id = res.json().id;
  }
});
afterAll(() => api.close());

const expectProblem = (
  res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  status: number,
  code: string,
) => {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  expect(res.json()).toMatchObject({ status, code });
};

describe('broken multipart uploads', () => {
  const good = multipartBody({ category: 'CONTRACT' }, { name: 'a.pdf', content: MINIMAL_PDF });
  const boundary = good.contentType.split('boundary=')[1]!;
  const closing = Buffer.from(`\r\n--${boundary}--\r\n`);
  const secondFile = Buffer.concat([
    good.payload.subarray(0, good.payload.length - closing.length),
    Buffer.from(
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="b.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    ),
    MINIMAL_PDF,
    closing,
  ]);
  const fieldAfterFile = Buffer.concat([
    good.payload.subarray(0, good.payload.length - closing.length),
    Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="sha256"\r\n\r\nabc`),
    closing,
  ]);
  const cases: [string, string, Buffer][] = [
    ['no boundary', 'multipart/form-data', good.payload],
    ['a wrong boundary', 'multipart/form-data; boundary=nope', good.payload],
    ['a body cut before its end', good.contentType, good.payload.subarray(0, good.payload.length - 30)],
    ['a body cut in the headers', good.contentType, good.payload.subarray(0, 60)],
    ['two files', good.contentType, secondFile],
    ['a field after the file', good.contentType, fieldAfterFile],
  ];
  for (const [what, contentType, payload] of cases) {
    it(`${what}: 400, and no document is recorded`, async () => {
      const res = await api.app.inject({
        method: 'POST',
        url: `/api/packages/${id}/documents`,
        headers: { ...mn, 'content-type': contentType },
        payload,
      });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect((await api.store.getPackage(id)).revisions[0]!.documents).toEqual([]);
    });
  }

  it('a file name over 255 characters keeps its extension', async () => {
    const body = multipartBody(
      { category: 'CONTRACT' },
      { name: `${'n'.repeat(300)}.pdf`, content: MINIMAL_PDF },
    );
    const res = await api.app.inject({
      method: 'POST',
      url: `/api/packages/${id}/documents`,
      headers: { ...mn, 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().name).toBe(`${'n'.repeat(251)}.pdf`);
  });

  it('is described in /openapi.json as a multipart body with its fields and file', async () => {
    const doc = (await api.app.inject({ url: '/openapi.json' })).json();
    const body = doc.paths['/api/packages/{id}/documents'].post.requestBody;
    const schema = body.content['multipart/form-data'].schema;
    expect(Object.keys(schema.properties).sort()).toEqual(['category', 'file', 'rateId', 'sha256']);
    expect(schema.required).toEqual(expect.arrayContaining(['category', 'file']));
  });
});

describe('text no store could keep', () => {
  it('NUL or an unpaired surrogate anywhere — body, query, path — is a 400 naming where', async () => {
    const cases: [string, string, object | undefined, string][] = [
      [
        'PUT',
        `/api/packages/${id}`,
        {
          expectedVersion: 1,
          formData: { submissionType: 'CONTRACT_ONLY', submissionDescription: 'a\u0000b' },
        },
        'body.formData.submissionDescription',
      ],
      [
        'PUT',
        `/api/packages/${id}`,
        {
          expectedVersion: 1,
          formData: { submissionType: 'CONTRACT_ONLY', stateContacts: [{ name: 'x\ud800' }] },
        },
        'body.formData.stateContacts.0.name',
      ],
      ['GET', `/api/packages?cursor=${encodeURIComponent('a')}%00`, undefined, 'querystring.cursor'],
      ['POST', `/api/packages/${id}/resubmit`, { expectedVersion: 1, reason: 'why\u0000' }, 'body.reason'],
    ];
    for (const [method, url, payload, path] of cases) {
      const res = await api.app.inject({
        method: method as 'GET',
        url,
        headers: mn,
        ...(payload ? { payload } : {}),
      });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    }
  });
});

describe('deeply nested JSON', () => {
  it('is a 400 before it is parsed, however deep (JSON.parse alone takes 400,000 levels)', async () => {
    for (const depth of [65, 10_000, 400_000]) {
      const res = await api.app.inject({
        method: 'POST',
        url: '/api/packages',
        headers: { ...mn, 'content-type': 'application/json' },
        payload: `{"formData":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.json().detail).toContain('nested deeper than 64 levels');
    }
    // Brackets inside strings are text, not nesting.
    const text = await api.app.inject({
      method: 'PUT',
      url: `/api/packages/${id}`,
      headers: mn,
      payload: {
        expectedVersion: 987654,
        formData: { submissionType: 'CONTRACT_ONLY', submissionDescription: '[{'.repeat(500) },
      },
    });
    expect(text.json().code).toBe('VERSION_CONFLICT');
  });
});

describe('addresses and cursors', () => {
  it('a path parameter over the router limit is a 414 problem', async () => {
    expectProblem(
      await api.app.inject({ url: `/api/packages/${'a'.repeat(5000)}`, headers: mn }),
      414,
      'URI_TOO_LONG',
    );
  });

  it('an edited, truncated or invented cursor is a 400 INVALID_CURSOR; a genuine one pages on', async () => {
    const first = await api.app.inject({ url: '/api/packages?limit=1', headers: mn });
    const cursor: string = first.json().cursor;
    expect(cursor).toBeTruthy();
    const [inner, mac] = [
      cursor.slice(0, cursor.lastIndexOf('.')),
      cursor.slice(cursor.lastIndexOf('.') + 1),
    ];
    const position = JSON.parse(Buffer.from(inner, 'base64url').toString());
    position.p = { PK: 1, SK: { nested: ['x'] }, id: "' OR 1=1 --" };
    const edited = `${Buffer.from(JSON.stringify(position)).toString('base64url')}.${mac}`;
    for (const bad of [edited, inner, cursor.slice(0, -2), 'x', `.${mac}`]) {
      const res = await api.app.inject({
        url: `/api/packages?limit=1&cursor=${encodeURIComponent(bad)}`,
        headers: mn,
      });
      expectProblem(res, 400, 'INVALID_CURSOR');
    }
    const next = await api.app.inject({
      url: `/api/packages?limit=1&cursor=${encodeURIComponent(cursor)}`,
      headers: mn,
    });
    expect(next.statusCode).toBe(200);
    expect(next.json().items[0].id).not.toBe(first.json().items[0].id);
    const otherOptions = await api.app.inject({
      url: `/api/packages?limit=1&order=oldest&cursor=${encodeURIComponent(cursor)}`,
      headers: mn,
    });
    expectProblem(otherOptions, 400, 'INVALID_CURSOR');
  });
});
