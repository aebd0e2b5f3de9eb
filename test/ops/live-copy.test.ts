/**
 * The cutover runbook with the portal live: in dual-write mode, writers keep creating,
 * changing, submitting, unlocking, deleting and downloading while `store copy --restart` and
 * then `store verify` run; both end VERIFIED without the writers stopping, in both directions.
 * The copy's writes are slowed down a little (as over a real network) so that what it read is
 * often out of date by the time it writes it: the version guard is what keeps that harmless.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Package } from '../../src/domain/index.js';
import { hasErrorCode } from '../../src/domain/index.js';
import { copyStore } from '../../src/ops/copy.js';
import { compareDigests, digestStore, verifyStores } from '../../src/ops/verify.js';
import { createDualStore } from '../../src/store/dual/dual-store.js';
import { memoryJournal } from '../../src/store/dual/mirror-journal.js';
import { connectPostgres } from '../../src/store/postgres/postgres-client.js';
import { migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { cmsActor, document, makeState, minimalFormData, stateActor } from '../conformance/fixtures.js';
import { freshDynamoStore } from '../support/dynamo.js';
import { generatePackages } from '../support/package-factory.js';
import { openTestPglite } from '../support/pglite.js';
import { createTestDatabase, pgAvailable } from '../support/postgres.js';
import { type DrivenStore, drive, withMaintenance } from '../support/store-commands.js';

// Eight batches of 20 per copy: each has drafts for the racing user to change.
const SEEDED = 160;
const WRITERS = 4;
/** The writers stop by themselves after this long at the latest. */
const WRITER_LIMIT_MS = 150_000;
const work = mkdtempSync(join(tmpdir(), 'carepack-live-copy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function postgres(): Promise<{ store: DrivenStore; done: () => Promise<void> }> {
  if (pgAvailable) {
    const db = await createTestDatabase('carepack_live');
    const handle = connectPostgres(db.url, { maxConnections: 8 });
    await migrateToLatest(handle.db);
    const store = drive(createPostgresStore({ db: handle.db, onClose: handle.close }));
    const done = async () => {
      await store.close();
      await db.drop();
    };
    return { store, done };
  }
  const handle = await openTestPglite();
  await migrateToLatest(handle.db);
  const store = drive(createPostgresStore({ db: handle.db, onClose: handle.close }));
  return { store, done: () => store.close() };
}

/**
 * The target as the copy sees it: every import arrives 80 ms late, and `meanwhile` runs in
 * that gap — a user changing a package the copy has read but not yet written.
 */
function slowImports(
  store: DrivenStore,
  meanwhile: (packages: readonly Package[]) => Promise<void>,
): DrivenStore {
  return withMaintenance(store, (real) => ({
    async importPackages(...args) {
      await new Promise((r) => setTimeout(r, 80));
      await meanwhile(args[0]);
      return real.importPackages(...args);
    },
  }));
}

const expected = (e: unknown) =>
  hasErrorCode(e, 'VERSION_CONFLICT') ||
  hasErrorCode(e, 'INVALID_TRANSITION') ||
  hasErrorCode(e, 'NOT_FOUND');

/** Writers on the dual store until `stop()`; counts what they did, and keeps any unexpected error. */
function startWriters(dual: DrivenStore, stateCodes: string[], pool: string[]) {
  let stopping = false;
  const ops = { done: 0, refused: 0 };
  const failures: unknown[] = [];
  const started = Date.now();
  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;

  async function step() {
    const roll = Math.random();
    if (roll < 0.15) {
      const code = pick(stateCodes);
      const state = await dual.getState(code);
      const pkg = await dual.createDraft({
        id: randomUUID(),
        stateCode: code,
        formData: minimalFormData(state),
        actor: stateActor(),
      });
      pool.push(pkg.id);
      return;
    }
    const id = pick(pool);
    const pkg: Package = await dual.getPackage(id);
    const expectedVersion = pkg.version;
    if (roll < 0.2) {
      await dual.appendAudit({
        at: new Date().toISOString(),
        packageId: id,
        actor: cmsActor(),
        action: 'DOWNLOAD',
        summary: 'a file',
      });
    } else if (pkg.status === 'DRAFT' && roll < 0.25) {
      await dual.deleteDraft(id, { expectedVersion, actor: stateActor() });
    } else if (pkg.status === 'DRAFT' || pkg.status === 'UNLOCKED') {
      if (roll < 0.6) {
        const documents = [...pkg.revisions[0]!.documents, document(`d-${randomUUID()}.pdf`)];
        await dual.updateDraft(id, { expectedVersion, documents, actor: stateActor() });
      } else if (pkg.status === 'DRAFT') {
        await dual.submit(id, { expectedVersion, actor: stateActor() });
      } else {
        await dual.resubmit(id, { expectedVersion, actor: stateActor(), reason: 'fixed' });
      }
    } else {
      await dual.unlock(id, { expectedVersion, actor: cmsActor(), reason: 'please fix' });
    }
  }

  const running = Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (!stopping && Date.now() - started < WRITER_LIMIT_MS) {
        try {
          await step();
          ops.done++;
          await new Promise((r) => setTimeout(r, 5)); // a busy portal, not a load test
        } catch (e) {
          if (expected(e)) ops.refused++;
          else failures.push(e);
        }
      }
    }),
  );
  return {
    ops,
    failures,
    get running() {
      return !stopping && Date.now() - started < WRITER_LIMIT_MS;
    },
    async stop() {
      stopping = true;
      await running;
    },
  };
}

