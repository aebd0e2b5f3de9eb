/**
 * Maintenance on every store: partitioned scans, imports of packages and audit events,
 * counters, and removal of a package of any status.
 * Called from `runStoreConformance`, so every backend is held to it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Package } from '../../src/domain/index.js';
import type { Page } from '../../src/store/store.js';
import type { DrivenStore } from '../support/store-commands.js';
import { cmsActor, document, draft, freshState, fullFormData, stateActor, submitted } from './fixtures.js';
import { expectStoreError, type RecordCount, suiteStore } from './suite-helpers.js';

export function runMaintenanceConformance(
  getStore: () => DrivenStore,
  nextCode: () => string,
  records: RecordCount,
) {
  const store = suiteStore(getStore);

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
          store.maintenance.scanPackages({ partition: partition!, partitions: 3, cursor, limit: 2 }),
        3,
      );
      const ids = scanned.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      const mine = scanned
        .filter((p) => p.stateCode === state.code)
        .sort((a, b) => a.stateNumber - b.stateNumber);
      expect(mine).toEqual(made);
      expect(await store.maintenance.countPackages()).toBeGreaterThanOrEqual(made.length);
      await expectStoreError(
        store.maintenance.scanPackages({ partition: 3, partitions: 3 }),
        'VALIDATION_FAILED',
      );
    });

    it('scans audit events, those of deleted drafts included', async () => {
      const state = await freshState(store, nextCode);
      const actor = stateActor();
      const gone = await draft(store, state, actor);
      await store.deleteDraft(gone.id, { expectedVersion: 1, actor });
      const events = await scanAll(
        (cursor, partition) =>
          store.maintenance.scanAudit({ partition: partition!, partitions: 2, cursor, limit: 3 }),
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
      await store.maintenance.importPackages(copies, { mode: 'overwrite' });
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
      await store.maintenance.importPackages([changed]);
      expect(await store.getPackage(changed.id)).toEqual(changed);
      await store.maintenance.importPackages([changed]);
      expect(await store.getPackage(changed.id)).toEqual(changed);
    });

    it('reads and raises counters, never lowering one', async () => {
      const state = await freshState(store, nextCode);
      await draft(store, state);
      expect((await store.maintenance.getCounters())[state.code]).toBe(1);
      await store.maintenance.raiseCounters({ [state.code]: 10 });
      expect((await draft(store, state)).stateNumber).toBe(11);
      await store.maintenance.raiseCounters({ [state.code]: 3 });
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
      await store.maintenance.importAudit(extra);
      await store.maintenance.importAudit(extra);
      const trail = (await store.listAudit(pkg.id)).items;
      expect(trail.map((e) => e.action)).toEqual(['CREATE', 'DOWNLOAD', 'DOWNLOAD']);
      expect(trail.slice(1)).toEqual(extra);
    });

    it('removes a package of any status, keeping its number used and its audit trail', async () => {
      const state = await freshState(store, nextCode);
      const pkg = await submitted(store, state);
      await store.maintenance.removePackage(pkg.id);
      await store.maintenance.removePackage(pkg.id);
      await expectStoreError(store.getPackage(pkg.id), 'NOT_FOUND');
      expect(await records(pkg.id)).toBe(0);
      expect((await draft(store, state)).stateNumber).toBe(2);
      expect((await store.listAudit(pkg.id)).items.length).toBeGreaterThan(0);
    });
  });
}
