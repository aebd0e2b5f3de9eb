/**
 * Downloads served by the API (the embedded S3's mode): the link a client gets names the
 * address the client itself used (or the configured public URL), never the S3's own port on
 * 127.0.0.1; it carries a signed, short-lived token; anything else is a 4xx problem.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentDisposition } from '../../src/files/content-disposition.js';
import { DownloadTokens } from '../../src/files/download-links.js';
import {
  type AuthHeaders,
  demo,
  MINIMAL_PDF,
  multipartBody,
  TEST_SESSION_SECRET,
  type TestApi,
  testApi,
} from '../support/api.js';

// A real PDF header with binary bytes after it: every byte must come back as it went in.
const PDF = Buffer.concat([MINIMAL_PDF, randomBytes(4096)]);
const NAME = 'Contrat été 2027 (final; 100%).pdf';

let api: TestApi;
let origin: string;
let mn: AuthHeaders;

beforeAll(async () => {
  api = await testApi({ downloads: 'api' });
  // A real listener: the links are followed by fetch, as a browser would.
  origin = await api.app.listen({ host: '127.0.0.1', port: 0 });
  mn = await api.login(demo('STATE_USER', 'MN'));
});
afterAll(() => api.close());

/** A draft of Minnesota with one uploaded document. */
async function uploaded(name = NAME) {
  const pmap = (await api.store.getState('MN')).programs.find((p) => p.name === 'PMAP')!.id;
  const created = await api.app.inject({
    method: 'POST',
    url: '/api/packages',
    headers: mn,
    payload: { formData: { submissionType: 'CONTRACT_ONLY', programIds: [pmap] } },
  });
  const pkg = created.json() as { id: string };
  const body = multipartBody({ category: 'CONTRACT' }, { name, content: PDF });
  const res = await api.app.inject({
    method: 'POST',
    url: `/api/packages/${pkg.id}/documents`,
    headers: { ...mn, 'content-type': body.contentType },
    payload: body.payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  return { packageId: pkg.id, doc: res.json() as { id: string; key: string } };
}

const linkPath = (id: string, docId: string) => `/api/packages/${id}/documents/${docId}/download`;

/** Fetches a link's path and query from the API's real address. */
const follow = (link: string) => {
  const u = new URL(link, origin);
  return fetch(`${origin}${u.pathname}${u.search}`);
};

async function expectProblem(res: Response, status: number, code?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = (await res.json()) as { code: string; detail: string };
  if (code) expect(body.code).toBe(code);
  return body;
}

describe('downloads through the API', () => {
  it('hands out a link on the address the client used, which downloads the exact bytes as an attachment', async () => {
    const { packageId, doc } = await uploaded();

    // Through the real listener: the link's origin is the one this request went to.
    const viaListener = await fetch(`${origin}${linkPath(packageId, doc.id)}`, { headers: mn });
    expect(viaListener.status).toBe(200);
    const link = ((await viaListener.json()) as { url: string }).url;
    expect(new URL(link).origin).toBe(origin);
    expect(new URL(link).pathname).toBe('/api/files');

    // A browser on another machine reached the API under another name: the link uses that name.
    const remote = await api.app.inject({
      url: linkPath(packageId, doc.id),
      headers: { ...mn, host: 'carepack.lan:3000' },
    });
    expect(remote.json().url).toMatch(/^http:\/\/carepack\.lan:3000\/api\/files\?token=/);
    const redirect = await api.app.inject({
      url: `${linkPath(packageId, doc.id)}?redirect=1`,
      headers: { ...mn, host: 'carepack.lan:3000' },
    });
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toMatch(/^http:\/\/carepack\.lan:3000\/api\/files\?token=/);

    // No session needed: the token is the authority, as a presigned URL's signature is.
    const res = await follow(link);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PDF);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(attachmentDisposition(NAME));
    expect(res.headers.get('cache-control')).toBe('private, no-store');
  });

  it('refuses an edited, forged or malformed token with a 4xx problem, and an expired one with 410', async () => {
    const { packageId, doc } = await uploaded('refused.pdf');
    const link = (await api.app.inject({ url: linkPath(packageId, doc.id), headers: mn })).json()
      .url as string;
    const token = new URL(link).searchParams.get('token')!;
    const [payload, signature] = token.split('.') as [string, string];
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const otherKey = new DownloadTokens('another-secret-another-secret-another-0').sign({
      key: doc.key,
      downloadName: 'refused.pdf',
      expiresAt: Math.floor(Date.now() / 1000) + 300,
    });
    const edited = Buffer.from(payload, 'base64url').toString().replace('refused.pdf', 'renamed.pdf');
    // The same signature bytes, spelt differently (base64url's spare bits in its last character).
    const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelt = signature.slice(0, 42) + B64[B64.indexOf(signature[42]!) ^ 1];
    for (const bad of [
      `${payload}.${respelt}`,
      `${flip(payload, 5)}.${signature}`,
      `${payload}.${flip(signature, 3)}`,
      `${Buffer.from(edited).toString('base64url')}.${signature}`,
      otherKey,
      'not-a-token',
      `${payload}.`,
      `.${signature}`,
    ]) {
      await expectProblem(await fetch(`${origin}/api/files?token=${encodeURIComponent(bad)}`), 403);
    }
    await expectProblem(await fetch(`${origin}/api/files`), 400, 'VALIDATION_FAILED');
    await expectProblem(await fetch(`${origin}/api/files?token=`), 400, 'VALIDATION_FAILED');
    await expectProblem(await fetch(`${origin}/api/files?token=${'a'.repeat(9000)}`), 400);

    const tokens = new DownloadTokens(TEST_SESSION_SECRET);
    const at = (secondsFromNow: number) =>
      `${origin}/api/files?token=${tokens.sign({
        key: doc.key,
        downloadName: 'refused.pdf',
        expiresAt: Math.floor(Date.now() / 1000) + secondsFromNow,
      })}`;
    await expectProblem(await fetch(at(-1)), 410, 'DOWNLOAD_LINK_EXPIRED');
    // The same grant, still valid: only the expiry made the difference.
    expect(Buffer.from(await (await fetch(at(60))).arrayBuffer())).toEqual(PDF);
    // The original link still works: none of the refusals harmed it.
    expect((await follow(link)).status).toBe(200);
  });

  it('a link to a file removed since answers 404', async () => {
    const { packageId, doc } = await uploaded('removed.pdf');
    const link = (await api.app.inject({ url: linkPath(packageId, doc.id), headers: mn })).json()
      .url as string;
    const removed = await api.app.inject({
      method: 'DELETE',
      url: `/api/packages/${packageId}/documents/${doc.id}`,
      headers: mn,
    });
    expect(removed.statusCode).toBe(204);
    const gone = await expectProblem(await follow(link), 404, 'NOT_FOUND');
    expect(gone.detail).toBe('"removed.pdf" is no longer stored (it was removed)');
  });

  it('uses the configured public URL as the links’ origin', async () => {
    const behindProxy = await testApi({ downloads: 'api', publicUrl: 'https://carepack.example.gov' });
    try {
      const auth = await behindProxy.login(demo('STATE_USER', 'MN'));
      const pmap = (await behindProxy.store.getState('MN')).programs.find((p) => p.name === 'PMAP')!.id;
      const pkg = (
        await behindProxy.app.inject({
          method: 'POST',
          url: '/api/packages',
          headers: auth,
          payload: { formData: { submissionType: 'CONTRACT_ONLY', programIds: [pmap] } },
        })
      ).json() as { id: string };
      const body = multipartBody({ category: 'CONTRACT' }, { name: 'a.pdf', content: PDF });
      const doc = (
        await behindProxy.app.inject({
          method: 'POST',
          url: `/api/packages/${pkg.id}/documents`,
          headers: { ...auth, 'content-type': body.contentType },
          payload: body.payload,
        })
      ).json() as { id: string };
      const link = await behindProxy.app.inject({ url: linkPath(pkg.id, doc.id), headers: auth });
      expect(link.json().url).toMatch(/^https:\/\/carepack\.example\.gov\/api\/files\?token=/);
    } finally {
      await behindProxy.close();
    }
  });
});
