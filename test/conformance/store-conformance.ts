/**
 * THE definition of a Carepack store. Every backend runs this suite unchanged:
 *
 *   runStoreConformance({ name: 'dynamodb', createStore: async () => ..., inspect: ... })
 *
 * It talks to the store through the `Store` interface only; `inspect` lets a backend hand in
 * a read of its own raw records, so the suite can check that nothing is left half-written.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Package, PackageSummary, User } from '../../src/domain/index.js';
import { isStoreError, type StoreErrorCode } from '../../src/store/errors.js';
import type { ListOptions, Page, Store } from '../../src/store/store.js';
import { runCmsViewConformance } from './cms-view-conformance.js';
import { runCountersConformance } from './counters-conformance.js';
import {
  cmsActor,
  document,
  draft,
  formWithPrograms,
  freshState,
  fullFormData,
  makeState,
  minimalFormData,
  stateActor,
  stateCodes,
  submitted,
} from './fixtures.js';
import { runImportConformance } from './import-conformance.js';
import { runNumberingConformance } from './numbering-conformance.js';
import { sessionsConformance } from './sessions-conformance.js';
import { runTextConformance } from './text-conformance.js';

export interface ConformanceOptions {
  name: string;
  /** A store on an empty, isolated database. Called once per suite run. */
  createStore: () => Promise<Store>;
  /** Backend-side reads of what is really stored. */
  inspect: {
    /** How many raw records (rows, items) hold the package's head, revisions and documents — audit excluded. */
    packageRecordCount(store: Store, packageId: string): Promise<number>;
  };
}

export async function expectStoreError(promise: Promise<unknown>, code: StoreErrorCode) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a ${code} StoreError`).toBeDefined();
  expect(isStoreError(error), `expected a StoreError, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
}

async function collect<T>(
  fetch: (cursor?: string) => Promise<Page<T>>,
): Promise<{ items: T[]; pages: number; sizes: number[] }> {
  const items: T[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await fetch(cursor);
    pages++;
    sizes.push(page.items.length);
    items.push(...page.items);
    cursor = page.cursor;
    if (pages > 1000) throw new Error('pagination does not end');
  } while (cursor);
  return { items, pages, sizes };
}

const newestFirst = (a: PackageSummary, b: PackageSummary) =>
  b.updatedAt.localeCompare(a.updatedAt) || b.id.localeCompare(a.id);

