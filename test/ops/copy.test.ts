/**
 * `carepack store copy`: a seeded DynamoDB store with hundreds of packages copies to
 * PostgreSQL and back, verifies equal, and survives being killed part-way.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { User } from '../../src/domain/index.js';
import { copyStore } from '../../src/ops/copy.js';
import { compareDigests, digestStore, formatReport, verifyStores } from '../../src/ops/verify.js';
import { connectPostgres, type PostgresHandle } from '../../src/store/postgres/postgres-client.js';
import { migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import {
  cmsActor,
  cmsUser,
  document,
  draft,
  makeState,
  qaDocument,
  stateActor,
  stateUser,
  submitted,
} from '../conformance/fixtures.js';
import { freshDynamoStore } from '../support/dynamo.js';
import { generatePackages } from '../support/package-factory.js';
import { openTestPglite } from '../support/pglite.js';
import { createTestDatabase, pgAvailable, type TestDatabase } from '../support/postgres.js';
import { type DrivenStore, drive, withMaintenance } from '../support/store-commands.js';

// Enough for several pages per partition at the batch sizes below, and a copy to kill half-way.
const PACKAGES = 500;
const work = mkdtempSync(join(tmpdir(), 'carepack-copy-'));
let source: DrivenStore;
let sourceTable: string;
const states = ['AA', 'AB', 'AC', 'AD', 'AE'].map((code) => makeState(code));
const signedOut: User = {
  id: randomUUID(),
  email: 'signed.out@cms.example.gov',
  givenName: 'Sig',
  familyName: 'Nedout',
  role: 'CMS_USER',
  division: 'DMCO',
};
/** The same user asks questions; an administrator then changes its division (one user-audit event). */
const reviewer = signedOut;
const admin = cmsUser('ADMIN_USER');

async function postgresTarget(): Promise<{ store: DrivenStore; handle: PostgresHandle; db?: TestDatabase }> {
  if (pgAvailable) {
    const db = await createTestDatabase('carepack_copy');
    const handle = connectPostgres(db.url);
    await migrateToLatest(handle.db);
    return { store: drive(createPostgresStore({ db: handle.db, onClose: handle.close })), handle, db };
  }
  const handle = await openTestPglite();
  await migrateToLatest(handle.db);
  return { store: drive(createPostgresStore({ db: handle.db, onClose: handle.close })), handle };
}

beforeAll(async () => {
  const fresh = await freshDynamoStore('carepack-copy-src');
  source = fresh.store;
  sourceTable = fresh.tableName;
  await source.upsertStates(states);
  // A user who signed out three times: the sessions ended on the source stay ended on a copy.
  await source.upsertUsers([signedOut]);
  for (let i = 0; i < 3; i++) await source.endSessions(signedOut.id);
  const data = generatePackages(states, PACKAGES);
  for (let i = 0; i < data.packages.length; i += 500)
    await source.maintenance.importPackages(data.packages.slice(i, i + 500), { mode: 'overwrite' });
  await source.maintenance.importAudit(data.audit);
  await source.maintenance.raiseCounters(data.counters);
  // And some made the ordinary way: a deleted draft (audit only), an unlocked package with
  // CMS's questions (one answered, one open), and an administrator's change of a user.
  const actor = stateActor();
  const gone = await draft(source, states[0]!, actor);
  await source.deleteDraft(gone.id, { expectedVersion: 1, actor });
  const sub = await submitted(source, states[1]!, actor);
  const asked = await source.askQuestion(sub.id, {
    user: reviewer,
    text: 'Which trend?',
    documents: [qaDocument('questions.pdf')],
  });
  const answered = await source.respond(sub.id, {
    user: stateUser(states[1]!.code),
    questionId: asked.questions[0]!.id,
    documents: [qaDocument('answers.pdf'), qaDocument('rates.xlsx')],
  });
  await source.askQuestion(sub.id, { user: reviewer, documents: [qaDocument()] });
  await source.unlock(sub.id, { expectedVersion: answered.version + 1, actor: cmsActor(), reason: 'r' });
  await source.upsertUsers([admin]);
  await source.setDivision(reviewer.id, { admin, division: 'OACT' });
  // And assigns it to two states (issue 14): a copy must carry them.
  await source.setStateAssignments(reviewer.id, { admin, stateCodes: ['AB', 'AA'] });
}, 120_000);

