/**
 * `backupStore` / `restoreStore`: a seeded DynamoDB store goes to a gzip JSON Lines file and
 * back into DynamoDB, embedded PGlite and (when reachable) a PostgreSQL server, with identical
 * digests; damaged files and non-empty targets are refused without writing anything.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CmsDivision, Package, PackageDocument, State, User } from '../../src/domain/index.js';
import { inParallel } from '../../src/lib/parallel.js';
import { backupStore } from '../../src/ops/backup.js';
import { RestoreConflictError, restoreStore } from '../../src/ops/restore.js';
import { type Counts, compareDigests, digestStore, type StoreDigest } from '../../src/ops/verify.js';
import { connectPostgres } from '../../src/store/postgres/postgres-client.js';
import { migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import {
  cmsActor,
  cmsUser,
  document,
  fullFormData,
  makeState,
  minimalFormData,
  qaDocument,
  stateActor,
  stateUser,
} from '../conformance/fixtures.js';
import { freshDynamoStore } from '../support/dynamo.js';
import { openTestPglite } from '../support/pglite.js';
import { createTestDatabase, pgAvailable, type TestDatabase } from '../support/postgres.js';
import { type DrivenStore, drive, withMaintenance } from '../support/store-commands.js';

const PACKAGES = 60;

const opened: DrivenStore[] = [];
const track = (store: DrivenStore) => {
  opened.push(store);
  return store;
};
const freshDynamo = async () => track((await freshDynamoStore('carepack-backup')).store);
const servers: TestDatabase[] = [];
const freshPostgresServer = async () => {
  const database = await createTestDatabase('carepack_restore');
  servers.push(database);
  const handle = connectPostgres(database.url, { maxConnections: 5 });
  await migrateToLatest(handle.db);
  return track(drive(createPostgresStore({ db: handle.db, onClose: handle.close })));
};
const freshPglite = async () => {
  const handle = await openTestPglite();
  await migrateToLatest(handle.db);
  return track(drive(createPostgresStore({ db: handle.db, onClose: handle.close })));
};

let dir: string;
let source: DrivenStore;
let sourceDigest: StoreDigest;
let backupFile: string;
let deletedDraftId: string;

/** Three states, their users, 60 packages of every status with documents, and a deleted draft. */
async function seed(store: DrivenStore) {
  const ask = (pkg: Package, division: CmsDivision = 'DMCO') =>
    store.askQuestion(pkg.id, {
      user: cmsUser({ division }),
      text: `${division} asks`,
      documents: [qaDocument(), qaDocument()],
    });
  const respond = (pkg: Package, stateCode: string) =>
    store.respond(pkg.id, {
      user: stateUser(stateCode),
      questionId: pkg.questions[0]!.id,
      documents: [qaDocument()],
    });
  const states: State[] = ['AK', 'MN', 'VT'].map((code) => makeState(code));
  await store.upsertStates(states);
  const users: User[] = [
    ...states.map(
      (s): User => ({
        id: randomUUID(),
        email: `analyst@${s.code.toLowerCase()}.example.gov`,
        givenName: 'Ana',
        familyName: `Lyst ${s.code}`,
        role: 'STATE_USER',
        stateCode: s.code,
      }),
    ),
    {
      id: randomUUID(),
      email: 'reviewer@cms.example.gov',
      givenName: 'Rev',
      familyName: 'Iewer',
      role: 'CMS_USER',
      division: 'DMCO',
    },
    {
      id: randomUUID(),
      email: 'admin@cms.example.gov',
      givenName: 'Ad',
      familyName: 'Min',
      role: 'ADMIN_USER',
    },
  ];
  await store.upsertUsers(users);
  // Two users signed out (one twice): their ended sessions must stay ended after a restore.
  for (const u of [users[0]!, users[3]!, users[3]!]) await store.endSessions(u.id);
  // An administrator moved the reviewer to OACT, and back: two user-audit events.
  for (const division of ['OACT', 'DMCO'] as const)
    await store.setDivision(users[3]!.id, { admin: users[4]!, division });
  // A machine's API client acting for the reviewer: it must come back, its secret still a hash.
  await store.createApiClient({
    id: randomUUID(),
    name: 'Nightly sync',
    scopes: ['packages:read', 'review:write'],
    userId: users[3]!.id,
    secretHash: `sha256:${'c'.repeat(64)}`,
    secretGeneration: 2,
    createdAt: '2026-11-30T12:00:00.000Z',
    createdBy: users[4]!.id,
    revoked: false,
  });
  // And assigned the reviewer to two states (issue 14): a restore must carry them.
  await store.setStateAssignments(users[3]!.id, {
    admin: users[4]!,
    stateCodes: states.slice(0, 2).map((s) => s.code),
  });

  await inParallel(
    Array.from({ length: PACKAGES }, (_, i) => i),
    16,
    async (i) => {
      const state = states[i % states.length]!;
      const actor = stateActor();
      const full = i % 3 !== 0;
      const formData = full ? fullFormData(state) : minimalFormData(state);
      const documents: PackageDocument[] = [
        document(`contract-${i}.pdf`),
        document('supporting notes.pdf', 'CONTRACT_SUPPORTING'),
        ...(full ? [document('rates.xlsx', 'RATE', formData.rateCertifications[0]!.id)] : []),
      ];
      let pkg = await store.createDraft({
        id: randomUUID(),
        stateCode: state.code,
        formData,
        documents,
        actor,
      });
      const kind = i % 4; // 0 draft, 1 submitted, 2 unlocked, 3 resubmitted
      if (kind === 0) return;
      pkg = await store.submit(pkg.id, { expectedVersion: pkg.version, actor });
      await store.appendAudit({
        at: new Date().toISOString(),
        packageId: pkg.id,
        actor: cmsActor(),
        action: 'DOWNLOAD',
        summary: 'contract',
      });
      // Questions ride along: answered on submitted packages, one open on resubmitted ones.
      if (kind === 1) pkg = await respond(await ask(pkg), state.code);
      // Review history rides along: some approved, some withdrawn, one unlock undone.
      if (kind === 1) {
        if (i % 8 === 1) await store.approve(pkg.id, { ...decision(pkg), releasedOn: today() });
        return;
      }
      pkg = await store.unlock(pkg.id, {
        expectedVersion: pkg.version,
        actor: cmsActor(),
        reason: 'Fix the rates',
      });
      pkg = await store.updateDraft(pkg.id, {
        expectedVersion: pkg.version,
        documents: [...pkg.revisions[0]!.documents, document(`amendment-${i}.pdf`)],
        actor,
      });
      if (kind === 2) {
        if (i % 8 === 6) await store.undoUnlock(pkg.id, decision(pkg));
        return;
      }
      pkg = await store.resubmit(pkg.id, { expectedVersion: pkg.version, actor, reason: 'Rates fixed' });
      pkg = await ask(pkg, 'OACT');
      if (i % 8 === 7) await store.withdraw(pkg.id, decision(pkg));
    },
  );

  const doomed = await store.createDraft({
    id: randomUUID(),
    stateCode: states[0]!.code,
    formData: minimalFormData(states[0]!),
    documents: [document('to be deleted.pdf')],
    actor: stateActor(),
  });
  await store.deleteDraft(doomed.id, { expectedVersion: doomed.version, actor: stateActor() });
  deletedDraftId = doomed.id;
}

