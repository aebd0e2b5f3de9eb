/**
 * Copy benchmark: `copyStore` DynamoDB → PostgreSQL against a raw bound (copy-raw.ts) moving
 * the same data with plain code, on a DynamoDB Local table seeded with PACKAGES whole packages
 * in every status. Also times each side alone (the source scan, the target writes) to say which
 * one bounds the rate, the final verification, a few what-ifs, and, time allowing,
 * PostgreSQL → PostgreSQL and PostgreSQL → DynamoDB copies. Headlines are time ratios (lower is
 * better), like the other benches.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Package, State } from '../src/domain/index.js';
import { inParallel } from '../src/lib/parallel.js';
import { type CopyProgress, copyStore } from '../src/ops/copy.js';
import { scanAll } from '../src/ops/scan-all.js';
import { digestStore } from '../src/ops/verify.js';
import { createDynamoClients, type DynamoClients } from '../src/store/dynamo/dynamo-client.js';
import { type DynamoLocal, startDynamoLocal } from '../src/store/dynamo/dynamo-local.js';
import { createDynamoStore } from '../src/store/dynamo/dynamo-store.js';
import { ensureTable } from '../src/store/dynamo/dynamo-tables.js';
import { connectPostgres } from '../src/store/postgres/postgres-client.js';
import { migrateToLatest } from '../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../src/store/postgres/postgres-store.js';
import type { AuditEvent, Store } from '../src/store/store.js';
import { generatePackages } from '../test/support/package-factory.js';
import { bulkWriter, readCounters, readStates, scanTable } from './copy-raw.js';
import { type BenchDatabase, checkServer, createBenchDatabase, rawPool } from './lib/pg.js';
import type { BenchReport, BenchRow } from './lib/report.js';
import { median, round } from './lib/stats.js';

const PACKAGES = Number(process.env.CAREPACK_BENCH_COPY_PACKAGES ?? 5000);
/** copyStore's (and `carepack store copy`'s) defaults. */
const PARTITIONS = 4;
const BATCH = 1000; // copyStore's default
/** The what-if: copyStore with smaller batches. */
const BIG_BATCH = 200; // what-if: smaller batches
const SEED_BATCH = 500;
/** Copy and raw bound runs each, interleaved (copy, raw, raw, copy) so load drift cancels. */
const REPS = 3;
const RATE_TARGET = 2000;
const RATIO_TARGET = 0.5;
/** Skip the secondary copies when the bench has run this long already. */
const SECONDARY_BUDGET_S = { pgToPg: 300, pgToDynamo: 285 };
const STATES = ['AA', 'AB', 'AC', 'AD', 'AE'];
const SOURCE_TABLE = 'bench-copy-source';

interface PgTarget {
  db: BenchDatabase;
  store: Store;
}

interface Env {
  local: DynamoLocal;
  clients: DynamoClients;
  source: Store;
  checkpoints: string;
  databases: Set<BenchDatabase>;
}

/** One timed activity: how long it took and what it moved. */
interface Measure {
  what: string;
  seconds: number;
  packages: number;
  /** CPU seconds of this (Node) process meanwhile; DynamoDB Local and PostgreSQL use the rest. */
  nodeCpuS: number;
  /** Other figures worth keeping (items, audit events, phase seconds). */
  extra?: Record<string, number>;
}

const now = () => performance.now() / 1000;
const cpuSince = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
};
const rateOf = (m: Measure) => m.packages / m.seconds;
const fmtRate = (m: Measure) => `${Math.round(rateOf(m)).toLocaleString('en-US')} pkg/s`;
const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

function log(m: Measure) {
  const extra = m.extra
    ? ` (${Object.entries(m.extra)
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(', ')})`
    : '';
  console.log(
    `  ${m.what}: ${m.seconds.toFixed(2)} s, ${fmtRate(m)}, node CPU ${m.nodeCpuS.toFixed(2)} s${extra}`,
  );
  return m;
}

interface Outcome {
  packages: number;
  extra?: Record<string, number>;
  /** When only part of the work counts (a copy without its verification). */
  seconds?: number;
  nodeCpuS?: number;
}

