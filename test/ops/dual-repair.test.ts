/**
 * Cutover in dual-write mode: with the secondary down the portal keeps serving, every
 * failed mirror is journaled, and `repair` brings the secondary level with the primary.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { repairMirror } from '../../src/ops/repair.js';
import { compareDigests, digestStore } from '../../src/ops/verify.js';
import { DEMO_USERS, seedStore } from '../../src/seed/seed.js';
import { createDualStore } from '../../src/store/dual/dual-store.js';
import { fileJournal } from '../../src/store/dual/mirror-journal.js';
import { connectPostgres, openPglite } from '../../src/store/postgres/postgres-client.js';
import { migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { freshDynamoStore } from '../support/dynamo.js';

const dir = mkdtempSync(join(tmpdir(), 'carepack-dual-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dual-write with the secondary down', () => {
  it('keeps serving, journals every failed mirror, and repair catches the secondary up', async () => {
    const primary = (await freshDynamoStore('carepack-dual-primary')).store;
    // A PostgreSQL that is not there: nothing listens on port 1.
    const down = connectPostgres('postgres://postgres@127.0.0.1:1/nothing', { maxConnections: 2 });
    const journal = fileJournal(join(dir, 'journal.jsonl'));
    const errors: string[] = [];
    const dual = createDualStore({
      primary,
      secondary: createPostgresStore({ db: down.db }),
      journal,
      mirrorTimeoutMs: 3000,
      logger: { warn: () => {}, error: (_d, m) => errors.push(m) },
    });
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
      const up = await openPglite();
      await migrateToLatest(up.db);
      const secondary = createPostgresStore({ db: up.db, onClose: up.close });
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
