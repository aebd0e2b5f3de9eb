/**
 * Package numbers after packages were imported without their counter (a copy or restore that
 * did not raise it): the next draft takes the number after the highest in use, promptly.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Package, State } from '../../src/domain/index.js';
import type { DrivenStore } from '../support/store-commands.js';
import { draft, freshState, stateActor, submitted } from './fixtures.js';

/** A creation that loops (as PostgreSQL's did) fails here instead of hanging the suite. */
const ANSWER_WITHIN_MS = 10_000;

async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${ANSWER_WITHIN_MS} ms`)),
      ANSWER_WITHIN_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function runNumberingConformance(getStore: () => DrivenStore, nextCode: () => string) {
  describe('numbering after packages imported without their counter', () => {
    /** Packages made in another state, imported into `target` with these numbers (counters untouched). */
    async function importNumbered(target: State, numbers: number[]): Promise<Package[]> {
      const store = getStore();
      const source = await freshState(store, nextCode);
      const actor = stateActor();
      const copies: Package[] = [];
      for (const [i, stateNumber] of numbers.entries()) {
        // Drafts and submitted packages alike hold their number.
        const made = i % 2 ? await submitted(store, source, actor) : await draft(store, source, actor);
        copies.push({
          ...structuredClone(made),
          id: randomUUID(),
          stateCode: target.code,
          stateNumber,
          revisions: made.revisions.map((r) => ({ ...structuredClone(r), id: randomUUID() })),
        });
      }
      await store.maintenance.importPackages(copies);
      return copies;
    }

    it(
      'a state without a counter: the next draft takes the number after the highest imported one',
      async () => {
        const store = getStore();
        const target = await freshState(store, nextCode);
        await importNumbered(target, [1, 2, 5]);
        expect((await within(draft(store, target), 'createDraft')).stateNumber).toBe(6);
        expect((await within(draft(store, target), 'createDraft')).stateNumber).toBe(7);
        expect((await store.maintenance.getCounters([target.code]))[target.code]).toBe(7);
      },
      3 * ANSWER_WITHIN_MS,
    );

    it(
      'a counter behind the imported numbers: the next draft takes the number after the highest',
      async () => {
        const store = getStore();
        const target = await freshState(store, nextCode);
        expect((await draft(store, target)).stateNumber).toBe(1);
        await importNumbered(target, [2, 3, 9]);
        expect((await within(draft(store, target), 'createDraft')).stateNumber).toBe(10);
        const numbers = (await store.listByState(target.code, { limit: 100 })).items.map(
          (p) => p.stateNumber,
        );
        expect(numbers.sort((a, b) => a - b)).toEqual([1, 2, 3, 9, 10]);
      },
      3 * ANSWER_WITHIN_MS,
    );
  });
}
