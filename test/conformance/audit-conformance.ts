/**
 * The audit trail on every store: who did what, oldest first, paged.
 * Called from `runStoreConformance`, so every backend is held to it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DrivenStore } from '../support/store-commands.js';
import { cmsActor, freshState, stateActor, submitted } from './fixtures.js';
import { collect, suiteStore } from './suite-helpers.js';

export function runAuditConformance(getStore: () => DrivenStore, nextCode: () => string) {
  const store = suiteStore(getStore);

  describe('audit', () => {
    it('records who did what, oldest first, appends free events and pages', async () => {
      const state = await freshState(store, nextCode);
      const actor = stateActor();
      const cms = cmsActor();
      const pkg = await submitted(store, state, actor);
      const event = await store.appendAudit({
        at: new Date().toISOString(),
        packageId: pkg.id,
        actor: cms,
        action: 'DOWNLOAD',
        summary: 'Downloaded contract.pdf',
      });
      expect(event.id).toBeTruthy();
      expect(event.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      const trail = await store.listAudit(pkg.id);
      expect(trail.items.map((e) => [e.action, e.actor])).toEqual([
        ['CREATE', actor],
        ['SUBMIT', actor],
        ['DOWNLOAD', cms],
      ]);
      expect(trail.items[2]).toEqual(event);
      const paged = await collect((cursor) => store.listAudit(pkg.id, { limit: 2, cursor }));
      expect(paged.pages).toBe(2);
      expect(paged.items).toEqual(trail.items);
      expect((await store.listAudit(randomUUID())).items).toEqual([]);
    });
  });
}
