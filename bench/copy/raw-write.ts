/**
 * The write side of the copy benchmark's raw bound: bulk INSERTs into a fresh, migrated
 * PostgreSQL database (one statement per table per batch, rows as one JSON parameter, built with
 * the store's own marshalling) in a transaction per batch. No Store, no checkpoints, no verification.
 */
import type pg from 'pg';
import type { State } from '../../src/domain/index.js';
import {
  auditRow,
  packageRow,
  programRows,
  type RevisionRows,
  reviewActionRows,
  revisionRows,
} from '../../src/store/postgres/postgres-marshal.js';
import { REVISION_CHILD_TABLES } from '../../src/store/postgres/postgres-schema.js';
import type { ScanSink } from './raw-scan.js';

/** Which list of revisionRows fills each child table. */
const CHILD_ROWS: Record<(typeof REVISION_CHILD_TABLES)[number], Exclude<keyof RevisionRows, 'revision'>> = {
  revision_programs: 'programs',
  state_contacts: 'contacts',
  rate_certifications: 'rates',
  rate_programs: 'ratePrograms',
  certifying_actuaries: 'actuaries',
  documents: 'documents',
  rate_links: 'links',
};

const insertJson = (c: pg.PoolClient, table: string, rows: unknown[]) =>
  rows.length === 0
    ? undefined
    : c.query(`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`, [
        JSON.stringify(rows),
      ]);

async function inTransaction(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<void>) {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await work(c);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

/** Bulk writes into a migrated, empty database: one statement per table per batch. */
export function bulkWriter(pool: pg.Pool): ScanSink & {
  reference(states: readonly State[]): Promise<void>;
  counters(counters: Record<string, number>): Promise<void>;
} {
  return {
    reference: (states) =>
      inTransaction(pool, async (c) => {
        await insertJson(
          c,
          'states',
          states.map((s) => ({ code: s.code, name: s.name })),
        );
        await insertJson(c, 'programs', states.flatMap(programRows));
      }),
    counters: (counters) =>
      inTransaction(pool, async (c) => {
        await insertJson(
          c,
          'state_counters',
          Object.entries(counters).map(([state_code, last_number]) => ({ state_code, last_number })),
        );
      }),
    packages: (batch) =>
      inTransaction(pool, async (c) => {
        // Submitted revisions and their rows: allowed in a transaction that says so, as the store's import does.
        await c.query("SELECT set_config('carepack.allow_rewrite', 'on', true)");
        const revisions = batch.flatMap((p) => p.revisions.map((r) => revisionRows(p, r)));
        await insertJson(c, 'packages', batch.map(packageRow));
        await insertJson(
          c,
          'revisions',
          revisions.map((r) => r.revision),
        );
        // In the schema's insert order: a rate's programs and actuaries after the rate.
        for (const table of REVISION_CHILD_TABLES) {
          await insertJson(
            c,
            table,
            revisions.flatMap((r): unknown[] => r[CHILD_ROWS[table]]),
          );
        }
        await insertJson(
          c,
          'review_actions',
          batch.flatMap((p) => reviewActionRows(p)),
        );
      }),
    audit: (batch) =>
      inTransaction(pool, async (c) => void (await insertJson(c, 'audit_events', batch.map(auditRow)))),
  };
}
