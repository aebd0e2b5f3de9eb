/**
 * Cutover in dual-write mode: with the secondary down the portal keeps serving, every
 * failed mirror is journaled, and `repair` brings the secondary level with the primary —
 * also while the portal goes on journaling during the repair, and when the portal had to
 * start without its secondary.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { type BackendName, loadConfig } from '../../src/config.js';
import type { State } from '../../src/domain/index.js';
import { type RepairResult, repairMirror } from '../../src/ops/repair.js';
import { compareDigests, digestStore } from '../../src/ops/verify.js';
import { DEMO_USERS, seedStore } from '../../src/seed/seed.js';
import { openBackend, openStore } from '../../src/store/create-store.js';
import { createDualStore } from '../../src/store/dual/dual-store.js';
import { fileJournal } from '../../src/store/dual/mirror-journal.js';
import { openJournal } from '../../src/store/dual/open-journal.js';
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
} from '../conformance/fixtures.js';
import { freshDynamoStore } from '../support/dynamo.js';
import { openTestPglite } from '../support/pglite.js';
import { createTestDatabase, pgAvailable } from '../support/postgres.js';
import { type DrivenStore, drive } from '../support/store-commands.js';
import { switchable } from '../support/switchable-store.js';
import { tcpGate } from '../support/tcp-gate.js';

const dir = mkdtempSync(join(tmpdir(), 'carepack-dual-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dual-write with the secondary down', () => {
  it('keeps serving, journals every failed mirror, and repair catches the secondary up', async () => {
    const primary = (await freshDynamoStore('carepack-dual-primary')).store;
    // A PostgreSQL that is not there: nothing listens on port 1.
    const down = connectPostgres('postgres://postgres@127.0.0.1:1/nothing', { maxConnections: 2 });
    const journal = fileJournal(join(dir, 'journal.jsonl'));
    const errors: string[] = [];
    const dual = drive(
      createDualStore({
        primary,
        secondary: createPostgresStore({ db: down.db }),
        journal,
        mirrorTimeoutMs: 3000,
        logger: { warn: () => {}, error: (_d, m) => errors.push(m) },
      }),
    );
    await seedStore(dual, { demoUsers: true });
    const app = await buildApp({ store: dual, sessionSecret: 'x'.repeat(40), devLogin: true, logger: false });
    try {
      const mn = DEMO_USERS.find((u) => u.role === 'STATE_USER' && u.stateCode === 'MN')!;
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/dev-login',
        payload: { userId: mn.id },
      });
      const cookies = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const auth = { cookie: cookies, 'x-csrf-token': String(login.headers['x-csrf-token']) };
      const pmap = (await primary.getState('MN')).programs.find((p) => p.name === 'PMAP')!.id;
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/packages',
          headers: auth,
          payload: { formData: { submissionType: 'CONTRACT_ONLY', programIds: [pmap] } },
        });
        expect(res.statusCode, res.body).toBe(201);
        ids.push(res.json().id);
      }
      const upd = await app.inject({
        method: 'PUT',
        url: `/api/packages/${ids[0]}`,
        headers: auth,
        payload: {
          expectedVersion: 1,
          formData: { submissionType: 'CONTRACT_ONLY', programIds: [pmap], submissionDescription: 'x' },
        },
      });
      expect(upd.statusCode).toBe(200);
      const del = await app.inject({
        method: 'DELETE',
        url: `/api/packages/${ids[2]}?expectedVersion=1`,
        headers: auth,
      });
      expect(del.statusCode).toBe(204);

      const pending = await journal.pending();
      expect(new Set(pending.flatMap((f) => f.packageId ?? [])).size).toBe(3);
      expect(pending.some((f) => f.kind === 'reference')).toBe(true);
      expect(errors.length).toBeGreaterThan(0);

      // The secondary comes back (here: a fresh embedded PostgreSQL), and repair runs.
      const up = await openTestPglite();
      await migrateToLatest(up.db);
      const secondary = drive(createPostgresStore({ db: up.db, onClose: up.close }));
      const result = await repairMirror(primary, secondary, journal);
      expect(result).toEqual({ repaired: 3, remaining: 0, errors: [] });
      expect(await journal.pending()).toEqual([]);
      const report = compareDigests(await digestStore(primary), await digestStore(secondary));
      expect(report.mismatches).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.target.packages).toBe(2);
      await secondary.close();
    } finally {
      await app.close();
      await primary.close();
      await down.close();
    }
  }, 120_000);
});

const silent = { warn: () => {}, error: () => {} };

/** A PostgreSQL store on its own database: the server when there is one, else PGlite. */
async function freshPostgresStore(): Promise<{ store: DrivenStore; drop: () => Promise<void> }> {
  if (pgAvailable) {
    const db = await createTestDatabase('carepack_dual');
    const handle = connectPostgres(db.url, { maxConnections: 4 });
    await migrateToLatest(handle.db);
    return {
      store: drive(createPostgresStore({ db: handle.db, onClose: handle.close })),
      drop: () => db.drop(),
    };
  }
  const lite = await openTestPglite();
  await migrateToLatest(lite.db);
  return { store: drive(createPostgresStore({ db: lite.db, onClose: lite.close })), drop: async () => {} };
}

