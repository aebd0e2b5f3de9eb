/**
 * How a store runs the domain's change plans (`Store.changePackage`): one read, the plan's
 * result written whole with its audit event, or nothing at all. Called from
 * `runStoreConformance`, so every backend is held to it.
 */
import { describe, expect, it } from 'vitest';
import { AUDIT_SUMMARIES, DomainError, lifecycle, type Package } from '../../src/domain/index.js';
import type { DrivenStore } from '../support/store-commands.js';
import { document, draft, freshState, stateActor, submitted } from './fixtures.js';
import { collect, expectStoreError, suiteStore } from './suite-helpers.js';

const at = () => new Date().toISOString();

export function runPlansConformance(getStore: () => DrivenStore, nextCode: () => string) {
  const store = suiteStore(getStore);
  const auditOf = async (id: string) => (await collect((cursor) => store.listAudit(id, { cursor }))).items;

  describe('change plans', () => {
    it('runs the plan on the package as stored and writes its result with its audit event', async () => {
      const state = await freshState(store, nextCode);
      const actor = stateActor();
      const pkg = await draft(store, state, actor);
      let seen: Package | undefined;
      const result = await store.changePackage(pkg.id, (before) => {
        seen = before;
        return lifecycle.editDraft(before, {
          actor,
          at: at(),
          expectedVersion: 1,
          audit: { action: 'UPDATE', summary: 'Edited by the plan' },
        });
      });
      expect(seen).toEqual(pkg);
      expect(result.before).toEqual(pkg);
      expect(result.after).toEqual(await store.getPackage(pkg.id));
      expect(result.event).toMatchObject({ action: 'UPDATE', summary: 'Edited by the plan', actor });
      expect((await auditOf(pkg.id)).map((e) => e.summary)).toEqual([
        AUDIT_SUMMARIES.create(pkg.stateNumber),
        'Edited by the plan',
      ]);
    });

    it("passes a plan's refusal through untouched and writes nothing", async () => {
      const state = await freshState(store, nextCode);
      const pkg = await draft(store, state);
      const refusal = new DomainError('FORBIDDEN', 'the plan says no');
      await expect(
        store.changePackage(pkg.id, () => {
          throw refusal;
        }),
      ).rejects.toBe(refusal);
      expect(await store.getPackage(pkg.id)).toEqual(pkg);
      expect(await auditOf(pkg.id)).toHaveLength(1);
      await expectStoreError(
        store.changePackage(crypto.randomUUID(), () => {
          throw refusal;
        }),
        'NOT_FOUND',
      );
    });

    it('applies every one of many racing plans without an expected version: none is lost', async () => {
      const state = await freshState(store, nextCode);
      const actor = stateActor();
      const pkg = await draft(store, state, actor);
      const added = Array.from({ length: 8 }, (_, i) => document(`part-${i}.pdf`, 'CONTRACT_SUPPORTING'));
      await Promise.all(
        added.map((doc) =>
          store.changePackage(pkg.id, (before) =>
            lifecycle.editDraft(before, {
              actor,
              at: at(),
              documents: [...before.revisions[0]!.documents, doc],
              audit: { action: 'UPLOAD', summary: `Uploaded ${doc.name}` },
            }),
          ),
        ),
      );
      const after = await store.getPackage(pkg.id);
      expect(after.version).toBe(1 + added.length);
      expect(after.revisions[0]!.documents.map((d) => d.name).sort()).toEqual(
        added.map((d) => d.name).sort(),
      );
      expect(await auditOf(pkg.id)).toHaveLength(1 + added.length);
    });

    it('never rewrites a submitted revision, whatever a plan asks, and writes nothing then', async () => {
      const state = await freshState(store, nextCode);
      const actor = stateActor();
      const pkg = await submitted(store, state, actor);
      const rewritten = (before: Package) => {
        const frozen = before.revisions[0]!;
        const forged = { ...frozen, formData: { ...frozen.formData, submissionDescription: 'rewritten' } };
        return {
          after: {
            ...before,
            version: before.version + 1,
            revisions: [forged, ...before.revisions.slice(1)],
          },
          event: { actor, action: 'UPDATE' as const, summary: 'A forged rewrite', at: at() },
        };
      };
      await expect(store.changePackage(pkg.id, rewritten)).rejects.toThrow();
      expect(await store.getPackage(pkg.id)).toEqual(pkg);
      expect((await auditOf(pkg.id)).map((e) => e.summary)).not.toContain('A forged rewrite');
    });
  });
}
