/** Documents over HTTP: streamed to S3 with their checksum, sniffed, limited, scanned, downloadable by link. */
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scanner } from '../../src/files/scanner.js';
import { snapshotKey } from '../../src/service/package-service.js';
import {
  type AuthHeaders,
  CONTRACT_ONLY_READY,
  demo,
  MINIMAL_PDF,
  type TestApi,
  testApi,
} from '../support/api.js';

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** Says INFECTED when the bytes hold the EICAR test string, as ClamAV does. */
const eicarScanner: Scanner = {
  name: 'fake-clamav',
  async scan(stream) {
    const text = (await bytesOf(stream)).toString('latin1');
    return text.includes(EICAR)
      ? { status: 'INFECTED', signature: 'Eicar-Test-Signature' }
      : { status: 'CLEAN' };
  },
  async ping() {},
};

let api: TestApi;
let mn: AuthHeaders;
let fl: AuthHeaders;
let cms: AuthHeaders;
let pmap: string;

beforeAll(async () => {
  api = await testApi({ scanner: eicarScanner, maxUploadBytes: 64 * 1024 });
  mn = await api.login(demo('STATE_USER', 'MN'));
  fl = await api.login(demo('STATE_USER', 'FL'));
  cms = await api.login(demo('CMS_USER'));
  pmap = (await api.store.getState('MN')).programs.find((p) => p.name === 'PMAP')!.id;
});
afterAll(() => api.close());

async function newDraft(formData: Record<string, unknown> = {}) {
  const res = await api.app.inject({
    method: 'POST',
    url: '/api/packages',
    headers: mn,
    payload: { formData: { submissionType: 'CONTRACT_ONLY', programIds: [pmap], ...formData } },
  });
  return res.json() as { id: string; version: number };
}

/** Submits the package at the version it has now, as the MN analyst. */
async function submitAsItIs(id: string) {
  const { version } = await api.store.getPackage(id);
  return api.app.inject({
    method: 'POST',
    url: `/api/packages/${id}/submit`,
    headers: mn,
    payload: { expectedVersion: version },
  });
}

const upload = (
  id: string,
  headers: AuthHeaders,
  file: { name: string; content: Buffer | string },
  fields?: Record<string, string>,
) => api.upload(id, headers, file, fields);

async function objectsUnder(prefix: string): Promise<string[]> {
  const endpoint = (await api.files.presignedGet('x', { downloadName: 'x', expiresInSeconds: 60 })).split(
    '/carepack-test-documents/',
  )[0]!;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  try {
    const out = await client.send(
      new ListObjectsV2Command({ Bucket: 'carepack-test-documents', Prefix: prefix }),
    );
    return (out.Contents ?? []).map((o) => o.Key!);
  } finally {
    client.destroy();
  }
}

