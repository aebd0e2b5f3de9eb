/** `getCounters` with a list of states answers for those states only, on every store. */
import { describe, expect, it } from 'vitest';
import type { DrivenStore } from '../support/store-commands.js';
import { draft, freshState } from './fixtures.js';

export function runCountersConformance(getStore: () => DrivenStore, nextCode: () => string) {
  describe('counters: the states filter', () => {
    it('answers for the listed states only, leaving out states without a number yet', async () => {
      const store = getStore();
      const [one, two, unused] = [
        await freshState(store, nextCode),
        await freshState(store, nextCode),
        await freshState(store, nextCode),
      ];
      await draft(store, one);
      await draft(store, two);
      await draft(store, two);

      expect(await store.maintenance.getCounters([one.code])).toEqual({ [one.code]: 1 });
      expect(await store.maintenance.getCounters([two.code, unused.code])).toEqual({ [two.code]: 2 });
      expect(await store.maintenance.getCounters([])).toEqual({});
      const all = await store.maintenance.getCounters();
      expect(all).toMatchObject({ [one.code]: 1, [two.code]: 2 });
      expect(all[unused.code]).toBeUndefined();
    });
  });
}
