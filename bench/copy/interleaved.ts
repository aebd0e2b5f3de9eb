/**
 * The headline runs: copyStore, the raw bound and copyStore with smaller batches, REPS of each,
 * interleaved so that load drifting over the run falls on every kind alike.
 */
import type { Env, PgTarget, Targets } from './env.js';
import type { Measure } from './measure.js';
import { rawCopy } from './raw-copy.js';
import { BATCH, BIG_BATCH, REPS } from './settings.js';
import { timedCopy } from './timed-copy.js';

export interface Interleaved {
  copies: Measure[];
  raws: Measure[];
  whatIf: Measure[];
  /** The target of the last default copy, still open: source of the PostgreSQL copies and digest. */
  kept: PgTarget;
}

export async function interleavedRuns(env: Env, pg: Targets): Promise<Interleaved> {
  const copies: Measure[] = [];
  const raws: Measure[] = [];
  const whatIf: Measure[] = [];
  let kept: PgTarget | undefined;
  const copyInto = async (batchSize: number) => {
    const target = await pg.fresh();
    // The first one runs its verification (checked, and timed), the others stop where it starts.
    const verify = copies.length === 0 && batchSize === BATCH;
    const m = await timedCopy(
      env,
      batchSize === BATCH
        ? `copyStore DynamoDB → PostgreSQL${verify ? ' (verified)' : ''}`
        : `what-if: copyStore DynamoDB → PostgreSQL --batch ${batchSize}`,
      env.source,
      target.store,
      ['dynamodb', 'postgres'],
      { batchSize, verify },
    );
    (batchSize === BATCH ? copies : whatIf).push(m);
    // The last default copy stays: source of the PostgreSQL copies and of the target digest.
    if (batchSize !== BATCH) return pg.release(target);
    if (kept) await pg.release(kept);
    kept = target;
  };
  const runs = {
    copy: () => copyInto(BATCH),
    raw: async () => void raws.push(await rawCopy(env)),
    big: () => copyInto(BIG_BATCH),
  };
  const order = ['copy', 'raw', 'big'] as const;
  for (let r = 0; r < REPS; r++) {
    // Each rep starts one further along, so no kind of run always follows the same other.
    for (let i = 0; i < order.length; i++) await runs[order[(r + i) % order.length]!]();
  }
  return { copies, raws, whatIf, kept: kept! };
}