/** Times `work` (wall and Node CPU) and logs it. */
async function measure(what: string, work: () => Promise<Outcome>): Promise<Measure> {
  const cpu = process.cpuUsage();
  const started = now();
  const o = await work();
  const m: Measure = {
    what,
    seconds: o.seconds ?? now() - started,
    packages: o.packages,
    nodeCpuS: o.nodeCpuS ?? cpuSince(cpu),
  };
  return log(o.extra ? { ...m, extra: o.extra } : m);
}

/** States with programs of their own (program ids are a primary key in PostgreSQL). */
const states: State[] = STATES.map((code) => ({
  code,
  name: `State ${code}`,
  programs: [
    { id: randomUUID(), name: 'PMAP', fullName: `Prepaid Medical Assistance Program of ${code}` },
    { id: randomUUID(), name: 'MSC+', fullName: `Senior Care Plus of ${code}` },
  ],
}));

async function freshPostgres(env: Env): Promise<PgTarget> {
  const db = await createBenchDatabase();
  env.databases.add(db);
  const handle = connectPostgres(db.url);
  try {
    await migrateToLatest(handle.db);
  } catch (e) {
    await handle.close();
    throw e;
  }
  return { db, store: createPostgresStore({ db: handle.db, onClose: handle.close }) };
}

async function dispose(env: Env, t: PgTarget) {
  await t.store.close();
  await t.db.drop();
  env.databases.delete(t.db);
}

interface Seeded {
  packages: Package[];
  audit: AuditEvent[];
  measure: Measure;
}

/** The source table: PACKAGES generated packages, their audit events, the counters. */
async function seed(env: Env): Promise<Seeded> {
  const data = generatePackages(states, PACKAGES);
  const m = await measure(
    `seed DynamoDB (importPackages ×${SEED_BATCH}, importAudit, raiseCounters)`,
    async () => {
      await env.source.upsertStates(states);
      for (let i = 0; i < data.packages.length; i += SEED_BATCH)
        await env.source.importPackages(data.packages.slice(i, i + SEED_BATCH), { mode: 'overwrite' });
      await env.source.importAudit(data.audit);
      await env.source.raiseCounters(data.counters);
      return { packages: PACKAGES, extra: { auditEvents: data.audit.length } };
    },
  );
  return { packages: data.packages, audit: data.audit, measure: m };
}

type Phase = CopyProgress['phase'];

/** Thrown from onProgress to end a copy where its verification would start. */
class StopAtVerify extends Error {}

/**
 * copyStore with its phases timed through onProgress; the figure excludes the final
 * verification. With `verify` false the copy is stopped where its verification would start
 * (everything is copied by then), which saves a minute of bench time over the runs.
 */
function timedCopy(
  env: Env,
  what: string,
  source: Store,
  target: Store,
  names: [string, string],
  options: { batchSize?: number; verify?: boolean } = {},
): Promise<Measure> {
  const { batchSize = BATCH, verify = false } = options;
  return measure(what, async () => {
    const marks: Partial<Record<Phase, number>> = {};
    const done: Partial<Record<Phase, number>> = {};
    const cpu = process.cpuUsage();
    let cpuToVerify = 0;
    const started = now();
    let result: Awaited<ReturnType<typeof copyStore>> | undefined;
    try {
      result = await copyStore({
        source,
        target,
        from: names[0],
        to: names[1],
        checkpointFile: join(env.checkpoints, `${randomUUID()}.json`),
        partitions: PARTITIONS,
        batchSize,
        restart: true,
        onProgress: (p) => {
          done[p.phase] = p.done;
          if (p.phase === 'verify' && marks.verify === undefined) cpuToVerify = cpuSince(cpu);
          marks[p.phase] ??= now();
          if (p.phase === 'verify' && !verify) throw new StopAtVerify();
        },
      });
    } catch (e) {
      if (!(e instanceof StopAtVerify)) throw e;
    }
    const ended = now();
    if (result && !result.report.ok)
      throw new Error(`${what}: verification failed: ${JSON.stringify(result.report)}`);
    const at = (p: Phase) => marks[p] ?? Number.NaN;
    return {
      packages: result?.packages ?? done.packages ?? 0,
      seconds: at('verify') - started,
      nodeCpuS: cpuToVerify,
      extra: {
        referenceS: at('packages') - at('reference'),
        packagesS: at('audit') - at('packages'),
        auditS: at('verify') - at('audit'),
        ...(result ? { verifyS: ended - at('verify'), verifyNodeCpuS: cpuSince(cpu) - cpuToVerify } : {}),
        auditEvents: result?.auditEvents ?? done.audit ?? 0,
      },
    };
  });
}