/** The administrator and the reviewer `portalWrites` act as; seeded into the store first. */
const admin = cmsUser('ADMIN_USER');
const reviewer = cmsUser({ division: 'DMCO' });
const DIVISIONS = ['DMCO', 'DMCP', 'OACT'] as const;

/**
 * What the portal does all day: create, change, submit (and CMS asks a question) or delete,
 * download, and now and then an administrator changes the reviewer's division. Returns how
 * many packages it made.
 */
async function portalWrites(
  store: DrivenStore,
  states: readonly State[],
  stop: () => boolean,
): Promise<number> {
  const actor = stateActor();
  let n = 0;
  while (!stop()) {
    const state = states[n % states.length]!;
    const pkg = await draft(store, state, actor);
    const formData = { ...minimalFormData(state), submissionDescription: `change ${n}` };
    const changed = await store.updateDraft(pkg.id, { expectedVersion: 1, formData, actor });
    if (n % 5 === 0) await store.setDivision(reviewer.id, { admin, division: DIVISIONS[n % 3]! });
    if (n % 3 === 0) {
      await store.submit(pkg.id, { expectedVersion: changed.version, actor });
      await store.askQuestion(pkg.id, { user: reviewer, documents: [qaDocument()] });
    } else if (n % 3 === 1) await store.deleteDraft(pkg.id, { expectedVersion: changed.version, actor });
    else
      await store.appendAudit({
        at: new Date().toISOString(),
        packageId: pkg.id,
        actor,
        action: 'DOWNLOAD',
        summary: 'contract.pdf',
      });
    n++;
  }
  return n;
}

const PAIRS: {
  name: string;
  codes: string[];
  open: () => Promise<[primary: DrivenStore, secondary: DrivenStore, drop: () => Promise<void>]>;
}[] = [
  {
    name: 'DynamoDB primary, PostgreSQL secondary',
    codes: ['RA', 'RB', 'RC'],
    async open() {
      const pg = await freshPostgresStore();
      return [(await freshDynamoStore('carepack-dual-repair')).store, pg.store, pg.drop];
    },
  },
  {
    name: 'PostgreSQL primary, DynamoDB secondary',
    codes: ['SA', 'SB', 'SC'],
    async open() {
      const pg = await freshPostgresStore();
      return [pg.store, (await freshDynamoStore('carepack-dual-repair')).store, pg.drop];
    },
  },
];

describe.each(PAIRS)('repair while the portal goes on journaling ($name)', ({ codes, open }) => {
  it('loses no entry journaled during a repair: after the secondary is back and a last repair, verify finds the stores equal', async () => {
    const [primary, secondary, drop] = await open();
    const path = join(dir, `concurrent-${codes[0]}.jsonl`);
    // The portal and `store repair` are two processes sharing only the file: two journals on one path.
    const portalJournal = fileJournal(path);
    const repairJournal = fileJournal(path);
    // The secondary refuses the portal, not the operator's repair.
    const seenByPortal = switchable(secondary);
    const dual = drive(
      createDualStore({
        primary,
        secondary: seenByPortal,
        journal: portalJournal,
        logger: silent,
      }),
    );
    try {
      const states = codes.map((code) => makeState(code));
      await dual.upsertStates(states);
      await dual.upsertUsers([admin, reviewer]);
      seenByPortal.availability = 'down';

      let writing = true;
      const writers = Promise.all([1, 2, 3].map(() => portalWrites(dual, states, () => !writing)));
      const rounds: RepairResult[] = [];
      try {
        for (let round = 0; round < 3; round++) {
          // Until a package's mirror has failed: a create journals its counter's mirror first, and
          // a round that found only that would repair no package (the check below counts packages).
          while (!(await repairJournal.pending()).some((f) => f.kind === 'package'))
            await new Promise((r) => setTimeout(r, 20));
          rounds.push(await repairMirror(primary, secondary, repairJournal));
        }
      } finally {
        writing = false;
      }
      const made = (await writers).reduce((a, b) => a + b, 0);
      console.info(
        `${made} packages written while ${rounds.length} repairs ran; repaired per round: ${rounds.map((r) => r.repaired).join(', ')}`,
      );
      expect(rounds.flatMap((r) => r.errors)).toEqual([]);
      expect(rounds.every((r) => r.repaired > 0)).toBe(true);

      // The secondary answers the portal again; its next writes are mirrored, and a last repair
      // replays what was journaled after the last concurrent round.
      seenByPortal.availability = 'up';
      writing = true;
      const more = portalWrites(dual, states, () => !writing);
      await new Promise((r) => setTimeout(r, 300));
      writing = false;
      await more;
      const last = await repairMirror(primary, secondary, repairJournal);
      expect(last.errors).toEqual([]);
      expect(last.remaining).toBe(0);
      expect(last.repaired).toBeGreaterThan(0);
      expect(await repairJournal.pending()).toEqual([]);

      const report = compareDigests(await digestStore(primary), await digestStore(secondary));
      expect(report.mismatches).toEqual([]);
      expect(report.ok).toBe(true);
      // Every third package was deleted.
      expect(report.source.packages).toBeGreaterThanOrEqual(Math.floor((made * 2) / 3));
      // Questions and user changes were journaled and repaired like the rest.
      expect(report.source.questions).toBeGreaterThanOrEqual(Math.floor(made / 3));
      expect(report.source.userAuditEvents).toBeGreaterThanOrEqual(Math.floor(made / 5));
    } finally {
      await primary.close();
      await secondary.close();
      await drop();
    }
  }, 300_000);
});

