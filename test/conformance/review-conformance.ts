/**
 * CMS's review on every store: decisions recorded as history and read back exactly, the review
 * status they make (on the package and in every list and filter), transitions refused without a
 * trace, decisions racing unlocks, and review history surviving import (copy, restore, mirror).
 * Called from `runStoreConformance`, so every backend is held to it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FormDataSchema, type Package, type ReviewStatus, type State } from '../../src/domain/index.js';
import { scannedPackage } from '../support/scanned.js';
import type { DrivenStore } from '../support/store-commands.js';
import { cmsActor, cmsUser, document, draft, freshState, stateActor, submitted } from './fixtures.js';
import { collect, expectStoreError, suiteStore } from './suite-helpers.js';

const TODAY = () => new Date().toISOString().slice(0, 10);

export function runReviewConformance(
  getStore: () => DrivenStore,
  nextCode: () => string,
  records: (id: string) => Promise<number>,
) {
  const store = suiteStore(getStore);
  const reviewer = cmsUser();

  const approve = (pkg: Package, reason = '') =>
    store.approve(pkg.id, { expectedVersion: pkg.version, user: reviewer, releasedOn: TODAY(), reason });
  const withdraw = (pkg: Package) =>
    store.withdraw(pkg.id, {
      expectedVersion: pkg.version,
      user: reviewer,
      reason: 'state asked to withdraw',
    });

  /** A submitted package whose form says CHIP only: not subject to review. */
  async function chipOnly(state: State) {
    const actor = stateActor();
    const formData = FormDataSchema.parse({
      submissionType: 'CONTRACT_ONLY',
      programIds: [state.programs[0]!.id],
      populationCovered: 'CHIP',
    });
    const pkg = await draft(store, state, actor, formData);
    return store.submit(pkg.id, { expectedVersion: pkg.version, actor });
  }

  /** Nothing of a refused decision is written: same package, same audit trail. */
  async function expectUnchanged(pkg: Package) {
    expect(await store.getPackage(pkg.id)).toEqual(pkg);
  }

  describe('review: decisions', () => {
    it('a submission is under review; a draft has no review status', async () => {
      const state = await freshState(store, nextCode);
      const actor = stateActor();
      const made = await draft(store, state, actor);
      expect(made.reviewStatus).toBeNull();
      expect(made.reviewActions).toEqual([]);
      const done = await store.submit(made.id, { expectedVersion: made.version, actor });
      expect(done.reviewStatus).toBe('UNDER_REVIEW');
      expect(await store.getPackage(made.id)).toEqual(done);
    });

    it('approves with the release date, then undoes it: history kept newest first, read back exactly', async () => {
      const state = await freshState(store, nextCode);
      const pkg = await submitted(store, state);
      const approved = await approve(pkg, 'all good');
      expect(approved).toMatchObject({
        reviewStatus: 'APPROVED',
        status: 'SUBMITTED',
        version: pkg.version + 1,
      });
      expect(approved.reviewActions).toEqual([
        {
          id: expect.any(String),
          action: 'APPROVE',
          at: approved.updatedAt,
          by: { id: reviewer.id, email: reviewer.email, role: 'CMS_USER' },
          reason: 'all good',
          releasedOn: TODAY(),
        },
      ]);
      expect(await store.getPackage(pkg.id)).toEqual(approved);

      const undone = await store.undoApproval(pkg.id, {
        expectedVersion: approved.version,
        user: reviewer,
        reason: 'approved by mistake',
      });
      expect(undone.reviewStatus).toBe('UNDER_REVIEW');
      expect(undone.reviewActions.map((a) => a.action)).toEqual(['UNDO_APPROVAL', 'APPROVE']);
      expect(undone.reviewActions[0]).not.toHaveProperty('releasedOn');
      expect(await store.getPackage(pkg.id)).toEqual(undone);

      const audit = (await store.listAudit(pkg.id)).items.map((e) => e.action);
      expect(audit.slice(-2)).toEqual(['APPROVE', 'UNDO_APPROVAL']);
    });

    it('an approved package is not unlocked, withdrawn or approved again — and nothing is written', async () => {
      const state = await freshState(store, nextCode);
      const approved = await approve(await submitted(store, state));
      const v = approved.version;
      await expectStoreError(
        store.unlock(approved.id, { expectedVersion: v, actor: cmsActor(), reason: 'x' }),
        'INVALID_TRANSITION',
      );
      await expectStoreError(withdraw(approved), 'INVALID_TRANSITION');
      await expectStoreError(approve(approved), 'INVALID_TRANSITION');
      await expectStoreError(
        store.undoWithdrawal(approved.id, { expectedVersion: v, user: reviewer, reason: 'x' }),
        'INVALID_TRANSITION',
      );
      await expectUnchanged(approved);
      expect((await store.listAudit(approved.id)).items).toHaveLength(3); // create, submit, approve
    });

    it('withdraws and undoes the withdrawal; a withdrawn package is not unlocked', async () => {
      const state = await freshState(store, nextCode);
      const pkg = await submitted(store, state);
      const withdrawn = await withdraw(pkg);
      expect(withdrawn.reviewStatus).toBe('WITHDRAWN');
      expect(withdrawn.reviewActions[0]).toMatchObject({
        action: 'WITHDRAW',
        reason: 'state asked to withdraw',
      });
      await expectStoreError(
        store.unlock(pkg.id, { expectedVersion: withdrawn.version, actor: cmsActor(), reason: 'x' }),
        'INVALID_TRANSITION',
      );
      const back = await store.undoWithdrawal(pkg.id, {
        expectedVersion: withdrawn.version,
        user: reviewer,
        reason: 'withdrawn by mistake',
      });
      expect(back.reviewStatus).toBe('UNDER_REVIEW');
      expect(await store.getPackage(pkg.id)).toEqual(back);
    });

    it('a CHIP-only submission is not subject to review: not approved, but withdrawn and restored to it', async () => {
      const state = await freshState(store, nextCode);
      const pkg = await chipOnly(state);
      expect(pkg.reviewStatus).toBe('NOT_SUBJECT_TO_REVIEW');
      await expectStoreError(approve(pkg), 'INVALID_TRANSITION');
      const withdrawn = await withdraw(pkg);
      const back = await store.undoWithdrawal(pkg.id, {
        expectedVersion: withdrawn.version,
        user: reviewer,
        reason: 'r',
      });
      expect(back.reviewStatus).toBe('NOT_SUBJECT_TO_REVIEW');
      expect(await store.getPackage(pkg.id)).toEqual(back);
    });

    it('refuses a stale version, a future release date and a missing reason without writing', async () => {
      const state = await freshState(store, nextCode);
      const pkg = await submitted(store, state);
      await expectStoreError(
        store.approve(pkg.id, { expectedVersion: pkg.version - 1, user: reviewer, releasedOn: TODAY() }),
        'VERSION_CONFLICT',
      );
      await expectStoreError(
        store.approve(pkg.id, { expectedVersion: pkg.version, user: reviewer, releasedOn: '2999-01-01' }),
        'VALIDATION_FAILED',
      );
      await expectStoreError(
        store.withdraw(pkg.id, { expectedVersion: pkg.version, user: reviewer, reason: '  ' }),
        'VALIDATION_FAILED',
      );
      await expectUnchanged(pkg);
    });

    it('undo unlock drops the unlocked draft and its documents: the last submission is current again', async () => {
      const state = await freshState(store, nextCode);
      const actor = stateActor();
      const pkg = await submitted(store, state, actor);
      const before = await records(pkg.id);
      const unlocked = await store.unlock(pkg.id, {
        expectedVersion: pkg.version,
        actor: cmsActor(),
        reason: 'fix',
      });
      const edited = await store.updateDraft(pkg.id, {
        expectedVersion: unlocked.version,
        documents: [...unlocked.revisions[0]!.documents, document('new-draft-only.pdf')],
        actor,
      });
      const undone = await store.undoUnlock(pkg.id, {
        expectedVersion: edited.version,
        user: reviewer,
        reason: 'unlocked the wrong package',
      });
      expect(undone).toMatchObject({
        status: 'SUBMITTED',
        reviewStatus: 'UNDER_REVIEW',
        version: edited.version + 1,
      });
      expect(undone.revisions).toEqual(pkg.revisions);
      expect(undone.reviewActions.map((a) => a.action)).toEqual(['UNDO_UNLOCK']);
      expect(await store.getPackage(pkg.id)).toEqual(undone);
      expect(await records(pkg.id)).toBe(before + 1); // the head and revisions as before, plus the action

      // It can be unlocked again; the new draft takes the freed revision number.
      const again = await store.unlock(pkg.id, {
        expectedVersion: undone.version,
        actor: cmsActor(),
        reason: 'now',
      });
      expect(again.revisions.map((r) => r.number)).toEqual([2, 1]);
      expect(await store.getPackage(pkg.id)).toEqual(again);
    });

    it('undo unlock is refused unless the package is unlocked', async () => {
      const state = await freshState(store, nextCode);
      const pkg = await submitted(store, state);
      await expectStoreError(
        store.undoUnlock(pkg.id, { expectedVersion: pkg.version, user: reviewer, reason: 'r' }),
        'INVALID_TRANSITION',
      );
      await expectUnchanged(pkg);
    });
  });

  describe('review: concurrency', () => {
    it('approve racing unlock on the same version: exactly one wins, the other writes nothing', async () => {
      const state = await freshState(store, nextCode);
      const pkg = await submitted(store, state);
      const results = await Promise.allSettled([
        approve(pkg),
        store.unlock(pkg.id, { expectedVersion: pkg.version, actor: cmsActor(), reason: 'race' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const after = await store.getPackage(pkg.id);
      expect(after.version).toBe(pkg.version + 1);
      const approved = after.reviewStatus === 'APPROVED';
      expect(approved).toBe(after.status === 'SUBMITTED');
      expect(after.reviewActions).toHaveLength(approved ? 1 : 0);
      expect(after.revisions).toHaveLength(approved ? 1 : 2);
    });

    it('five reviewers approving at once record one approval', async () => {
      const state = await freshState(store, nextCode);
      const pkg = await submitted(store, state);
      const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => approve(pkg)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const after = await store.getPackage(pkg.id);
      expect(after.reviewActions).toHaveLength(1);
      expect((await store.listAudit(pkg.id)).items.filter((e) => e.action === 'APPROVE')).toHaveLength(1);
    });
  });

  describe('review: lists', () => {
    /** One state with a package in each review status (and a draft), newest last. */
    async function reviewedState() {
      const state = await freshState(store, nextCode);
      const actor = stateActor();
      const under = await submitted(store, state, actor);
      const approved = await approve(await submitted(store, state, actor));
      const withdrawn = await withdraw(await submitted(store, state, actor));
      const exempt = await chipOnly(state);
      const unlockedApproval = await approve(await submitted(store, state, actor));
      const reopened = await store.undoApproval(unlockedApproval.id, {
        expectedVersion: unlockedApproval.version,
        user: reviewer,
        reason: 'r',
      });
      const unlocked = await store.unlock(reopened.id, {
        expectedVersion: reopened.version,
        actor: cmsActor(),
        reason: 'r',
      });
      const aDraft = await draft(store, state, actor);
      return { state, under, approved, withdrawn, exempt, unlocked, aDraft };
    }

    const ids = (items: { id: string }[]) => items.map((i) => i.id).sort();

    it('filters both lists by review status, alone and with status and state; summaries carry it', async () => {
      const s = await reviewedState();
      const byState = (reviewStatus: ReviewStatus, status?: Package['status']) =>
        collect((cursor) =>
          store.listByState(s.state.code, { reviewStatus, ...(status ? { status } : {}), limit: 1, cursor }),
        ).then((r) => r.items);
      const cms = (reviewStatus: ReviewStatus, status?: Package['status']) =>
        collect((cursor) =>
          store.listSubmitted({
            stateCode: s.state.code,
            reviewStatus,
            ...(status ? { status } : {}),
            limit: 1,
            cursor,
          }),
        ).then((r) => r.items);

      for (const list of [byState, cms]) {
        expect(ids(await list('UNDER_REVIEW'))).toEqual(ids([s.under, s.unlocked]));
        expect(ids(await list('APPROVED'))).toEqual([s.approved.id]);
        expect(ids(await list('WITHDRAWN'))).toEqual([s.withdrawn.id]);
        expect(ids(await list('NOT_SUBJECT_TO_REVIEW'))).toEqual([s.exempt.id]);
        expect(ids(await list('UNDER_REVIEW', 'UNLOCKED'))).toEqual([s.unlocked.id]);
        expect(ids(await list('UNDER_REVIEW', 'SUBMITTED'))).toEqual([s.under.id]);
        expect(await list('APPROVED', 'UNLOCKED')).toEqual([]);
      }
      const all = (await store.listByState(s.state.code, { limit: 100 })).items;
      const statusOf = Object.fromEntries(all.map((p) => [p.id, p.reviewStatus]));
      expect(statusOf).toEqual({
        [s.under.id]: 'UNDER_REVIEW',
        [s.approved.id]: 'APPROVED',
        [s.withdrawn.id]: 'WITHDRAWN',
        [s.exempt.id]: 'NOT_SUBJECT_TO_REVIEW',
        [s.unlocked.id]: 'UNDER_REVIEW',
        [s.aDraft.id]: null,
      });

      // Without a state, CMS's list by review status holds this state's approved package too.
      const approvedEverywhere = await collect((cursor) =>
        store.listSubmitted({ reviewStatus: 'APPROVED', limit: 100, cursor }),
      );
      expect(approvedEverywhere.items.map((p) => p.id)).toContain(s.approved.id);
      expect(approvedEverywhere.items.every((p) => p.reviewStatus === 'APPROVED')).toBe(true);
    });

    it('a cursor belongs to its review status filter', async () => {
      const state = await freshState(store, nextCode);
      await submitted(store, state);
      await submitted(store, state);
      const page = await store.listByState(state.code, { reviewStatus: 'UNDER_REVIEW', limit: 1 });
      expect(page.cursor).toBeDefined();
      await expectStoreError(
        store.listByState(state.code, { reviewStatus: 'APPROVED', limit: 1, cursor: page.cursor! }),
        'INVALID_CURSOR',
      );
      await expectStoreError(
        store.listByState(state.code, { limit: 1, cursor: page.cursor! }),
        'INVALID_CURSOR',
      );
      await expectStoreError(
        store.listSubmitted({ reviewStatus: 'NOT_A_STATUS' as ReviewStatus }),
        'VALIDATION_FAILED',
      );
    });
  });

  describe('review: import', () => {
    it('review history survives import (copy, restore, mirror) exactly, and is scanned with the package', async () => {
      const state = await freshState(store, nextCode);
      const pkg = await submitted(store, state);
      const withdrawn = await withdraw(pkg);
      const back = await store.undoWithdrawal(pkg.id, {
        expectedVersion: withdrawn.version,
        user: reviewer,
        reason: 'r',
      });
      const approved = await approve(back, 'fine');
      const unlocked = await store.unlock(
        (await store.undoApproval(pkg.id, { expectedVersion: approved.version, user: reviewer, reason: 'u' }))
          .id,
        { expectedVersion: approved.version + 1, actor: cmsActor(), reason: 'r' },
      );
      const source = await store.undoUnlock(pkg.id, {
        expectedVersion: unlocked.version,
        user: reviewer,
        reason: 'u',
      });
      expect(source.reviewActions.map((a) => a.action)).toEqual([
        'UNDO_UNLOCK',
        'UNDO_APPROVAL',
        'APPROVE',
        'UNDO_WITHDRAWAL',
        'WITHDRAW',
      ]);

      // A copy under another id and number (ids are unique store-wide), in every import mode.
      for (const mode of ['replace', 'force', 'overwrite'] as const) {
        const copy = structuredClone(source);
        copy.id = randomUUID();
        copy.stateNumber = 100 + ['replace', 'force', 'overwrite'].indexOf(mode);
        for (const r of copy.revisions) r.id = randomUUID();
        for (const a of copy.reviewActions) a.id = randomUUID();
        await store.maintenance.importPackages([copy], { mode });
        expect(await store.getPackage(copy.id)).toEqual(copy);
        const listed = (
          await store.listSubmitted({ stateCode: state.code, reviewStatus: 'UNDER_REVIEW', limit: 100 })
        ).items;
        expect(listed.map((p) => p.id)).toContain(copy.id);
      }

      // A newer version of a copy replaces its review history too (nothing old left), and the
      // store derives the review status from what it writes, whatever the record says.
      const first = structuredClone(source);
      first.id = randomUUID();
      first.stateNumber = 200;
      for (const r of first.revisions) r.id = randomUUID();
      for (const a of first.reviewActions) a.id = randomUUID();
      await store.maintenance.importPackages([first]);
      const newer = {
        ...structuredClone(first),
        version: first.version + 1,
        reviewActions: first.reviewActions.slice(2),
      };
      await store.maintenance.importPackages([newer]);
      expect(await store.getPackage(first.id)).toEqual({ ...newer, reviewStatus: 'APPROVED' });

      expect(await scannedPackage(store.maintenance, pkg.id)).toEqual(source);
    });
  });
}
