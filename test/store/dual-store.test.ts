/**
 * Dual-write mode is a Store like any other: it passes the conformance suite, and after
 * the run its secondary holds exactly what its primary holds. A secondary that hangs holds
 * up a write at most the mirror timeout, and a mirror that lands late never leaves the
 * secondary older than the primary.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repairMirror } from '../../src/ops/repair.js';
import { compareDigests, digestStore } from '../../src/ops/verify.js';
import { createDualStore } from '../../src/store/dual/dual-store.js';
import { memoryJournal } from '../../src/store/dual/mirror-journal.js';
import { connectPostgres } from '../../src/store/postgres/postgres-client.js';
import { migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import {
  cmsUser,
  draft,
  makeState,
  minimalFormData,
  qaDocument,
  stateActor,
  stateUser,
  submitted,
} from '../conformance/fixtures.js';
import { runStoreConformance } from '../conformance/store-conformance.js';
import { dynamoPackageRecordCount, freshDynamoStore } from '../support/dynamo.js';
import { openTestPglite } from '../support/pglite.js';
import { createTestDatabase, pgAvailable, type TestDatabase } from '../support/postgres.js';
import { rateCommands, rateFormOf } from '../support/rate-commands.js';
import { type DrivenStore, drive } from '../support/store-commands.js';
import { type SwitchableStore, switchable } from '../support/switchable-store.js';

let primary: DrivenStore;
let secondary: DrivenStore;
let primaryTable: Awaited<ReturnType<typeof freshDynamoStore>>;
let secondaryDatabase: TestDatabase | undefined;
const journal = memoryJournal();

/**
 * The PostgreSQL server when there is one: every read is shadowed there, and the server answers
 * from its own processes, where in-process PGlite would take the test's CPU. PGlite otherwise.
 */
async function openSecondary(): Promise<DrivenStore> {
  if (pgAvailable) {
    secondaryDatabase = await createTestDatabase('carepack_dual');
    const handle = connectPostgres(secondaryDatabase.url, { maxConnections: 20 });
    await migrateToLatest(handle.db);
    return drive(createPostgresStore({ db: handle.db, onClose: handle.close }));
  }
  const pg = await openTestPglite();
  await migrateToLatest(pg.db);
  return drive(createPostgresStore({ db: pg.db, onClose: pg.close }));
}
const warnings: string[] = [];

runStoreConformance({
  name: 'dual (DynamoDB primary, PostgreSQL secondary)',
  async createStore() {
    const fresh = await freshDynamoStore('carepack-dual');
    primary = fresh.store;
    primaryTable = fresh;
    secondary = await openSecondary();
    // The suite's close() must not end the stores: the check below still reads them.
    const dual = createDualStore({
      primary,
      secondary,
      journal,
      shadowReadRate: 1,
      // This run checks what is mirrored, not how fast: a loaded machine must not journal a slow mirror.
      mirrorTimeoutMs: 60_000,
      logger: { warn: (_d, m) => warnings.push(m), error: (_d, m) => warnings.push(m) },
    });
    return drive({ ...dual, close: async () => {} });
  },
  inspect: {
    // The primary's raw items: what a half-written change would leave behind.
    packageRecordCount: (_s, id) =>
      dynamoPackageRecordCount(primaryTable.clients, primaryTable.tableName, id),
  },
});

describe('after the conformance run in dual mode', () => {
  afterAll(async () => {
    await primary?.close();
    await secondary?.close();
    await secondaryDatabase?.drop();
  });

  it('the secondary holds exactly what the primary holds, and nothing failed', async () => {
    await new Promise((r) => setTimeout(r, 200)); // let the last shadow reads finish
    expect(journal.entries).toEqual([]);
    const [pc, sc] = [await primary.maintenance.getCounters(), await secondary.maintenance.getCounters()];
    expect(sc).toEqual(pc);
    // Sign-outs are mirrored too: a session ended before the cutover stays ended after it.
    const generations = await primary.maintenance.getSessionGenerations();
    expect(Object.keys(generations).length).toBeGreaterThan(0);
    expect(await secondary.maintenance.getSessionGenerations()).toEqual(generations);
    const report = compareDigests(await digestStore(primary), await digestStore(secondary));
    expect(report.mismatches).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.source.packages).toBeGreaterThan(100);
    // Questions rode on the package mirror; user changes and their events were mirrored too.
    expect(report.source.questions).toBeGreaterThan(10);
    expect(report.source.responses).toBeGreaterThan(5);
    expect(report.source.userAuditEvents).toBeGreaterThan(5);
    expect(await secondary.listUserAudit({ limit: 100 })).toEqual(
      await primary.listUserAudit({ limit: 100 }),
    );
    expect(warnings.filter((w) => w.includes('differs'))).toEqual([]);
  });
});