afterAll(async () => {
  await source?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('store copy', () => {
  it('copies DynamoDB → PostgreSQL and back, every record verified equal', async () => {
    const target = await postgresTarget();
    const back = (await freshDynamoStore('carepack-copy-back')).store;
    try {
      const phases = new Set<string>();
      const checkpointFile = join(work, 'in-process.json');
      const result = await copyStore({
        source,
        target: target.store,
        from: 'dynamodb',
        to: 'postgres',
        checkpointFile,
        partitions: 3,
        batchSize: 75,
        onProgress: (p) => phases.add(p.phase),
      });
      expect(result.report.mismatches).toEqual([]);
      expect(result.report.ok).toBe(true);
      expect(result.report.target.packages).toBe(PACKAGES + 1);
      expect(result.report.target.revisions).toBeGreaterThan(PACKAGES);
      expect(result.report.target.auditEvents).toBeGreaterThan(PACKAGES);
      // The questions rode with their package (the package checksums compare their content).
      expect(result.report.target).toMatchObject({ questions: 2, responses: 1, userAuditEvents: 2 });
      expect(result.userAuditEvents).toBe(2);
      expect(await target.store.getUser(reviewer.id)).toMatchObject({ stateAssignments: ['AA', 'AB'] });
      expect([...phases]).toEqual(['reference', 'rates', 'packages', 'audit', 'userAudit', 'verify']);
      expect(await target.store.maintenance.getSessionGenerations()).toEqual({ [signedOut.id]: 3 });
      expect(existsSync(checkpointFile)).toBe(false);

      const reverse = await copyStore({
        source: target.store,
        target: back,
        from: 'postgres',
        to: 'dynamodb',
        checkpointFile: join(work, 'reverse.json'),
      });
      expect(reverse.report.ok).toBe(true);
      expect(await back.maintenance.getSessionGenerations()).toEqual({ [signedOut.id]: 3 });
      expect(compareDigests(await digestStore(source), await digestStore(back)).ok).toBe(true);
    } finally {
      await back.close();
      await target.store.close();
      await target.db?.drop();
    }
  }, 180_000);

  it('copied again onto an earlier copy, brings over changes and removes drafts deleted since', async () => {
    const small = (await freshDynamoStore('carepack-copy-again')).store;
    const target = await postgresTarget();
    try {
      await small.upsertStates(states.slice(0, 2));
      const data = generatePackages(states.slice(0, 2), 30);
      await small.maintenance.importPackages(data.packages, { mode: 'overwrite' });
      await small.maintenance.raiseCounters(data.counters);
      const actor = stateActor();
      const doomed = await draft(small, states[0]!, actor);
      const edited = await draft(small, states[1]!, actor);
      const checkpointFile = join(work, 'again.json');
      const copy = () =>
        copyStore({ source: small, target: target.store, from: 'dynamodb', to: 'postgres', checkpointFile });
      expect((await copy()).report.ok).toBe(true);

      await small.deleteDraft(doomed.id, { expectedVersion: 1, actor });
      await small.updateDraft(edited.id, { expectedVersion: 1, documents: [document('new.pdf')], actor });
      const again = await copy();
      expect(again.report.mismatches).toEqual([]);
      expect(again.report.ok).toBe(true);
      await expect(target.store.getPackage(doomed.id)).rejects.toThrow(/not found/);
      expect((await target.store.getPackage(edited.id)).revisions[0]!.documents.map((d) => d.name)).toEqual([
        'new.pdf',
      ]);
    } finally {
      await small.close();
      await target.store.close();
      await target.db?.drop();
    }
  }, 120_000);

  it('never removes a package created in the target after the copy began; lists it instead', async () => {
    const small = (await freshDynamoStore('carepack-copy-live')).store;
    const target = await postgresTarget();
    try {
      await small.upsertStates(states.slice(0, 1));
      const data = generatePackages(states.slice(0, 1), 12);
      await small.maintenance.importPackages(data.packages, { mode: 'overwrite' });
      await small.maintenance.raiseCounters(data.counters);
      await target.store.upsertStates(states.slice(0, 1));
      await target.store.maintenance.raiseCounters({ [states[0]!.code]: 100 });
      // Someone writes to the target while the copy runs: a package the source never had.
      let creating: Promise<string> | undefined;
      const busy = withMaintenance(target.store, (real) => ({
        async importPackages(...args) {
          creating ??= draft(target.store, states[0]!, stateActor()).then((p) => p.id);
          await creating;
          return real.importPackages(...args);
        },
      }));
      const result = await copyStore({
        source: small,
        target: busy,
        from: 'dynamodb',
        to: 'postgres',
        checkpointFile: join(work, 'live.json'),
        batchSize: 5,
      });
      const created = await creating;
      expect((await target.store.getPackage(created!)).id).toBe(created);
      expect(result.kept).toEqual([created]);
      expect(result.pruned).toBe(0);
      // Reported, not hidden (the target's counter was raised by hand above, so it differs too).
      expect(result.report.mismatches).toEqual([
        { entity: 'packages', id: created, problem: 'missing in source' },
        { entity: 'auditEvents', id: created, problem: 'missing in source' },
        { entity: 'counters', id: '*', problem: 'content differs' },
      ]);
    } finally {
      await small.close();
      await target.store.close();
      await target.db?.drop();
    }
  }, 120_000);

  it('verify reads a difference again a bounded number of times and then reports it', async () => {
    const a = (await freshDynamoStore('carepack-verify-a')).store;
    const b = (await freshDynamoStore('carepack-verify-b')).store;
    try {
      await a.upsertStates(states.slice(0, 1));
      await b.upsertStates(states.slice(0, 1));
      const only = await draft(a, states[0]!, stateActor());
      const report = await verifyStores(a, b, { rechecks: 2, recheckDelayMs: 10 });
      expect(report.ok).toBe(false);
      expect(report.rechecks).toBe(2);
      expect(report.mismatches).toContainEqual({
        entity: 'packages',
        id: only.id,
        problem: 'missing in target',
      });
      expect(formatReport(report)).toContain('still different after reading again 2 time(s)');
      // A difference that goes away while verifying is counted as settled, not reported.
      const late = new Proxy(b, {
        get(t, key, receiver) {
          if (key === 'getPackage') {
            return async (id: string) => {
              await t.maintenance.importPackages([await a.getPackage(id)]);
              return t.getPackage(id);
            };
          }
          return Reflect.get(t, key, receiver);
        },
      });
      await b.maintenance.importAudit((await a.listAudit(only.id)).items);
      await b.maintenance.raiseCounters(await a.maintenance.getCounters());
      const settled = await verifyStores(a, late, { recheckDelayMs: 10 });
      expect(settled.mismatches).toEqual([]);
      expect(settled.ok).toBe(true);
      expect(settled.settled).toBe(1);
      expect(formatReport(settled)).toContain('VERIFIED');
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);

  it("verify compares the questions' content and the user-audit trail", async () => {
    const a = (await freshDynamoStore('carepack-verify-qa')).store;
    const b = (await freshDynamoStore('carepack-verify-qb')).store;
    try {
      for (const store of [a, b]) {
        await store.upsertStates(states.slice(0, 1));
        await store.upsertUsers([signedOut, admin]);
      }
      const pkg = await submitted(a, states[0]!);
      const asked = await a.askQuestion(pkg.id, { user: reviewer, text: 'Why?', documents: [qaDocument()] });
      await b.maintenance.importPackages([asked]);
      await b.maintenance.importAudit((await a.listAudit(pkg.id)).items);
      await b.maintenance.raiseCounters(await a.maintenance.getCounters());
      expect((await verifyStores(a, b, { rechecks: 0 })).ok).toBe(true);

      // Same counts, other words: the package checksum tells.
      const reworded = structuredClone(asked);
      reworded.questions[0]!.text = 'Why not?';
      await b.maintenance.importPackages([reworded], { mode: 'force' });
      const differs = await verifyStores(a, b, { rechecks: 0 });
      expect(differs.mismatches).toEqual([{ entity: 'packages', id: pkg.id, problem: 'content differs' }]);
      expect(differs.target.questions).toBe(differs.source.questions);
      await b.maintenance.importPackages([asked], { mode: 'force' });

      await a.setDivision(signedOut.id, { admin, division: 'DMCP' });
      const behind = await verifyStores(a, b, { rechecks: 0 });
      expect(behind.mismatches).toContainEqual({
        entity: 'userAuditEvents',
        id: '*',
        problem: 'content differs',
      });
      expect([behind.source.userAuditEvents, behind.target.userAuditEvents]).toEqual([1, 0]);
      expect(formatReport(behind)).toMatch(/userAuditEvents +1 +0 +DIFFERENT/);
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);

  it('refuses a checkpoint of another copy', async () => {
    const target = await postgresTarget();
    try {
      const checkpointFile = join(work, 'other.json');
      writeFileSync(
        checkpointFile,
        JSON.stringify({
          version: 1,
          from: 'postgres',
          to: 'dynamodb',
          partitions: 1,
          packages: [],
          audit: [],
        }),
      );
      await expect(
        copyStore({ source, target: target.store, from: 'dynamodb', to: 'postgres', checkpointFile }),
      ).rejects.toThrow(/belongs to a copy from postgres to dynamodb/);
      expect(await target.store.maintenance.countPackages()).toBe(0);
    } finally {
      await target.store.close();
      await target.db?.drop();
    }
  });

  describe.runIf(pgAvailable)('killed part-way (a real child process, SIGKILL)', () => {
    it('resumes from its checkpoint and ends with equal checksums and no duplicates', async () => {
      const db = await createTestDatabase('carepack_kill');
      const checkpointFile = join(work, 'kill.json');
      const env = {
        ...process.env,
        CAREPACK_DATA_DIR: work,
        CAREPACK_DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
        CAREPACK_DYNAMODB_TABLE: sourceTable,
        DATABASE_URL: db.url,
      };
      const args = [
        'bin/carepack.js',
        'store',
        'copy',
        '--from',
        'dynamo',
        '--to',
        'postgres',
        '--partitions',
        '2',
        '--batch',
        '25',
        '--checkpoint',
        checkpointFile,
      ];
      try {
        const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (d) => (output += d));
        child.stderr.on('data', (d) => (output += d));
        const exited = new Promise<NodeJS.Signals | number | null>((r) =>
          child.on('exit', (code, signal) => r(signal ?? code)),
        );
        // Wait until some, but not all, packages are in: then pull the plug.
        const deadline = Date.now() + 60_000;
        let copied = 0;
        while (Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
          if (!existsSync(checkpointFile)) continue;
          try {
            const cp = JSON.parse(readFileSync(checkpointFile, 'utf8')) as { packages: { copied: number }[] };
            copied = cp.packages.reduce((n, p) => n + p.copied, 0);
          } catch {
            continue; // caught mid-rename
          }
          if (copied >= 200) break;
        }
        expect(copied, output).toBeGreaterThanOrEqual(200);
        child.kill('SIGKILL');
        expect(await exited).toBe('SIGKILL');

        const partial = connectPostgres(db.url);
        const { n } = await partial.db
          .selectFrom('packages')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow();
        await partial.close();
        expect(Number(n)).toBeGreaterThan(0);
        expect(Number(n)).toBeLessThan(PACKAGES + 1);

        const again = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out2 = '';
        again.stdout.on('data', (d) => (out2 += d));
        again.stderr.on('data', (d) => (out2 += d));
        const code = await new Promise<number | null>((r) => again.on('exit', (c) => r(c)));
        expect(code, out2).toBe(0);
        expect(out2).toContain('resuming the copy');
        expect(out2).toContain('VERIFIED');

        const handle = connectPostgres(db.url);
        const target = drive(createPostgresStore({ db: handle.db, onClose: handle.close }));
        try {
          const report = compareDigests(await digestStore(source), await digestStore(target));
          expect(report.ok).toBe(true);
          expect(report.target.packages).toBe(PACKAGES + 1);
        } finally {
          await target.close();
        }
      } finally {
        await db.drop();
      }
    }, 240_000);
  });
});