async function runbook(primary: DrivenStore, secondary: DrivenStore, names: { from: string; to: string }) {
  const stateCodes = ['LA', 'LB', 'LC'];
  const states = stateCodes.map((code) => makeState(code));
  await primary.upsertStates(states);
  const data = generatePackages(states, SEEDED);
  await primary.maintenance.importPackages(data.packages, { mode: 'overwrite' });
  await primary.maintenance.importAudit(data.audit);
  await primary.maintenance.raiseCounters(data.counters);
  const checkpointFile = join(work, `${names.from}-to-${names.to}.json`);
  let meanwhile = async (_packages: readonly Package[]) => {};
  const copy = () =>
    copyStore({
      source: primary,
      target: slowImports(secondary, (packages) => meanwhile(packages)),
      ...names,
      checkpointFile,
      partitions: 2,
      batchSize: 20,
      restart: true,
    });

  // Step 1: the portal on the primary alone; the first copy.
  expect((await copy()).report.ok).toBe(true);
  // Changes before dual mode starts: one draft deleted, one changed, on the primary only.
  const drafts = data.packages.filter((p) => p.status === 'DRAFT');
  await primary.deleteDraft(drafts[0]!.id, { expectedVersion: drafts[0]!.version, actor: stateActor() });
  await primary.updateDraft(drafts[1]!.id, {
    expectedVersion: drafts[1]!.version,
    documents: [document('late.pdf')],
    actor: stateActor(),
  });

  // Step 2: dual-write mode, the portal busy, and the copy once more; step 3: verify.
  const journal = memoryJournal();
  const dual = drive(
    createDualStore({
      primary,
      secondary,
      journal,
      // Long enough that a loaded test machine never times a mirror out: this test is about races.
      mirrorTimeoutMs: 120_000,
      logger: { warn: () => {}, error: () => {} },
    }),
  );
  const pool = data.packages.filter((p) => p.id !== drafts[0]!.id).map((p) => p.id);
  // In every batch the copy has read, one draft changes (through the portal) before it is written.
  let raced = 0;
  meanwhile = async (packages) => {
    const draftRead = packages.find((p) => p.status === 'DRAFT' && p.id !== drafts[0]!.id);
    if (!draftRead) return;
    try {
      const now = await dual.getPackage(draftRead.id);
      if (now.status !== 'DRAFT') return;
      const documents = [...now.revisions[0]!.documents, document('meanwhile.pdf')];
      await dual.updateDraft(now.id, { expectedVersion: now.version, documents, actor: stateActor() });
      raced++;
    } catch (e) {
      if (!expected(e)) throw e;
    }
  };
  const writers = startWriters(dual, stateCodes, pool);
  try {
    await new Promise((r) => setTimeout(r, 500)); // the portal is busy before the copy starts
    const second = await copy();
    meanwhile = async () => {};
    expect(raced).toBeGreaterThan(3);
    const afterCopy = writers.ops.done;
    const report = await verifyStores(primary, secondary);
    expect(writers.running, 'the writers were still running when verify ended').toBe(true);
    expect(writers.ops.done).toBeGreaterThan(afterCopy);
    expect(second.report.mismatches).toEqual([]);
    expect(second.report.ok).toBe(true);
    expect(second.pruned).toBeGreaterThanOrEqual(1); // the draft deleted before dual mode
    expect(second.kept).toEqual([]);
    expect(report.mismatches).toEqual([]);
    expect(report.ok).toBe(true);
  } finally {
    await writers.stop();
  }
  expect(writers.failures).toEqual([]);
  // The mirror's own imports never failed (no duplicate keys racing the copy): nothing journaled.
  expect(journal.entries).toEqual([]);
  expect(writers.ops.done).toBeGreaterThan(50);
  const final = compareDigests(await digestStore(primary), await digestStore(secondary));
  expect(final.mismatches).toEqual([]);
  expect(final.ok).toBe(true);
  return writers.ops;
}

describe('the cutover runbook with the portal live', () => {
  it('DynamoDB → PostgreSQL: copy and verify end VERIFIED while writers hammer the dual store', async () => {
    const primary = (await freshDynamoStore('carepack-live')).store;
    const pg = await postgres();
    try {
      const ops = await runbook(primary, pg.store, { from: 'dynamodb', to: 'postgres' });
      console.log(
        `DynamoDB → PostgreSQL: ${ops.done} writes (${ops.refused} refused as conflicts) meanwhile`,
      );
    } finally {
      await primary.close();
      await pg.done();
    }
  }, 300_000);

  it('PostgreSQL → DynamoDB: the same the other way round', async () => {
    const pg = await postgres();
    const secondary = (await freshDynamoStore('carepack-live-back')).store;
    try {
      const ops = await runbook(pg.store, secondary, { from: 'postgres', to: 'dynamodb' });
      console.log(
        `PostgreSQL → DynamoDB: ${ops.done} writes (${ops.refused} refused as conflicts) meanwhile`,
      );
    } finally {
      await secondary.close();
      await pg.done();
    }
  }, 300_000);
});
