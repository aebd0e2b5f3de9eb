/**
 * The lists on every store: a state's packages and CMS's, their opaque cursors, and the
 * program filter and order options.
 * Called from `runStoreConformance`, so every backend is held to it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PackageSummary } from '../../src/domain/index.js';
import type { ListByStateQuery, ListOptions, Page } from '../../src/store/store.js';
import { type DrivenStore, storeCommands } from '../support/store-commands.js';
import {
  cmsActor,
  cmsUser,
  draft,
  formWithPrograms,
  freshState,
  fullFormData,
  minimalFormData,
  stateActor,
  submitted,
} from './fixtures.js';
import { collect, expectStoreError, newestFirst, suiteStore } from './suite-helpers.js';

export function runListsConformance(getStore: () => DrivenStore, nextCode: () => string) {
  const store = suiteStore(getStore);

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
      expect((await store.listByState(state.code, { status: 'SUBMITTED' })).items.map((p) => p.id)).toEqual([
        b.id,
      ]);
      expect((await store.listByState(state.code, { status: 'UNLOCKED' })).items).toEqual([]);
    });

    it('pages through a long list with opaque cursors: every package once, in order, no empty last page', async () => {
      const state = await freshState(store, nextCode);
      const actor = stateActor();
      const ids = new Set<string>();
      for (let i = 0; i < 7; i++) ids.add((await draft(store, state, actor)).id);
      const { items, pages } = await collect((cursor) => store.listByState(state.code, { limit: 3, cursor }));
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
      await expectStoreError(store.listByState(state.code, { limit: 0 }), 'VALIDATION_FAILED');
      await expectStoreError(store.listByState(state.code, { limit: 101 }), 'VALIDATION_FAILED');
      await expectStoreError(store.listByState(state.code, { cursor: 'not a cursor' }), 'INVALID_CURSOR');
      await expectStoreError(store.listByState(other.code, { cursor: first.cursor }), 'INVALID_CURSOR');
      await expectStoreError(store.listSubmitted({ cursor: first.cursor }), 'INVALID_CURSOR');
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
        'INVALID_CURSOR',
      );
      await expectStoreError(
        store.listByState(state.code, { order: 'newest', cursor: oldest }),
        'INVALID_CURSOR',
      );
      await expectStoreError(store.listByState(state.code, { cursor: oldest }), 'INVALID_CURSOR');
      await expectStoreError(store.listByState(state.code, { cursor: filtered }), 'INVALID_CURSOR');
      await expectStoreError(
        store.listByState(state.code, { programId: randomUUID(), cursor: filtered }),
        'INVALID_CURSOR',
      );
      await expectStoreError(
        store.listByState(state.code, { programId: program, order: 'oldest', cursor: filtered }),
        'INVALID_CURSOR',
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
        'INVALID_CURSOR',
      );
      const cmsOldest = (await store.listSubmitted({ stateCode: state.code, order: 'oldest', limit: 1 }))
        .cursor;
      await expectStoreError(
        store.listSubmitted({ stateCode: state.code, cursor: cmsOldest }),
        'INVALID_CURSOR',
      );

      await expectStoreError(
        store.listByState(state.code, { order: 'sideways' as never }),
        'VALIDATION_FAILED',
      );
      await expectStoreError(store.listByState(state.code, { programId: 'not-a-uuid' }), 'VALIDATION_FAILED');
      await expectStoreError(store.listSubmitted({ programId: 'not-a-uuid' }), 'VALIDATION_FAILED');
      await expectStoreError(
        store.listSubmitted({ status: 'DRAFT', order: 'up' as never }),
        'VALIDATION_FAILED',
      );
    });
  });

  describe('list options: updated-date range', () => {
    const ids = (items: PackageSummary[]) => items.map((p) => p.id);
    /** The lifecycle with the clock stopped at `iso`: what a list dates a package by is known to the ms. */
    const at = (iso: string) => storeCommands(store, () => new Date(iso));

    it('keeps the packages updated on those UTC days, both ends included, paged and in either order', async () => {
      const state = await freshState(store, nextCode);
      const actor = stateActor();
      const make = (iso: string) =>
        at(iso).createDraft({
          id: randomUUID(),
          stateCode: state.code,
          formData: minimalFormData(state),
          actor,
        });
      const a = await make('2024-03-01T10:00:00.000Z');
      const b = await make('2024-03-02T00:00:00.000Z');
      const c = await make('2024-03-03T23:59:59.999Z');
      const d = await make('2024-03-04T00:00:00.000Z');
      const e = await make('2024-03-06T12:00:00.000Z');
      const list = (query: ListByStateQuery) => store.listByState(state.code, query);

      expect(ids((await list({ updatedFrom: '2024-03-02', updatedTo: '2024-03-03' })).items)).toEqual([
        c.id,
        b.id,
      ]);
      expect(ids((await list({ updatedFrom: '2024-03-04' })).items)).toEqual([e.id, d.id]);
      expect(ids((await list({ updatedTo: '2024-03-01' })).items)).toEqual([a.id]);
      expect(ids((await list({ updatedFrom: '2024-03-05', updatedTo: '2024-03-05' })).items)).toEqual([]);
      expect(ids((await list({ updatedFrom: '2024-03-03', updatedTo: '2024-03-03' })).items)).toEqual([c.id]);

      const range = { updatedFrom: '2024-03-02', updatedTo: '2024-03-04' };
      const newest = await collect((cursor) => list({ ...range, limit: 2, cursor }));
      expect(newest.sizes).toEqual([2, 1]);
      expect(ids(newest.items)).toEqual([d.id, c.id, b.id]);
      const oldest = await collect((cursor) => list({ ...range, order: 'oldest', limit: 2, cursor }));
      expect(ids(oldest.items)).toEqual([b.id, c.id, d.id]);
      const exact = await collect((cursor) => list({ ...range, limit: 3, cursor }));
      expect(exact.sizes).toEqual([3]);

      // With a status: the index of the status, the same range.
      const sub = await at('2024-03-05T08:00:00.000Z').submit(a.id, { expectedVersion: a.version, actor });
      expect(ids((await list({ status: 'SUBMITTED', updatedFrom: '2024-03-05' })).items)).toEqual([sub.id]);
      expect(ids((await list({ status: 'DRAFT', updatedFrom: '2024-03-05' })).items)).toEqual([e.id]);
      expect(ids((await list({ reviewStatus: sub.reviewStatus!, updatedTo: '2024-03-04' })).items)).toEqual(
        [],
      );
      expect(ids((await list({ reviewStatus: sub.reviewStatus!, updatedTo: '2024-03-05' })).items)).toEqual([
        sub.id,
      ]);
    });

    it("dates CMS's lists by the last submit, unlock or review action, never by the state's edits", async () => {
      const state = await freshState(store, nextCode);
      const actor = stateActor();
      const pkg = await at('2024-05-01T09:00:00.000Z').createDraft({
        id: randomUUID(),
        stateCode: state.code,
        formData: minimalFormData(state),
        actor,
      });
      const sub = await at('2024-05-02T09:00:00.000Z').submit(pkg.id, {
        expectedVersion: pkg.version,
        actor,
      });
      const other = await at('2024-05-03T09:00:00.000Z').submit(
        (
          await at('2024-05-03T08:00:00.000Z').createDraft({
            id: randomUUID(),
            stateCode: state.code,
            formData: minimalFormData(state),
            actor,
          })
        ).id,
        { expectedVersion: 1, actor },
      );
      const unlocked = await at('2024-05-04T09:00:00.000Z').unlock(sub.id, {
        expectedVersion: sub.version,
        actor: cmsActor(),
        reason: 'fix it',
      });
      await at('2024-05-06T09:00:00.000Z').updateDraft(unlocked.id, {
        expectedVersion: unlocked.version,
        formData: minimalFormData(state),
        actor,
      });
      const cms = (query: ListOptions & { status?: 'UNLOCKED' }) =>
        store.listSubmitted({ stateCode: state.code, ...query });
      expect(ids((await cms({ updatedFrom: '2024-05-04', updatedTo: '2024-05-04' })).items)).toEqual([
        sub.id,
      ]);
      expect(ids((await cms({ updatedFrom: '2024-05-05' })).items)).toEqual([]);
      expect(ids((await cms({ updatedTo: '2024-05-03' })).items)).toEqual([other.id]);
      expect(ids((await cms({ status: 'UNLOCKED', updatedTo: '2024-05-04' })).items)).toEqual([sub.id]);
      // The state sees its own edit's date.
      expect(ids((await store.listByState(state.code, { updatedFrom: '2024-05-06' })).items)).toEqual([
        sub.id,
      ]);

      // A review action dates it for CMS; the lists by review status and the list of every state agree.
      const approved = await at('2024-05-08T09:00:00.000Z').approve(other.id, {
        expectedVersion: other.version,
        user: cmsUser(),
        releasedOn: '2024-05-08',
      });
      expect(ids((await cms({ updatedFrom: '2024-05-08' })).items)).toEqual([approved.id]);
      const everyState = await collect((cursor) =>
        store.listSubmitted({
          reviewStatus: 'APPROVED',
          updatedFrom: '2024-05-08',
          updatedTo: '2024-05-08',
          cursor,
        }),
      );
      expect(ids(everyState.items)).toContain(approved.id);
      expect(everyState.items.every((p) => p.updatedAt.startsWith('2024-05-08'))).toBe(true);
      expect(
        ids(
          (
            await store.listSubmitted({
              reviewStatus: 'APPROVED',
              stateCode: state.code,
              updatedTo: '2024-05-07',
            })
          ).items,
        ),
      ).toEqual([]);
    });

    it('refuses a date that is not a real YYYY-MM-DD, an end before the start, and cursors of another range', async () => {
      const state = await freshState(store, nextCode);
      for (let i = 0; i < 3; i++) await draft(store, state);
      for (const bad of ['2024-02-30', '2024-3-01', '2024-03-01T00:00:00Z', 'yesterday', '']) {
        await expectStoreError(store.listByState(state.code, { updatedFrom: bad }), 'VALIDATION_FAILED');
        await expectStoreError(store.listSubmitted({ updatedTo: bad }), 'VALIDATION_FAILED');
      }
      await expectStoreError(
        store.listByState(state.code, { updatedFrom: '2024-03-02', updatedTo: '2024-03-01' }),
        'VALIDATION_FAILED',
      );
      const today = new Date().toISOString().slice(0, 10);
      const ranged = (await store.listByState(state.code, { updatedFrom: '2000-01-01', limit: 1 })).cursor;
      expect(ranged).toBeDefined();
      await expectStoreError(store.listByState(state.code, { cursor: ranged }), 'INVALID_CURSOR');
      await expectStoreError(
        store.listByState(state.code, { updatedFrom: '2000-01-02', cursor: ranged }),
        'INVALID_CURSOR',
      );
      expect(
        (await store.listByState(state.code, { updatedFrom: '2000-01-01', updatedTo: today, limit: 1 }))
          .items,
      ).toHaveLength(1);
      expect(
        (await store.listByState(state.code, { updatedFrom: '2000-01-01', cursor: ranged })).items,
      ).toHaveLength(2);
    });
  });
}
