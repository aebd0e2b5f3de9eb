/**
 * CMS's review through the API, as both sides see it: approve (and the unlock it then refuses),
 * undo approval, withdraw and undo withdrawal, unlock and undo unlock (the state's edits and new
 * file gone), the lists by review status, the audit trail and the emails. One app per store; each
 * package is reused through the steps it goes through, in order.
 */

import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { actorOf, type FormData, FormDataSchema, type Package } from '../../src/domain/index.js';
import { decisionKey, type PackageView } from '../../src/service/package-service.js';
import {
  type AuthHeaders,
  CONTRACT_ONLY_READY,
  demo,
  json,
  MINIMAL_PDF,
  TEST_SESSION_SECRET,
  type TestApi,
  testApi,
} from '../support/api.js';
import { STORE_BACKENDS } from '../support/store-backends.js';

let api: TestApi;
let mn: AuthHeaders;
let fl: AuthHeaders;
let cms: AuthHeaders;
let admin: AuthHeaders;
let form: FormData;

type Problem = { code: string; errors: { path: string; message: string }[] };
type Summary = { id: string; status: string; reviewStatus: string | null; displayStatus: string };
type History = { items: { action: string; summary: string; actor: { email: string } }[] };

const day = (offset = 0) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const post = (headers: AuthHeaders, id: string, action: string, payload: object) =>
  api.app.inject({ method: 'POST', url: `/api/packages/${id}/${action}`, headers, payload });

/** A decision that must go through: the package view it answers. */
async function decide(headers: AuthHeaders, id: string, action: string, payload: object) {
  const res = await post(headers, id, action, payload);
  expect(res.statusCode, res.body).toBe(200);
  return json<PackageView>(res);
}