/** The raw bound into a fresh database; checked by row counts. */
async function rawCopy(env: Env): Promise<Measure> {
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

/** Every package and audit event through the store's scans, as copyStore reads them. */
async function storeScans(store: Store, batch: number) {
  let packages = 0;
  let audit = 0;
  const started = now();
  await scanAll((r) => store.scanPackages(r), {
    partitions: PARTITIONS,
    limit: batch,
    onPage: (page) => {
      packages += page.length;
    },
  });
  const middle = now();
  await scanAll((r) => store.scanAudit(r), {
    partitions: PARTITIONS,
    limit: batch,
    onPage: (page) => {
      audit += page.length;
    },
  });
  return {
    packages,
    extra: { scanPackagesS: middle - started, scanAuditS: now() - middle, auditEvents: audit },
  };
}

/** The read side alone: raw Scan (items only, then mapped), a filtered Scan, the store's scans. */
async function scansAlone(env: Env): Promise<Measure[]> {
  const { doc } = env.clients;
  const scan = (o: { map?: boolean; auditOnly?: boolean }) =>
    scanTable(doc, SOURCE_TABLE, { segments: PARTITIONS, batchSize: BATCH, ...o });
  await scan({ map: false }); // DynamoDB Local's first scan after seeding is slower (JIT): not timed
  return [
    await measure(`DynamoDB Scan alone (${PARTITIONS} segments, items only)`, async () => {
      const c = await scan({ map: false });
      return { packages: PACKAGES, extra: { items: c.items } };
    }),
    await measure('DynamoDB Scan + itemsToPackage/itemToAudit (raw read side)', async () => {
      const c = await scan({});
      return { packages: c.packages, extra: { auditEvents: c.auditEvents } };
    }),
    await measure('what-if: Scan with FilterExpression kind = audit (audit items only)', async () => {
      const c = await scan({ auditOnly: true });
      return { packages: PACKAGES, extra: { auditEvents: c.auditEvents } };
    }),
    await measure(`store scanPackages + scanAudit, DynamoDB (copy read side, ×${BATCH})`, () =>
      storeScans(env.source, BATCH),
    ),
    await measure(`store scanPackages + scanAudit, DynamoDB, ×${BIG_BATCH}`, () =>
      storeScans(env.source, BIG_BATCH),
    ),
  ];
}

const chunks = <T>(xs: readonly T[], n: number) =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** The write side alone, from memory: the store's imports as copyStore calls them, and the raw bulk writes. */
async function writesAlone(env: Env, data: Seeded): Promise<Measure[]> {
  const batches = chunks(data.packages, BATCH);
  const auditBatches = chunks(data.audit, BATCH);
  const out: Measure[] = [];
  const t = await freshPostgres(env);
  try {
    await t.store.upsertStates(states);
    out.push(
      await measure(
        `store importPackages + importAudit alone (×${BATCH}, ${PARTITIONS} in parallel)`,
        async () => {
          const started = now();
          await inParallel(batches, PARTITIONS, (b) => t.store.importPackages(b, { mode: 'overwrite' }));
          const middle = now();
          await inParallel(auditBatches, PARTITIONS, (b) => t.store.importAudit(b));
          return {
            packages: data.packages.length,
            extra: { packagesS: middle - started, auditS: now() - middle },
          };
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
      await measure(`raw bulk INSERTs alone (×${BATCH}, ${PARTITIONS} in parallel)`, async () => {
        const started = now();
        await inParallel(batches, PARTITIONS, (b) => writer.packages(b));
        const middle = now();
        await inParallel(auditBatches, PARTITIONS, (b) => writer.audit(b));
        return {
          packages: data.packages.length,
          extra: { packagesS: middle - started, auditS: now() - middle },
        };
      }),
    );
  } finally {
    await pool.end();
    await dispose(env, r);
  }
  return out;
}

/** Each store's digest alone (the verification runs both at once). */
async function digestsAlone(source: Store, target: Store): Promise<Measure[]> {
  const out: Measure[] = [];
  for (const [what, store] of [
    ['digest DynamoDB source alone', source],
    ['digest PostgreSQL target alone', target],
  ] as const) {
    out.push(
      await measure(what, async () => ({
        packages: (await digestStore(store, { partitions: PARTITIONS })).counts.packages,
      })),
    );
  }
  return out;
}

const msPer1k = (m: Measure) => (m.seconds * 1e6) / m.packages;

function rows(copies: Measure[], raws: Measure[]): BenchRow[] {
  const copyMs = median(copies.map(msPer1k));
  const rawMs = median(raws.map(msPer1k));
  // Per rep, a copy over the raw run next to it: load that drifts between reps cancels out.
  const ratios = copies.map((c, i) => msPer1k(c) / msPer1k(raws[i]!));
  const budgetMs = 1e6 / RATE_TARGET;
  const rate = RATE_TARGET.toLocaleString('en-US');
  return [
    {
      op: 'DynamoDB → PostgreSQL, ms per 1k packages, vs raw bound',
      subjectMs: copyMs,
      baselineMs: rawMs,
      ratio: median(ratios),
      ratioIqr: [Math.min(...ratios), Math.max(...ratios)],
      target: 1 / RATIO_TARGET,
      baseline: 'raw bound',
    },
    {
      op: `DynamoDB → PostgreSQL, ms per 1k packages, vs ${rate} pkg/s`,
      subjectMs: copyMs,
      baselineMs: budgetMs,
      ratio: copyMs / budgetMs,
      ratioIqr: [Math.min(...copies.map(msPer1k)) / budgetMs, Math.max(...copies.map(msPer1k)) / budgetMs],
      target: 1,
      baseline: `${rate} pkg/s`,
    },
  ];
}

const loadAverage = () => loadavg()[0]!.toFixed(1);

async function open(): Promise<Env> {
  await checkServer();
  const local = await startDynamoLocal();
  const clients = createDynamoClients({ endpoint: local.endpoint, region: 'us-east-1' });
  const env: Env = {
    local,
    clients,
    source: createDynamoStore({ client: clients.doc, tableName: SOURCE_TABLE }),
    checkpoints: mkdtempSync(join(tmpdir(), 'carepack-bench-copy-')),
    databases: new Set(),
  };
  try {
    await ensureTable(clients.client, SOURCE_TABLE);
  } catch (e) {
    await close(env);
    throw e;
  }
  return env;
}

async function close(env: Env) {
  try {
    for (const db of env.databases)
      await db.drop().catch((e) => console.error(`could not drop ${db.name}:`, e));
  } finally {
    env.clients.client.destroy();
    await env.local.stop();
    rmSync(env.checkpoints, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchReport> {
  const started = now();
  const loadAtStart = loadAverage();
  const env = await open();
  const openTargets = new Set<PgTarget>();
  const fresh = async () => {
    const t = await freshPostgres(env);
    openTargets.add(t);
    return t;
  };
  const release = async (t: PgTarget) => {
    openTargets.delete(t);
    await dispose(env, t);
  };
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
    const copies: Measure[] = [];
    const raws: Measure[] = [];
    const whatIf: Measure[] = [];
    let kept: PgTarget | undefined;
    const copyInto = async (batchSize: number) => {
      const target = await fresh();
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
      if (batchSize !== BATCH) return release(target);
      if (kept) await release(kept);
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
    console.log('the verification, each side alone; the PostgreSQL read side alone');
    const digests = await digestsAlone(env.source, kept!.store);
    const pgScan = await measure(`store scanPackages + scanAudit, PostgreSQL (×${BATCH})`, () =>
      storeScans(kept!.store, BATCH),
    );
    const secondary: Measure[] = [];
    if (now() - started < SECONDARY_BUDGET_S.pgToPg) {
      console.log('PostgreSQL → PostgreSQL');
      const target = await fresh();
      secondary.push(
        await timedCopy(env, 'copyStore PostgreSQL → PostgreSQL', kept!.store, target.store, [
          'postgres',
          'postgres-2',
        ]),
      );
      await release(target);
    }
    if (now() - started < SECONDARY_BUDGET_S.pgToDynamo) {
      console.log('PostgreSQL → DynamoDB');
      await ensureTable(env.clients.client, 'bench-copy-back');
      const back = createDynamoStore({ client: env.clients.doc, tableName: 'bench-copy-back' });
      secondary.push(
        await timedCopy(env, 'copyStore PostgreSQL → DynamoDB', kept!.store, back, ['postgres', 'dynamodb']),
      );
    }
    if (secondary.length < 2) console.log('  (secondary copies skipped for time: ~6 min budget)');
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
    return {
      name: 'copy',
      columns: { subject: 'copy', baseline: 'bound' },
      rows: rows(copies, raws),
      notes: notes(all, copies, raws, whatIf, seconds, loadAtStart),
      details: {
        packages: PACKAGES,
        partitions: PARTITIONS,
        batchSize: BATCH,
        reps: REPS,
        measures: all.map((m) => ({
          ...m,
          seconds: round(m.seconds),
          nodeCpuS: round(m.nodeCpuS),
          packagesPerSecond: Math.round(rateOf(m)),
          ...(m.extra
            ? { extra: Object.fromEntries(Object.entries(m.extra).map(([k, v]) => [k, round(v)])) }
            : {}),
        })),
      },
    };
  } finally {
    for (const t of openTargets) await t.store.close().catch(() => {});
    await close(env);
  }
}

function notes(
  all: Measure[],
  copies: Measure[],
  raws: Measure[],
  whatIf: Measure[],
  seconds: number,
  loadAtStart: string,
): string[] {
  const rate = (ms: Measure[]) => Math.round(median(ms.map(rateOf)));
  const pkgs = (n: number) => n.toLocaleString('en-US');
  return [
    `copy ${pkgs(rate(copies))} pkg/s vs raw bound ${pkgs(rate(raws))} pkg/s (medians of ${REPS}); throughput copy/raw = 1 ÷ the time ratio above = ${(1 / median(copies.map((c, i) => msPer1k(c) / msPer1k(raws[i]!)))).toFixed(2)}× (target ≥ ${RATIO_TARGET}×); target ≥ ${pkgs(RATE_TARGET)} pkg/s. Ratios here are times (copy ÷ bound, median over reps of each copy over the raw run of its rep); "IQR" = the range over the reps`,
    `what-if copyStore --batch ${BIG_BATCH}: ${pkgs(rate(whatIf))} pkg/s (median of ${whatIf.length})`,
    'copy time = from the call to the start of its verification (reference data, packages, audit, counters; the first run then verifies, the others stop there); raw = the same data in one parallel Scan pass + bulk INSERTs, no checkpoints or verification',
    ...all.map(
      (m) =>
        `${m.what}: ${m.seconds.toFixed(2)} s = ${fmtRate(m)}, node CPU ${m.nodeCpuS.toFixed(2)} s${
          m.extra
            ? ` (${Object.entries(m.extra)
                .map(([k, v]) => `${k} ${fmt(v)}`)
                .join(', ')})`
            : ''
        }`,
    ),
    `${PACKAGES} packages (4 statuses, 1–2 revisions, 3 documents each) over ${STATES.length} states; ${PARTITIONS} partitions, batches of ${BATCH}; DynamoDB Local in memory, PostgreSQL server on the same machine`,
    `bench took ${seconds.toFixed(0)} s; load average ${loadAtStart} at start, ${loadAverage()} at end on ${cpus().length} CPUs`,
  ];
}
