/**
 * CMS's questions and the state's responses through the API (issue 12): CMS with a division asks
 * with documents, the state responds, rounds count per division; every refusal with its status
 * and field; broken multipart bodies are 400s; no refused request leaves a file in the bucket;
 * infected files are quarantined; both sides download the documents, another state sees
 * nothing; the emails and the write-once records beside the package.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actorOf,
  FormDataSchema,
  MAX_QA_DOCUMENTS,
  type Package,
  planApprove,
  type Question,
  type User,
} from '../../src/domain/index.js';
import type { FileStore } from '../../src/files/file-store.js';
import type { Scanner } from '../../src/files/scanner.js';
import type { Notifier } from '../../src/notify/index.js';
import { questionKey, responseKey } from '../../src/service/package-record.js';
import { QuestionService } from '../../src/service/question-service.js';
import { ReferenceData } from '../../src/service/reference-data.js';
import { EICAR } from '../files/fixtures.js';
import {
  type AuthHeaders,
  CONTRACT_ONLY_READY,
  demo,
  json,
  MINIMAL_PDF,
  type TestApi,
  testApi,
} from '../support/api.js';
import { STORE_BACKENDS } from '../support/store-backends.js';

/** Says INFECTED when the bytes hold the EICAR test string, as ClamAV does. */
const eicarScanner: Scanner = {
  name: 'fake-clamav',
  async scan(stream) {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks).includes(EICAR)
      ? { status: 'INFECTED', signature: 'Eicar-Test-Signature' }
      : { status: 'CLEAN' };
  },
  async ping() {},
};

const cmsUser = (n: number, division?: 'DMCP' | 'OACT'): User => ({
  id: `7a000000-0000-4000-8000-00000000000${n}`,
  email: `reviewer${n}@cms.example.gov`,
  givenName: 'Rev',
  familyName: `Iewer ${n}`,
  role: 'CMS_USER',
  ...(division ? { division } : {}),
});
const OACT_USER = cmsUser(1, 'OACT');
const NO_DIVISION = cmsUser(2);
const ACTUARY = 'ada.actuary@milliman.example.com';
const RATE_ID = randomUUID();

type Problem = { code: string; errors: { path: string; message: string }[] };
type QaFile = { name: string; content: Buffer | string; field?: string };

const pdf = (name: string): QaFile => ({ name, content: MINIMAL_PDF });