async function view(headers: AuthHeaders, id: string) {
  const res = await api.app.inject({ url: `/api/packages/${id}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return json<PackageView>(res);
}

function expectProblem(res: LightMyRequestResponse, status: number, code: string, path?: string) {
  expect(res.statusCode, res.body).toBe(status);
  const problem = json<Problem>(res);
  expect(problem.code).toBe(code);
  // The request's shape names where (`body.releasedOn`); a rule of the domain names the field (`releasedOn`).
  if (path) expect(problem.errors.map((e) => e.path.replace(/^(body|querystring)\./, ''))).toContain(path);
}

async function list(headers: AuthHeaders, query: string) {
  const res = await api.app.inject({ url: `/api/packages?limit=100&${query}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return json<{ items: Summary[] }>(res).items;
}

async function history(headers: AuthHeaders, id: string) {
  const res = await api.app.inject({ url: `/api/packages/${id}/history?limit=100`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return json<History>(res).items;
}

/** A submitted MN package holding one uploaded contract (the store's commands skip the form's completeness rules). */
async function submittedPackage(): Promise<{ pkg: Package; contractKey: string }> {
  const actor = actorOf(demo('STATE_USER', 'MN'));
  const draft = await api.store.createDraft({ id: randomUUID(), stateCode: 'MN', formData: form, actor });
  const up = await api.upload(draft.id, mn, { name: 'contract.pdf', content: MINIMAL_PDF });
  expect(up.statusCode, up.body).toBe(201);
  const current = await api.store.getPackage(draft.id);
  const pkg = await api.store.submit(draft.id, { expectedVersion: current.version, actor });
  return { pkg, contractKey: json<{ key: string }>(up).key };
}

/** The emails sent about a package: `EVENT AUDIENCE` of each, in no particular order. */
async function mailsAbout(id: string) {
  await api.notifier.drain();
  return readdirSync(api.outbox)
    .map((f) => readFileSync(join(api.outbox, f), 'utf8'))
    .filter((m) => m.includes(`X-Carepack-Package: ${id}`))
    .map((m) => ({
      what: `${/^X-Carepack-Event: (.+)$/m.exec(m)?.[1]} ${/^X-Carepack-Audience: (.+)$/m.exec(m)?.[1]}`,
      to: /^To: (.+)$/m.exec(m)?.[1] ?? '',
      text: m,
    }));
}

// On DynamoDB and the PostgreSQL server (PGlite is the server's engine in-process: the store suite covers it).
for (const backend of STORE_BACKENDS.filter((b) => b.name !== 'pglite')) {
  describe.runIf(backend.available)(`the review through the API (${backend.name})`, () => {
    beforeAll(async () => {
      api = await testApi({ createStore: backend.create });
      mn = await api.login(demo('STATE_USER', 'MN'));
      fl = await api.login(demo('STATE_USER', 'FL'));
      cms = await api.login(demo('CMS_USER'));
      admin = await api.login(demo('ADMIN_USER'));
      const pmap = (await api.store.getState('MN')).programs[0]!.id;
      form = FormDataSchema.parse({
        submissionType: 'CONTRACT_ONLY',
        programIds: [pmap],
        ...CONTRACT_ONLY_READY,
      });
    });
    afterAll(() => api.close());

    describe('approval', () => {
      let pkg: Package;
      beforeAll(async () => {
        pkg = (await submittedPackage()).pkg;
      });

      it('refuses bad approvals field by field, and touches nothing', async () => {
        const v = pkg.version;
        expectProblem(
          await post(cms, pkg.id, 'approve', { expectedVersion: v, releasedOn: day(2) }),
          400,
          'VALIDATION_FAILED',
          'releasedOn',
        );
        for (const releasedOn of ['2026-02-30', '01/02/2026', ''])
          expectProblem(
            await post(cms, pkg.id, 'approve', { expectedVersion: v, releasedOn }),
            400,
            'VALIDATION_FAILED',
            'releasedOn',
          );
        expectProblem(
          await post(cms, pkg.id, 'approve', { expectedVersion: v }),
          400,
          'VALIDATION_FAILED',
          'releasedOn',
        );
        // An administrator approves only with a reason.
        expectProblem(
          await post(admin, pkg.id, 'approve', { expectedVersion: v, releasedOn: day(), reason: '  ' }),
          400,
          'VALIDATION_FAILED',
          'reason',
        );
        expectProblem(
          await post(cms, pkg.id, 'approve', { expectedVersion: v - 1, releasedOn: day() }),
          409,
          'VERSION_CONFLICT',
        );
        expectProblem(
          await post(mn, pkg.id, 'approve', { expectedVersion: v, releasedOn: day() }),
          403,
          'FORBIDDEN',
        );
        expectProblem(
          await post(fl, pkg.id, 'approve', { expectedVersion: v, releasedOn: day() }),
          404,
          'NOT_FOUND',
        );
        // Undoing what was never decided.
        expectProblem(
          await post(cms, pkg.id, 'undo-approval', { expectedVersion: v, reason: 'x' }),
          409,
          'INVALID_TRANSITION',
        );
        expectProblem(
          await post(cms, pkg.id, 'undo-withdrawal', { expectedVersion: v, reason: 'x' }),
          409,
          'INVALID_TRANSITION',
        );
        expectProblem(
          await post(cms, pkg.id, 'undo-unlock', { expectedVersion: v, reason: 'x' }),
          409,
          'INVALID_TRANSITION',
        );
        expect(await api.store.getPackage(pkg.id)).toEqual(pkg);
      });

      it('approves: the state sees Approved with the release date; an unlock and a second approval are refused', async () => {
        const releasedOn = day(-3);
        const approved = await decide(cms, pkg.id, 'approve', { expectedVersion: pkg.version, releasedOn });
        expect(approved).toMatchObject({
          status: 'SUBMITTED',
          reviewStatus: 'APPROVED',
          displayStatus: 'APPROVED',
        });
        const asState = await view(mn, pkg.id);
        expect(asState).toMatchObject({
          reviewStatus: 'APPROVED',
          displayStatus: 'APPROVED',
          version: approved.version,
        });
        expect(asState.reviewActions).toEqual([
          expect.objectContaining({
            action: 'APPROVE',
            releasedOn,
            reason: '',
            by: expect.objectContaining({ role: 'CMS_USER' }),
          }),
        ]);
        expectProblem(
          await post(cms, pkg.id, 'unlock', { expectedVersion: approved.version, reason: 'fix' }),
          409,
          'INVALID_TRANSITION',
        );
        expectProblem(
          await post(cms, pkg.id, 'approve', { expectedVersion: approved.version, releasedOn }),
          409,
          'INVALID_TRANSITION',
        );
        expectProblem(
          await post(cms, pkg.id, 'withdraw', { expectedVersion: approved.version, reason: 'x' }),
          409,
          'INVALID_TRANSITION',
        );

        // Both lists find it by its review status, and show it as approved.
        for (const [headers, query] of [
          [mn, 'reviewStatus=APPROVED'],
          [cms, 'reviewStatus=APPROVED&stateCode=MN'],
        ] as const) {
          expect((await list(headers, query)).find((s) => s.id === pkg.id)).toMatchObject({
            reviewStatus: 'APPROVED',
            displayStatus: 'APPROVED',
            status: 'SUBMITTED',
          });
          expect(
            (await list(headers, query.replace('APPROVED', 'UNDER_REVIEW'))).map((s) => s.id),
          ).not.toContain(pkg.id);
        }
        pkg = await api.store.getPackage(pkg.id);
      });

      it('undoes the approval: under review again, and the unlock is allowed again', async () => {
        expectProblem(
          await post(cms, pkg.id, 'undo-approval', { expectedVersion: pkg.version, reason: '' }),
          400,
          'VALIDATION_FAILED',
          'reason',
        );
        const undone = await decide(admin, pkg.id, 'undo-approval', {
          expectedVersion: pkg.version,
          reason: 'Approved the wrong package',
        });
        expect(undone).toMatchObject({ reviewStatus: 'UNDER_REVIEW', displayStatus: 'SUBMITTED' });
        expect(undone.reviewActions.map((a) => a.action)).toEqual(['UNDO_APPROVAL', 'APPROVE']);
        expect((await list(mn, 'reviewStatus=UNDER_REVIEW')).map((s) => s.id)).toContain(pkg.id);
        expect((await list(cms, 'reviewStatus=APPROVED')).map((s) => s.id)).not.toContain(pkg.id);

        const actions = (await history(mn, pkg.id)).map((e) => e.action);
        expect(actions).toEqual(['CREATE', 'UPLOAD', 'SUBMIT', 'APPROVE', 'UNDO_APPROVAL']);

        // Each decision also lies beside the package's files, write-once: the record outlives the database.
        expect(await api.files.getJson(decisionKey(pkg.id, 1))).toMatchObject({
          format: 'carepack-review-decision',
          package: { id: pkg.id, reviewStatus: 'APPROVED' },
          decision: { action: 'APPROVE', releasedOn: day(-3) },
        });
        expect(await api.files.getJson(decisionKey(pkg.id, 2))).toMatchObject({
          package: { reviewStatus: 'UNDER_REVIEW' },
          decision: { action: 'UNDO_APPROVAL', reason: 'Approved the wrong package' },
        });
        const summaries = (await history(cms, pkg.id)).map((e) => e.summary);
        expect(summaries).toContain(`Approved, released to the state on ${day(-3)}`);
        expect(summaries).toContain('Approval undone: Approved the wrong package');

        // The approval emailed the state only, with the release date; its undoing tells the state too.
        const mails = await mailsAbout(pkg.id);
        expect(mails.map((m) => m.what).sort()).toEqual(['APPROVE STATE', 'UNDO_APPROVAL STATE']);
        const approval = mails.find((m) => m.what === 'APPROVE STATE')!;
        expect(approval.to).toContain('contact@mn.example.gov');
        expect(approval.text).toContain(day(-3));
        expect(mails.find((m) => m.what === 'UNDO_APPROVAL STATE')!.text).toContain(
          'Approved the wrong package',
        );
      });
    });

    describe('withdrawal', () => {
      it('withdraws with a reason, both sides see Withdrawn, and undoing it puts it back under review', async () => {
        const { pkg } = await submittedPackage();
        expectProblem(
          await post(cms, pkg.id, 'withdraw', { expectedVersion: pkg.version }),
          400,
          'VALIDATION_FAILED',
          'reason',
        );
        expectProblem(
          await post(cms, pkg.id, 'withdraw', { expectedVersion: pkg.version + 1, reason: 'x' }),
          409,
          'VERSION_CONFLICT',
        );
        const withdrawn = await decide(cms, pkg.id, 'withdraw', {
          expectedVersion: pkg.version,
          reason: 'The state asked to withdraw it',
        });
        expect(withdrawn).toMatchObject({ reviewStatus: 'WITHDRAWN', displayStatus: 'WITHDRAWN' });
        expect(await view(mn, pkg.id)).toMatchObject({
          displayStatus: 'WITHDRAWN',
          reviewActions: [
            expect.objectContaining({ action: 'WITHDRAW', reason: 'The state asked to withdraw it' }),
          ],
        });
        for (const [headers, query] of [
          [mn, 'reviewStatus=WITHDRAWN'],
          [cms, 'reviewStatus=WITHDRAWN&status=SUBMITTED'],
        ] as const)
          expect((await list(headers, query)).find((s) => s.id === pkg.id)).toMatchObject({
            displayStatus: 'WITHDRAWN',
          });
        expectProblem(
          await post(cms, pkg.id, 'approve', { expectedVersion: withdrawn.version, releasedOn: day() }),
          409,
          'INVALID_TRANSITION',
        );
        expectProblem(
          await post(cms, pkg.id, 'unlock', { expectedVersion: withdrawn.version, reason: 'x' }),
          409,
          'INVALID_TRANSITION',
        );

        const back = await decide(cms, pkg.id, 'undo-withdrawal', {
          expectedVersion: withdrawn.version,
          reason: 'Withdrawn by mistake',
        });
        expect(back).toMatchObject({ reviewStatus: 'UNDER_REVIEW', displayStatus: 'SUBMITTED' });
        expect((await list(cms, 'reviewStatus=WITHDRAWN')).map((s) => s.id)).not.toContain(pkg.id);
        expect((await history(cms, pkg.id)).map((e) => e.action).slice(-2)).toEqual([
          'WITHDRAW',
          'UNDO_WITHDRAWAL',
        ]);

        // Both go to the state (contacts and submitter) and to the CMS review list, with the reason.
        const mails = await mailsAbout(pkg.id);
        expect(mails.map((m) => m.what).sort()).toEqual([
          'UNDO_WITHDRAWAL CMS',
          'UNDO_WITHDRAWAL STATE',
          'WITHDRAW CMS',
          'WITHDRAW STATE',
        ]);
        const state = mails.find((m) => m.what === 'WITHDRAW STATE')!;
        expect(state.to).toContain('contact@mn.example.gov');
        expect(state.to).toContain(demo('STATE_USER', 'MN').email);
        expect(mails.find((m) => m.what === 'WITHDRAW CMS')!.to).toContain('review@cms.example.gov');
        expect(state.text).toContain('The state asked to withdraw it');
      });
    });

    describe('undo unlock', () => {
      it("discards the state's edits and its new file; the submitted revision and its file stay", async () => {
        const { pkg, contractKey } = await submittedPackage();
        const unlocked = await decide(cms, pkg.id, 'unlock', {
          expectedVersion: pkg.version,
          reason: 'Fix the dates',
        });
        // The state edits the draft and uploads a new file.
        const edited = await api.app.inject({
          method: 'PUT',
          url: `/api/packages/${pkg.id}`,
          headers: mn,
          payload: {
            expectedVersion: unlocked.version,
            formData: { ...form, contractDateEnd: '2028-06-30' },
          },
        });
        expect(edited.statusCode, edited.body).toBe(200);
        const up = await api.upload(
          pkg.id,
          mn,
          { name: 'new-rates.pdf', content: MINIMAL_PDF },
          { category: 'CONTRACT_SUPPORTING' },
        );
        expect(up.statusCode, up.body).toBe(201);
        const newKey = json<{ key: string }>(up).key;
        expect(await api.files.exists(newKey)).toBe(true);
        const draft = await api.store.getPackage(pkg.id);
        expect(draft.revisions[0]!.documents.map((d) => d.key)).toEqual(
          expect.arrayContaining([contractKey, newKey]),
        );

        expectProblem(
          await post(mn, pkg.id, 'undo-unlock', { expectedVersion: draft.version, reason: 'x' }),
          403,
          'FORBIDDEN',
        );
        expectProblem(
          await post(cms, pkg.id, 'undo-unlock', { expectedVersion: unlocked.version, reason: 'x' }),
          409,
          'VERSION_CONFLICT',
        );
        const undone = await decide(cms, pkg.id, 'undo-unlock', {
          expectedVersion: draft.version,
          reason: 'Unlocked the wrong package',
        });
        expect(undone).toMatchObject({
          status: 'SUBMITTED',
          displayStatus: 'SUBMITTED',
          reviewStatus: 'UNDER_REVIEW',
          unlockInfo: null,
        });

        // The state sees the submitted revision current again: its edits and its new file are gone.
        const asState = await view(mn, pkg.id);
        expect(asState.revisions.map((r) => r.number)).toEqual([1]);
        // The view adds what it says about the revision's rates (none here).
        expect(asState.revisions[0]).toEqual({ ...pkg.revisions[0], rates: [] });
        expect(asState.reviewActions[0]).toMatchObject({
          action: 'UNDO_UNLOCK',
          reason: 'Unlocked the wrong package',
        });
        expect(await api.files.exists(newKey)).toBe(false);
        expect(await api.files.exists(contractKey)).toBe(true);

        // The trail: the state sees its discarded work; CMS does not (it never received it).
        const actions = (await history(mn, pkg.id)).map((e) => e.action);
        expect(actions).toEqual(['CREATE', 'UPLOAD', 'SUBMIT', 'UNLOCK', 'UPDATE', 'UPLOAD', 'UNDO_UNLOCK']);
        expect((await history(cms, pkg.id)).map((e) => e.action)).toEqual([
          'CREATE',
          'UPLOAD',
          'SUBMIT',
          'UNLOCK',
          'UNDO_UNLOCK',
        ]);

        const mails = await mailsAbout(pkg.id);
        expect(
          mails
            .map((m) => m.what)
            .filter((w) => w.startsWith('UNDO_UNLOCK'))
            .sort(),
        ).toEqual(['UNDO_UNLOCK CMS', 'UNDO_UNLOCK STATE']);
        expect(mails.find((m) => m.what === 'UNDO_UNLOCK STATE')!.text).toContain(
          'Unlocked the wrong package',
        );

        // The package goes on as before: unlocked again, it is revision 2 once more.
        const again = await decide(cms, pkg.id, 'unlock', {
          expectedVersion: undone.version,
          reason: 'Now fix the dates',
        });
        expect(again.status).toBe('UNLOCKED');
        expect((await view(mn, pkg.id)).revisions.map((r) => r.number)).toEqual([2, 1]);
      });
    });

    describe('list filter', () => {
      it('refuses an unknown review status on the reviewStatus field', async () => {
        for (const headers of [mn, cms]) {
          const res = await api.app.inject({ url: '/api/packages?reviewStatus=PENDING', headers });
          expectProblem(res, 400, 'VALIDATION_FAILED', 'reviewStatus');
        }
      });
    });

    describe('a mail system that fails', () => {
      it('neither fails nor rolls back a decision: the failure is logged', async () => {
        const lines: string[] = [];
        const broken = await buildApp({
          store: api.store,
          sessionSecret: TEST_SESSION_SECRET,
          devLogin: true,
          notifier: {
            notify() {
              throw new Error('the mail system is down');
            },
            drain: async () => {},
          },
          logger: pino({ level: 'error' }, { write: (line: string) => void lines.push(line) }),
        });
        try {
          const { pkg } = await submittedPackage();
          const res = await broken.inject({
            method: 'POST',
            url: `/api/packages/${pkg.id}/withdraw`,
            headers: cms,
            payload: { expectedVersion: pkg.version, reason: 'State asked' },
          });
          expect(res.statusCode, res.body).toBe(200);
          expect(json<PackageView>(res).displayStatus).toBe('WITHDRAWN');
          expect(await view(mn, pkg.id)).toMatchObject({
            reviewStatus: 'WITHDRAWN',
            version: pkg.version + 1,
          });
          expect(lines.some((l) => l.includes('the mail system is down'))).toBe(true);
        } finally {
          await broken.close();
        }
      });
    });

    describe('the OpenAPI document', () => {
      it('describes each decision with its body, its answer and its refusals', async () => {
        const doc = (await api.app.inject({ url: '/openapi.json' })).json() as {
          paths: Record<
            string,
            Record<
              string,
              {
                requestBody?: { content: Record<string, { schema: { required?: string[] } }> };
                responses: Record<string, unknown>;
              }
            >
          >;
        };
        const required = (path: string) =>
          doc.paths[`/api/packages/{id}/${path}`]?.post?.requestBody?.content['application/json']?.schema
            .required;
        expect(required('approve')).toEqual(expect.arrayContaining(['expectedVersion', 'releasedOn']));
        expect(required('approve')).not.toContain('reason');
        for (const path of ['undo-approval', 'withdraw', 'undo-withdrawal', 'undo-unlock']) {
          expect(required(path), path).toEqual(expect.arrayContaining(['expectedVersion', 'reason']));
        }
        for (const path of ['approve', 'undo-approval', 'withdraw', 'undo-withdrawal', 'undo-unlock']) {
          expect(Object.keys(doc.paths[`/api/packages/{id}/${path}`]!.post!.responses).sort(), path).toEqual([
            '200',
            '400',
            '401',
            '403',
            '404',
            '409',
          ]);
        }
      });
    });
  });
}
