/**
 * The dual-write mirror of one package racing the package's own changes: a package that keeps
 * changing while its mirror writes is mirrored by the change's own mirror, never given up and
 * journaled; a mirror overtaken by a forced restore leaves the secondary at the restored
 * version; a package whose mirror reads it already linking a rate a later change created brings
 * that rate first. Both stores are in-process PGlite, so nothing here is shared with other test files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Package } from '../../src/domain/index.js';
import { createDualStore } from '../../src/store/dual/dual-store.js';
import { mirrorPackage } from '../../src/store/dual/mirror.js';
import { memoryJournal } from '../../src/store/dual/mirror-journal.js';
import { migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { MaintainedStore } from '../../src/store/store.js';
import {
  draft,
  makeState,
  minimalFormData,
  rateDocument,
  stateActor,
  stateUser,
} from '../conformance/fixtures.js';
import { openTestPglite } from '../support/pglite.js';
import { rateCommands, rateFormOf } from '../support/rate-commands.js';
import { type DrivenStore, drive, withMaintenance } from '../support/store-commands.js';

const state = makeState('MR');
const actor = stateActor();
const form = (description: string) => ({ ...minimalFormData(state), submissionDescription: description });

async function pgliteStore(): Promise<DrivenStore> {
  const pg = await openTestPglite();
  await migrateToLatest(pg.db);
  const store = drive(createPostgresStore({ db: pg.db, onClose: pg.close }));
  await store.upsertStates([state]);
  return store;
}

/** Waits until `check` holds, polling; fails after a few seconds rather than hanging the file. */
async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('a mirror racing changes of its package', () => {
  let primary: DrivenStore;
  let real: DrivenStore;

  beforeAll(async () => {
    [primary, real] = await Promise.all([pgliteStore(), pgliteStore()]);
  }, 60_000);
  afterAll(async () => {
    await primary?.close();
    await real?.close();
  });

  it('a package changed during every import of its mirror ends mirrored, with nothing journaled', async () => {
    const journal = memoryJournal();
    const silent = { warn: () => {}, error: () => {} };
    /** Changes still to make, one inside each import of the package on the secondary. */
    let changesLeft = 8;
    let target: string | undefined;
    const changes: Promise<Package>[] = [];
    let dual: DrivenStore;
    // Each import of the package waits until another upload has landed on the primary (through
    // the dual store, so it has its own mirror): the primary has always moved on by the re-read.
    const secondary: MaintainedStore = withMaintenance(real, (m) => ({
      async importPackages(packages, options) {
        if (target && changesLeft > 0 && packages.some((p) => p.id === target)) {
          const id = target;
          const n = changesLeft--;
          const before = (await primary.getPackage(id)).version;
          changes.push(dual.updateDraft(id, { formData: form(`upload ${n}`), actor }));
          await until(async () => (await primary.getPackage(id)).version > before, 'the upload');
        }
        return m.importPackages(packages, options);
      },
    }));
    // A generous timeout: this is about the mirror's rounds, not a slow machine.
    dual = drive(createDualStore({ primary, secondary, journal, mirrorTimeoutMs: 20_000, logger: silent }));

    const pkg = await draft(dual, state, actor);
    target = pkg.id;
    changes.push(dual.updateDraft(pkg.id, { formData: form('first'), actor }));
    // A change's promise ends after its mirror, whose import has started the next change.
    for (let i = 0; i < changes.length; i++) await changes[i];

    expect(changesLeft).toBe(0);
    expect(journal.entries).toEqual([]);
    const onPrimary = await primary.getPackage(pkg.id);
    expect(onPrimary.version).toBe(1 + 1 + 8);
    expect(await real.getPackage(pkg.id)).toEqual(onPrimary);
    expect((await real.listAudit(pkg.id, { limit: 100 })).items).toEqual(
      (await primary.listAudit(pkg.id, { limit: 100 })).items,
    );
  });

  it('a mirror overtaken by a forced restore leaves the secondary at the restored version', async () => {
    const v1 = await draft(primary, state, actor);
    await primary.updateDraft(v1.id, { formData: form('v2'), actor });
    await primary.updateDraft(v1.id, { formData: form('v3'), actor });
    let restored = false;
    // While the mirror writes v3, a restore forces v1 back on the primary, and the restore's own
    // mirror lands on the secondary first: the mirror's v3 then covers it.
    const secondary = withMaintenance(real, (m) => ({
      async importPackages(packages, options) {
        if (!restored) {
          restored = true;
          await primary.maintenance.importPackages([v1], { mode: 'force' });
          await m.importPackages([v1], { mode: 'force' });
        }
        return m.importPackages(packages, options);
      },
    }));
    await mirrorPackage(primary, secondary, v1.id);
    expect(restored).toBe(true);
    expect(await primary.getPackage(v1.id)).toEqual(v1);
    expect(await real.getPackage(v1.id)).toEqual(v1);
  });

  it('a graph mirror that reads its package already linking a newer rate brings that rate first', async () => {
    const journal = memoryJournal();
    const silent = { warn: () => {}, error: () => {} };
    const user = stateUser(state.code);
    let dual: DrivenStore;
    let pkg: Package;
    let second: Promise<unknown> | undefined;
    let secondRateId: string | undefined;
    // While the first rate's mirror imports it, a second change on the same package creates
    // another rate: its mirror queues behind the first, which then reads the package linking both.
    const secondary = withMaintenance(real, (m) => ({
      async importRates(rates, options) {
        if (!second) {
          const before = (await primary.getPackage(pkg.id)).version;
          second = rateCommands(dual)
            .createRate({ id: pkg.id, version: before }, user)
            .then((r) => {
              secondRateId = r.rates[0]?.id;
            });
          await until(async () => (await primary.getPackage(pkg.id)).version > before, 'the second rate');
        }
        return m.importRates(rates, options);
      },
    }));
    dual = drive(createDualStore({ primary, secondary, journal, mirrorTimeoutMs: 20_000, logger: silent }));
    const rates = rateCommands(dual);
    pkg = await rates.createPackage(state, user);
    const first = await rates.createRate({ id: pkg.id, version: pkg.version }, user);
    await second;

    expect(journal.entries).toEqual([]);
    const onPrimary = await primary.getPackage(pkg.id);
    expect(onPrimary.revisions[0]?.rateLinks.map((l) => l.rateId).sort()).toEqual(
      [first.rates[0]?.id, secondRateId].sort(),
    );
    expect(await real.getPackage(pkg.id)).toEqual(onPrimary);
    const ids = [first.rates[0]!.id, secondRateId!];
    expect(await real.getRates(ids)).toEqual(await primary.getRates(ids));
  });

  it('a graph mirror that reads its package already submitted brings the rate revisions that submit froze first', async () => {
    const journal = memoryJournal();
    const silent = { warn: () => {}, error: () => {} };
    const user = stateUser(state.code);
    let dual: DrivenStore;
    let armed = false;
    let submitting: Promise<unknown> | undefined;
    let draftId = '';
    // While the link's mirror imports the linked rate, the package is submitted (freezing its own
    // child rate's revision 1): that submit's mirror queues behind, and the link's mirror then reads
    // the package submitted, its child still a draft on the secondary.
    const secondary = withMaintenance(real, (m) => ({
      async importRates(rates, options) {
        if (armed && !submitting) {
          const now = await primary.getPackage(draftId);
          submitting = rateCommands(dual).submit(now, user, state);
          await until(async () => (await primary.getPackage(draftId)).status === 'SUBMITTED', 'the submit');
        }
        return m.importRates(rates, options);
      },
    }));
    dual = drive(createDualStore({ primary, secondary, journal, mirrorTimeoutMs: 20_000, logger: silent }));
    const rates = rateCommands(dual);
    const withChildRate = async () => {
      const pkg = await rates.createPackage(state, user);
      const made = await rates.createRate(pkg, user, { formData: rateFormOf(state) });
      const rateId = made.rates[0]!.id;
      await rates.updateRate(await dual.getRate(rateId), user, { documents: [rateDocument('rates.pdf')] });
      return { pkg: await dual.getPackage(pkg.id), rateId };
    };
    const other = await withChildRate();
    await rates.submit(other.pkg, user, state);
    const mine = await withChildRate();
    draftId = mine.pkg.id;
    armed = true;
    await rates.link(mine.pkg, user, other.rateId);
    await submitting;

    expect(journal.entries).toEqual([]);
    const onPrimary = await primary.getPackage(draftId);
    expect(onPrimary.status).toBe('SUBMITTED');
    expect(await real.getPackage(draftId)).toEqual(onPrimary);
    const ids = [mine.rateId, other.rateId];
    expect(await real.getRates(ids)).toEqual(await primary.getRates(ids));
  });

  it('a shadow read logs a secondary that differs, but not one a later write moved on', async () => {
    const warnings: string[] = [];
    const logger = { warn: (_d: object, m: string) => warnings.push(m), error: () => {} };
    const dual = drive(createDualStore({ primary, secondary: real, shadowReadRate: 1, logger }));
    const pkg = await draft(dual, state, actor);
    // The secondary answers a newer version than the primary gave: a write landed between the reads.
    const later = { ...pkg, version: pkg.version + 1 };
    await primary.maintenance.importPackages([later], { mode: 'force' });
    await real.maintenance.importPackages([later], { mode: 'force' });
    // The dual store's primary read happened before that write: it gave the older version.
    let first = true;
    const earlierRead = new Proxy(primary, {
      get(target, key, receiver) {
        if (key === 'getPackage')
          return async (id: string) => {
            if (!first) return target.getPackage(id);
            first = false;
            return pkg;
          };
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const racing = createDualStore({ primary: earlierRead, secondary: real, shadowReadRate: 1, logger });
    expect(await racing.getPackage(pkg.id)).toEqual(pkg);
    await new Promise((r) => setTimeout(r, 300)); // the shadow read and the primary read again
    expect(first).toBe(false);
    expect(warnings).toEqual([]);
    // A secondary left behind: logged.
    await real.maintenance.importPackages([pkg], { mode: 'force' });
    await dual.getPackage(pkg.id);
    await until(async () => warnings.length > 0, 'the shadow warning');
    expect(warnings).toEqual(['dual-write shadow read: the secondary differs']);
  });

  it('a shadow read made while a write is still being mirrored waits for that mirror, and logs nothing', async () => {
    const warnings: string[] = [];
    const logger = { warn: (_d: object, m: string) => warnings.push(m), error: () => {} };
    let release: () => void = () => {};
    let held = false;
    // The secondary holds every package import until released: the write is on the primary, its mirror on the way.
    const slow = withMaintenance(real, (m) => ({
      async importPackages(packages, options) {
        if (held) await new Promise<void>((r) => (release = r));
        return m.importPackages(packages, options);
      },
    }));
    const dual = drive(
      createDualStore({ primary, secondary: slow, shadowReadRate: 1, mirrorTimeoutMs: 20_000, logger }),
    );
    const pkg = await draft(dual, state, actor);
    held = true;
    const writing = dual.updateDraft(pkg.id, {
      expectedVersion: pkg.version,
      formData: form('changed while the mirror waits'),
      actor,
    });
    await until(
      async () => (await primary.getPackage(pkg.id)).version > pkg.version,
      'the write on the primary',
    );
    const read = await dual.getPackage(pkg.id);
    expect(read.version).toBe(pkg.version + 1);
    await new Promise((r) => setTimeout(r, 100)); // the shadow read finds the secondary behind
    expect(warnings).toEqual([]);
    held = false;
    release();
    await writing;
    await new Promise((r) => setTimeout(r, 300)); // and looks again once the mirror has landed
    expect(warnings).toEqual([]);
    expect(await real.getPackage(pkg.id)).toEqual(await primary.getPackage(pkg.id));
  });
});