export function runStoreConformance(options: ConformanceOptions) {
  describe(`Store conformance: ${options.name}`, () => {
    let store: Store;
    const nextCode = stateCodes();
    const records = (id: string) => options.inspect.packageRecordCount(store, id);

    beforeAll(async () => {
      store = await options.createStore();
    });
    afterAll(async () => {
      await store?.close();
    });

    runNumberingConformance(() => store, nextCode);
    runTextConformance(() => store, nextCode);
    runCmsViewConformance(() => store, nextCode);
    sessionsConformance(() => store, nextCode);
    runImportConformance(() => store, nextCode);

    describe('reference data', () => {
      it('upserts and reads states with their programs', async () => {
        const a = makeState(nextCode());
        const b = makeState(nextCode(), ['Dental']);
        await store.upsertStates([a, b]);
        expect(await store.getState(a.code)).toEqual(a);
        const listed = await store.listStates();
        expect(listed).toEqual(expect.arrayContaining([a, b]));
        const renamed = { ...a, name: 'Renamed', programs: [...a.programs, makeState('ZZ').programs[0]!] };
        await store.upsertStates([renamed]);
        expect(await store.getState(a.code)).toEqual(renamed);
        expect((await store.listStates()).filter((s) => s.code === a.code)).toHaveLength(1);
      });

      it('seeds many states in one call', async () => {
        const many = Array.from({ length: 60 }, () => makeState(nextCode(), ['A', 'B', 'C']));
        await store.upsertStates(many);
        const codes = new Set((await store.listStates()).map((s) => s.code));
        for (const s of many) expect(codes.has(s.code)).toBe(true);
      });

      it('reports an unknown state as NotFound', async () => {
        await expectStoreError(store.getState('Q9'), 'NotFound');
      });

      it('upserts and reads users of every role', async () => {
        const state = await freshState(store, nextCode);
        const users: User[] = [
          {
            id: randomUUID(),
            email: 'a@state.gov',
            givenName: 'Aaron',
            familyName: 'State',
            role: 'STATE_USER',
            stateCode: state.code,
          },
          {
            id: randomUUID(),
            email: 'c@cms.gov',
            givenName: 'Cora',
            familyName: 'Reviewer',
            role: 'CMS_USER',
          },
          { id: randomUUID(), email: 'd@cms.gov', givenName: 'Dee', familyName: 'Admin', role: 'ADMIN_USER' },
        ];
        await store.upsertUsers(users);
        for (const u of users) expect(await store.getUser(u.id)).toEqual(u);
        expect(await store.listUsers()).toEqual(expect.arrayContaining(users));
        await store.upsertUsers([{ ...users[0]!, givenName: 'Renamed' }]);
        expect((await store.getUser(users[0]!.id)).givenName).toBe('Renamed');
        await expectStoreError(store.getUser(randomUUID()), 'NotFound');
      });

      it('refuses a state user of an unknown state, writing none of the batch', async () => {
        const state = await freshState(store, nextCode);
        const ok: User = {
          id: randomUUID(),
          email: 'ok@state.gov',
          givenName: 'O',
          familyName: 'K',
          role: 'CMS_USER',
        };
        const bad: User = {
          id: randomUUID(),
          email: 'b@nowhere.gov',
          givenName: 'B',
          familyName: 'Ad',
          role: 'STATE_USER',
          stateCode: state.code === 'Q7' ? 'Q6' : 'Q7',
        };
        await expectStoreError(store.upsertUsers([ok, bad]), 'NotFound');
        await expectStoreError(store.getUser(bad.id), 'NotFound');
        await expectStoreError(store.getUser(ok.id), 'NotFound');
      });
    });

    describe('drafts', () => {
      it('creates a draft with number 1 in a new state, and reads it back exactly', async () => {
        const state = await freshState(store, nextCode);
        const docs = [document('contract.pdf'), document('appendix.docx', 'CONTRACT_SUPPORTING')];
        const formData = fullFormData(state);
        docs.push(document('rates.xlsx', 'RATE', formData.rateCertifications[0]!.id));
        const actor = stateActor();
        const created = await store.createDraft({
          id: randomUUID(),
          stateCode: state.code,
          formData,
          documents: docs,
          actor,
        });
        expect(created).toMatchObject({ stateCode: state.code, stateNumber: 1, status: 'DRAFT', version: 1 });
        expect(created.initiallySubmittedAt).toBeNull();
        expect(created.revisions).toHaveLength(1);
        expect(created.revisions[0]).toMatchObject({
          number: 1,
          formData,
          documents: docs,
          submitInfo: null,
          unlockInfo: null,
        });
        expect(await store.getPackage(created.id)).toEqual(created);
      });

      it('numbers packages per state: 1, 2, 3 in one state, 1 again in another', async () => {
        const a = await freshState(store, nextCode);
        const b = await freshState(store, nextCode);
        const numbers = [];
        for (let i = 0; i < 3; i++) numbers.push((await draft(store, a)).stateNumber);
        expect(numbers).toEqual([1, 2, 3]);
        expect((await draft(store, b)).stateNumber).toBe(1);
      });

      it('refuses an unknown state, a taken id and invalid form data, burning no number on bad input', async () => {
        const state = await freshState(store, nextCode);
        await expectStoreError(draft(store, { ...state, code: 'Q8' }), 'NotFound');
        await expectStoreError(
          store.createDraft({
            id: randomUUID(),
            stateCode: state.code,
            formData: { ...minimalFormData(state), contractDateStart: '2025-02-30' },
            actor: stateActor(),
          }),
          'InvalidInput',
        );
        const first = await draft(store, state);
        expect(first.stateNumber).toBe(1);
        await expectStoreError(
          store.createDraft({
            id: first.id,
            stateCode: state.code,
            formData: minimalFormData(state),
            actor: stateActor(),
          }),
          'AlreadyExists',
        );
        expect(await store.getPackage(first.id)).toEqual(first);
      });

      it('reports an unknown package as NotFound for every operation', async () => {
        const id = randomUUID();
        const actor = stateActor();
        await expectStoreError(store.getPackage(id), 'NotFound');
        await expectStoreError(store.updateDraft(id, { expectedVersion: 1, actor }), 'NotFound');
        await expectStoreError(store.deleteDraft(id, { expectedVersion: 1, actor }), 'NotFound');
        await expectStoreError(store.submit(id, { expectedVersion: 1, actor }), 'NotFound');
        await expectStoreError(store.unlock(id, { expectedVersion: 1, actor, reason: 'x' }), 'NotFound');
        await expectStoreError(store.resubmit(id, { expectedVersion: 1, actor, reason: 'x' }), 'NotFound');
        await expectStoreError(
          store.appendAudit({ packageId: id, actor, action: 'DOWNLOAD', summary: 'x' }),
          'NotFound',
        );
      });

      it('updates form data and documents (add, reorder, remove) with optimistic versions', async () => {
        const state = await freshState(store, nextCode);
        const actor = stateActor();
        const [d1, d2, d3] = [document('one.pdf'), document('two.pdf'), document('three.pdf')];
        const pkg = await store.createDraft({
          id: randomUUID(),
          stateCode: state.code,
          formData: minimalFormData(state),
          documents: [d1!, d2!],
          actor,
        });
        const formData = fullFormData(state);
        const v2 = await store.updateDraft(pkg.id, { expectedVersion: 1, formData, actor });
        expect(v2.version).toBe(2);
        expect(v2.revisions[0]!.formData).toEqual(formData);
        expect(v2.revisions[0]!.documents).toEqual([d1, d2]);
        const v3 = await store.updateDraft(pkg.id, { expectedVersion: 2, documents: [d3!, d1!], actor });
        expect(v3.revisions[0]!.documents).toEqual([d3, d1]);
        expect(v3.revisions[0]!.formData).toEqual(formData);
        expect(await store.getPackage(pkg.id)).toEqual(v3);
        expect(v3.updatedAt >= pkg.updatedAt).toBe(true);
        await expectStoreError(store.updateDraft(pkg.id, { expectedVersion: 2, actor }), 'VersionConflict');
        const v4 = await store.updateDraft(pkg.id, { expectedVersion: 3, documents: [], actor });
        expect((await store.getPackage(pkg.id)).revisions[0]!.documents).toEqual([]);
        expect(v4.version).toBe(4);
      });

      it('refuses invalid updates without changing anything', async () => {
        const state = await freshState(store, nextCode);
        const actor = stateActor();
        const pkg = await draft(store, state, actor);
        const doc = document('same.pdf');
        await expectStoreError(
          store.updateDraft(pkg.id, {
            expectedVersion: 1,
            documents: [doc, { ...document('same.pdf') }],
            actor,
          }),
          'InvalidInput',
        );
        await expectStoreError(
          store.updateDraft(pkg.id, {
            expectedVersion: 1,
            formData: { ...minimalFormData(state), submissionType: 'NOPE' as never },
            actor,
          }),
          'InvalidInput',
        );
        expect(await store.getPackage(pkg.id)).toEqual(pkg);
      });

      it('deletes a never-submitted draft, keeps its number used and its audit trail', async () => {
        const state = await freshState(store, nextCode);
        const actor = stateActor();
        const pkg = await store.createDraft({
          id: randomUUID(),
          stateCode: state.code,
          formData: minimalFormData(state),
          documents: [document('c.pdf'), document('d.pdf')],
          actor,
        });
        expect(await records(pkg.id)).toBeGreaterThan(0);
        await expectStoreError(store.deleteDraft(pkg.id, { expectedVersion: 7, actor }), 'VersionConflict');
        await store.deleteDraft(pkg.id, { expectedVersion: 1, actor });
        await expectStoreError(store.getPackage(pkg.id), 'NotFound');
        expect(await records(pkg.id)).toBe(0);
        expect((await draft(store, state)).stateNumber).toBe(2);
        const audit = await store.listAudit(pkg.id);
        expect(audit.items.map((e) => e.action)).toEqual(['CREATE', 'DELETE']);
        expect((await store.listByState(state.code)).items.map((p) => p.id)).not.toContain(pkg.id);
      });
    });

    describe('submit, unlock, resubmit', () => {
      it('submits a draft: frozen revision, who/when, first submission date', async () => {
        const state = await freshState(store, nextCode);
        const actor = stateActor();
        const pkg = await draft(store, state, actor);
        const done = await store.submit(pkg.id, { expectedVersion: 1, actor });
        expect(done).toMatchObject({ status: 'SUBMITTED', version: 2, stateNumber: 1 });
        expect(done.initiallySubmittedAt).not.toBeNull();
        expect(done.revisions[0]!.submitInfo).toMatchObject({ by: actor, reason: 'Initial submission' });
        expect(done.revisions[0]!.submitInfo!.at).toBe(done.initiallySubmittedAt);
        expect(await store.getPackage(pkg.id)).toEqual(done);
      });

      it('refuses every change a submitted package does not allow', async () => {
        const state = await freshState(store, nextCode);
        const actor = stateActor();
        const pkg = await submitted(store, state, actor);
        const v = pkg.version;
        await expectStoreError(store.submit(pkg.id, { expectedVersion: v, actor }), 'InvalidTransition');
        await expectStoreError(
          store.updateDraft(pkg.id, { expectedVersion: v, formData: minimalFormData(state), actor }),
          'InvalidTransition',
        );
        await expectStoreError(store.deleteDraft(pkg.id, { expectedVersion: v, actor }), 'InvalidTransition');
        await expectStoreError(
          store.resubmit(pkg.id, { expectedVersion: v, actor, reason: 'x' }),
          'InvalidTransition',
        );
        expect(await store.getPackage(pkg.id)).toEqual(pkg);
      });

      it('refuses unlock and resubmit of a draft, and unlock without a reason', async () => {
        const state = await freshState(store, nextCode);
        const actor = stateActor();
        const pkg = await draft(store, state, actor);
        await expectStoreError(
          store.unlock(pkg.id, { expectedVersion: 1, actor: cmsActor(), reason: 'x' }),
          'InvalidTransition',
        );
        await expectStoreError(
          store.resubmit(pkg.id, { expectedVersion: 1, actor, reason: 'x' }),
          'InvalidTransition',
        );
        const sub = await store.submit(pkg.id, { expectedVersion: 1, actor });
        await expectStoreError(
          store.unlock(pkg.id, { expectedVersion: sub.version, actor: cmsActor(), reason: '  ' }),
          'InvalidInput',
        );
        expect(await store.getPackage(pkg.id)).toEqual(sub);
      });

      it('unlock → edit → resubmit keeps every revision and the number, and never touches submitted ones', async () => {
        const state = await freshState(store, nextCode);
        const actor = stateActor();
        const cms = cmsActor();
        const first = await store.createDraft({
          id: randomUUID(),
          stateCode: state.code,
          formData: fullFormData(state),
          documents: [document('contract-v1.pdf')],
          actor,
        });
        const sub = await store.submit(first.id, { expectedVersion: 1, actor });
        const frozen = structuredClone(sub.revisions[0]!);

        const unlocked = await store.unlock(first.id, {
          expectedVersion: sub.version,
          actor: cms,
          reason: 'Fix the dates',
        });
        expect(unlocked.status).toBe('UNLOCKED');
        expect(unlocked.revisions).toHaveLength(2);
        const [draftRev, oldRev] = unlocked.revisions;
        expect(oldRev).toEqual(frozen);
        expect(draftRev).toMatchObject({
          number: 2,
          submitInfo: null,
          formData: frozen.formData,
          documents: frozen.documents,
        });
        expect(draftRev!.unlockInfo).toMatchObject({ by: cms, reason: 'Fix the dates' });
        expect(draftRev!.id).not.toBe(frozen.id);

        const edited = await store.updateDraft(first.id, {
          expectedVersion: unlocked.version,
          formData: { ...frozen.formData, contractDateEnd: '2027-06-30' },
          documents: [document('contract-v2.pdf')],
          actor,
        });
        expect(edited.revisions[1]).toEqual(frozen);
        await expectStoreError(
          store.resubmit(first.id, { expectedVersion: edited.version, actor, reason: '' }),
          'InvalidInput',
        );
        const re = await store.resubmit(first.id, {
          expectedVersion: edited.version,
          actor,
          reason: 'Dates fixed',
        });
        expect(re).toMatchObject({ status: 'RESUBMITTED', stateNumber: sub.stateNumber });
        expect(re.initiallySubmittedAt).toBe(sub.initiallySubmittedAt);
        expect(re.revisions[0]!.submitInfo).toMatchObject({ by: actor, reason: 'Dates fixed' });
        expect(re.revisions[0]!.formData.contractDateEnd).toBe('2027-06-30');
        expect(re.revisions[1]).toEqual(frozen);

        const again = await store.unlock(first.id, {
          expectedVersion: re.version,
          actor: cms,
          reason: 'One more thing',
        });
        expect(again.revisions.map((r) => r.number)).toEqual([3, 2, 1]);
        expect(again.revisions[1]).toEqual(re.revisions[0]);
        expect(again.revisions[0]!.documents).toEqual(re.revisions[0]!.documents);
        expect(await store.getPackage(first.id)).toEqual(again);
        expect((await store.listAudit(first.id)).items.map((e) => e.action)).toEqual([
          'CREATE',
          'SUBMIT',
          'UNLOCK',
          'UPDATE',
          'RESUBMIT',
          'UNLOCK',
        ]);
      });
    });

    describe('lists', () => {
      it("lists a state's packages newest first, drafts included, other states never", async () => {
        const state = await freshState(store, nextCode);
        const other = await freshState(store, nextCode);
        const actor = stateActor();
        const a = await draft(store, state, actor);
        const b = await submitted(store, state, actor);
        const c = await draft(store, state, actor);
        await draft(store, other);
        const touched = await store.updateDraft(a.id, {
          expectedVersion: 1,
          formData: fullFormData(state),
          actor,
        });
        const page = await store.listByState(state.code);
        expect(page.cursor).toBeUndefined();
        expect(page.items.map((p) => p.id)).toEqual([touched.id, c.id, b.id]);
        expect(page.items[0]).toMatchObject({
          stateCode: state.code,
          stateNumber: 1,
          status: 'DRAFT',
          version: 2,
          revisionCount: 1,
          submissionType: 'CONTRACT_AND_RATES',
          programIds: state.programs.map((p) => p.id),
          updatedAt: touched.updatedAt,
        });
        expect((await store.listByState(state.code, { status: 'SUBMITTED' })).items.map((p) => p.id)).toEqual(
          [b.id],
        );
        expect((await store.listByState(state.code, { status: 'UNLOCKED' })).items).toEqual([]);
      });

      it('pages through a long list with opaque cursors: every package once, in order, no empty last page', async () => {
        const state = await freshState(store, nextCode);
        const actor = stateActor();
        const ids = new Set<string>();
        for (let i = 0; i < 7; i++) ids.add((await draft(store, state, actor)).id);
        const { items, pages } = await collect((cursor) =>
          store.listByState(state.code, { limit: 3, cursor }),
        );
        expect(pages).toBe(3);
        expect(items.map((p) => p.id).sort()).toEqual([...ids].sort());
        expect(items).toEqual([...items].sort(newestFirst));
        const exact = await collect((cursor) => store.listByState(state.code, { limit: 7, cursor }));
        expect(exact.pages).toBe(1);
      });

      it('refuses bad page sizes and foreign or forged cursors', async () => {
        const state = await freshState(store, nextCode);
        const other = await freshState(store, nextCode);
        for (let i = 0; i < 3; i++) await draft(store, state);
        const first = await store.listByState(state.code, { limit: 1 });
        expect(first.cursor).toBeDefined();
        await expectStoreError(store.listByState(state.code, { limit: 0 }), 'InvalidInput');
        await expectStoreError(store.listByState(state.code, { limit: 101 }), 'InvalidInput');
        await expectStoreError(store.listByState(state.code, { cursor: 'not a cursor' }), 'InvalidInput');
        await expectStoreError(store.listByState(other.code, { cursor: first.cursor }), 'InvalidInput');
        await expectStoreError(store.listSubmitted({ cursor: first.cursor }), 'InvalidInput');
      });

      it('lists for CMS only packages submitted at least once, filtered by state and status', async () => {
        const state = await freshState(store, nextCode);
        const other = await freshState(store, nextCode);
        const actor = stateActor();
        const neverSubmitted = await draft(store, state, actor);
        const sub = await submitted(store, state, actor);
        const toUnlock = await submitted(store, state, actor);
        const unlocked = await store.unlock(toUnlock.id, {
          expectedVersion: toUnlock.version,
          actor: cmsActor(),
          reason: 'r',
        });
        const elsewhere = await submitted(store, other);

        const all = await collect((cursor) => store.listSubmitted({ limit: 100, cursor }));
        const allIds = all.items.map((p) => p.id);
        expect(allIds).toEqual(expect.arrayContaining([sub.id, unlocked.id, elsewhere.id]));
        expect(allIds).not.toContain(neverSubmitted.id);
        expect(all.items).toEqual([...all.items].sort(newestFirst));
        expect(all.items.every((p) => p.initiallySubmittedAt !== null)).toBe(true);

        const inState = await store.listSubmitted({ stateCode: state.code });
        expect(inState.items.map((p) => p.id)).toEqual([unlocked.id, sub.id]);
        const unlockedOnly = await store.listSubmitted({ stateCode: state.code, status: 'UNLOCKED' });
        expect(unlockedOnly.items.map((p) => p.id)).toEqual([unlocked.id]);
        const byStatus = await collect((cursor) => store.listSubmitted({ status: 'SUBMITTED', cursor }));
        expect(byStatus.items.map((p) => p.id)).toEqual(expect.arrayContaining([sub.id, elsewhere.id]));
        expect(byStatus.items.every((p) => p.status === 'SUBMITTED')).toBe(true);
        expect((await store.listSubmitted({ stateCode: state.code, status: 'DRAFT' })).items).toEqual([]);
        expect((await store.listSubmitted({ status: 'DRAFT' })).items).toEqual([]);

        const paged = await collect((cursor) =>
          store.listSubmitted({ stateCode: state.code, limit: 1, cursor }),
        );
        expect(paged.items.map((p) => p.id)).toEqual([unlocked.id, sub.id]);
        expect(paged.pages).toBe(2);
      });
    });

    describe('list options: program filter and order', () => {
      const ids = (items: PackageSummary[]) => items.map((p) => p.id);

      it("filters a state's list by the current revision's programs: full pages, each match once, in order", async () => {
        const state = await freshState(store, nextCode, ['PMAP', 'MSHO', 'SNBC']);
        const [pmap, msho, snbc] = state.programs.map((p) => p.id) as [string, string, string];
        const actor = stateActor();
        const matching = new Set<string>();
        // 20 packages, 7 of them naming MSHO now: one gained it in an edit; one lost it in an edit.
        for (let i = 0; i < 20; i++) {
          const match = i % 3 === 0;
          const programs = match ? (i % 2 ? [msho] : [pmap, msho]) : i % 2 ? [pmap] : [snbc, pmap];
          const start = i === 0 ? [pmap] : i === 1 ? [pmap, msho] : programs;
          let pkg = await draft(store, state, actor, formWithPrograms(start));
          if (start !== programs) {
            pkg = await store.updateDraft(pkg.id, {
              expectedVersion: pkg.version,
              formData: formWithPrograms(programs),
              actor,
            });
          }
          if (match) matching.add(pkg.id);
        }
        expect(matching.size).toBe(7);

        const newest = await collect((cursor) =>
          store.listByState(state.code, { programId: msho, limit: 3, cursor }),
        );
        expect(newest.sizes).toEqual([3, 3, 1]);
        expect(new Set(ids(newest.items)).size).toBe(7);
        expect(ids(newest.items).sort()).toEqual([...matching].sort());
        expect(newest.items).toEqual([...newest.items].sort(newestFirst));
        expect(newest.items.every((p) => p.programIds.includes(msho))).toBe(true);

        const oldest = await collect((cursor) =>
          store.listByState(state.code, { programId: msho, order: 'oldest', limit: 3, cursor }),
        );
        expect(oldest.sizes).toEqual([3, 3, 1]);
        expect(oldest.items).toEqual([...newest.items].reverse());

        // Exactly a page of matches: one page, no cursor; one less: a last page of one.
        expect(
          (await collect((cursor) => store.listByState(state.code, { programId: msho, limit: 7, cursor })))
            .sizes,
        ).toEqual([7]);
        expect(
          (await collect((cursor) => store.listByState(state.code, { programId: msho, limit: 6, cursor })))
            .sizes,
        ).toEqual([6, 1]);
        // Matches far apart in the index still fill a page.
        expect(ids((await store.listByState(state.code, { programId: msho, limit: 100 })).items)).toEqual(
          ids(newest.items),
        );
        expect(await store.listByState(state.code, { programId: randomUUID(), limit: 2 })).toEqual({
          items: [],
        });
        // Upper-case ids name the same program.
        expect(ids((await store.listByState(state.code, { programId: msho.toUpperCase() })).items)).toEqual(
          ids(newest.items),
        );

        // With a status: the submitted matches only.
        const toSubmit = newest.items.slice(1, 3);
        for (const p of toSubmit) await store.submit(p.id, { expectedVersion: p.version, actor });
        const submittedMatches = await collect((cursor) =>
          store.listByState(state.code, { status: 'SUBMITTED', programId: msho, limit: 1, cursor }),
        );
        expect(submittedMatches.sizes).toEqual([1, 1]);
        expect(ids(submittedMatches.items)).toEqual(ids(toSubmit).reverse()); // submitting re-dates them
      });

      it('filters the CMS lists by program, with and without a state and a status, never showing drafts', async () => {
        const state = await freshState(store, nextCode, ['PMAP', 'MSHO']);
        const other = await freshState(store, nextCode, ['PMAP', 'MSHO']);
        const [pmap, msho] = state.programs.map((p) => p.id) as [string, string];
        const actor = stateActor();
        const make = async (programs: string[], submit: boolean, inState = state) => {
          const pkg = await draft(store, inState, actor, formWithPrograms(programs));
          return submit ? store.submit(pkg.id, { expectedVersion: pkg.version, actor }) : pkg;
        };
        const a = await make([msho], true);
        await make([pmap], true);
        const neverSubmitted = await make([msho], false);
        const b = await make([pmap, msho], true);
        await make([pmap], true);
        const c = await make([msho], true);
        await make([other.programs[1]!.id], true, other);
        const unlocked = await store.unlock(a.id, {
          expectedVersion: a.version,
          actor: cmsActor(),
          reason: 'r',
        });
        const expected = [unlocked.id, c.id, b.id];

        const everywhere = await collect((cursor) =>
          store.listSubmitted({ programId: msho, limit: 2, cursor }),
        );
        expect(everywhere.sizes).toEqual([2, 1]);
        expect(ids(everywhere.items)).toEqual(expected);
        expect(ids(everywhere.items)).not.toContain(neverSubmitted.id);
        const inState = await collect((cursor) =>
          store.listSubmitted({ stateCode: state.code, programId: msho, limit: 2, cursor }),
        );
        expect(ids(inState.items)).toEqual(expected);
        const oldestInState = await collect((cursor) =>
          store.listSubmitted({ stateCode: state.code, programId: msho, order: 'oldest', limit: 2, cursor }),
        );
        expect(ids(oldestInState.items)).toEqual([...expected].reverse());
        expect((await store.listSubmitted({ stateCode: other.code, programId: msho })).items).toEqual([]);

        const submittedOnly = await collect((cursor) =>
          store.listSubmitted({ status: 'SUBMITTED', programId: msho, limit: 1, cursor }),
        );
        expect(ids(submittedOnly.items)).toEqual([c.id, b.id]);
        expect(submittedOnly.sizes).toEqual([1, 1]);
        const unlockedInState = await store.listSubmitted({
          stateCode: state.code,
          status: 'UNLOCKED',
          programId: msho,
        });
        expect(ids(unlockedInState.items)).toEqual([unlocked.id]);
        expect((await store.listSubmitted({ status: 'DRAFT', programId: msho })).items).toEqual([]);
      });

      it('lists oldest first as the exact reverse of newest first, across pages, on every list', async () => {
        const state = await freshState(store, nextCode);
        const actor = stateActor();
        for (let i = 0; i < 7; i++) {
          const pkg = await draft(store, state, actor);
          if (i % 2) await store.submit(pkg.id, { expectedVersion: pkg.version, actor });
        }
        const lists: [string, (q: ListOptions) => Promise<Page<PackageSummary>>, number][] = [
          ['state', (q) => store.listByState(state.code, q), 7],
          ['state by status', (q) => store.listByState(state.code, { ...q, status: 'DRAFT' }), 4],
          ['CMS in one state', (q) => store.listSubmitted({ ...q, stateCode: state.code }), 3],
          ['CMS by status', (q) => store.listSubmitted({ ...q, status: 'SUBMITTED' }), -1],
          ['CMS', (q) => store.listSubmitted(q), -1],
        ];
        for (const [name, list, count] of lists) {
          const newest = await collect((cursor) => list({ limit: 3, cursor }));
          const explicit = await collect((cursor) => list({ order: 'newest', limit: 3, cursor }));
          const oldest = await collect((cursor) => list({ order: 'oldest', limit: 3, cursor }));
          if (count >= 0) expect(newest.items, name).toHaveLength(count);
          expect(newest.items, name).toEqual([...newest.items].sort(newestFirst));
          expect(explicit.items, name).toEqual(newest.items);
          expect(oldest.items, name).toEqual([...newest.items].reverse());
          expect(oldest.sizes, name).toEqual(newest.sizes);
        }
      });

      it('refuses a cursor of another order or program filter, and bad options', async () => {
        const state = await freshState(store, nextCode);
        const actor = stateActor();
        for (let i = 0; i < 3; i++) await submitted(store, state, actor);
        const program = state.programs[0]!.id;
        const newest = (await store.listByState(state.code, { limit: 1 })).cursor;
        const oldest = (await store.listByState(state.code, { order: 'oldest', limit: 1 })).cursor;
        const filtered = (await store.listByState(state.code, { programId: program, limit: 1 })).cursor;
        expect(newest && oldest && filtered).toBeTruthy();
        await expectStoreError(
          store.listByState(state.code, { order: 'oldest', cursor: newest }),
          'InvalidInput',
        );
        await expectStoreError(
          store.listByState(state.code, { order: 'newest', cursor: oldest }),
          'InvalidInput',
        );
        await expectStoreError(store.listByState(state.code, { cursor: oldest }), 'InvalidInput');
        await expectStoreError(store.listByState(state.code, { cursor: filtered }), 'InvalidInput');
        await expectStoreError(
          store.listByState(state.code, { programId: randomUUID(), cursor: filtered }),
          'InvalidInput',
        );
        await expectStoreError(
          store.listByState(state.code, { programId: program, order: 'oldest', cursor: filtered }),
          'InvalidInput',
        );
        expect((await store.listByState(state.code, { order: 'newest', cursor: newest })).items).toHaveLength(
          2,
        );
        expect(
          (await store.listByState(state.code, { programId: program, cursor: filtered })).items,
        ).toHaveLength(2);

        const cms = (await store.listSubmitted({ stateCode: state.code, limit: 1 })).cursor;
        await expectStoreError(
          store.listSubmitted({ stateCode: state.code, order: 'oldest', cursor: cms }),
          'InvalidInput',
        );
        const cmsOldest = (await store.listSubmitted({ stateCode: state.code, order: 'oldest', limit: 1 }))
          .cursor;
        await expectStoreError(
          store.listSubmitted({ stateCode: state.code, cursor: cmsOldest }),
          'InvalidInput',
        );

        await expectStoreError(store.listByState(state.code, { order: 'sideways' as never }), 'InvalidInput');
        await expectStoreError(store.listByState(state.code, { programId: 'not-a-uuid' }), 'InvalidInput');
        await expectStoreError(store.listSubmitted({ programId: 'not-a-uuid' }), 'InvalidInput');
        await expectStoreError(
          store.listSubmitted({ status: 'DRAFT', order: 'up' as never }),
          'InvalidInput',
        );
      });
    });

    describe('audit', () => {
      it('records who did what, oldest first, appends free events and pages', async () => {
        const state = await freshState(store, nextCode);
        const actor = stateActor();
        const cms = cmsActor();
        const pkg = await submitted(store, state, actor);
        const event = await store.appendAudit({
          packageId: pkg.id,
          actor: cms,
          action: 'DOWNLOAD',
          summary: 'Downloaded contract.pdf',
        });
        expect(event.id).toBeTruthy();
        expect(event.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
        const trail = await store.listAudit(pkg.id);
        expect(trail.items.map((e) => [e.action, e.actor])).toEqual([
          ['CREATE', actor],
          ['SUBMIT', actor],
          ['DOWNLOAD', cms],
        ]);
        expect(trail.items[2]).toEqual(event);
        const paged = await collect((cursor) => store.listAudit(pkg.id, { limit: 2, cursor }));
        expect(paged.pages).toBe(2);
        expect(paged.items).toEqual(trail.items);
        expect((await store.listAudit(randomUUID())).items).toEqual([]);
      });
    });

    runCountersConformance(() => store, nextCode);

    describe('maintenance: scan, import, counters', () => {
      async function scanAll<T>(
        scan: (cursor?: string, partition?: number) => Promise<Page<T>>,
        partitions: number,
      ) {
        const items: T[] = [];
        for (let p = 0; p < partitions; p++) {
          let cursor: string | undefined;
          do {
            const page = await scan(cursor, p);
            items.push(...page.items);
            cursor = page.cursor;
          } while (cursor);
        }
        return items;
      }

      async function mixedPackages(stateCount = 7) {
        const state = await freshState(store, nextCode);
        const actor = stateActor();
        const made: Package[] = [];
        for (let i = 0; i < stateCount; i++) {
          let pkg = await store.createDraft({
            id: randomUUID(),
            stateCode: state.code,
            formData: fullFormData(state),
            documents: [document(`contract-${i}.pdf`), document(`extra-${i}.pdf`, 'CONTRACT_SUPPORTING')],
            actor,
          });
          if (i % 3 >= 1) pkg = await store.submit(pkg.id, { expectedVersion: pkg.version, actor });
          if (i % 3 === 2)
            pkg = await store.unlock(pkg.id, {
              expectedVersion: pkg.version,
              actor: cmsActor(),
              reason: 'r',
            });
          made.push(pkg);
        }
        return { state, made };
      }

      it('scans every package exactly once, whole, across partitions and pages', async () => {
        const { state, made } = await mixedPackages();
        const scanned = await scanAll(
          (cursor, partition) =>
            store.scanPackages({ partition: partition!, partitions: 3, cursor, limit: 2 }),
          3,
        );
        const ids = scanned.map((p) => p.id);
        expect(new Set(ids).size).toBe(ids.length);
        const mine = scanned
          .filter((p) => p.stateCode === state.code)
          .sort((a, b) => a.stateNumber - b.stateNumber);
        expect(mine).toEqual(made);
        expect(await store.countPackages()).toBeGreaterThanOrEqual(made.length);
        await expectStoreError(store.scanPackages({ partition: 3, partitions: 3 }), 'InvalidInput');
      });

      it('scans audit events, those of deleted drafts included', async () => {
        const state = await freshState(store, nextCode);
        const actor = stateActor();
        const gone = await draft(store, state, actor);
        await store.deleteDraft(gone.id, { expectedVersion: 1, actor });
        const events = await scanAll(
          (cursor, partition) => store.scanAudit({ partition: partition!, partitions: 2, cursor, limit: 3 }),
          2,
        );
        expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
        expect(
          events
            .filter((e) => e.packageId === gone.id)
            .map((e) => e.action)
            .sort(),
        ).toEqual(['CREATE', 'DELETE']);
      });

      it('imports packages exactly as given, lists them by their status, and replaces what was there', async () => {
        const { made } = await mixedPackages(3);
        const target = await freshState(store, nextCode);
        const copies: Package[] = made.map((p, i) => ({
          ...structuredClone(p),
          id: randomUUID(),
          stateCode: target.code,
          stateNumber: 100 + i,
          revisions: p.revisions.map((r) => ({ ...structuredClone(r), id: randomUUID() })),
        }));
        await store.importPackages(copies, { mode: 'overwrite' });
        for (const c of copies) expect(await store.getPackage(c.id)).toEqual(c);
        const listed = (await store.listByState(target.code)).items.map((p) => p.id).sort();
        expect(listed).toEqual(copies.map((c) => c.id).sort());
        const cms = (await store.listSubmitted({ stateCode: target.code })).items.map((p) => p.id).sort();
        expect(cms).toEqual(
          copies
            .filter((c) => c.initiallySubmittedAt)
            .map((c) => c.id)
            .sort(),
        );

        // Replace: fewer documents and another status; nothing of the old version may remain.
        const changed = structuredClone(copies[2]!);
        changed.revisions[0]!.documents = changed.revisions[0]!.documents.slice(0, 1);
        changed.revisions[1]!.documents = [];
        changed.version += 5;
        await store.importPackages([changed]);
        expect(await store.getPackage(changed.id)).toEqual(changed);
        await store.importPackages([changed]);
        expect(await store.getPackage(changed.id)).toEqual(changed);
      });

      it('reads and raises counters, never lowering one', async () => {
        const state = await freshState(store, nextCode);
        await draft(store, state);
        expect((await store.getCounters())[state.code]).toBe(1);
        await store.raiseCounters({ [state.code]: 10 });
        expect((await draft(store, state)).stateNumber).toBe(11);
        await store.raiseCounters({ [state.code]: 3 });
        expect((await draft(store, state)).stateNumber).toBe(12);
      });

      it('imports audit events once, however often they come', async () => {
        const state = await freshState(store, nextCode);
        const pkg = await draft(store, state);
        const extra = [1, 2].map((i) => ({
          id: randomUUID(),
          packageId: pkg.id,
          at: new Date(Date.now() + i * 1000).toISOString(),
          actor: cmsActor(),
          action: 'DOWNLOAD' as const,
          summary: `download ${i}`,
        }));
        await store.importAudit(extra);
        await store.importAudit(extra);
        const trail = (await store.listAudit(pkg.id)).items;
        expect(trail.map((e) => e.action)).toEqual(['CREATE', 'DOWNLOAD', 'DOWNLOAD']);
        expect(trail.slice(1)).toEqual(extra);
      });

      it('removes a package of any status, keeping its number used and its audit trail', async () => {
        const state = await freshState(store, nextCode);
        const pkg = await submitted(store, state);
        await store.removePackage(pkg.id);
        await store.removePackage(pkg.id);
        await expectStoreError(store.getPackage(pkg.id), 'NotFound');
        expect(await records(pkg.id)).toBe(0);
        expect((await draft(store, state)).stateNumber).toBe(2);
        expect((await store.listAudit(pkg.id)).items.length).toBeGreaterThan(0);
      });
    });

    describe('concurrency', () => {
      it('50 parallel create-and-submit flows in one state get 50 distinct consecutive numbers', async () => {
        const state = await freshState(store, nextCode);
        const results = await Promise.all(
          Array.from({ length: 50 }, async () => {
            const actor = stateActor();
            const pkg = await draft(store, state, actor);
            return store.submit(pkg.id, { expectedVersion: pkg.version, actor });
          }),
        );
        const numbers = results.map((p) => p.stateNumber).sort((a, b) => a - b);
        expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        const listed = await collect((cursor) =>
          store.listSubmitted({ stateCode: state.code, limit: 100, cursor }),
        );
        expect(listed.items).toHaveLength(50);
        expect(new Set(listed.items.map((p) => p.stateNumber)).size).toBe(50);
      });

      it('two updates with the same expected version: exactly one wins, the other is a VersionConflict', async () => {
        const state = await freshState(store, nextCode);
        const actor = stateActor();
        const pkg = await draft(store, state, actor);
        const descriptions = ['first writer', 'second writer'];
        const outcomes = await Promise.allSettled(
          descriptions.map((d) =>
            store.updateDraft(pkg.id, {
              expectedVersion: 1,
              formData: { ...pkg.revisions[0]!.formData, submissionDescription: d },
              actor,
            }),
          ),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled') as PromiseFulfilledResult<Package>[];
        const lost = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(isStoreError(lost[0]!.reason, 'VersionConflict')).toBe(true);
        const now = await store.getPackage(pkg.id);
        expect(now.version).toBe(2);
        expect(now.revisions[0]!.formData.submissionDescription).toBe(
          won[0]!.value.revisions[0]!.formData.submissionDescription,
        );
      });

      it('submitting the same draft twice at once: exactly one succeeds', async () => {
        const state = await freshState(store, nextCode);
        const actor = stateActor();
        const pkg = await draft(store, state, actor);
        const outcomes = await Promise.allSettled(
          [1, 2, 3].map(() => store.submit(pkg.id, { expectedVersion: 1, actor })),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes) {
          if (o.status === 'rejected') {
            expect(
              isStoreError(o.reason, 'VersionConflict') || isStoreError(o.reason, 'InvalidTransition'),
            ).toBe(true);
          }
        }
        const now = await store.getPackage(pkg.id);
        expect(now).toMatchObject({ status: 'SUBMITTED', version: 2 });
        expect((await store.listAudit(pkg.id)).items.filter((e) => e.action === 'SUBMIT')).toHaveLength(1);
      });

      it('two CMS users unlocking at once create exactly one new revision', async () => {
        const state = await freshState(store, nextCode);
        const pkg = await submitted(store, state);
        const outcomes = await Promise.allSettled(
          ['a', 'b'].map((reason) =>
            store.unlock(pkg.id, { expectedVersion: pkg.version, actor: cmsActor(), reason }),
          ),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect((await store.getPackage(pkg.id)).revisions).toHaveLength(2);
      });
    });
  });
}