/**
 * Packages of the backup whose form data embeds rate certifications (the seed's full forms),
 * with how many distinct certifications: a backup older than format 4 restores them as rate records.
 */
function embeddedIn(lines: string[]): Map<string, number> {
  const embedded = new Map<string, number>();
  for (const l of lines) {
    const record = JSON.parse(l) as { type: string; data?: Package };
    if (record.type !== 'package') continue;
    const certs = new Set(
      record.data!.revisions.flatMap((r) => r.formData.rateCertifications.map((c) => c.id)),
    );
    if (certs.size > 0) embedded.set(record.data!.id, certs.size);
  }
  return embedded;
}

/**
 * An older backup restored: everything as in the source, but each package with embedded rate
 * certifications now links rate records (one per certification), and both sides of every link hold.
 */
function expectConverted(target: StoreDigest, embedded: Map<string, number>, counts: Partial<Counts> = {}) {
  expect(embedded.size).toBeGreaterThan(10);
  const report = compareDigests(sourceDigest, target);
  // The target has rate counters the source lacks; a whole entity the caller expects to differ, too.
  const differs = new Set<string>(['rateCounters', ...Object.keys(counts)]);
  const unexpected = report.mismatches.filter(
    (m) =>
      !(m.entity === 'packages' && m.problem === 'content differs' && embedded.has(m.id)) &&
      !(m.entity === 'rates' && m.problem === 'missing in source') &&
      !(m.id === '*' && differs.has(m.entity)),
  );
  expect(unexpected).toEqual([]);
  const rates = [...embedded.values()].reduce((n, c) => n + c, 0);
  expect(report.target).toEqual({
    ...sourceDigest.counts,
    rates,
    // Rate documents moved from the packages to their rates.
    documents: expect.any(Number),
    rateRevisions: expect.any(Number),
    rateLinks: expect.any(Number),
    rateCounters: new Set([...target.rateLinks.values()].map((r) => r.stateCode)).size,
    ...counts,
  });
  expect(report.target.rateLinks).toBeGreaterThanOrEqual(rates);
  expect(report.target.documents).toBeLessThan(sourceDigest.counts.documents);
}

