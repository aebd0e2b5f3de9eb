/**
 * The operator tools carry rates (issue 13): `store copy` copies rates before the packages that
 * link them (also while a rate changes under it), `store verify` finds a broken link from either
 * side on either store, a backup of format 4 round-trips rates and rate counters, and a backup
 * made before rates were records (format 3) restores with its embedded rate certifications
 * turned into rate records.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Package, Rate } from '../../src/domain/index.js';
import { BACKUP_VERSION, backupStore } from '../../src/ops/backup.js';
import { type CopyProgress, copyStore } from '../../src/ops/copy.js';
import { restoreStore } from '../../src/ops/restore.js';
import {
  compareDigests,
  digestStore,
  formatReport,
  verifyInDetail,
  verifyStores,
} from '../../src/ops/verify.js';
import { createDualStore } from '../../src/store/dual/dual-store.js';
import { memoryJournal } from '../../src/store/dual/mirror-journal.js';
import { migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { document, makeState, stateUser } from '../conformance/fixtures.js';
import { freshDynamoStore } from '../support/dynamo.js';
import { openTestPglite } from '../support/pglite.js';
import { rateCommands, rateFormOf } from '../support/rate-commands.js';
import { type DrivenStore, drive, withMaintenance } from '../support/store-commands.js';

const work = mkdtempSync(join(tmpdir(), 'carepack-rates-ops-'));
const opened: DrivenStore[] = [];
const state = makeState('RO');
const user = stateUser(state.code);
let source: DrivenStore;
/** The seeded graph: P2 parent of R2 (submitted); P1 with child R1, linking R2 (submitted); P3 a draft linking R2 with a draft child R3. */
const ids = { p1: '', p2: '', p3: '', r1: '', r2: '', r3: '' };

async function pglite(): Promise<DrivenStore> {
  const handle = await openTestPglite();
  await migrateToLatest(handle.db);
  const store = drive(createPostgresStore({ db: handle.db, onClose: handle.close }));
  opened.push(store);
  return store;
}

async function dynamo(): Promise<DrivenStore> {
  const store = (await freshDynamoStore('carepack-rates-ops')).store;
  opened.push(store);
  return store;
}

async function seed(store: DrivenStore) {
  await store.upsertStates([state]);
  await store.upsertUsers([user]);
  const rc = rateCommands(store);
  const pkg = (id: string) => store.getPackage(id);
  /** A complete child rate with its certification document: what submitting its parent asks. */
  const completeRate = async (parent: Package) => {
    const rate = (await rc.createRate(parent, user, { formData: rateFormOf(state) })).rates[0]!;
    await rc.updateRate(rate, user, { documents: [rateDocument()] });
    return rate.id;
  };
  const p2 = await rc.createPackage(state, user);
  ids.p2 = p2.id;
  ids.r2 = await completeRate(p2);
  await rc.submit(await pkg(p2.id), user, state);
  const p1 = await rc.createPackage(state, user);
  ids.p1 = p1.id;
  ids.r1 = await completeRate(p1);
  await rc.link(await pkg(p1.id), user, ids.r2);
  await rc.submit(await pkg(p1.id), user, state);
  const p3 = await rc.createPackage(state, user);
  ids.p3 = p3.id;
  await rc.link(p3, user, ids.r2);
  ids.r3 = (await rc.createRate(await pkg(p3.id), user)).rates[0]!.id;
}

/** A scanned rate certification document, as a rate's own (no rateId). */
function rateDocument() {
  const { rateId: _none, ...doc } = document('rate-certification.pdf', 'RATE');
  return { ...doc, scanStatus: 'CLEAN' as const };
}

beforeAll(async () => {
  source = await pglite();
  await seed(source);
}, 180_000);

afterAll(async () => {
  for (const store of opened) await store.close();
  rmSync(work, { recursive: true, force: true });
});

