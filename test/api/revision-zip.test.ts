/** A revision's documents as one zip: who may have it, what is in it, and what a client that leaves leaves behind. */
import { createHash, randomUUID } from 'node:crypto';
import { get } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actorOf,
  FormDataSchema,
  type PackageDocument,
  rateNumberLabel,
  type State,
} from '../../src/domain/index.js';
import type { FileStore } from '../../src/files/file-store.js';
import type { Scanner } from '../../src/files/scanner.js';
import { snapshotKey } from '../../src/service/package-service.js';
import { rateDocument } from '../conformance/fixtures.js';
import {
  type AuthHeaders,
  CONTRACT_ONLY_READY,
  demo,
  MINIMAL_PDF,
  type TestApi,
  testApi,
} from '../support/api.js';
import { contractOnlyReady } from '../support/complete-form.js';
import { rateCommands, rateFormOf } from '../support/rate-commands.js';
import { readZip, type ZipFileEntry } from '../support/zip-reader.js';

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

const eicarScanner: Scanner = {
  name: 'fake-clamav',
  async scan(stream) {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks).toString('latin1').includes(EICAR)
      ? { status: 'INFECTED', signature: 'Eicar-Test-Signature' }
      : { status: 'CLEAN' };
  },
  async ping() {},
};

/** Every stream the app opened from the file store, to see that each is closed again. */
const opened: Readable[] = [];
const watched = (files: FileStore): FileStore => ({
  ...files,
  async read(key) {
    const file = await files.read(key);
    opened.push(file.body);
    return file;
  },
});

let api: TestApi;
let mn: AuthHeaders;
let fl: AuthHeaders;
let cms: AuthHeaders;
let pmap: string;
let mnState: State;

beforeAll(async () => {
  api = await testApi({ scanner: eicarScanner, wrapFiles: watched });
  mn = await api.login(demo('STATE_USER', 'MN'));
  fl = await api.login(demo('STATE_USER', 'FL'));
  cms = await api.login(demo('CMS_USER'));
  mnState = await api.store.getState('MN');
  pmap = mnState.programs.find((p) => p.name === 'PMAP')!.id;
});
afterAll(() => api.close());

interface Manifest {
  package: { id: string; name: string };
  revision: number;
  documents: {
    name: string;
    path: string | null;
    category: string;
    rateNumber?: string;
    size: number;
    sha256: string;
    status: string;
    reason?: string;
  }[];
}

const zipUrl = (id: string, n: number) => `/api/packages/${id}/revisions/${n}/documents.zip`;

async function getZip(id: string, n: number, headers: AuthHeaders) {
  const res = await api.app.inject({ url: zipUrl(id, n), headers });
  if (res.statusCode !== 200) return { status: res.statusCode, res };
  const entries = readZip(res.rawPayload);
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const manifest = JSON.parse(byPath.get('manifest.json')!.data.toString()) as Manifest;
  const record = JSON.parse(byPath.get('revision.json')!.data.toString()) as Record<string, unknown>;
  return { status: 200, res, entries, byPath, manifest, record };
}

async function newDraft() {
  const res = await api.app.inject({
    method: 'POST',
    url: '/api/packages',
    headers: mn,
    payload: { formData: { submissionType: 'CONTRACT_ONLY', programIds: [pmap], ...CONTRACT_ONLY_READY } },
  });
  return res.json() as { id: string };
}

async function upload(id: string, name: string, content: Buffer | string, category = 'CONTRACT') {
  const res = await api.upload(id, mn, { name, content }, { category });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as PackageDocument;
}

