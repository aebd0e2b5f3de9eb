/**
 * Document records belong to the server: a client may keep, drop, reorder, rename or
 * re-categorise the documents the server recorded for its draft, and nothing else. Forged
 * keys, checksums, scan statuses, other packages' documents are refused by field, and no
 * file of any package changes or disappears — on every store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuthHeaders,
  CONTRACT_ONLY_READY,
  demo,
  MINIMAL_PDF,
  multipartBody,
  type TestApi,
  testApi,
} from '../support/api.js';
import { STORE_BACKENDS } from '../support/store-backends.js';

interface Doc {
  id: string;
  name: string;
  key: string;
  sha256: string;
  category: string;
  scanStatus: string;
  rateId?: string;
}
interface View {
  id: string;
  version: number;
  status: string;
  revisions: { documents: Doc[] }[];
}

for (const backend of STORE_BACKENDS) {
  describe.runIf(backend.available)(`document records belong to the server (${backend.name})`, () => {
    let api: TestApi;
    let mn: AuthHeaders;
    let fl: AuthHeaders;
    let cms: AuthHeaders;
    let pmap: string;
    let flProgram: string;

    beforeAll(async () => {
      api = await testApi({ createStore: backend.create });
      mn = await api.login(demo('STATE_USER', 'MN'));
      fl = await api.login(demo('STATE_USER', 'FL'));
      cms = await api.login(demo('CMS_USER'));
      pmap = (await api.store.getState('MN')).programs.find((p) => p.name === 'PMAP')!.id;
      flProgram = (await api.store.getState('FL')).programs[0]!.id;
    }, 180_000);
    afterAll(() => api?.close());

    const inject = (
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      url: string,
      headers: AuthHeaders,
      payload?: object,
    ) => api.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

    async function draft(headers: AuthHeaders, programId: string, formData: object = {}): Promise<View> {
      const res = await inject('POST', '/api/packages', headers, {
        formData: {
          submissionType: 'CONTRACT_ONLY',
          programIds: [programId],
          ...CONTRACT_ONLY_READY,
          ...formData,
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    }

    async function upload(
      id: string,
      headers: AuthHeaders,
      name: string,
      category = 'CONTRACT',
    ): Promise<Doc> {
      const body = multipartBody({ category }, { name, content: MINIMAL_PDF });
      const res = await api.app.inject({
        method: 'POST',
        url: `/api/packages/${id}/documents`,
        headers: { ...headers, 'content-type': body.contentType },
        payload: body.payload,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    }

    const read = async (id: string, headers: AuthHeaders = mn): Promise<View> =>
      (await inject('GET', `/api/packages/${id}`, headers)).json();

    const put = async (id: string, documents: object[], headers: AuthHeaders = mn) => {
      const { version } = await read(id, headers);
      return inject('PUT', `/api/packages/${id}`, headers, { expectedVersion: version, documents });
    };

    async function submitted(headers: AuthHeaders, programId: string, fileName: string) {
      const pkg = await draft(headers, programId);
      const doc = await upload(pkg.id, headers, fileName);
      const { version } = await read(pkg.id, headers);
      const res = await inject('POST', `/api/packages/${pkg.id}/submit`, headers, {
        expectedVersion: version,
      });
      expect(res.statusCode, res.body).toBe(200);
      return { id: pkg.id, doc };
    }

    const fieldPaths = (res: { json(): unknown }) =>
      (res.json() as { errors: { path: string }[] }).errors.map((e) => e.path);

    it('refuses every forged record by field and leaves every file byte-identical', async () => {
      const other = await submitted(fl, flProgram, 'florida.pdf');
      const mine = await draft(mn, pmap);
      const own = await upload(mine.id, mn, 'contract.pdf');
      const before = await api.objectDigests();
      const versionBefore = (await read(mine.id)).version;

      const forgedKey = await put(mine.id, [{ id: own.id, key: other.doc.key }]);
      expect(forgedKey.statusCode).toBe(400);
      expect(fieldPaths(forgedKey)).toContain('body.documents.0.key');

      const forgedFacts = await put(mine.id, [
        { id: own.id, sha256: 'a'.repeat(64), scanStatus: 'CLEAN', size: 1, bucket: 'elsewhere' },
      ]);
      expect(forgedFacts.statusCode).toBe(400);
      expect(fieldPaths(forgedFacts)).toEqual(
        expect.arrayContaining([
          'body.documents.0.sha256',
          'body.documents.0.scanStatus',
          'body.documents.0.size',
          'body.documents.0.bucket',
        ]),
      );

      const whole = await put(mine.id, [{ ...own }]);
      expect(whole.statusCode, 'a whole record, even the true one, is not a change a client makes').toBe(400);

      const anotherPackagesDoc = await put(mine.id, [{ id: own.id }, { id: other.doc.id }]);
      expect(anotherPackagesDoc.statusCode).toBe(400);
      expect(fieldPaths(anotherPackagesDoc)).toEqual(['documents.1.id']);

      const onCreate = await inject('POST', '/api/packages', mn, {
        formData: { submissionType: 'CONTRACT_ONLY', programIds: [pmap] },
        documents: [{ ...other.doc }],
      });
      expect(onCreate.statusCode).toBe(400);
      expect(fieldPaths(onCreate)).toContain('body.documents');

      const after = await read(mine.id);
      expect(after.version, 'nothing was written').toBe(versionBefore);
      expect(after.revisions[0]!.documents).toEqual([own]);
      expect(await api.objectDigests()).toEqual(before);
      // The other state's file still downloads through its own package only.
      const theirs = await inject('GET', `/api/packages/${other.id}/documents/${other.doc.id}/download`, fl);
      expect(theirs.statusCode).toBe(200);
      const viaMine = await inject('GET', `/api/packages/${mine.id}/documents/${other.doc.id}/download`, mn);
      expect(viaMine.statusCode).toBe(404);
    });

    it('lets the draft keep, reorder, rename and re-categorise its recorded documents', async () => {
      const pkg = await draft(mn, pmap);
      const a = await upload(pkg.id, mn, 'a.pdf');
      const b = await upload(pkg.id, mn, 'b.pdf');
      const res = await put(pkg.id, [
        { id: b.id },
        { id: a.id, name: 'Renamed contract.pdf', category: 'CONTRACT_SUPPORTING' },
      ]);
      expect(res.statusCode, res.body).toBe(200);
      const docs = (res.json() as View).revisions[0]!.documents;
      expect(docs).toEqual([b, { ...a, name: 'Renamed contract.pdf', category: 'CONTRACT_SUPPORTING' }]);

      const badName = await put(pkg.id, [{ id: b.id, name: 'b.exe' }]);
      expect(badName.statusCode).toBe(400);
      expect(fieldPaths(badName)).toEqual(['documents.0.name']);
      const folder = await put(pkg.id, [{ id: b.id, name: '../x/b.pdf' }]);
      expect(fieldPaths(folder)).toEqual(['documents.0.name']);
      const sameName = await put(pkg.id, [
        { id: b.id, name: 'B.PDF' },
        { id: a.id, name: 'b.pdf', category: 'CONTRACT' },
      ]);
      expect(sameName.statusCode).toBe(400);
      expect(fieldPaths(sameName)).toEqual(['documents.1.name']);
      const noRate = await put(pkg.id, [{ id: b.id, category: 'RATE' }]);
      expect(fieldPaths(noRate)).toEqual(['documents.0.rateId']);
    });

    it('dropping a document deletes its file; a file a submitted revision holds is never deleted', async () => {
      const { id, doc } = await submitted(mn, pmap, 'submitted.pdf');
      const view = await read(id, cms);
      const unlocked = await inject('POST', `/api/packages/${id}/unlock`, cms, {
        expectedVersion: view.version,
        reason: 'Please fix the dates',
      });
      expect(unlocked.statusCode, unlocked.body).toBe(200);
      const extra = await upload(id, mn, 'extra.pdf');
      const before = await api.objectDigests();

      // Dropped by a change of the draft: the submitted revision still needs the file.
      expect((await put(id, [{ id: extra.id }])).statusCode).toBe(200);
      // Removed by the document route: the file of the never-submitted upload goes.
      const removed = await inject('DELETE', `/api/packages/${id}/documents/${extra.id}`, mn);
      expect(removed.statusCode).toBe(204);
      // Bringing the submitted document back by id is not possible once dropped: upload it again.
      const back = await put(id, [{ id: doc.id }]);
      expect(fieldPaths(back)).toEqual(['documents.0.id']);

      const after = await api.objectDigests();
      expect(after.get(doc.key), 'the submitted file is kept, byte for byte').toBe(before.get(doc.key));
      expect(after.has(extra.key)).toBe(false);
      const download = await inject('GET', `/api/packages/${id}/documents/${doc.id}/download`, cms);
      expect(download.statusCode).toBe(200);
      const bytes = Buffer.from(await (await fetch(download.json().url)).arrayBuffer());
      expect(bytes).toEqual(MINIMAL_PDF);
    });

    it('deleting a never-submitted draft deletes its files', async () => {
      const pkg = await draft(mn, pmap);
      const doc = await upload(pkg.id, mn, 'gone.pdf');
      const { version } = await read(pkg.id);
      const res = await inject('DELETE', `/api/packages/${pkg.id}?expectedVersion=${version}`, mn);
      expect(res.statusCode).toBe(204);
      expect((await api.objectDigests()).has(doc.key)).toBe(false);
    });

    it('parallel uploads to one draft all land; the same name twice is the only conflict', async () => {
      const pkg = await draft(mn, pmap);
      const sends = Array.from({ length: 8 }, (_, i) => {
        const body = multipartBody(
          { category: 'CONTRACT_SUPPORTING' },
          { name: `part-${i}.pdf`, content: MINIMAL_PDF },
        );
        return api.app.inject({
          method: 'POST',
          url: `/api/packages/${pkg.id}/documents`,
          headers: { ...mn, 'content-type': body.contentType },
          payload: body.payload,
        });
      });
      const statuses = (await Promise.all(sends)).map((r) => r.statusCode);
      expect(statuses).toEqual(Array(8).fill(201));
      expect((await read(pkg.id)).revisions[0]!.documents).toHaveLength(8);

      const twice = await Promise.all(
        [0, 1].map(() => {
          const body = multipartBody({ category: 'CONTRACT' }, { name: 'same.pdf', content: MINIMAL_PDF });
          return api.app.inject({
            method: 'POST',
            url: `/api/packages/${pkg.id}/documents`,
            headers: { ...mn, 'content-type': body.contentType },
            payload: body.payload,
          });
        }),
      );
      expect(twice.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    });
  });
}