describe('store copy with rates', () => {
  let target: DrivenStore;

  it('copies rates and rate counters before the packages, and verifies every link', async () => {
    target = await dynamo();
    const phases: CopyProgress['phase'][] = [];
    const result = await copyStore({
      source,
      target,
      from: 'postgres',
      to: 'dynamodb',
      checkpointFile: join(work, 'copy.json'),
      onProgress: (p) => {
        if (phases.at(-1) !== p.phase) phases.push(p.phase);
      },
    });
    expect(phases.indexOf('rates')).toBeGreaterThan(-1);
    expect(phases.indexOf('rates')).toBeLessThan(phases.indexOf('packages'));
    expect(result.rates).toBe(3);
    expect(result.report.mismatches).toEqual([]);
    expect(result.report.ok).toBe(true);
    expect(result.report.source).toMatchObject({ rates: 3, rateCounters: 1 });
    expect(result.report.target.rateLinks).toBe(result.report.source.rateLinks);
    expect(result.report.source.rateLinks).toBeGreaterThanOrEqual(5);
    for (const id of [ids.r1, ids.r2, ids.r3])
      expect(await target.getRate(id)).toEqual(await source.getRate(id));
    expect(await target.maintenance.getRateCounters()).toEqual({ [state.code]: 3 });
  });

  // PostgreSQL's constraints refuse a broken link at commit; DynamoDB takes what an import gives
  // it, so the breaks are made there (the target), and verify names the store that has them.
  it('verify finds a link broken on the package side, in the store that has it', async () => {
    const p3 = await target.getPackage(ids.p3);
    // P3's draft revision now links R1 instead of R2: R2 lists a package that does not carry it,
    // and P3 carries a rate whose packageIds do not list it.
    const broken: Package = {
      ...p3,
      revisions: p3.revisions.map((r, i) =>
        i === 0
          ? { ...r, rateLinks: r.rateLinks.map((l) => (l.rateId === ids.r2 ? { ...l, rateId: ids.r1 } : l)) }
          : r,
      ),
    };
    await target.maintenance.importPackages([broken], { mode: 'force' });
    try {
      const { mismatches } = await verifyInDetail(source, target, { rechecks: 0 });
      const links = mismatches.filter((m) => m.problem === 'broken link');
      expect(links.map((m) => [m.entity, m.store, m.id, m.detail])).toEqual(
        expect.arrayContaining([
          ['rateLinks', 'target', ids.p3, `carries rate ${ids.r1}, whose packageIds do not list it`],
          ['rateLinks', 'target', ids.r2, `lists package ${ids.p3}, which does not carry it`],
        ]),
      );
      expect(links.every((m) => m.store === 'target')).toBe(true);
      // And as a difference between the stores.
      expect(mismatches).toContainEqual({ entity: 'packages', id: ids.p3, problem: 'content differs' });
    } finally {
      await target.maintenance.importPackages([p3], { mode: 'force' });
    }
    expect((await verifyStores(source, target, { rechecks: 0 })).ok).toBe(true);
  });

  it('verify finds a link broken on the rate side, and a frozen link to a revision that does not exist', async () => {
    const r1 = await target.getRate(ids.r1);
    const p1 = await target.getPackage(ids.p1);
    // R1 forgets P1, and P1's submitted revision freezes its R2 link at a revision R2 lacks.
    await target.maintenance.importRates([{ ...r1, packageIds: [] }], { mode: 'force' });
    const frozen: Package = {
      ...p1,
      revisions: p1.revisions.map((r) => ({
        ...r,
        rateLinks: r.rateLinks.map((l) =>
          l.rateId === ids.r2 && l.rateRevision !== null ? { ...l, rateRevision: 9 } : l,
        ),
      })),
    };
    await target.maintenance.importPackages([frozen], { mode: 'force' });
    try {
      const report = await verifyStores(source, target, { rechecks: 0 });
      expect(report.ok).toBe(false);
      const links = report.mismatches.filter((m) => m.problem === 'broken link');
      expect(links).toContainEqual(
        expect.objectContaining({
          store: 'target',
          id: ids.p1,
          detail: `carries rate ${ids.r1}, whose packageIds do not list it`,
        }),
      );
      expect(links).toContainEqual(
        expect.objectContaining({
          store: 'target',
          id: ids.p1,
          detail: expect.stringContaining(`links rate ${ids.r2} at revision 9, which the rate does not have`),
        }),
      );
      expect(report.mismatches).toContainEqual({ entity: 'rates', id: ids.r1, problem: 'content differs' });
      expect(formatReport(report, { source: 'postgres', target: 'dynamodb' })).toContain(
        `rateLinks ${ids.p1}: broken link in dynamodb: carries rate ${ids.r1}`,
      );
    } finally {
      await target.maintenance.importRates([r1], { mode: 'force' });
      await target.maintenance.importPackages([p1], { mode: 'force' });
    }
    expect((await verifyStores(source, target, { rechecks: 0 })).ok).toBe(true);
  });
});

describe('store copy while the portal changes a rate (dual-write into the target)', () => {
  it('a rate changed between the copy reading it and writing it ends equal on both', async () => {
    const target = await dynamo();
    const dual = drive(
      createDualStore({
        primary: source,
        secondary: target,
        journal: memoryJournal(),
        mirrorTimeoutMs: 10_000,
      }),
    );
    const before = await source.getRate(ids.r3);
    let changed: Rate | undefined;
    // The copy's first rate write arrives late; meanwhile a user edits R3 through the portal,
    // and the dual store mirrors the newer version into the target first.
    const late = withMaintenance(target, (real) => ({
      async importRates(rates, options) {
        if (!changed && rates.some((r) => r.id === ids.r3)) {
          const result = await rateCommands(dual).updateRate(before, user, { formData: rateFormOf(state) });
          changed = result.rates[0]!;
        }
        return real.importRates(rates, options);
      },
    }));
    const result = await copyStore({
      source,
      target: late,
      from: 'postgres',
      to: 'dynamodb',
      checkpointFile: join(work, 'live.json'),
    });
    expect(changed?.version).toBe(before.version + 1);
    expect(result.report.mismatches).toEqual([]);
    expect(await target.getRate(ids.r3)).toEqual(changed);
    expect(await source.getRate(ids.r3)).toEqual(changed);
  });
});