/** A document whose bytes are put straight into S3 (a name no upload would keep, a size no test would upload). */
async function stored(
  body: Buffer,
  name: string,
  category: PackageDocument['category'] = 'CONTRACT_SUPPORTING',
) {
  const key = `packages/zip-test/${randomUUID()}.pdf`;
  await api.files.put({ key, body: Readable.from([body]), contentType: 'application/pdf', maxBytes: 1e8 });
  return {
    id: randomUUID(),
    name,
    bucket: api.files.bucket,
    key,
    size: body.length,
    contentType: 'application/pdf',
    sha256: sha256(body),
    category,
    addedAt: new Date().toISOString(),
    scanStatus: 'CLEAN' as const,
  };
}

/** An MN draft holding these documents, written straight to the store. */
function draftHolding(documents: Awaited<ReturnType<typeof stored>>[]) {
  return api.store.createDraft({
    id: randomUUID(),
    stateCode: 'MN',
    formData: FormDataSchema.parse(contractOnlyReady([pmap])),
    documents,
    actor: actorOf(demo('STATE_USER', 'MN')),
  });
}

/** Every manifest checksum is that of the bytes the zip holds under its path. */
function expectChecksumsMatch(entries: ZipFileEntry[], manifest: Manifest) {
  const byPath = new Map(entries.map((e) => [e.path, e]));
  for (const d of manifest.documents.filter((x) => x.status === 'INCLUDED')) {
    const entry = byPath.get(d.path!);
    expect(entry, d.path!).toBeDefined();
    expect(sha256(entry!.data)).toBe(d.sha256);
    expect(entry!.data.length).toBe(d.size);
  }
}