const today = () => new Date().toISOString().slice(0, 10);
const decision = (pkg: Package) => ({
  expectedVersion: pkg.version,
  user: cmsUser(),
  reason: 'Review decision',
});

const readLines = async (file: string) =>
  gunzipSync(await readFile(file))
    .toString('utf8')
    .split('\n')
    .slice(0, -1);
const writeLines = (file: string, lines: string[]) => writeFile(file, gzipSync(`${lines.join('\n')}\n`));
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => new Error('expected the restore to be refused'),
    (e: unknown) => e as Error,
  );
const isEmptyStore = async (store: DrivenStore) =>
  (await store.listStates()).length === 0 &&
  (await store.listUsers()).length === 0 &&
  (await store.maintenance.countPackages()) === 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'carepack-backup-'));
  source = await freshDynamo();
  await seed(source);
  sourceDigest = await digestStore(source);
  backupFile = join(dir, 'source.jsonl.gz');
  await backupStore(source, { out: backupFile });
});

afterAll(async () => {
  for (const store of opened) await store.close();
  for (const database of servers) await database.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('backupStore', () => {
  it('seeds what the test means to back up', () => {
    expect(sourceDigest.counts).toMatchObject({ states: 3, users: 5, counters: 3, packages: PACKAGES });
    expect(sourceDigest.counts.documents).toBeGreaterThan(2 * PACKAGES);
    // Submitted packages have an answered question, resubmitted ones an open one.
    expect(sourceDigest.counts.questions).toBeGreaterThan(PACKAGES / 3);
    expect(sourceDigest.counts.responses).toBeGreaterThan(PACKAGES / 8);
    expect(sourceDigest.counts.responses).toBeLessThan(sourceDigest.counts.questions);
    expect(sourceDigest.counts.userAuditEvents).toBe(3);
    expect(sourceDigest.packages.has(deletedDraftId)).toBe(false);
  });

  it('writes a framed JSON Lines file whose footer counts every record, and no .partial file', async () => {
    expect(await readdir(dir)).toEqual(['source.jsonl.gz']);
    const lines = (await readLines(backupFile)).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      type: 'header',
      format: 'carepack-backup',
      version: 5,
      backend: 'dynamodb',
    });
    expect(Date.parse(lines[0]!.createdAt as string)).not.toBeNaN();
    const footer = lines[lines.length - 1]!;
    expect(footer).toEqual({
      type: 'footer',
      counts: {
        states: 3,
        users: 5,
        counters: 3,
        packages: PACKAGES,
        auditEvents: sourceDigest.counts.auditEvents,
        userAuditEvents: 3,
        apiClients: 1,
        rates: 0,
        rateCounters: 0,
      },
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const byType = (t: string) => lines.filter((l) => l.type === t);
    expect(byType('package')).toHaveLength(PACKAGES);
    expect(byType('audit')).toHaveLength(sourceDigest.counts.auditEvents);
    expect(
      byType('userAudit')
        .map((l) => (l.data as { summary: string }).summary)
        .sort(),
    ).toEqual([
      'Division of reviewer@cms.example.gov set from DMCO to OACT',
      'Division of reviewer@cms.example.gov set from OACT to DMCO',
      'States of reviewer@cms.example.gov set from none to AK, MN',
    ]);
    // The user lines carry the states (verify's users checksum compares them after a restore).
    expect(byType('user').map((l) => l.data)).toContainEqual(
      expect.objectContaining({ email: 'reviewer@cms.example.gov', stateAssignments: ['AK', 'MN'] }),
    );
    const questions = byType('package').flatMap((l) => (l.data as Package).questions);
    expect(questions).toHaveLength(sourceDigest.counts.questions);
    // The deleted draft's trail (CREATE, DELETE) is kept without its package.
    const trail = byType('audit').filter(
      (l) => (l.data as { packageId: string }).packageId === deletedDraftId,
    );
    expect(trail.map((l) => (l.data as { action: string }).action).sort()).toEqual(['CREATE', 'DELETE']);
    expect(byType('counters')).toEqual([{ type: 'counters', data: await source.maintenance.getCounters() }]);
    expect(byType('sessions')).toEqual([
      { type: 'sessions', data: await source.maintenance.getSessionGenerations() },
    ]);
    // States come before any package (the Postgres schema needs them first).
    const firstPackage = lines.findIndex((l) => l.type === 'package');
    const lastState = lines.map((l) => l.type).lastIndexOf('state');
    expect(lastState).toBeLessThan(firstPackage);
  });

  it('reports progress in packages up to the total', async () => {
    const calls: [number, number][] = [];
    const out = join(dir, 'progress.jsonl.gz');
    const { counts } = await backupStore(source, {
      out,
      partitions: 3,
      onProgress: (d, t) => calls.push([d, t]),
    });
    expect(counts.packages).toBe(PACKAGES);
    expect(calls[0]).toEqual([0, PACKAGES]);
    expect(calls[calls.length - 1]).toEqual([PACKAGES, PACKAGES]);
    await rm(out);
  });

  it('leaves neither the file nor a .partial behind when the store fails mid-way', async () => {
    const failing = withMaintenance(source, () => ({
      scanAudit: () => Promise.reject(new Error('scan failed')),
    }));
    const out = join(dir, 'failed.jsonl.gz');
    await expect(backupStore(failing, { out })).rejects.toThrow('scan failed');
    expect((await readdir(dir)).filter((f) => f.startsWith('failed'))).toEqual([]);
  });
});

describe('restoreStore', () => {
  it('restores into an empty DynamoDB store with identical digests', async () => {
    const target = await freshDynamo();
    const calls: [number, number][] = [];
    const { counts } = await restoreStore(target, {
      in: backupFile,
      batchSize: 7,
      onProgress: (d, t) => calls.push([d, t]),
    });
    expect(counts).toMatchObject({ states: 3, users: 5, packages: PACKAGES, counters: 3 });
    expect(Object.values(await target.maintenance.getSessionGenerations()).sort()).toEqual([1, 2]);
    expect(await target.maintenance.getSessionGenerations()).toEqual(
      await source.maintenance.getSessionGenerations(),
    );
    expect(calls[calls.length - 1]).toEqual([PACKAGES, PACKAGES]);
    expect(counts.apiClients).toBe(1);
    expect(await target.listApiClients()).toEqual(await source.listApiClients());
    const report = compareDigests(sourceDigest, await digestStore(target));
    expect(report.mismatches).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('round-trips through embedded PostgreSQL (PGlite): restore, back up again, restore that', async () => {
    const pg = await freshPglite();
    await restoreStore(pg, { in: backupFile });
    expect(await pg.maintenance.getSessionGenerations()).toEqual(
      await source.maintenance.getSessionGenerations(),
    );
    expect(await pg.listApiClients()).toEqual(await source.listApiClients());
    const pgDigest = await digestStore(pg);
    expect(compareDigests(sourceDigest, pgDigest).mismatches).toEqual([]);
    expect(compareDigests(sourceDigest, pgDigest).ok).toBe(true);

    const again = join(dir, 'from-postgres.jsonl.gz');
    await backupStore(pg, { out: again });
    const [first, second] = [await readLines(backupFile), await readLines(again)];
    expect(JSON.parse(second[0]!)).toMatchObject({ backend: 'postgres' });
    expect(second.length).toBe(first.length);

    const back = await freshDynamo();
    await restoreStore(back, { in: again });
    const report = compareDigests(sourceDigest, await digestStore(back));
    expect(report.mismatches).toEqual([]);
    expect(report.ok).toBe(true);
  }, 120_000);

  describe.runIf(pgAvailable)('into a PostgreSQL server', () => {
    let database: TestDatabase | undefined;
    let target: DrivenStore | undefined;
    afterAll(async () => {
      await target?.close(); // before the drop, which ends its connections
      await database?.drop();
    });

    it('restores with identical digests', async () => {
      database = await createTestDatabase('carepack_backup');
      const handle = connectPostgres(database.url, { maxConnections: 5 });
      await migrateToLatest(handle.db);
      target = drive(createPostgresStore({ db: handle.db, onClose: handle.close }));
      await restoreStore(target, { in: backupFile });
      const report = compareDigests(sourceDigest, await digestStore(target));
      expect(report.mismatches).toEqual([]);
      expect(report.ok).toBe(true);
    });
  });

  it('refuses a non-empty store and changes nothing; with force, replaces the backed-up packages', async () => {
    const target = await freshDynamo();
    await restoreStore(target, { in: backupFile });
    // Change a draft in the target: a new document and a new version.
    const draftSummary = (await target.listByState('AK', { status: 'DRAFT' })).items[0]!;
    const drifted = await target.getPackage(draftSummary.id);
    await target.updateDraft(drifted.id, {
      expectedVersion: drifted.version,
      documents: [...drifted.revisions[0]!.documents, document('stray.pdf')],
      actor: stateActor(),
    });
    const before = await digestStore(target);
    expect(compareDigests(sourceDigest, before).mismatches).toContainEqual({
      entity: 'packages',
      id: drifted.id,
      problem: 'content differs',
    });

    await expect(restoreStore(target, { in: backupFile })).rejects.toThrow(/not empty/);
    expect(compareDigests(before, await digestStore(target)).ok).toBe(true);

    await restoreStore(target, { in: backupFile, force: true });
    const after = compareDigests(sourceDigest, await digestStore(target));
    // Every package is the backup's again (the stray document is gone); only the target's
    // own extra audit event (the UPDATE) remains, as importAudit never removes events.
    expect(after.mismatches).toEqual([{ entity: 'auditEvents', id: drifted.id, problem: 'content differs' }]);
    expect(after.target.auditEvents).toBe(after.source.auditEvents + 1);
    expect(after.target.documents).toBe(after.source.documents);
    expect(await target.getPackage(drifted.id)).toEqual(await source.getPackage(drifted.id));
  });

  it('restores a backup made before reviews (packages without review fields): they read as under review', async () => {
    const old = join(dir, 'before-reviews.jsonl.gz');
    let stripped = 0;
    await writeLines(
      old,
      (await readLines(backupFile)).map((l) => {
        const record = JSON.parse(l) as { type: string; data?: Record<string, unknown> };
        if (record.type === 'header') Object.assign(record, { version: 1 });
        if (record.type === 'footer') delete (record as { sha256?: string }).sha256;
        const data = record.data as { reviewActions?: unknown[] } | undefined;
        if (record.type !== 'package' || data?.reviewActions?.length) return JSON.stringify(record);
        stripped++;
        delete record.data!.reviewStatus;
        delete record.data!.reviewActions;
        return JSON.stringify(record);
      }),
    );
    expect(stripped).toBeGreaterThan(10);
    const target = await freshPglite();
    await restoreStore(target, { in: old });
    expectConverted(await digestStore(target), embeddedIn(await readLines(backupFile)));
  }, 90_000); // converting embedded rates on the way takes PGlite a while on a loaded machine

  it('restores a format-2 backup (before user audit; packages without questions): none, the rest as it was', async () => {
    const old = join(dir, 'before-questions.jsonl.gz');
    const content = createHash('sha256');
    let stripped = 0;
    const lines = (await readLines(backupFile)).flatMap((l) => {
      const record = JSON.parse(l) as { type: string; version?: number; data?: Package; counts?: object };
      if (record.type === 'userAudit') return [];
      if (record.type === 'header') record.version = 2;
      if (record.type === 'package' && record.data!.questions.length === 0) {
        delete (record.data as Partial<Package>).questions;
        stripped++;
      }
      if (record.type === 'footer') {
        const { userAuditEvents: _gone, ...counts } = record.counts as Record<string, number>;
        return [JSON.stringify({ type: 'footer', counts, sha256: content.digest('hex') })];
      }
      const text = JSON.stringify(record);
      content.update(`${text}\n`);
      return [text];
    });
    await writeLines(old, lines);
    expect(stripped).toBeGreaterThan(10);
    expect(lines.some((l) => l.includes('"questions"'))).toBe(true);

    const target = await freshPglite();
    const { counts } = await restoreStore(target, { in: old });
    expect(counts.userAuditEvents).toBe(0);
    const digest = await digestStore(target);
    expectConverted(digest, embeddedIn(lines), { userAuditEvents: 0 });
    expect((await target.listUserAudit()).items).toEqual([]);
  });

  it('restores a backup made before session generations (no sessions record), and never lowers one', async () => {
    const old = join(dir, 'before-sessions.jsonl.gz');
    // Such backups were format version 1: no sessions record, and no content checksum.
    await writeLines(
      old,
      (await readLines(backupFile))
        .filter((l) => !l.startsWith('{"type":"sessions"'))
        .map((l) => {
          const record = JSON.parse(l) as { type: string; version?: number; sha256?: string };
          if (record.type === 'header') record.version = 1;
          if (record.type === 'footer') delete record.sha256;
          return JSON.stringify(record);
        }),
    );
    const target = await freshDynamo();
    await restoreStore(target, { in: old });
    expect(await target.maintenance.getSessionGenerations()).toEqual({});
    // A forced restore of an older backup onto a store whose users signed out since.
    const user = (await target.listUsers())[0]!;
    for (let i = 0; i < 5; i++) await target.endSessions(user.id);
    await restoreStore(target, { in: backupFile, force: true });
    expect((await target.getSessionUser(user.id)).sessionGeneration).toBe(5);
  });

  /** Every backend a restore must hold on: DynamoDB, PGlite and (when reachable) a PostgreSQL server. */
  const backends: [string, () => Promise<DrivenStore>][] = [
    ['DynamoDB', freshDynamo],
    ['PostgreSQL (PGlite)', freshPglite],
    ...(pgAvailable
      ? ([['PostgreSQL server', freshPostgresServer]] as [string, () => Promise<DrivenStore>][])
      : []),
  ];

  describe.each(backends)('--force onto %s', (_name, fresh) => {
    it("puts the backup's version back over a newer one in the target (mode force)", async () => {
      const target = await fresh();
      await restoreStore(target, { in: backupFile });
      const summary = (await target.listByState('VT', { status: 'DRAFT' })).items[0]!;
      const backedUp = await target.getPackage(summary.id);
      await target.updateDraft(backedUp.id, {
        expectedVersion: backedUp.version,
        documents: [document('newer.pdf')],
        actor: stateActor(),
      });
      await restoreStore(target, { in: backupFile, force: true });
      expect(await target.getPackage(backedUp.id)).toEqual(backedUp);
    });

    it('refuses when another package holds a number of the backup, naming both, writing nothing', async () => {
      const target = await fresh();
      await target.upsertStates(await source.listStates());
      // The target's own first package of AK: number 1, like the backup's AK package number 1.
      const own = await target.createDraft({
        id: randomUUID(),
        stateCode: 'AK',
        formData: minimalFormData(await target.getState('AK')),
        actor: stateActor(),
      });
      expect(own.stateNumber).toBe(1);
      const theirs = (await source.listByState('AK', { order: 'oldest' })).items.find(
        (p) => p.stateNumber === 1,
      )!;
      const before = await digestStore(target);

      const error = await refusal(restoreStore(target, { in: backupFile, force: true }));
      expect(error).toBeInstanceOf(RestoreConflictError);
      expect(error.message).toContain(
        `AK number 1: package ${theirs.id} in the backup, ${own.id} in the target`,
      );
      expect(error.message).toMatch(/^nothing restored/);
      const after = compareDigests(before, await digestStore(target));
      expect(after.mismatches).toEqual([]);
      expect(after.ok).toBe(true);
      expect((await target.listByState('AK')).items.map((p) => p.id)).toEqual([own.id]);
    });
  });

  describe.each(backends.filter(([name]) => name !== 'DynamoDB'))(
    'onto %s, all or nothing',
    (_name, fresh) => {
      it('a write that fails late leaves the target as it was, and the error names the package', async () => {
        const target = await fresh();
        await target.upsertStates(await source.listStates());
        // A package of the target that shares its revision ids with the backup's last package:
        // only the database finds that, when the last batch is written.
        const lines = (await readLines(backupFile)).map(
          (l) => JSON.parse(l) as { type: string; data: Package },
        );
        const last = lines.filter((l) => l.type === 'package').pop()!.data;
        const clash: Package = { ...structuredClone(last), id: randomUUID(), stateNumber: 999 };
        await target.maintenance.importPackages([clash], { mode: 'overwrite' });
        const before = await digestStore(target);
        const counters = await target.maintenance.getCounters();

        const error = await refusal(restoreStore(target, { in: backupFile, force: true, batchSize: 1 }));
        expect(error).toBeInstanceOf(Error);
        expect(error.message).toContain(`restoring package ${last.id} (lines`);
        const after = compareDigests(before, await digestStore(target));
        expect(after.mismatches).toEqual([]);
        expect(after.ok).toBe(true);
        expect(await target.maintenance.getCounters()).toEqual(counters);
        expect(await target.listUsers()).toEqual([]);
      });
    },
  );

  describe('refuses a damaged file before writing anything', () => {
    let target: DrivenStore;
    let lines: string[];
    beforeAll(async () => {
      target = await freshDynamo();
      lines = await readLines(backupFile);
    });

    const refused = async (file: string, message: RegExp | string) => {
      await expect(restoreStore(target, { in: file })).rejects.toThrow(message);
      expect(await isEmptyStore(target)).toBe(true);
    };

    it('a cut gzip stream', async () => {
      const bytes = await readFile(backupFile);
      const cut = join(dir, 'cut.jsonl.gz');
      await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.8)));
      await refused(cut, /truncated or damaged/);
    });

    it('a file without its footer line', async () => {
      const file = join(dir, 'no-footer.jsonl.gz');
      await writeLines(file, lines.slice(0, -1));
      await refused(file, /truncated: it ends without the footer line/);
    });

    it('a file whose footer counts do not match its lines', async () => {
      const file = join(dir, 'short.jsonl.gz');
      const i = lines.findIndex((l) => l.startsWith('{"type":"package"'));
      await writeLines(file, [...lines.slice(0, i), ...lines.slice(i + 1)]);
      await refused(file, `packages: footer says ${PACKAGES}, file holds ${PACKAGES - 1}`);
    });

    it('a corrupted line, naming its number', async () => {
      const i = lines.findIndex((l) => l.startsWith('{"type":"package"')) + 3;
      const garbled = join(dir, 'garbled.jsonl.gz');
      await writeLines(
        garbled,
        lines.map((l, j) => (j === i ? l.slice(0, 40) : l)),
      );
      await refused(garbled, `line ${i + 1}: not valid JSON`);

      const invalid = join(dir, 'invalid.jsonl.gz');
      const pkg = JSON.parse(lines[i]!) as { data: { stateNumber: unknown } };
      pkg.data.stateNumber = -1;
      await writeLines(
        invalid,
        lines.map((l, j) => (j === i ? JSON.stringify(pkg) : l)),
      );
      await refused(invalid, new RegExp(`line ${i + 1}: invalid package: stateNumber`));
    });

    it('a line edited but still well-formed: the footer checksum no longer matches', async () => {
      const i = lines.findIndex((l) => l.startsWith('{"type":"audit"'));
      const event = JSON.parse(lines[i]!) as { data: { summary: string } };
      event.data.summary = 'something else happened';
      const edited = join(dir, 'edited.jsonl.gz');
      await writeLines(
        edited,
        lines.map((l, j) => (j === i ? JSON.stringify(event) : l)),
      );
      await refused(edited, /was altered: its lines do not match the footer's checksum/);
      const footer = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
      expect(footer.sha256).toMatch(/^[0-9a-f]{64}$/);
      const unsummed = join(dir, 'unsummed.jsonl.gz');
      await writeLines(unsummed, [...lines.slice(0, -1), JSON.stringify({ ...footer, sha256: undefined })]);
      await refused(unsummed, /the footer has no content checksum/);
    });

    it('a file that is not a Carepack backup, or of another version', async () => {
      const header = JSON.parse(lines[0]!) as Record<string, unknown>;
      const other = join(dir, 'other.jsonl.gz');
      await writeLines(other, [JSON.stringify({ ...header, format: 'something-else' }), ...lines.slice(1)]);
      await refused(other, /line 1: not a Carepack backup/);
      const newer = join(dir, 'newer.jsonl.gz');
      await writeLines(newer, [JSON.stringify({ ...header, version: 6 }), ...lines.slice(1)]);
      await refused(newer, /version 6 is not supported \(this version reads 1, 2, 3, 4 and 5\)/);
      const headless = join(dir, 'headless.jsonl.gz');
      await writeLines(headless, lines.slice(1));
      await refused(headless, /line 1: not a Carepack backup/);
      await refused(join(dir, 'no-such-file.jsonl.gz'), /no-such-file.jsonl.gz: no such file/);
      const plain = join(dir, 'plain.jsonl');
      await writeFile(plain, `${lines.join('\n')}\n`);
      await refused(plain, /not a complete gzip file/);
    });
  });
});
