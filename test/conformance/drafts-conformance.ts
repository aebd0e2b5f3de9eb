/**
 * Drafts on every store: creation and per-state numbering, optimistic updates, deletion.
 * Called from `runStoreConformance`, so every backend is held to it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DrivenStore } from '../support/store-commands.js';
import { document, draft, freshState, fullFormData, minimalFormData, stateActor } from './fixtures.js';
import { expectStoreError, type RecordCount, suiteStore } from './suite-helpers.js';

export function runDraftsConformance(
  getStore: () => DrivenStore,
  nextCode: () => string,
  records: RecordCount,
) {
  const store = suiteStore(getStore);

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
      await expectStoreError(draft(store, { ...state, code: 'Q8' }), 'NOT_FOUND');
      await expectStoreError(
        store.createDraft({
          id: randomUUID(),
          stateCode: state.code,
          formData: { ...minimalFormData(state), contractDateStart: '2025-02-30' },
          actor: stateActor(),
        }),
        'VALIDATION_FAILED',
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
        'ALREADY_EXISTS',
      );
      expect(await store.getPackage(first.id)).toEqual(first);
    });

    it('reports an unknown package as NotFound for every operation', async () => {
      const id = randomUUID();
      const actor = stateActor();
      await expectStoreError(store.getPackage(id), 'NOT_FOUND');
      await expectStoreError(store.updateDraft(id, { expectedVersion: 1, actor }), 'NOT_FOUND');
      await expectStoreError(store.deleteDraft(id, { expectedVersion: 1, actor }), 'NOT_FOUND');
      await expectStoreError(store.submit(id, { expectedVersion: 1, actor }), 'NOT_FOUND');
      await expectStoreError(store.unlock(id, { expectedVersion: 1, actor, reason: 'x' }), 'NOT_FOUND');
      await expectStoreError(store.resubmit(id, { expectedVersion: 1, actor, reason: 'x' }), 'NOT_FOUND');
      await expectStoreError(
        store.appendAudit({
          at: new Date().toISOString(),
          packageId: id,
          actor,
          action: 'DOWNLOAD',
          summary: 'x',
        }),
        'NOT_FOUND',
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
      await expectStoreError(store.updateDraft(pkg.id, { expectedVersion: 2, actor }), 'VERSION_CONFLICT');
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
        'VALIDATION_FAILED',
      );
      await expectStoreError(
        store.updateDraft(pkg.id, {
          expectedVersion: 1,
          formData: { ...minimalFormData(state), submissionType: 'NOPE' as never },
          actor,
        }),
        'VALIDATION_FAILED',
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
      await expectStoreError(store.deleteDraft(pkg.id, { expectedVersion: 7, actor }), 'VERSION_CONFLICT');
      await store.deleteDraft(pkg.id, { expectedVersion: 1, actor });
      await expectStoreError(store.getPackage(pkg.id), 'NOT_FOUND');
      expect(await records(pkg.id)).toBe(0);
      expect((await draft(store, state)).stateNumber).toBe(2);
      const audit = await store.listAudit(pkg.id);
      expect(audit.items.map((e) => e.action)).toEqual(['CREATE', 'DELETE']);
      expect((await store.listByState(state.code)).items.map((p) => p.id)).not.toContain(pkg.id);
    });
  });
}