describe('GET /api/packages/:id/revisions/:n/documents.zip', () => {
  it('gives the state its draft: documents, the manifest with checksums, infected files withheld; audited', async () => {
    const pkg = await newDraft();
    const pdf = Buffer.concat([MINIMAL_PDF, Buffer.from('%contract')]);
    await upload(pkg.id, 'contract.pdf', pdf);
    await upload(pkg.id, 'Notes.txt', 'notes in the contract list\n');
    await upload(pkg.id, 'notes.txt', 'same name, other list\n', 'CONTRACT_SUPPORTING');
    await upload(pkg.id, 'virus.txt', `hello\n${EICAR}\n`, 'CONTRACT_SUPPORTING');

    const zip = await getZip(pkg.id, 1, mn);
    expect(zip.status).toBe(200);
    expect(zip.res.headers['content-type']).toBe('application/zip');
    expect(zip.res.headers['content-disposition']).toMatch(
      /^attachment; filename="MN-PMAP-\d{4}-revision-1\.zip"$/,
    );
    expect(zip.entries!.map((e) => e.path)).toEqual([
      'revision.json',
      'documents/contract.pdf',
      'documents/Notes.txt',
      // The same name in another list: both kept, told apart.
      'documents/notes (2).txt',
      'manifest.json',
    ]);
    expect(zip.byPath!.get('documents/contract.pdf')!.data).toEqual(pdf);
    expect(zip.manifest!.package.name).toMatch(/^MN-PMAP-\d{4}$/);
    expect(zip.manifest!.documents).toEqual([
      expect.objectContaining({ name: 'contract.pdf', category: 'CONTRACT', status: 'INCLUDED' }),
      expect.objectContaining({ name: 'Notes.txt', status: 'INCLUDED' }),
      expect.objectContaining({ name: 'notes.txt', category: 'CONTRACT_SUPPORTING', status: 'INCLUDED' }),
      expect.objectContaining({
        name: 'virus.txt',
        path: null,
        status: 'WITHHELD',
        reason: 'its virus scan status is INFECTED',
      }),
    ]);
    expectChecksumsMatch(zip.entries!, zip.manifest!);
    // The infected bytes are nowhere in the archive.
    expect(zip.res.rawPayload.includes(Buffer.from(EICAR))).toBe(false);
    // A draft's record says it is one, and holds the revision as the state sees it.
    expect(zip.record).toMatchObject({ format: 'carepack-draft', revision: { number: 1 } });

    const history = await api.app.inject({ url: `/api/packages/${pkg.id}/history`, headers: mn });
    expect(history.json().items).toContainEqual(
      expect.objectContaining({
        action: 'DOWNLOAD',
        summary: 'Downloaded revision 1 as a zip: 3 documents, 1 withheld',
        actor: expect.objectContaining({ email: demo('STATE_USER', 'MN').email }),
      }),
    );
  });

  it('never shows a draft to CMS nor a package to another state; CMS gets what was submitted', async () => {
    const pkg = await newDraft();
    await upload(pkg.id, 'contract.pdf', MINIMAL_PDF);
    expect((await getZip(pkg.id, 1, cms)).status).toBe(404);
    expect((await getZip(pkg.id, 1, fl)).status).toBe(404);
    expect((await getZip(pkg.id, 2, mn)).status).toBe(404);

    const { version } = await api.store.getPackage(pkg.id);
    const sub = await api.app.inject({
      method: 'POST',
      url: `/api/packages/${pkg.id}/submit`,
      headers: mn,
      payload: { expectedVersion: version },
    });
    expect(sub.statusCode, sub.body).toBe(200);
    const unlocked = await api.app.inject({
      method: 'POST',
      url: `/api/packages/${pkg.id}/unlock`,
      headers: cms,
      payload: { expectedVersion: sub.json().version, reason: 'Fix it' },
    });
    expect(unlocked.statusCode).toBe(200);
    await upload(pkg.id, 'draft-only.pdf', MINIMAL_PDF);

    const received = await getZip(pkg.id, 1, cms);
    expect(received.status).toBe(200);
    expect(received.entries!.map((e) => e.path)).toEqual([
      'revision.json',
      'documents/contract.pdf',
      'manifest.json',
    ]);
    // The record is the snapshot written on submission, byte for byte as JSON.
    expect(received.record).toEqual(await api.files.getJson(snapshotKey(pkg.id, 1)));
    expect((await getZip(pkg.id, 2, cms)).status).toBe(404);
    expect((await getZip(pkg.id, 1, fl)).status).toBe(404);
    const draft = await getZip(pkg.id, 2, mn);
    expect(draft.entries!.map((e) => e.path)).toContain('documents/draft-only.pdf');
  });

  it('puts each rate’s documents in a folder of its own; a file no longer stored is listed as missing', async () => {
    const commands = rateCommands(api.store);
    const user = demo('STATE_USER', 'MN');
    let pkg = await commands.createPackage(mnState, user);
    const rateId = randomUUID();
    await commands.createRate(pkg, user, { rateId, formData: rateFormOf(mnState) });
    const rateDoc = { ...rateDocument('rates.pdf'), addedAt: new Date().toISOString() };
    const bytes = Buffer.concat([MINIMAL_PDF, Buffer.from('%rates')]);
    await api.files.put({
      key: rateDoc.key,
      body: Readable.from([bytes]),
      contentType: 'application/pdf',
      maxBytes: 1e6,
    });
    await commands.updateRate(await api.store.getRate(rateId), user, {
      documents: [{ ...rateDoc, sha256: sha256(bytes), size: bytes.length }],
    });
    pkg = await api.store.getPackage(pkg.id);
    await commands.submit(pkg, user, mnState);
    const rate = await api.store.getRate(rateId);
    const folder = `rates/${rateNumberLabel('MN', rate.stateRateNumber)}`;

    const zip = await getZip(pkg.id, 1, cms);
    expect(zip.status).toBe(200);
    expect(zip.byPath!.get(`${folder}/rates.pdf`)!.data).toEqual(bytes);
    expect(zip.manifest!.documents).toContainEqual(
      expect.objectContaining({
        name: 'rates.pdf',
        category: 'RATE',
        rateNumber: rateNumberLabel('MN', rate.stateRateNumber),
        status: 'INCLUDED',
      }),
    );
    // The fixture's contract document names a key nothing was stored under.
    expect(zip.manifest!.documents).toContainEqual(
      expect.objectContaining({ category: 'CONTRACT', path: null, status: 'MISSING' }),
    );
    expectChecksumsMatch(zip.entries!, zip.manifest!);
  });

  it('makes every name a safe, distinct path inside the zip', async () => {
    // Distinct bytes each, so a document in the wrong place would not match its checksum.
    const named = (name: string, category?: PackageDocument['category']) =>
      stored(Buffer.from(`%PDF-1.4 ${name}`), name, category);
    // Names as older records or other clients may hold them: the upload cleans its own.
    const documents = [
      await named('../../etc/passwd.pdf', 'CONTRACT'),
      await named('/absolute.pdf'),
      await named('C:\\Windows\\win.ini'),
      await named('..'),
      await named('bell\u0007and\u202egnp.pdf'),
      await named('CON.pdf'),
      await named('manifest.json'),
      await named('Report.pdf'),
      await named('report.pdf.'),
    ];
    const pkg = await draftHolding(documents);
    const zip = await getZip(pkg.id, 1, mn);
    expect(zip.status).toBe(200);
    const paths = zip.entries!.map((e) => e.path);
    expect(paths).toEqual([
      'revision.json',
      'documents/.._.._etc_passwd.pdf',
      'documents/_absolute.pdf',
      'documents/C__Windows_win.ini',
      'documents/document',
      'documents/bellandgnp.pdf',
      'documents/_CON.pdf',
      'documents/manifest.json',
      'documents/Report.pdf',
      'documents/report (2).pdf',
      'manifest.json',
    ]);
    for (const p of paths) {
      expect(p.split('/').every((s) => s !== '' && s !== '..' && s !== '.')).toBe(true);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
      expect(p).not.toMatch(/[\u0000-\u001f\u007f\u202e\\:]/);
    }
    expectChecksumsMatch(zip.entries!, zip.manifest!);
    expect(zip.manifest!.documents.map((d) => d.name)).toEqual(documents.map((d) => d.name));
  });

  it('refuses a revision number that is not one', async () => {
    const pkg = await newDraft();
    for (const n of ['0', '-1', 'abc', '1.5']) {
      const res = await api.app.inject({
        url: `/api/packages/${pkg.id}/revisions/${n}/documents.zip`,
        headers: mn,
      });
      expect(res.statusCode, n).toBe(400);
    }
  });

  it('stops reading storage when the client goes away, and leaves no stream open', {
    timeout: 90_000,
  }, async () => {
    // Large enough that the transfer cannot be done before the client leaves.
    const big = (tag: string) => Buffer.concat([MINIMAL_PDF, Buffer.alloc(6 * 1024 * 1024, tag)]);
    const documents = [];
    for (const tag of ['a', 'b', 'c', 'd']) documents.push(await stored(big(tag), `${tag}.pdf`));
    const pkg = await draftHolding(documents);
    const address = await api.app.listen({ host: '127.0.0.1', port: 0 });
    opened.length = 0;
    const received = await new Promise<number>((resolve, reject) => {
      const req = get(`${address}${zipUrl(pkg.id, 1)}`, { headers: mn }, (res) => {
        expect(res.statusCode).toBe(200);
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > 1024 * 1024) {
            req.destroy();
            resolve(bytes);
          }
        });
      });
      req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    });
    expect(received).toBeLessThan(24 * 1024 * 1024);
    await expect
      .poll(() => opened.length > 0 && opened.every((s) => s.destroyed), { timeout: 5000 })
      .toBe(true);
    // It stopped: not every document was even opened.
    expect(opened.length).toBeLessThan(4);
    // And the server goes on serving the whole zip.
    const again = await getZip(pkg.id, 1, mn);
    expect(again.entries!.map((e) => e.path)).toHaveLength(6);
    expect(opened.every((s) => s.destroyed || s.readableEnded)).toBe(true);
  });
});
