/**
 * CMS sees only what was submitted: while a package is unlocked, CMS's lists show the last
 * submitted revision (type, programs, revision count, program filter) dated by the unlock, and
 * the state's edits of the draft move nothing there — until the state resubmits.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FormDataSchema, type Package, type PackageSummary, type State } from '../../src/domain/index.js';
import type { ListSubmittedQuery, Page } from '../../src/store/store.js';
import type { DrivenStore } from '../support/store-commands.js';
import { cmsActor, formWithPrograms, freshState, stateActor } from './fixtures.js';

async function everything(list: (cursor?: string) => Promise<Page<PackageSummary>>) {
  const items: PackageSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return items;
}

const ids = (items: PackageSummary[]) => items.map((p) => p.id);

export function runCmsViewConformance(getStore: () => DrivenStore, nextCode: () => string) {
  describe("CMS's view of an unlocked package", () => {
    /**
     * Every CMS list shape, all pages: two at a time (so cursors are used) where the list is this
     * test's, a hundred where it holds every test's packages.
     */
    const cmsLists = (state: State, extra: Omit<ListSubmittedQuery, 'cursor' | 'limit'> = {}) => {
      const store = getStore();
      const run = (q: ListSubmittedQuery) => {
        const limit = q.stateCode || extra.programId ? 2 : 100;
        return everything((cursor) =>
          store.listSubmitted({ ...q, ...extra, limit, ...(cursor ? { cursor } : {}) }),
        );
      };
      return {
        inState: () => run({ stateCode: state.code }),
        inStateUnlocked: () => run({ stateCode: state.code, status: 'UNLOCKED' }),
        unlocked: () => run({ status: 'UNLOCKED' }),
        everywhere: () => run({}),
      };
    };

    /** a (PMAP, submitted, then unlocked), b and c submitted around it; the state then edits a. */
    async function unlockedAndEdited() {
      const store = getStore();
      const state = await freshState(store, nextCode, ['PMAP', 'MSHO', 'SNBC']);
      const [pmap, , snbc] = state.programs.map((p) => p.id) as [string, string, string];
      const actor = stateActor();
      const submit = async (programs: string[]) => {
        const pkg = await store.createDraft({
          id: randomUUID(),
          stateCode: state.code,
          formData: formWithPrograms(programs),
          actor,
        });
        return store.submit(pkg.id, { expectedVersion: pkg.version, actor });
      };
      const a = await submit([pmap]);
      const b = await submit([pmap]);
      const unlocked = await store.unlock(a.id, {
        expectedVersion: a.version,
        actor: cmsActor(),
        reason: 'r',
      });
      const c = await submit([pmap]);
      const before = await cmsLists(state).inState();
      let edited: Package = unlocked;
      for (const formData of [
        FormDataSchema.parse({ submissionType: 'CONTRACT_AND_RATES', programIds: [snbc] }),
        FormDataSchema.parse({ submissionType: 'CONTRACT_AND_RATES', programIds: [pmap, snbc] }),
        FormDataSchema.parse({ submissionType: 'CONTRACT_AND_RATES', programIds: [snbc] }),
      ]) {
        edited = await store.updateDraft(a.id, { expectedVersion: edited.version, formData, actor });
      }
      return { store, state, actor, pmap, snbc, a, b, c, unlocked, edited, before };
    }

    it('lists the last submitted type, programs and revision count, dated by the unlock, whatever the draft holds', async () => {
      const { store, state, pmap, a, b, c, unlocked, edited, before } = await unlockedAndEdited();
      const asSubmitted = {
        id: a.id,
        status: 'UNLOCKED',
        submissionType: 'CONTRACT_ONLY',
        programIds: [pmap],
        revisionCount: 1,
        updatedAt: unlocked.updatedAt,
        initiallySubmittedAt: a.initiallySubmittedAt,
      };
      expect(ids(before)).toEqual([c.id, a.id, b.id]);
      const lists = cmsLists(state);
      const inState = await lists.inState();
      expect(ids(inState), 'the draft edits do not move the package').toEqual([c.id, a.id, b.id]);
      // Everything but the version, the concurrency token each change moves.
      const withoutVersion = (items: PackageSummary[]) => items.map(({ version: _v, ...rest }) => rest);
      expect(withoutVersion(inState)).toEqual(withoutVersion(before));
      expect(inState[1]).toMatchObject(asSubmitted);
      expect(await lists.inStateUnlocked()).toEqual([inState[1]]);
      for (const list of [lists.unlocked, lists.everywhere]) {
        expect((await list()).find((p) => p.id === a.id)).toEqual(inState[1]);
      }
      const oldest = await everything((cursor) =>
        store.listSubmitted({
          stateCode: state.code,
          order: 'oldest',
          limit: 2,
          ...(cursor ? { cursor } : {}),
        }),
      );
      expect(oldest).toEqual([...inState].reverse());

      // The state's own list shows its work in progress.
      const own = (await store.listByState(state.code)).items;
      expect(own[0]).toMatchObject({
        id: a.id,
        submissionType: 'CONTRACT_AND_RATES',
        revisionCount: 2,
        updatedAt: edited.updatedAt,
      });
      expect(own[0]!.programIds).toEqual(edited.revisions[0]!.formData.programIds);
    });

    it('filters CMS lists by the submitted programs, never by the draft', async () => {
      const { state, pmap, snbc, a, b, c } = await unlockedAndEdited();
      const bySubmitted = cmsLists(state, { programId: pmap });
      expect(ids(await bySubmitted.inState())).toEqual([c.id, a.id, b.id]);
      expect(ids(await bySubmitted.inStateUnlocked())).toEqual([a.id]);
      expect(ids(await bySubmitted.unlocked())).toContain(a.id);
      expect(ids(await bySubmitted.everywhere())).toEqual([c.id, a.id, b.id]);
      const byDraft = cmsLists(state, { programId: snbc });
      for (const list of Object.values(byDraft)) expect(await list()).toEqual([]);
    });

    it('shows the resubmitted revision once resubmitted, and counts only submitted revisions', async () => {
      const { store, state, actor, pmap, snbc, a, b, c, edited } = await unlockedAndEdited();
      const re = await store.resubmit(a.id, { expectedVersion: edited.version, actor, reason: 'done' });
      const lists = cmsLists(state);
      const inState = await lists.inState();
      expect(ids(inState)).toEqual([a.id, c.id, b.id]);
      expect(inState[0]).toMatchObject({
        status: 'RESUBMITTED',
        submissionType: 'CONTRACT_AND_RATES',
        programIds: [snbc],
        revisionCount: 2,
        updatedAt: re.updatedAt,
      });
      expect(ids(await cmsLists(state, { programId: snbc }).inState())).toEqual([a.id]);
      expect(ids(await cmsLists(state, { programId: pmap }).inState())).toEqual([c.id, b.id]);

      // A second unlock: three revisions, two of them submitted; the draft's edits stay private.
      const again = await store.unlock(a.id, {
        expectedVersion: re.version,
        actor: cmsActor(),
        reason: 'r2',
      });
      await store.updateDraft(a.id, {
        expectedVersion: again.version,
        formData: formWithPrograms([pmap]),
        actor,
      });
      const unlockedAgain = (await lists.inStateUnlocked())[0];
      expect(unlockedAgain).toMatchObject({
        id: a.id,
        submissionType: 'CONTRACT_AND_RATES',
        programIds: [snbc],
        revisionCount: 2,
        updatedAt: again.updatedAt,
      });
      expect(ids(await cmsLists(state, { programId: pmap }).inState())).toEqual([c.id, b.id]);
    });

    it('recomputes CMS’s view of imported packages from their revisions', async () => {
      const { store, edited, unlocked, pmap } = await unlockedAndEdited();
      // The same package under new ids in another state, as a copy or a restore writes it.
      const target = await freshState(store, nextCode, ['PMAP', 'SNBC']);
      const copy: Package = {
        ...edited,
        id: randomUUID(),
        stateCode: target.code,
        revisions: edited.revisions.map((r) => ({ ...r, id: randomUUID() })),
      };
      await store.maintenance.importPackages([copy]);
      const [listed] = await cmsLists(target).inState();
      expect(listed).toMatchObject({
        id: copy.id,
        submissionType: 'CONTRACT_ONLY',
        programIds: [pmap],
        revisionCount: 1,
        updatedAt: unlocked.updatedAt,
      });
      expect(ids(await cmsLists(target, { programId: pmap }).inState())).toEqual([copy.id]);
    });
  });
}
