/** The write side alone, from memory: the store's imports as copyStore calls them, and the raw bulk writes. */
import type { Package } from '../../src/domain/index.js';
import { inParallel } from '../../src/lib/parallel.js';
import type { AuditEvent } from '../../src/store/store.js';
import { chunks } from '../lib/chunks.js';
import { rawPool } from '../lib/pg.js';
import { type Seeded, states } from './data.js';
import { dispose, type Env, freshPostgres } from './env.js';
import { type Measure, measure, now } from './measure.js';
import { bulkWriter } from './raw-write.js';
import { BATCH, PARTITIONS } from './settings.js';

interface Writer {
  packages(batch: Package[]): Promise<void>;
  audit(batch: AuditEvent[]): Promise<void>;
}

/** All packages, then all audit events, in batches of BATCH, PARTITIONS batches in flight. */
function timedWrites(what: string, data: Seeded, writer: Writer): Promise<Measure> {
  const batches = chunks(data.packages, BATCH);
  const auditBatches = chunks(data.audit, BATCH);
  return measure(what, async () => {
    const started = now();
    await inParallel(batches, PARTITIONS, (b) => writer.packages(b));
    const middle = now();
    await inParallel(auditBatches, PARTITIONS, (b) => writer.audit(b));
    return {
      packages: data.packages.length,
      extra: { packagesS: middle - started, auditS: now() - middle },
    };
  });
}

export async function writesAlone(env: Env, data: Seeded): Promise<Measure[]> {
  const out: Measure[] = [];
  const t = await freshPostgres(env);
  try {
    await t.store.upsertStates(states);
    out.push(
      await timedWrites(
        `store importPackages + importAudit alone (×${BATCH}, ${PARTITIONS} in parallel)`,
        data,
        {
          packages: (b) => t.store.maintenance.importPackages(b, { mode: 'overwrite' }),
          audit: (b) => t.store.maintenance.importAudit(b),
        },
      ),
    );
  } finally {
    await dispose(env, t);
  }
  const r = await freshPostgres(env);
  const pool = rawPool(r.db.url);
  try {
    const writer = bulkWriter(pool);
    await writer.reference(states);
    out.push(
      await timedWrites(`raw bulk INSERTs alone (×${BATCH}, ${PARTITIONS} in parallel)`, data, writer),
    );
  } finally {
    await pool.end();
    await dispose(env, r);
  }
  return out;
}