/** A multipart body: the fields in order, then the files (each a part named `file` unless told). */
function qaBody(fields: [string, string][], files: QaFile[], after: [string, string][] = []) {
  const boundary = `----carepack${Math.random().toString(16).slice(2)}`;
  const field = ([k, v]: [string, string]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  const parts = [
    ...fields.map(field),
    ...files.flatMap((f) => [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'file'}"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content),
      Buffer.from('\r\n'),
    ]),
    ...after.map(field),
    Buffer.from(`--${boundary}--\r\n`),
  ];
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

function expectProblem(res: LightMyRequestResponse, status: number, code: string, path?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const problem = json<Problem>(res);
  expect(problem.code).toBe(code);
  if (path)
    expect(
      problem.errors.map((e) => e.path),
      res.body,
    ).toContain(path);
}

for (const backend of STORE_BACKENDS.filter((b) => b.name !== 'pglite')) {
  describe.runIf(backend.available)(`questions and answers through the API (${backend.name})`, () => {
    let api: TestApi;
    let mn: AuthHeaders;
    let fl: AuthHeaders;
    let dmco: AuthHeaders;
    let oact: AuthHeaders;
    let noDivision: AuthHeaders;
    let admin: AuthHeaders;
    let programId: string;

    const send = (url: string, headers: AuthHeaders, body: { payload: Buffer; contentType: string }) =>
      api.app.inject({
        method: 'POST',
        url,
        headers: { ...headers, 'content-type': body.contentType },
        payload: body.payload,
      });
    const ask = (headers: AuthHeaders, id: string, files: QaFile[], fields: [string, string][] = []) =>
      send(`/api/packages/${id}/questions`, headers, qaBody(fields, files));
    const respond = (
      headers: AuthHeaders,
      id: string,
      questionId: string,
      files: QaFile[],
      fields: [string, string][] = [],
    ) => send(`/api/packages/${id}/questions/${questionId}/response`, headers, qaBody(fields, files));

    /** The files a package's questions and responses hold in the bucket (records left out). */
    async function qaFiles(id: string) {
      const keys = [...(await api.objectDigests()).keys()];
      return keys.filter(
        (k) =>
          (k.startsWith(`packages/${id}/questions/`) ||
            k.startsWith(`quarantine/packages/${id}/questions/`)) &&
          !k.endsWith('.json'),
      );
    }

    /** A submitted MN package with one rate certification whose actuary OACT talks to directly. */
    async function submitted(): Promise<Package> {
      const actor = actorOf(demo('STATE_USER', 'MN'));
      const formData = FormDataSchema.parse({
        submissionType: 'CONTRACT_AND_RATES',
        programIds: [programId],
        ...CONTRACT_ONLY_READY,
        rateCertifications: [
          { id: RATE_ID, certifyingActuaries: [{ name: 'Ada', title: 'A', email: ACTUARY }] },
        ],
        actuaryCommunicationPreference: 'OACT_TO_ACTUARY',
      });
      const draft = await api.store.createDraft({ id: randomUUID(), stateCode: 'MN', formData, actor });
      return api.store.submit(draft.id, { expectedVersion: draft.version, actor });
    }

    async function asked(headers = dmco, files = [pdf('questions.pdf')]) {
      const pkg = await submitted();
      const res = await ask(headers, pkg.id, files, [['text', 'Why?']]);
      expect(res.statusCode, res.body).toBe(201);
      return { pkg, question: json<Question>(res) };
    }

    async function mailsAbout(id: string) {
      await api.notifier.drain();
      return readdirSync(api.outbox)
        .map((f) => readFileSync(join(api.outbox, f), 'utf8'))
        .filter((m) => m.includes(`X-Carepack-Package: ${id}`))
        .map((m) => ({
          what: `${/^X-Carepack-Event: (.+)$/m.exec(m)?.[1]} ${/^X-Carepack-Audience: (.+)$/m.exec(m)?.[1]}`,
          // The To header may be folded over several lines.
          to: /^To: ((?:.+)(?:\r?\n[ \t].+)*)$/m.exec(m)?.[1] ?? '',
          subject: /^Subject: (.+)$/m.exec(m)?.[1] ?? '',
          text: m,
        }));
    }

    beforeAll(async () => {
      api = await testApi({ createStore: backend.create, scanner: eicarScanner, maxUploadBytes: 64 * 1024 });
      await api.store.upsertUsers([OACT_USER, NO_DIVISION]);
      mn = await api.login(demo('STATE_USER', 'MN'));
      fl = await api.login(demo('STATE_USER', 'FL'));
      dmco = await api.login(demo('CMS_USER'));
      oact = await api.login(OACT_USER);
      noDivision = await api.login(NO_DIVISION);
      admin = await api.login(demo('ADMIN_USER'));
      programId = (await api.store.getState('MN')).programs[0]!.id;
    }, 120_000);
    afterAll(() => api?.close());

    it('CMS asks with two files and text, the state responds, and rounds count per division', async () => {
      const pkg = await submitted();
      const first = await ask(
        dmco,
        pkg.id,
        [pdf('questions.pdf'), { name: 'notes.txt', content: 'see p. 4\n' }],
        [['text', '  Why do the rates differ?  ']],
      );
      expect(first.statusCode, first.body).toBe(201);
      const question = json<Question>(first);
      expect(question).toMatchObject({
        division: 'DMCO',
        round: 1,
        text: 'Why do the rates differ?',
        by: { email: demo('CMS_USER').email },
        response: null,
      });
      expect(question.documents.map((d) => [d.name, d.scanStatus])).toEqual([
        ['questions.pdf', 'CLEAN'],
        ['notes.txt', 'CLEAN'],
      ]);
      for (const d of question.documents) expect(d.key).toMatch(new RegExp(`^packages/${pkg.id}/questions/`));
      expect((await qaFiles(pkg.id)).sort()).toEqual(question.documents.map((d) => d.key).sort());

      // Both sides see it, open; the lists carry the badge.
      for (const headers of [mn, dmco, oact]) {
        const view = json<Package>(await api.app.inject({ url: `/api/packages/${pkg.id}`, headers }));
        expect(view.questions.map((q) => q.id)).toEqual([question.id]);
      }
      for (const headers of [mn, dmco]) {
        const items = json<{ items: { id: string; openQuestions: number }[] }>(
          await api.app.inject({ url: '/api/packages?limit=100', headers }),
        ).items;
        expect(items.find((i) => i.id === pkg.id)?.openQuestions).toBe(1);
      }

      const answer = await respond(mn, pkg.id, question.id, [pdf('answers.pdf')], [['text', 'Because.']]);
      expect(answer.statusCode, answer.body).toBe(201);
      const answered = json<Question>(answer);
      expect(answered.id).toBe(question.id);
      expect(answered.response).toMatchObject({
        text: 'Because.',
        by: { email: demo('STATE_USER', 'MN').email },
      });
      expect(answered.response!.documents.map((d) => d.name)).toEqual(['answers.pdf']);

      // OACT's first round about the rate, then DMCO's second.
      const rateQuestion = await ask(oact, pkg.id, [pdf('rates.pdf')], [['rateId', RATE_ID]]);
      expect(rateQuestion.statusCode, rateQuestion.body).toBe(201);
      expect(json<Question>(rateQuestion)).toMatchObject({
        division: 'OACT',
        round: 1,
        rateId: RATE_ID,
        text: '',
      });
      const oactId = json<Question>(rateQuestion).id;
      expect((await respond(mn, pkg.id, oactId, [pdf('rates-answer.pdf')])).statusCode).toBe(201);
      const again = await ask(dmco, pkg.id, [pdf('more.pdf')]);
      expect(json<Question>(again)).toMatchObject({ division: 'DMCO', round: 2 });

      const view = json<Package & { questions: Question[] }>(
        await api.app.inject({ url: `/api/packages/${pkg.id}`, headers: mn }),
      );
      expect(
        view.questions.map((q) => `${q.division} ${q.round} ${q.response ? 'answered' : 'open'}`),
      ).toEqual(['DMCO 2 open', 'OACT 1 answered', 'DMCO 1 answered']);
      const history = json<{ items: { action: string }[] }>(
        await api.app.inject({ url: `/api/packages/${pkg.id}/history?limit=100`, headers: dmco }),
      ).items.map((e) => e.action);
      expect(history.filter((a) => a === 'ASK_QUESTION')).toHaveLength(3);
      expect(history.filter((a) => a === 'RESPOND_QUESTION')).toHaveLength(2);

      // Emails: each question tells the state and CMS; the rate question its actuary too.
      const mails = await mailsAbout(pkg.id);
      expect(mails.filter((m) => m.what === 'QUESTION_ASKED STATE')).toHaveLength(3);
      expect(mails.filter((m) => m.what === 'QUESTION_ASKED CMS')).toHaveLength(3);
      expect(mails.filter((m) => m.what === 'QUESTION_RESPONDED CMS')).toHaveLength(2);
      expect(mails.filter((m) => m.what === 'QUESTION_RESPONDED STATE')).toHaveLength(2);
      const toActuary = mails.filter((m) => m.to.includes(ACTUARY));
      expect(toActuary).toHaveLength(1);
      expect(toActuary[0]!.text).toContain('Rate certification:');
      expect(toActuary[0]!.text).toContain('MCR-MN-');
      expect(mails.map((m) => m.subject)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^New questions about MN-/),
          expect.stringMatching(/^Questions sent for MN-/),
          expect.stringMatching(/^New responses for MN-/),
        ]),
      );

      // The write-once records beside the package: one per question and per response, oldest = 1.
      expect(await api.files.getJson(questionKey(pkg.id, 1))).toMatchObject({
        format: 'carepack-question',
        package: { id: pkg.id },
        question: { id: question.id, response: null },
      });
      expect(await api.files.getJson(responseKey(pkg.id, 1))).toMatchObject({
        format: 'carepack-question-response',
        question: { id: question.id, response: { text: 'Because.' } },
      });
      expect(await api.files.getJson(questionKey(pkg.id, 2))).toMatchObject({ question: { id: oactId } });
      expect(await api.files.getJson(responseKey(pkg.id, 2))).toMatchObject({ question: { id: oactId } });
      expect(await api.files.getJson(questionKey(pkg.id, 3))).toMatchObject({ question: { round: 2 } });
      expect(await api.files.exists(responseKey(pkg.id, 3))).toBe(false);
    });

    it('lets both sides download the documents of questions and responses; another state gets 404', async () => {
      const { pkg, question } = await asked();
      const answer = json<Question>(await respond(mn, pkg.id, question.id, [pdf('answers.pdf')]));
      for (const doc of [question.documents[0]!, answer.response!.documents[0]!]) {
        const url = `/api/packages/${pkg.id}/documents/${doc.id}/download`;
        for (const headers of [mn, dmco, oact, noDivision, admin])
          expect((await api.app.inject({ url, headers })).statusCode).toBe(200);
        expectProblem(await api.app.inject({ url, headers: fl }), 404, 'NOT_FOUND');
      }
      const history = json<{ items: { action: string }[] }>(
        await api.app.inject({ url: `/api/packages/${pkg.id}/history?limit=100`, headers: mn }),
      ).items;
      expect(history.filter((e) => e.action === 'DOWNLOAD').length).toBeGreaterThanOrEqual(10);
    });

    it('quarantines an infected file: recorded, never downloadable', async () => {
      const pkg = await submitted();
      const res = await ask(dmco, pkg.id, [
        pdf('questions.pdf'),
        { name: 'bad.txt', content: `x\n${EICAR}\n` },
      ]);
      expect(res.statusCode, res.body).toBe(201);
      const [clean, infected] = json<Question>(res).documents;
      expect(clean!.scanStatus).toBe('CLEAN');
      expect(infected).toMatchObject({ scanStatus: 'INFECTED', key: expect.stringMatching(/^quarantine\//) });
      const link = await api.app.inject({
        url: `/api/packages/${pkg.id}/documents/${infected!.id}/download`,
        headers: mn,
      });
      expectProblem(link, 409, 'NOT_DOWNLOADABLE');
    });

    it('refuses who may not ask, and where no question may be asked, before storing anything', async () => {
      const pkg = await submitted();
      expectProblem(await ask(noDivision, pkg.id, [pdf('q.pdf')]), 403, 'FORBIDDEN');
      expectProblem(await ask(mn, pkg.id, [pdf('q.pdf')]), 403, 'FORBIDDEN');
      expectProblem(await ask(admin, pkg.id, [pdf('q.pdf')]), 403, 'FORBIDDEN');
      expectProblem(await ask(fl, pkg.id, [pdf('q.pdf')]), 404, 'NOT_FOUND');
      expectProblem(await ask(dmco, randomUUID(), [pdf('q.pdf')]), 404, 'NOT_FOUND');
      expectProblem(
        await ask(dmco, pkg.id, [pdf('q.pdf')], [['rateId', randomUUID()]]),
        400,
        'VALIDATION_FAILED',
        'rateId',
      );
      expectProblem(
        await ask(dmco, pkg.id, [pdf('q.pdf')], [['rateId', 'rate-1']]),
        400,
        'VALIDATION_FAILED',
        'rateId',
      );
      expectProblem(
        await ask(dmco, pkg.id, [pdf('q.pdf')], [['text', 'x'.repeat(5001)]]),
        400,
        'VALIDATION_FAILED',
        'text',
      );
      expectProblem(
        await ask(dmco, pkg.id, [pdf('q.pdf')], [['text', 'a NUL \u0000 is no text']]),
        400,
        'VALIDATION_FAILED',
        'text',
      );

      // A draft CMS never received does not exist for CMS; an approved package takes no questions.
      const actor = actorOf(demo('STATE_USER', 'MN'));
      const draft = await api.store.createDraft({
        id: randomUUID(),
        stateCode: 'MN',
        formData: FormDataSchema.parse({ submissionType: 'CONTRACT_ONLY', programIds: [programId] }),
        actor,
      });
      expectProblem(await ask(dmco, draft.id, [pdf('q.pdf')]), 404, 'NOT_FOUND');
      const approved = await submitted();
      await api.store.changePackage(approved.id, (p) =>
        planApprove(p, {
          user: demo('CMS_USER'),
          at: new Date().toISOString(),
          expectedVersion: approved.version,
          releasedOn: new Date().toISOString().slice(0, 10),
        }),
      );
      expectProblem(await ask(dmco, approved.id, [pdf('q.pdf')]), 409, 'INVALID_TRANSITION');
      for (const id of [pkg.id, draft.id, approved.id]) expect(await qaFiles(id)).toEqual([]);
      expect((await api.store.getPackage(pkg.id)).questions).toEqual([]);
    });

    it('is described in /openapi.json: multipart forms of fields, then the files', async () => {
      type Op = {
        tags: string[];
        requestBody: { content: Record<string, { schema: { properties: object } }> };
      };
      const doc = json<{ paths: Record<string, { post: Op }> }>(
        await api.app.inject({ url: '/openapi.json' }),
      );
      for (const [path, fields] of [
        ['/api/packages/{id}/questions', ['text', 'rateId', 'file']],
        ['/api/packages/{id}/questions/{questionId}/response', ['text', 'file']],
      ] as const) {
        const op = doc.paths[path]!.post;
        expect(op.tags).toEqual(['questions']);
        expect(Object.keys(op.requestBody.content['multipart/form-data']!.schema.properties)).toEqual(fields);
      }
    });

    it('refuses a new question while one is open, and responses from anyone but the state, once', async () => {
      const { pkg, question } = await asked();
      const before = await qaFiles(pkg.id);
      expectProblem(await ask(oact, pkg.id, [pdf('q.pdf')]), 409, 'INVALID_TRANSITION');
      expectProblem(await respond(dmco, pkg.id, question.id, [pdf('a.pdf')]), 403, 'FORBIDDEN');
      expectProblem(await respond(admin, pkg.id, question.id, [pdf('a.pdf')]), 403, 'FORBIDDEN');
      expectProblem(await respond(fl, pkg.id, question.id, [pdf('a.pdf')]), 404, 'NOT_FOUND');
      expectProblem(await respond(mn, pkg.id, randomUUID(), [pdf('a.pdf')]), 404, 'NOT_FOUND');
      expect(await qaFiles(pkg.id)).toEqual(before);
      expect((await respond(mn, pkg.id, question.id, [pdf('a.pdf')])).statusCode).toBe(201);
      const after = await qaFiles(pkg.id);
      expectProblem(await respond(mn, pkg.id, question.id, [pdf('b.pdf')]), 409, 'INVALID_TRANSITION');
      expect(await qaFiles(pkg.id)).toEqual(after);
    });

    it('deletes every file it stored when the plan refuses the request (two documents of one name)', async () => {
      const pkg = await submitted();
      const res = await ask(dmco, pkg.id, [pdf('same.pdf'), pdf('other.pdf'), pdf('SAME.pdf')]);
      expectProblem(res, 409, 'DUPLICATE_DOCUMENT', 'file.2');
      expect(await qaFiles(pkg.id)).toEqual([]);
      expect((await api.store.getPackage(pkg.id)).questions).toEqual([]);
    });

    it('lets exactly one of two CMS users asking at once succeed, and keeps only its files', async () => {
      const pkg = await submitted();
      const results = await Promise.all([
        ask(dmco, pkg.id, [pdf('dmco-1.pdf'), pdf('dmco-2.pdf')]),
        ask(oact, pkg.id, [pdf('oact-1.pdf'), pdf('oact-2.pdf')]),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      const winner = json<Question>(results.find((r) => r.statusCode === 201)!);
      expect((await qaFiles(pkg.id)).sort()).toEqual(winner.documents.map((d) => d.key).sort());
      expect((await api.store.getPackage(pkg.id)).questions.map((q) => q.id)).toEqual([winner.id]);
    });

    describe('broken multipart bodies are 400s that keep no file', () => {
      let pkg: Package;
      beforeAll(async () => {
        pkg = await submitted();
      });
      const url = () => `/api/packages/${pkg.id}/questions`;

      it.each([
        ['no file', () => qaBody([['text', 'hi']], []), 'file'],
        [
          'too many files',
          () =>
            qaBody(
              [],
              Array.from({ length: MAX_QA_DOCUMENTS + 1 }, (_, i) => pdf(`f${i}.pdf`)),
            ),
          'file',
        ],
        ['a field after the files', () => qaBody([], [pdf('a.pdf')], [['text', 'late']]), 'text'],
        ['an unknown field', () => qaBody([['category', 'CONTRACT']], [pdf('a.pdf')]), 'category'],
        [
          'a field sent twice',
          () =>
            qaBody(
              [
                ['text', 'a'],
                ['text', 'b'],
              ],
              [pdf('a.pdf')],
            ),
          'text',
        ],
        [
          'a file part not named file',
          () => qaBody([], [pdf('a.pdf'), { ...pdf('b.pdf'), field: 'doc' }]),
          'file',
        ],
      ])('%s', async (_what, body, path) => {
        expectProblem(await send(url(), dmco, body()), 400, 'VALIDATION_FAILED', path);
        expect(await qaFiles(pkg.id)).toEqual([]);
      });

      it('a truncated body, a wrong boundary, or no multipart at all', async () => {
        const body = qaBody([], [pdf('a.pdf'), pdf('b.pdf')]);
        const truncated = { ...body, payload: body.payload.subarray(0, body.payload.length - 12) };
        expectProblem(await send(url(), dmco, truncated), 400, 'VALIDATION_FAILED');
        expectProblem(
          await send(url(), dmco, { ...body, contentType: 'multipart/form-data; boundary=other' }),
          400,
          'VALIDATION_FAILED',
        );
        const plain = await api.app.inject({
          method: 'POST',
          url: url(),
          headers: dmco,
          payload: { text: 'hi' },
        });
        expectProblem(plain, 400, 'VALIDATION_FAILED', 'file');
        expect(await qaFiles(pkg.id)).toEqual([]);
      });

      it('a file of a kind not accepted, after one that was stored (415), or too large (413)', async () => {
        const binary = { name: 'x.exe', content: Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0xff, 0xfe]) };
        expectProblem(await ask(dmco, pkg.id, [pdf('a.pdf'), binary]), 415, 'UNSUPPORTED_FILE', 'file.1');
        const big = { name: 'big.txt', content: 'x'.repeat(65 * 1024) };
        expectProblem(await ask(dmco, pkg.id, [pdf('a.pdf'), big]), 413, 'FILE_TOO_LARGE', 'file.1');
        expect(await qaFiles(pkg.id)).toEqual([]);
        expect((await api.store.getPackage(pkg.id)).questions).toEqual([]);
      });
    });

    it('never fails a question because its email or its record beside the package failed', async () => {
      const pkg = await submitted();
      const errors: string[] = [];
      const failingRecords = Object.create(api.files) as FileStore;
      failingRecords.putJson = () => Promise.reject(new Error('S3 down'));
      const throwing: Notifier = {
        notify: () => {
          throw new Error('mail system down');
        },
        drain: async () => {},
      };
      const service = new QuestionService({
        store: api.store,
        reference: new ReferenceData(api.store),
        files: failingRecords,
        scanner: eicarScanner,
        maxBytes: 64 * 1024,
        notifier: throwing,
        log: { error: (_d, message) => errors.push(message) },
      });
      async function* one() {
        yield { fileName: 'q.pdf', body: Readable.from([MINIMAL_PDF]) };
      }
      const question = await service.ask(demo('CMS_USER'), pkg.id, { text: 'Still asked?', files: one() });
      expect(question).toMatchObject({ text: 'Still asked?', division: 'DMCO' });
      expect(errors).toContain('could not write the record beside the package');
      expect(errors).toContain('after-action effects failed');
    });
  });
}
