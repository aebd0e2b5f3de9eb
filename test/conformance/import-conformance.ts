/**
 * importPackages as copies and the dual-write mirror use it: version-guarded (never moves a
 * package backwards), safe when importers race, and never two packages with one number.
 * Called from `runStoreConformance`, so every backend is held to it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Package, State } from '../../src/domain/index.js';
import type { DrivenStore } from '../support/store-commands.js';
import { cmsActor, document, freshState, submitted } from './fixtures.js';

export function runImportConformance(getStore: () => DrivenStore, nextCode: () => string) {
  describe('maintenance: version-guarded import', () => {
    /** A submitted-and-unlocked package as the store made it, copied under a new id and number. */
    async function importable(state: State, number: number): Promise<Package> {
      const store = getStore();
      const made = await submitted(store, state);
      const unlocked = await store.unlock(made.id, {
        expectedVersion: made.version,
        actor: cmsActor(),
        reason: 'r',
      });
      // Revision and document ids are unique store-wide: the copy gets its own.
      const copy = { ...structuredClone(unlocked), id: randomUUID(), stateNumber: number };
      for (const r of copy.revisions) {
        r.id = randomUUID();
        for (const d of r.documents) d.id = randomUUID();
      }
      return copy;
    }

    /** The same package `steps` versions later, with other documents in its draft. */
    function later(pkg: Package, steps: number, names = [`v${pkg.version + steps}.pdf`]): Package {
      const next = structuredClone(pkg);
      next.version += steps;
      next.updatedAt = new Date(Date.parse(pkg.updatedAt) + steps * 1000).toISOString();
      next.revisions[0]!.documents = names.map((n) => document(n));
      return next;
    }

    it('writes a newer version, keeps the target on an older or equal one (replace, the default)', async () => {
      const store = getStore();
      const state = await freshState(store, nextCode);
      const v1 = await importable(state, 50);
      const v3 = later(v1, 2);
      await store.maintenance.importPackages([v1]);
      expect(await store.getPackage(v1.id)).toEqual(v1);
      await store.maintenance.importPackages([v3]);
      expect(await store.getPackage(v1.id)).toEqual(v3);

      // An older copy (a backfill that read before the change) does not move it back.
      await store.maintenance.importPackages([v1], { mode: 'replace' });
      expect(await store.getPackage(v1.id)).toEqual(v3);
      // The same version with other content: what is there stays.
      await store.maintenance.importPackages([later(v1, 2, ['other.pdf'])]);
      expect(await store.getPackage(v1.id)).toEqual(v3);
    });

    it('racing imports of one package all succeed and leave the newest', async () => {
      const store = getStore();
      const state = await freshState(store, nextCode);
      const v1 = await importable(state, 70);
      // First racing to create it, then racing to replace it.
      for (const from of [0, 10]) {
        const versions = Array.from({ length: 8 }, (_, i) =>
          later(v1, from + i, [`doc-${i}.pdf`, 'shared.pdf']),
        );
        const shuffled = [...versions].sort(() => Math.random() - 0.5);
        const outcomes = await Promise.allSettled(shuffled.map((v) => store.maintenance.importPackages([v])));
        expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
        expect(await store.getPackage(v1.id)).toEqual(versions[versions.length - 1]);
      }
    });

    it('replaces a package too big for one write (many documents) with all of it, nothing old left', async () => {
      const store = getStore();
      const state = await freshState(store, nextCode);
      const v1 = await importable(state, 80);
      await store.maintenance.importPackages([
        later(
          v1,
          1,
          Array.from({ length: 60 }, (_, i) => `old-${i}.pdf`),
        ),
      ]);
      const big = later(
        v1,
        2,
        Array.from({ length: 130 }, (_, i) => `new-${i}.pdf`),
      );
      await store.maintenance.importPackages([big]);
      expect(await store.getPackage(v1.id)).toEqual(big);
    });

    it('refuses a number another package holds (replace, force), naming both and changing nothing', async () => {
      const store = getStore();
      const state = await freshState(store, nextCode);
      const holder = await importable(state, 90);
      await store.maintenance.importPackages([holder]);
      const intruder: Package = { ...later(holder, 1), id: randomUUID() };
      for (const mode of ['replace', 'force'] as const) {
        const error = await store.maintenance
          .importPackages([intruder], { mode })
          .catch((e: unknown) => e as Error);
        expect(error, mode).toBeInstanceOf(Error);
        expect((error as Error).message).toContain(holder.id);
        expect((error as Error).message).toContain(intruder.id);
        expect((error as { code?: string }).code).toBe('ALREADY_EXISTS');
        await expect(store.getPackage(intruder.id)).rejects.toThrow(/not found/);
        expect(await store.getPackage(holder.id)).toEqual(holder);
      }
      // Two packages of one import with one number: refused as well, nothing written.
      const a = { ...later(holder, 1), id: randomUUID(), stateNumber: 91 };
      const b = { ...later(holder, 1), id: randomUUID(), stateNumber: 91 };
      await expect(store.maintenance.importPackages([a, b])).rejects.toThrow(/number 91/);
      await expect(store.getPackage(a.id)).rejects.toThrow(/not found/);
      const mine = (await store.listByState(state.code)).items.map((p) => p.stateNumber).sort();
      expect(new Set(mine).size).toBe(mine.length);
    });
  });
}