describe('document upload and download', () => {
  it('stores exactly the uploaded bytes with their SHA-256, and hands out a download link to whoever may see it', async () => {
    const pkg = await newDraft();
    const res = await upload(pkg.id, mn, { name: 'Contract 2027.pdf', content: MINIMAL_PDF });
    expect(res.statusCode, res.body).toBe(201);
    const doc = res.json();
    expect(doc).toMatchObject({
      name: 'Contract 2027.pdf',
      size: MINIMAL_PDF.length,
      sha256: sha256(MINIMAL_PDF),
      contentType: 'application/pdf',
      category: 'CONTRACT',
      scanStatus: 'CLEAN',
    });
    expect(doc.key).toMatch(new RegExp(`^packages/${pkg.id}/[0-9a-f-]{36}\\.pdf$`));
    expect(await bytesOf(await api.files.getStream(doc.key))).toEqual(MINIMAL_PDF);
    const stored = (await api.store.getPackage(pkg.id)).revisions[0]!.documents;
    expect(stored).toEqual([doc]);

    const link = await api.app.inject({
      url: `/api/packages/${pkg.id}/documents/${doc.id}/download`,
      headers: mn,
    });
    expect(link.statusCode).toBe(200);
    const downloaded = await fetch(link.json().url);
    expect(Buffer.from(await downloaded.arrayBuffer())).toEqual(MINIMAL_PDF);
    expect(downloaded.headers.get('content-disposition')).toContain('attachment');
    expect(downloaded.headers.get('content-disposition')).toContain('Contract 2027.pdf');
    const redirect = await api.app.inject({
      url: `/api/packages/${pkg.id}/documents/${doc.id}/download?redirect=1`,
      headers: mn,
    });
    expect(redirect.statusCode).toBe(302);
    // Another state, and CMS before submission, do not learn the document exists.
    expect(
      (await api.app.inject({ url: `/api/packages/${pkg.id}/documents/${doc.id}/download`, headers: fl }))
        .statusCode,
    ).toBe(404);
    expect(
      (await api.app.inject({ url: `/api/packages/${pkg.id}/documents/${doc.id}/download`, headers: cms }))
        .statusCode,
    ).toBe(404);
    const trail = (await api.store.listAudit(pkg.id)).items.map((e) => e.action);
    expect(trail).toEqual(['CREATE', 'UPLOAD', 'DOWNLOAD', 'DOWNLOAD']);
  });

  it('refuses a file whose content is not an accepted type, leaving nothing behind', async () => {
    const pkg = await newDraft();
    const res = await upload(pkg.id, mn, {
      name: 'virus.pdf',
      content: Buffer.concat([Buffer.from('MZ\x90\x00'), Buffer.alloc(500)]),
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: 'UNSUPPORTED_FILE', errors: [{ path: 'file' }] });
    expect((await api.store.getPackage(pkg.id)).revisions[0]!.documents).toEqual([]);
    expect(await objectsUnder(`packages/${pkg.id}/`)).toEqual([]);
  });

  it('refuses a file over the size limit, leaving nothing in S3 or the store', async () => {
    const pkg = await newDraft();
    const big = Buffer.concat([MINIMAL_PDF, Buffer.alloc(100 * 1024, 0x20)]);
    const res = await upload(pkg.id, mn, { name: 'huge.pdf', content: big });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('FILE_TOO_LARGE');
    expect((await api.store.getPackage(pkg.id)).version).toBe(pkg.version);
    expect(await objectsUnder(`packages/${pkg.id}/`)).toEqual([]);
  });

  it('refuses a file whose SHA-256 is not the one the client sent, leaving nothing behind', async () => {
    const pkg = await newDraft();
    const wrong = await upload(
      pkg.id,
      mn,
      { name: 'a.pdf', content: MINIMAL_PDF },
      { category: 'CONTRACT', sha256: 'f'.repeat(64) },
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'CHECKSUM_MISMATCH', errors: [{ path: 'sha256' }] });
    expect((await api.store.getPackage(pkg.id)).revisions[0]!.documents).toEqual([]);
    expect(await objectsUnder(`packages/${pkg.id}/`)).toEqual([]);
    const right = await upload(
      pkg.id,
      mn,
      { name: 'a.pdf', content: MINIMAL_PDF },
      { category: 'CONTRACT', sha256: sha256(MINIMAL_PDF) },
    );
    expect(right.statusCode).toBe(201);
  });

  it('refuses a second document with the same name in one list, and a rate document without its rate certification', async () => {
    const rates = [randomUUID(), randomUUID()];
    const pkg = await newDraft({
      submissionType: 'CONTRACT_AND_RATES',
      rateCertifications: rates.map((id) => ({ id })),
    });
    expect((await upload(pkg.id, mn, { name: 'a.pdf', content: MINIMAL_PDF })).statusCode).toBe(201);
    const dup = await upload(pkg.id, mn, { name: 'A.PDF', content: MINIMAL_PDF }, { category: 'CONTRACT' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('DUPLICATE_DOCUMENT');
    // One rule (the domain's documentListKey): a name is unique within its list only, so each
    // rate certification has its own rates.pdf.
    for (const rateId of rates) {
      const own = await upload(
        pkg.id,
        mn,
        { name: 'rates.pdf', content: MINIMAL_PDF },
        { category: 'RATE', rateId },
      );
      expect(own.statusCode, own.body).toBe(201);
    }
    const rate = await upload(
      pkg.id,
      mn,
      { name: 'rates.pdf', content: MINIMAL_PDF },
      { category: 'RATE', rateId: randomUUID() },
    );
    expect(rate.statusCode).toBe(400);
    expect(rate.json().errors[0].path).toBe('rateId');
    const noCategory = await upload(pkg.id, mn, { name: 'x.pdf', content: MINIMAL_PDF }, {});
    expect(noCategory.statusCode).toBe(400);
    expect(await objectsUnder(`packages/${pkg.id}/`)).toHaveLength(3);
  });

  it('quarantines an infected file: recorded, never downloadable, and it blocks submission', async () => {
    const pkg = await newDraft(CONTRACT_ONLY_READY);
    expect((await upload(pkg.id, mn, { name: 'contract.pdf', content: MINIMAL_PDF })).statusCode).toBe(201);
    const bad = await upload(
      pkg.id,
      mn,
      { name: 'notes.txt', content: `hello\n${EICAR}\n` },
      { category: 'CONTRACT_SUPPORTING' },
    );
    expect(bad.statusCode).toBe(201);
    const doc = bad.json();
    expect(doc.scanStatus).toBe('INFECTED');
    expect(doc.key).toMatch(/^quarantine\//);
    expect(await objectsUnder(`packages/${pkg.id}/`)).toHaveLength(1);
    const link = await api.app.inject({
      url: `/api/packages/${pkg.id}/documents/${doc.id}/download`,
      headers: mn,
    });
    expect(link.statusCode).toBe(409);
    expect(link.json().code).toBe('NOT_DOWNLOADABLE');
    const submit = await submitAsItIs(pkg.id);
    expect(submit.statusCode).toBe(422);
    expect(submit.json().errors).toEqual([
      { path: 'documents.1.scanStatus', message: expect.stringContaining('virus scan') },
    ]);
    // Removing it unblocks the submission.
    expect(
      (
        await api.app.inject({
          method: 'DELETE',
          url: `/api/packages/${pkg.id}/documents/${doc.id}`,
          headers: mn,
        })
      ).statusCode,
    ).toBe(204);
    const ok = await submitAsItIs(pkg.id);
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('on submit: writes an immutable JSON snapshot beside the files and emails the state and CMS; CMS downloads', async () => {
    const pkg = await newDraft(CONTRACT_ONLY_READY);
    const doc = (await upload(pkg.id, mn, { name: 'contract.pdf', content: MINIMAL_PDF })).json();
    const sub = await submitAsItIs(pkg.id);
    expect(sub.statusCode).toBe(200);
    const snapshot = (await api.files.getJson(snapshotKey(pkg.id, 1))) as {
      name: string;
      revision: { documents: unknown[] };
    };
    expect(snapshot.name).toMatch(/^MN-PMAP-\d{4}$/);
    expect(snapshot.revision.documents).toEqual([
      expect.objectContaining({ key: doc.key, sha256: sha256(MINIMAL_PDF) }),
    ]);

    await api.notifier.drain();
    const mails = readdirSync(api.outbox).map((f) => readFileSync(join(api.outbox, f), 'utf8'));
    const about = mails.filter((m) => m.includes(snapshot.name));
    expect(about.some((m) => /^To: .*contact@mn\.example\.gov/m.test(m))).toBe(true);
    expect(about.some((m) => /^To: .*review@cms\.example\.gov/m.test(m))).toBe(true);

    const link = await api.app.inject({
      url: `/api/packages/${pkg.id}/documents/${doc.id}/download`,
      headers: cms,
    });
    expect(link.statusCode).toBe(200);
    expect(Buffer.from(await (await fetch(link.json().url)).arrayBuffer())).toEqual(MINIMAL_PDF);

    // After an unlock, removing the inherited document keeps the file the submitted revision needs.
    const unlocked = await api.app.inject({
      method: 'POST',
      url: `/api/packages/${pkg.id}/unlock`,
      headers: cms,
      payload: { expectedVersion: sub.json().version, reason: 'Wrong contract' },
    });
    expect(unlocked.statusCode).toBe(200);
    const del = await api.app.inject({
      method: 'DELETE',
      url: `/api/packages/${pkg.id}/documents/${doc.id}`,
      headers: mn,
    });
    expect(del.statusCode).toBe(204);
    expect(await api.files.exists(doc.key)).toBe(true);
    // Documents of a submitted package cannot change.
    const late = await upload(pkg.id, mn, { name: 'late.pdf', content: MINIMAL_PDF });
    expect(late.statusCode).toBe(201);
    const resub = await api.store.getPackage(pkg.id);
    await api.app.inject({
      method: 'POST',
      url: `/api/packages/${pkg.id}/resubmit`,
      headers: mn,
      payload: { expectedVersion: resub.version, reason: 'Right contract' },
    });
    expect((await upload(pkg.id, mn, { name: 'later.pdf', content: MINIMAL_PDF })).statusCode).toBe(409);
    expect(await api.files.getJson(snapshotKey(pkg.id, 2))).toMatchObject({
      revision: { submitInfo: { reason: 'Right contract' } },
    });
  });

  it('lets only the package’s own state upload', async () => {
    const pkg = await newDraft();
    expect((await upload(pkg.id, fl, { name: 'a.pdf', content: MINIMAL_PDF })).statusCode).toBe(404);
    expect((await upload(pkg.id, cms, { name: 'a.pdf', content: MINIMAL_PDF })).statusCode).toBe(404);
    expect(await objectsUnder(`packages/${pkg.id}/`)).toEqual([]);
  });
});