describe.runIf(pgAvailable)('dual-write starting while the secondary is unreachable', () => {
  it.each<BackendName>(['dynamodb', 'postgres'])(
    'primary %s: serves, journals, says degraded on /readyz, and catches up once the secondary is back',
    async (primaryName) => {
      const secondaryName: BackendName = primaryName === 'dynamodb' ? 'postgres' : 'dynamodb';
      const db = await createTestDatabase('carepack_dual_start');
      const dynamo = new URL(inject('dynamoEndpoint'));
      const pgUrl = new URL(db.url);
      const real = secondaryName === 'postgres' ? pgUrl : dynamo;
      const gate = await tcpGate({ host: real.hostname, port: Number(real.port) });
      const gated = new URL(real.toString());
      gated.port = String(gate.port);
      const config = loadConfig({
        CAREPACK_STORE: 'dual',
        CAREPACK_DUAL_PRIMARY: primaryName,
        CAREPACK_IN_MEMORY: '1',
        CAREPACK_DATA_DIR: dir,
        CAREPACK_DUAL_JOURNAL: join(dir, `start-${primaryName}.jsonl`),
        CAREPACK_DYNAMODB_TABLE: `carepack-dual-start-${randomUUID()}`,
        CAREPACK_DYNAMODB_ENDPOINT: (secondaryName === 'dynamodb' ? gated : dynamo).toString(),
        DATABASE_URL: (secondaryName === 'postgres' ? gated : pgUrl).toString(),
      }).store;
      const journal = openJournal(config.dual.journal);

      const opened = await openStore(config, { logger: silent, secondaryRetryAfterMs: 100 });
      const store = drive(opened.store);
      const app = await buildApp({ store, sessionSecret: 'x'.repeat(40), devLogin: false, logger: false });
      const readiness = async () => {
        const res = await app.inject({ method: 'GET', url: '/readyz' });
        expect(res.statusCode).toBe(200);
        return res.json() as { ok: boolean; checks: Record<string, string>; degraded?: string[] };
      };
      try {
        expect(opened.warnings?.join()).toContain(`the ${secondaryName} secondary is not reachable`);
        await seedStore(store, { demoUsers: true });
        const down = await readiness();
        expect(down.ok).toBe(true);
        expect(down.checks).toMatchObject({ datastore: 'ok', mirror: 'degraded' });
        expect(down.degraded?.join()).toContain(`the ${secondaryName} secondary is not connected`);

        const mn = await store.getState('MN');
        const first = await draft(store, mn);
        expect((await journal.pending()).map((f) => f.packageId)).toContain(first.id);

        // The secondary comes back: the next mirror attempt connects (and migrates) it.
        gate.open = true;
        await new Promise((r) => setTimeout(r, 150));
        const deadline = Date.now() + 60_000;
        let second = await draft(store, mn);
        while (
          (await readiness()).degraded?.some((d) => d.includes('not connected')) &&
          Date.now() < deadline
        ) {
          await new Promise((r) => setTimeout(r, 200));
          second = await draft(store, mn);
        }
        const behind = await readiness();
        expect(behind.degraded?.join()).toContain('run `carepack store repair`');

        // The operator's repair, on connections of its own as the CLI makes them.
        const primary = await openBackend(config, primaryName);
        const secondary = await openBackend(config, secondaryName);
        try {
          const result = await repairMirror(primary.store, secondary.store, journal);
          expect(result.errors).toEqual([]);
          expect(result.remaining).toBe(0);
          await store.updateDraft(second.id, {
            expectedVersion: 1,
            formData: minimalFormData(mn),
            actor: stateActor(),
          });
          const healthy = await readiness();
          expect(healthy.checks).toMatchObject({ datastore: 'ok', mirror: 'ok' });
          expect(healthy.degraded).toBeUndefined();
          const report = compareDigests(await digestStore(primary.store), await digestStore(secondary.store));
          expect(report.mismatches).toEqual([]);
          expect(report.ok).toBe(true);
        } finally {
          await primary.store.close();
          await secondary.store.close();
        }
      } finally {
        await app.close();
        await store.close();
        await gate.close();
        await db.drop();
      }
    },
    180_000,
  );
});
