/** One timed run of the raw bound: the source table into a fresh database by raw-scan + raw-write. */
import { rawPool } from '../lib/pg.js';
import { dispose, type Env, freshPostgres } from './env.js';
import { type Measure, measure } from './measure.js';
import { readCounters, readStates, scanTable } from './raw-scan.js';
import { bulkWriter } from './raw-write.js';
import { BATCH, PARTITIONS, SOURCE_TABLE } from './settings.js';

/** The raw bound into a fresh database; checked by row counts. */
export async function rawCopy(env: Env): Promise<Measure> {
  const target = await freshPostgres(env);
  const pool = rawPool(target.db.url);
  try {
    return await measure('raw bound DynamoDB → PostgreSQL', async () => {
      const writer = bulkWriter(pool);
      const found = await readStates(env.clients.doc, SOURCE_TABLE);
      await writer.reference(found);
      const counts = await scanTable(env.clients.doc, SOURCE_TABLE, {
        segments: PARTITIONS,
        batchSize: BATCH,
        sink: writer,
      });
      await writer.counters(await readCounters(env.clients.doc, SOURCE_TABLE, found));
      const { rows } = await pool.query(
        'SELECT (SELECT count(*)::int FROM packages) AS p, (SELECT count(*)::int FROM audit_events) AS a',
      );
      const got = rows[0] as { p: number; a: number };
      if (got.p !== counts.packages || got.a !== counts.auditEvents)
        throw new Error(`raw copy wrote ${JSON.stringify(got)} of ${JSON.stringify(counts)}`);
      return { packages: counts.packages, extra: { items: counts.items, auditEvents: counts.auditEvents } };
    });
  } finally {
    await pool.end();
    await dispose(env, target);
  }
}