describe('dual-write with a secondary that hangs or answers late', () => {
  const TIMEOUT_MS = 2000;
  /** Leeway for a loaded machine's event loop and the primary's reads inside the mirror. */
  const MARGIN_MS = 500;
  const silent = { warn: () => {}, error: () => {} };
  const state = makeState('HG');
  const actor = stateActor();
  let primary: DrivenStore;
  let real: DrivenStore;
  let secondary: SwitchableStore;
  const journal = memoryJournal();
  let dual: DrivenStore;
  /** How long the primary took for the write being timed: the caller waits for that anyway. */
  let primaryWriteMs = 0;

  beforeAll(async () => {
    const dynamo = (await freshDynamoStore('carepack-dual-faults')).store;
    primary = timedWrites(dynamo, (ms) => {
      primaryWriteMs = ms;
    });
    const pg = await openTestPglite();
    await migrateToLatest(pg.db);
    real = drive(createPostgresStore({ db: pg.db, onClose: pg.close }));
    secondary = switchable(real);
    dual = drive(
      createDualStore({ primary, secondary, journal, mirrorTimeoutMs: TIMEOUT_MS, logger: silent }),
    );
    await dual.upsertStates([state]);
  }, 180_000);
  afterAll(async () => {
    await primary?.close();
    await real?.close();
  });

  /** How long a write waited beyond its own write on the primary: the wait for the mirror. */
  async function mirrorWait<R>(write: () => Promise<R>): Promise<{ result: R; ms: number }> {
    const start = performance.now();
    const result = await write();
    return { result, ms: performance.now() - start - primaryWriteMs };
  }
  const form = (description: string) => ({ ...minimalFormData(state), submissionDescription: description });
  const journaled = (id: string) => journal.entries.filter((f) => f.packageId === id).map((f) => f.operation);

  it('holds up each write at most the mirror timeout, and journals the mirror', async () => {
    secondary.availability = 'hang';
    const created = await mirrorWait(() => draft(dual, state, actor));
    const id = created.result.id;
    const updated = await mirrorWait(() =>
      dual.updateDraft(id, { expectedVersion: 1, formData: form('v2'), actor }),
    );
    const submitted = await mirrorWait(() => dual.submit(id, { expectedVersion: 2, actor }));
    const download = await mirrorWait(() =>
      dual.appendAudit({
        at: new Date().toISOString(),
        packageId: id,
        actor,
        action: 'DOWNLOAD',
        summary: 'contract.pdf',
      }),
    );
    const waits = [created.ms, updated.ms, submitted.ms, download.ms].map(Math.round);
    console.info(`waits for a hanging secondary (timeout ${TIMEOUT_MS} ms): ${waits.join(', ')} ms`);
    for (const ms of waits) {
      expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
      // A create mirrors the package and the counter: both within one timeout, not one after the other.
      expect(ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    }
    expect(journaled(id)).toEqual([
      'createPackage',
      'changePackage:UPDATE',
      'changePackage:SUBMIT',
      'appendAudit',
    ]);
    expect(journal.entries.find((f) => f.kind === 'reference')?.error).toBe(
      `mirror write took longer than ${TIMEOUT_MS} ms`,
    );
    expect((await primary.getPackage(id)).status).toBe('SUBMITTED');
  });

  it('mirrors the next write of a package when the secondary answers again, not waiting for the hung one', async () => {
    secondary.availability = 'hang';
    const pkg = await draft(dual, state, actor);
    expect(journaled(pkg.id)).toEqual(['createPackage']);
    secondary.availability = 'up';
    const updated = await dual.updateDraft(pkg.id, { expectedVersion: 1, formData: form('back'), actor });
    expect(journaled(pkg.id)).toEqual(['createPackage']);
    expect(await real.getPackage(pkg.id)).toEqual(updated);
  });

  it('a mirror write that lands after a repair is corrected from the primary', async () => {
    secondary.availability = 'up';
    const pkg = await draft(dual, state, actor);
    const held = secondary.hold('importPackages');
    const v2 = await dual.updateDraft(pkg.id, { expectedVersion: 1, formData: form('v2'), actor });
    expect(journaled(pkg.id)).toEqual(['changePackage:UPDATE']);
    // Another portal instance changes the package; repair brings the secondary to that version.
    const v3 = await primary.updateDraft(pkg.id, {
      expectedVersion: v2.version,
      formData: form('v3'),
      actor,
    });
    const repair = await repairMirror(primary, real, journal);
    expect(repair.errors).toEqual([]);
    expect(await real.getPackage(pkg.id)).toEqual(v3);

    // Now the mirror of v2, given up long ago, reaches the secondary.
    held.release();
    await held.landed;
    const deadline = Date.now() + 10_000;
    while (!isDeepStrictEqual(await real.getPackage(pkg.id), v3) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await real.getPackage(pkg.id)).toEqual(v3);
    expect(journal.entries).toEqual([]);
    const report = compareDigests(await digestStore(primary), await digestStore(real));
    expect(report.mismatches).toEqual([]);
    expect(report.ok).toBe(true);
  });
});

describe('dual-write of questions and user changes with the secondary down, then repaired', () => {
  const state = makeState('QA');
  const silent = { warn: () => {}, error: () => {} };
  const journal = memoryJournal();
  let primary: DrivenStore;
  let real: DrivenStore;
  let secondary: SwitchableStore;
  let dual: DrivenStore;

  beforeAll(async () => {
    primary = (await freshDynamoStore('carepack-dual-qa')).store;
    const pg = await openTestPglite();
    await migrateToLatest(pg.db);
    real = drive(createPostgresStore({ db: pg.db, onClose: pg.close }));
    secondary = switchable(real);
    // Failures here are refusals (the secondary 'down'), never slowness: a mirror that is merely
    // slow on a loaded machine (two test files at once) must not be journaled as one.
    dual = drive(createDualStore({ primary, secondary, journal, mirrorTimeoutMs: 60_000, logger: silent }));
    await dual.upsertStates([state]);
  }, 180_000);
  afterAll(async () => {
    await primary?.close();
    await real?.close();
  });

  it('a question and its response are mirrored with the package; a failed mirror is journaled and repaired', async () => {
    secondary.availability = 'up';
    const reviewer = cmsUser({ division: 'DMCO' });
    const analyst = stateUser(state.code);
    const pkg = await submitted(dual, state);
    const asked = await dual.askQuestion(pkg.id, { user: reviewer, text: 'Why?', documents: [qaDocument()] });
    expect(await real.getPackage(pkg.id)).toEqual(asked);

    secondary.availability = 'down';
    const answered = await dual.respond(pkg.id, {
      user: analyst,
      questionId: asked.questions[0]!.id,
      documents: [qaDocument()],
    });
    expect(journal.entries.map((f) => [f.kind, f.operation, f.packageId])).toEqual([
      ['package', 'changePackage:RESPOND_QUESTION', pkg.id],
    ]);
    secondary.availability = 'up';
    expect((await real.getPackage(pkg.id)).questions[0]!.response).toBeNull();
    expect(await repairMirror(primary, real, journal)).toEqual({ repaired: 1, remaining: 0, errors: [] });
    expect(await real.getPackage(pkg.id)).toEqual(answered);
    expect((await real.listAudit(pkg.id)).items).toEqual((await primary.listAudit(pkg.id)).items);
  });

  it('changeUser writes the user and its event on both; a failed mirror is journaled and repaired', async () => {
    secondary.availability = 'up';
    const admin = cmsUser('ADMIN_USER');
    const user = cmsUser();
    await dual.upsertUsers([admin, user]);
    const first = await dual.setDivision(user.id, { admin, division: 'OACT' });
    expect(await real.getUser(user.id)).toEqual(first.after);
    expect((await real.listUserAudit()).items).toEqual([first.event]);
    expect(journal.entries).toEqual([]);

    secondary.availability = 'down';
    const second = await dual.setDivision(user.id, { admin, division: 'DMCP' });
    expect(await dual.getUser(user.id)).toEqual(second.after);
    expect(journal.entries.map((f) => [f.kind, f.operation])).toEqual([
      ['user-audit', 'changeUser:SET_DIVISION'],
    ]);
    secondary.availability = 'up';
    expect(await real.getUser(user.id)).toEqual(first.after);

    const repair = await repairMirror(primary, real, journal);
    expect(repair).toEqual({ repaired: 0, remaining: 0, errors: [] });
    expect(await real.getUser(user.id)).toEqual(second.after);
    expect((await real.listUserAudit()).items).toEqual([second.event, first.event]);
    expect(journal.entries).toEqual([]);
  });

  it('importUserAudit goes to both; a failed mirror is journaled and repaired', async () => {
    const admin = cmsUser('ADMIN_USER');
    const user = cmsUser();
    await dual.upsertUsers([admin, user]);
    const event = { ...(await primary.setDivision(user.id, { admin, division: 'DMCO' })).event };
    const copied = { ...event, id: randomUUID(), at: new Date().toISOString() };
    secondary.availability = 'down';
    await dual.maintenance.importUserAudit([copied]);
    expect(journal.entries.map((f) => [f.kind, f.operation])).toEqual([['user-audit', 'importUserAudit']]);
    secondary.availability = 'up';
    await repairMirror(primary, real, journal);
    const ids = (await real.listUserAudit({ limit: 100 })).items.map((e) => e.id);
    expect(ids).toEqual(expect.arrayContaining([event.id, copied.id]));
    expect(await real.listUserAudit({ limit: 100 })).toEqual(await primary.listUserAudit({ limit: 100 }));
    const report = compareDigests(await digestStore(primary), await digestStore(real));
    expect(report.mismatches).toEqual([]);
  });
});

describe('dual-write of rate graph changes, with the secondary down, then repaired', () => {
  const state = makeState('RG');
  const silent = { warn: () => {}, error: () => {} };
  const journal = memoryJournal();
  const user = stateUser(state.code);
  let primary: DrivenStore;
  let real: DrivenStore;
  let secondary: SwitchableStore;
  let dual: DrivenStore;

  // PostgreSQL first this time: the mirror writes rates into DynamoDB (the other way is run above).
  beforeAll(async () => {
    const pg = await openTestPglite();
    await migrateToLatest(pg.db);
    primary = drive(createPostgresStore({ db: pg.db, onClose: pg.close }));
    real = (await freshDynamoStore('carepack-dual-rates')).store;
    secondary = switchable(real);
    dual = drive(createDualStore({ primary, secondary, journal, mirrorTimeoutMs: 5000, logger: silent }));
    await dual.upsertStates([state]);
  }, 180_000);
  afterAll(async () => {
    await primary?.close();
    await real?.close();
  });

  it('a graph change writes its rates and packages on both; a failed one is journaled and repaired, rates first', async () => {
    secondary.availability = 'up';
    const rates = rateCommands(dual);
    const pkg = await rates.createPackage(state, user);
    const created = await rates.createRate(pkg, user, { formData: rateFormOf(state) });
    const rate = created.rates[0]!;
    expect(rate.stateRateNumber).toBe(1);
    expect(await real.getRate(rate.id)).toEqual(await primary.getRate(rate.id));
    expect(await real.getPackage(pkg.id)).toEqual(await primary.getPackage(pkg.id));
    expect(await real.maintenance.getRateCounters([state.code])).toEqual({ [state.code]: 1 });
    expect(journal.entries).toEqual([]);

    // Down: a second rate (a new number) and the package linking it reach the primary only.
    secondary.availability = 'down';
    const after = created.packages[0]!;
    const second = await rates.createRate(after, user, { formData: rateFormOf(state) });
    const rateIds = second.rates.map((r) => r.id);
    expect(journal.entries.map((f) => [f.kind, f.operation, f.rateIds, f.packageIds])).toEqual([
      ['graph', 'changeGraph:CREATE_RATE', rateIds, [pkg.id]],
    ]);
    secondary.availability = 'up';
    await expect(real.getRate(rateIds[0]!)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    expect(await repairMirror(primary, real, journal)).toEqual({ repaired: 2, remaining: 0, errors: [] });
    expect(await real.getRate(rateIds[0]!)).toEqual(await primary.getRate(rateIds[0]!));
    expect(await real.getPackage(pkg.id)).toEqual(await primary.getPackage(pkg.id));
    expect(await real.maintenance.getRateCounters([state.code])).toEqual({ [state.code]: 2 });
    expect((await real.listAudit(pkg.id)).items).toEqual((await primary.listAudit(pkg.id)).items);
    const report = compareDigests(await digestStore(primary), await digestStore(real));
    expect(report.mismatches).toEqual([]);
    expect(report.source.rates).toBe(2);
    expect(journal.entries).toEqual([]);
  });

  it('deleting a draft removes it and its child rates from the secondary too', async () => {
    secondary.availability = 'up';
    const rates = rateCommands(dual);
    const pkg = await rates.createPackage(state, user);
    const created = await rates.createRate(pkg, user);
    const rateId = created.rates[0]!.id;
    expect(await real.getRate(rateId)).toEqual(created.rates[0]);
    await rates.deletePackage(created.packages[0]!, user);
    await expect(real.getRate(rateId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(real.getPackage(pkg.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(journal.entries).toEqual([]);
  });
});

/** The store, reporting how long each package write on it took. */
function timedWrites(store: DrivenStore, took: (ms: number) => void): DrivenStore {
  const timed =
    <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const start = performance.now();
      try {
        return await write(...args);
      } finally {
        took(performance.now() - start);
      }
    };
  return {
    ...store,
    createDraft: timed(store.createDraft),
    updateDraft: timed(store.updateDraft),
    submit: timed(store.submit),
    appendAudit: timed(store.appendAudit),
  };
}
