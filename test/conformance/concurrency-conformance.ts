/**
 * Concurrency on every store: parallel writers get distinct numbers, and of racing changes
 * with one expected version exactly one wins.
 * Called from `runStoreConformance`, so every backend is held to it.
 */
import { describe, expect, it } from 'vitest';
import type { Package } from '../../src/domain/index.js';
import { hasErrorCode } from '../../src/domain/index.js';
import type { DrivenStore } from '../support/store-commands.js';
import { cmsActor, draft, freshState, stateActor, submitted } from './fixtures.js';
import { collect, suiteStore } from './suite-helpers.js';

export function runConcurrencyConformance(getStore: () => DrivenStore, nextCode: () => string) {
  const store = suiteStore(getStore);

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
      expect(hasErrorCode(lost[0]!.reason, 'VERSION_CONFLICT')).toBe(true);
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
            hasErrorCode(o.reason, 'VERSION_CONFLICT') || hasErrorCode(o.reason, 'INVALID_TRANSITION'),
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
}
