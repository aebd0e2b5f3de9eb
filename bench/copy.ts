/**
 * Copy benchmark: `copyStore` DynamoDB → PostgreSQL against a raw bound (copy/raw-*.ts) moving
 * the same data with plain code, on a DynamoDB Local table seeded with PACKAGES whole packages
 * in every status. Also times each side alone (the source scan, the target writes) to say which
 * one bounds the rate, the final verification, a few what-ifs, and, time allowing,
 * PostgreSQL → PostgreSQL and PostgreSQL → DynamoDB copies. Headlines are time ratios (lower is
 * better), like the other benches. The parts live in bench/copy/, one concern a file.
 */
import { seed } from './copy/data.js';
import { close, open, targets } from './copy/env.js';
import { interleavedRuns } from './copy/interleaved.js';
import { measure, now } from './copy/measure.js';
import { digestsAlone, scansAlone, storeScans } from './copy/read-side.js';
import { report } from './copy/report.js';
import { secondaryCopies } from './copy/secondary.js';
import { BATCH, BIG_BATCH, PACKAGES, REPS } from './copy/settings.js';
import { writesAlone } from './copy/write-side.js';
import { type BenchReport, loadAverage } from './lib/report.js';

export async function run(): Promise<BenchReport> {
  const started = now();
  const loadAtStart = loadAverage();
  const env = await open();
  const pg = targets(env);
  try {
    console.log(`seeding ${PACKAGES} packages…`);
    const data = await seed(env);
    console.log('the read side alone');
    const scans = await scansAlone(env);
    console.log('the write side alone');
    const writes = await writesAlone(env, data);
    console.log(
      `DynamoDB → PostgreSQL: copyStore, the raw bound and copyStore --batch ${BIG_BATCH}, ${REPS} runs each, interleaved`,
    );
    const { copies, raws, whatIf, kept } = await interleavedRuns(env, pg);
    console.log('the verification, each side alone; the PostgreSQL read side alone');
    const digests = await digestsAlone(env.source, kept.store);
    const pgScan = await measure(`store scanPackages + scanAudit, PostgreSQL (×${BATCH})`, () =>
      storeScans(kept.store, BATCH),
    );
    const secondary = await secondaryCopies(env, pg, kept.store, started);
    const seconds = now() - started;
    const all = [
      data.measure,
      ...scans,
      ...writes,
      ...copies,
      ...raws,
      ...whatIf,
      ...digests,
      pgScan,
      ...secondary,
    ];
    return report({ all, copies, raws, whatIf, seconds, loadAtStart });
  } finally {
    await pg.closeAll();
    await close(env);
  }
}
