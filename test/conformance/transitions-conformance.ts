/**
 * Submit, unlock and resubmit on every store: what each status allows, and revisions never
 * touched once submitted.
 * Called from `runStoreConformance`, so every backend is held to it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DrivenStore } from '../support/store-commands.js';
import {
  cmsActor,
  document,
  draft,
  freshState,
  fullFormData,
  minimalFormData,
  stateActor,
  submitted,
} from './fixtures.js';
import { expectStoreError, suiteStore } from './suite-helpers.js';

export function runTransitionsConformance(getStore: () => DrivenStore, nextCode: () => string) {
  const store = suiteStore(getStore);

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
      await expectStoreError(store.submit(pkg.id, { expectedVersion: v, actor }), 'INVALID_TRANSITION');
      await expectStoreError(
        store.updateDraft(pkg.id, { expectedVersion: v, formData: minimalFormData(state), actor }),
        'INVALID_TRANSITION',
      );
      await expectStoreError(store.deleteDraft(pkg.id, { expectedVersion: v, actor }), 'INVALID_TRANSITION');
      await expectStoreError(
        store.resubmit(pkg.id, { expectedVersion: v, actor, reason: 'x' }),
        'INVALID_TRANSITION',
      );
      expect(await store.getPackage(pkg.id)).toEqual(pkg);
    });

    it('refuses unlock and resubmit of a draft, and unlock without a reason', async () => {
      const state = await freshState(store, nextCode);
      const actor = stateActor();
      const pkg = await draft(store, state, actor);
      await expectStoreError(
        store.unlock(pkg.id, { expectedVersion: 1, actor: cmsActor(), reason: 'x' }),
        'INVALID_TRANSITION',
      );
      await expectStoreError(
        store.resubmit(pkg.id, { expectedVersion: 1, actor, reason: 'x' }),
        'INVALID_TRANSITION',
      );
      const sub = await store.submit(pkg.id, { expectedVersion: 1, actor });
      await expectStoreError(
        store.unlock(pkg.id, { expectedVersion: sub.version, actor: cmsActor(), reason: '  ' }),
        'VALIDATION_FAILED',
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
        'VALIDATION_FAILED',
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
}
