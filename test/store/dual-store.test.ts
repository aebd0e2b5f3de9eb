/**
 * Dual-write mode is a Store like any other: it passes the conformance suite, and after
 * the run its secondary holds exactly what its primary holds.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { compareDigests, digestStore } from '../../src/ops/verify.js';
import { createDualStore } from '../../src/store/dual/dual-store.js';
import { memoryJournal } from '../../src/store/dual/mirror-journal.js';
import { openPglite } from '../../src/store/postgres/postgres-client.js';
import { migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/store.js';
import { runStoreConformance } from '../conformance/store-conformance.js';
import { freshDynamoStore } from '../support/dynamo.js';

let primary: Store;
let secondary: Store;
const journal = memoryJournal();
const warnings: string[] = [];

runStoreConformance({
  name: 'dual (DynamoDB primary, PostgreSQL secondary)',
  async createStore() {
    primary = (await freshDynamoStore('carepack-dual')).store;
    const pg = await openPglite();
    await migrateToLatest(pg.db);
    secondary = createPostgresStore({ db: pg.db });
    // The suite's close() must not end the stores: the check below still reads them.
    const dual = createDualStore({
      primary,
      secondary,
      journal,
      shadowReadRate: 1,
      logger: { warn: (_d, m) => warnings.push(m), error: (_d, m) => warnings.push(m) },
    });
    return { ...dual, close: async () => {} };
  },
  inspect: {
    packageRecordCount: async (_s, id) => ((await primary.getPackage(id).catch(() => undefined)) ? 1 : 0),
  },
});

describe('after the conformance run in dual mode', () => {
  afterAll(async () => {
    await primary?.close();
    await secondary?.close();
  });

  it('the secondary holds exactly what the primary holds, and nothing failed', async () => {
    await new Promise((r) => setTimeout(r, 200)); // let the last shadow reads finish
    expect(journal.entries).toEqual([]);
    const [pc, sc] = [await primary.getCounters(), await secondary.getCounters()];
    expect(sc).toEqual(pc);
    // Sign-outs are mirrored too: a session ended before the cutover stays ended after it.
    const generations = await primary.getSessionGenerations();
    expect(Object.keys(generations).length).toBeGreaterThan(0);
    expect(await secondary.getSessionGenerations()).toEqual(generations);
    const report = compareDigests(await digestStore(primary), await digestStore(secondary));
    expect(report.mismatches).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.source.packages).toBeGreaterThan(100);
    expect(warnings.filter((w) => w.includes('differs'))).toEqual([]);
  });
});