describe('backup and restore with rates', () => {
  it('round-trips rates and rate counters (since format 4: rates before packages)', async () => {
    const file = join(work, 'rates.jsonl.gz');
    const { counts } = await backupStore(source, { out: file });
    expect(counts).toMatchObject({ rates: 3, rateCounters: 1 });
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n');
    const types = lines.map((l) => (JSON.parse(l) as { type: string }).type);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'header', version: BACKUP_VERSION });
    expect(types.lastIndexOf('rate')).toBeLessThan(types.indexOf('package'));
    expect(types.filter((t) => t === 'rateCounters')).toHaveLength(1);

    const target = await dynamo();
    const restored = await restoreStore(target, { in: file });
    expect(restored.counts).toMatchObject({ rates: 3, rateCounters: 1 });
    const report = compareDigests(await digestStore(source), await digestStore(target));
    expect(report.mismatches).toEqual([]);
    expect(report.ok).toBe(true);
    expect(await target.maintenance.getRateCounters()).toEqual(await source.maintenance.getRateCounters());
  });

  it('refuses a file whose package links a rate the file does not hold, writing nothing', async () => {
    const file = join(work, 'rates.jsonl.gz');
    const broken = join(work, 'dangling.jsonl.gz');
    const lines = gunzipSync(await readFile(file))
      .toString('utf8')
      .trim()
      .split('\n');
    // Without R2's line, the footer made to match (counts and checksum): only the link is wrong.
    const body = lines.slice(0, -1).filter((l) => {
      const r = JSON.parse(l) as { type: string; data?: { id?: string } };
      return !(r.type === 'rate' && r.data?.id === ids.r2);
    });
    const footer = JSON.parse(lines.at(-1)!) as { counts: { rates: number }; sha256: string };
    footer.counts.rates -= 1;
    footer.sha256 = createHash('sha256')
      .update(body.map((l) => `${l}\n`).join(''))
      .digest('hex');
    await writeFile(broken, gzipSync(`${[...body, JSON.stringify(footer)].join('\n')}\n`));
    const target = await dynamo();
    await expect(restoreStore(target, { in: broken })).rejects.toThrow(`links rate ${ids.r2}`);
    expect(await target.listStates()).toEqual([]);
  });

  it('restores a format-3 backup: embedded rate certifications become rate records, numbered per state', async () => {
    const file = join(work, 'v3.jsonl.gz');
    const fixture = readFileSync(new URL('./fixtures/backup-v3-embedded-rates.jsonl', import.meta.url));
    await writeFile(file, gzipSync(fixture));
    const target = await dynamo();
    const { counts } = await restoreStore(target, { in: file });
    expect(counts).toMatchObject({ packages: 2, rates: 0, auditEvents: 5 });

    const rates: Rate[] = [];
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await target.maintenance.scanRates({ partition: 0, partitions: 1, cursor });
      rates.push(...page.items);
      cursor = page.cursor;
    }
    // Three certifications (X and Y on package 1, Z on package 2): three rates of OL, numbered 1–3.
    expect(rates.map((r) => r.stateRateNumber).sort()).toEqual([1, 2, 3]);
    expect(rates.every((r) => r.stateCode === 'OL')).toBe(true);
    expect(await target.maintenance.getRateCounters()).toEqual({ OL: 3 });
    const unlocked = await target.getPackage('00000000-0000-4000-8000-000000000001');
    const submitted = await target.getPackage('00000000-0000-4000-8000-000000000002');
    expect(unlocked.revisions[0]!.rateLinks).toHaveLength(2);
    expect(unlocked.revisions[1]!.rateLinks).toEqual([
      expect.objectContaining({ rateRevision: expect.any(Number) }),
    ]);
    expect(submitted.revisions[0]!.rateLinks).toHaveLength(1);
    // Every rate document of the old packages is now a document of a rate.
    const rateDocs = new Set(rates.flatMap((r) => r.revisions.flatMap((v) => v.documents.map((d) => d.id))));
    for (const id of [22, 23, 24, 25, 32])
      expect(rateDocs).toContain(`00000000-0000-4000-8000-${String(id).padStart(12, '0')}`);
    // Both sides of every link hold (verify checks them within each store; here the same one twice).
    const report = await verifyStores(target, target, { rechecks: 0 });
    expect(report.mismatches).toEqual([]);
    expect(report.source).toMatchObject({ rates: 3, packages: 2 });
  });
});
