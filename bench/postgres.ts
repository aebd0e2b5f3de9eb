/**
 * PostgreSQL store benchmark, against the PostgreSQL server (a throw-away database):
 * each store operation vs hand-written `pg` queries sending the same statements
 * (postgres-raw.ts) on the store's own pool. Interleaved A/B rounds;
 * the headline is the median per-round ratio, so the figures carry across machines.
 */
import { randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { State } from '../src/domain/index.js';
import { connectPostgres, type PostgresHandle } from '../src/store/postgres/postgres-client.js';
import { migrateToLatest } from '../src/store/postgres/postgres-migrate.js';
import { type Database, REVISION_CHILD_TABLES } from '../src/store/postgres/postgres-schema.js';
import { createPostgresStore } from '../src/store/postgres/postgres-store.js';
import { type DrivenStore, drive } from '../test/support/store-commands.js';
import { cannedPool, recordAnswers } from './lib/canned-pg.js';
import { type AB, type ABResult, compareAB, summary } from './lib/compare.js';
import {
  type BenchDatabase,
  checkServer,
  createBenchDatabase,
  rawPool,
  STORE_POOL_SIZE,
  traceStatements,
} from './lib/pg.js';
import { type BenchReport, loadAverage, runNote } from './lib/report.js';
import { median, round } from './lib/stats.js';
import { type Comparison, compareFourOps, createInput, makeDrafts, TIMING } from './lib/store-vs-raw.js';
import { type RawPostgresOps, rawPostgresOps } from './postgres-raw.js';
import { ACTOR, state } from './store-fixtures.js';

const PAGE_SIZE = 25;
/** The state whose packages are read and listed. */
const LISTED_STATE = 'LS';
const LISTED = 200;
/** Creates go to one state, drafts to submit to another, so neither disturbs the listed one. */
const CREATE_STATE = 'CR';
const SUBMIT_STATE = 'SB';

interface Env {
  db: BenchDatabase;
  handle: PostgresHandle;
  store: DrivenStore;
  /** A second store on its own pool, for untimed set-up. */
  preparerHandle: PostgresHandle;
  preparer: DrivenStore;
  pool: pg.Pool;
  raw: RawPostgresOps;
}

const PACKAGE_TABLES = ['packages', 'revisions', ...REVISION_CHILD_TABLES, 'audit_events'] as const;

/** Per table: how many rows a package has and which columns are set in them. */
async function shapeOf(pool: pg.Pool, id: string): Promise<string> {
  const lines: string[] = [];
  for (const table of PACKAGE_TABLES) {
    const where =
      table === 'packages'
        ? 'id = $1'
        : table === 'revisions' || table === 'audit_events'
          ? 'package_id = $1'
          : 'revision_id IN (SELECT id FROM revisions WHERE package_id = $1)';
    const { rows } = await pool.query(`SELECT * FROM ${table} WHERE ${where}`, [id]);
    const set = new Set<string>();
    for (const r of rows as Record<string, unknown>[])
      for (const [k, v] of Object.entries(r)) if (v !== null) set.add(k);
    lines.push(`${table}: ${rows.length} rows; set: ${[...set].sort().join(',')}`);
  }
  return lines.join('\n');
}

function sameOrThrow(what: string, store: string | string[], raw: string | string[]) {
  const [s, r] = [store, raw].map((x) => (Array.isArray(x) ? x.join('\n') : x));
  if (s !== r) throw new Error(`raw ${what} differs from the store's:\n-- store\n${s}\n-- raw\n${r}`);
}

/** Statements per operation (the same on both sides once checked), for the notes. */
type StatementCounts = Record<string, number>;

/**
 * Fails fast if the raw baseline no longer sends the statements the store sends (same text
 * once normalized, same parameter counts) or no longer writes the same rows.
 */
async function checkBaseline({ store, raw, pool }: Env): Promise<StatementCounts> {
  const counts: StatementCounts = {};
  const pair = [createInput(CREATE_STATE), createInput(CREATE_STATE)] as const;
  const creates = [
    await traceStatements(() => store.createDraft(pair[0])),
    await traceStatements(() => raw.create(pair[1])),
  ] as const;
  sameOrThrow('create statements', ...creates);
  sameOrThrow('create rows', await shapeOf(pool, pair[0].id), await shapeOf(pool, pair[1].id));
  counts.create = creates[0].length;

  const [listed] = await makeDrafts(store, LISTED_STATE, 1);
  const gets = [
    await traceStatements(() => store.getPackage(listed!)),
    await traceStatements(() => raw.get(listed!)),
  ] as const;
  sameOrThrow('get statements', ...gets);
  counts.get = gets[0].length;

  const lists = [
    await traceStatements(() => store.listByState(LISTED_STATE, { limit: PAGE_SIZE })),
    await traceStatements(() => raw.listByState(LISTED_STATE, PAGE_SIZE)),
  ] as const;
  sameOrThrow('list statements', ...lists);
  counts.list = lists[0].length;

  const [s, r] = await makeDrafts(store, SUBMIT_STATE, 2);
  const submits = [
    await traceStatements(() => store.submit(s!, { expectedVersion: 1, actor: ACTOR })),
    await traceStatements(() => raw.submit(r!, ACTOR)),
  ] as const;
  sameOrThrow('submit statements', ...submits);
  sameOrThrow('submit rows', await shapeOf(pool, s!), await shapeOf(pool, r!));
  counts.submit = submits[0].length;
  return counts;
}

async function overhead(env: Env): Promise<Comparison[]> {
  const { store, raw } = env;
  console.log(`  making ${LISTED} packages to read and list…`);
  const listed = await makeDrafts(store, LISTED_STATE, LISTED - 1);
  return compareFourOps(store, raw, {
    createState: CREATE_STATE,
    submitState: SUBMIT_STATE,
    listedState: LISTED_STATE,
    listed,
    pageSize: PAGE_SIZE,
    baseline: 'raw pg',
    // Drafts made on the timed store's own pool, just before its batch, slowed its submits
    // (about 1.17 → 1.29 in a side experiment) while the raw side's connections stayed clean.
    preparer: env.preparer,
  });
}

/** A state with programs of its own: program ids are a primary key in PostgreSQL, unlike in DynamoDB. */
function ownState(code: string): State {
  const s = state(code);
  return code === LISTED_STATE ? s : { ...s, programs: s.programs.map((p) => ({ ...p, id: randomUUID() })) };
}

/** Canned I/O: each op takes ~0.05–0.5 ms of pure JavaScript, so many short batches. */
const CANNED_TIMING = { rounds: 41, warmupOps: 1000, roundMs: 25, minOps: 20, maxOps: 5000 };

interface CannedRow {
  op: string;
  storeUs: number;
  rawUs: number;
  /** What the store adds per op, as a share of the raw op's time on the real server. */
  addedShareOfRaw: number;
}

/**
 * Both sides again, on a pool that answers every statement at once from results recorded on
 * the server: what is left is each side's own JavaScript per op (Kysely, zod, mapping).
 */
async function cannedOverhead(env: Env, live: Comparison[]): Promise<CannedRow[]> {
  const { store } = env;
  const [id] = await makeDrafts(store, SUBMIT_STATE, 1);
  const input = createInput(CREATE_STATE);
  const list = { limit: PAGE_SIZE };
  const answers = await recordAnswers(async () => {
    await store.createDraft(input);
    await store.getPackage(id!); // before the submit: the submit's reads then answer alike
    await store.listByState(LISTED_STATE, list);
    await store.submit(id!, { expectedVersion: 1, actor: ACTOR });
  });
  const pool = cannedPool(answers);
  const canned = drive(
    createPostgresStore({
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    }),
  );
  const raw = rawPostgresOps(pool);
  const pairs: [string, AB][] = [
    ['create', { a: () => canned.createDraft(input), b: () => raw.create(input) }],
    ['get', { a: () => canned.getPackage(id!), b: () => raw.get(id!) }],
    [
      `list-by-state (page ${PAGE_SIZE})`,
      { a: () => canned.listByState(LISTED_STATE, list), b: () => raw.listByState(LISTED_STATE, PAGE_SIZE) },
    ],
    [
      'submit',
      { a: () => canned.submit(id!, { expectedVersion: 1, actor: ACTOR }), b: () => raw.submit(id!, ACTOR) },
    ],
  ];
  const rows: CannedRow[] = [];
  for (const [op, ab] of pairs) {
    const s = summary(await compareAB(ab, CANNED_TIMING));
    const rawLiveMs = live.find((c) => c.row.op === op)!.row.baselineMs;
    rows.push({
      op,
      storeUs: s.aMs * 1000,
      rawUs: s.bMs * 1000,
      addedShareOfRaw: (s.aMs - s.bMs) / rawLiveMs,
    });
    console.log(
      `  ${op} on canned I/O: store ${(s.aMs * 1000).toFixed(0)} µs, raw ${(s.bMs * 1000).toFixed(0)} µs`,
    );
  }
  return rows;
}

function perRound({ aMs, bMs, opsPerRound, aCpuMs, bCpuMs }: ABResult) {
  const r = (xs: number[]) => xs.map((x) => round(x));
  return { opsPerRound, storeMs: r(aMs), rawMs: r(bMs), storeCpuMs: r(aCpuMs), rawCpuMs: r(bCpuMs) };
}

/** Median CPU ms per op of this process, each side, from the live rounds. */
const cpuOf = ({ result }: Comparison) => ({ store: median(result.aCpuMs), raw: median(result.bCpuMs) });

async function serverSettings(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query(
    `SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS sc,
            current_setting('fsync') AS fs, current_setting('shared_buffers') AS sb`,
  );
  const s = rows[0] as { v: string; sc: string; fs: string; sb: string };
  return `PostgreSQL ${s.v} on the same machine (synchronous_commit=${s.sc}, fsync=${s.fs}, shared_buffers=${s.sb})`;
}

async function open(): Promise<Env> {
  await checkServer();
  const db = await createBenchDatabase();
  try {
    // Store and raw share one pool (connectPostgres's settings: size, type parsers), so both
    // sides talk to the very same server backends: runs on two pools differed by which
    // backends each side happened to get, by more than the store's own cost.
    const pool = rawPool(db.url);
    const handle: PostgresHandle = {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
      close: async () => {},
    };
    await migrateToLatest(handle.db);
    const store = drive(createPostgresStore({ db: handle.db }));
    const preparerHandle = connectPostgres(db.url);
    const preparer = drive(createPostgresStore({ db: preparerHandle.db }));
    return { db, handle, store, preparerHandle, preparer, pool, raw: rawPostgresOps(pool) };
  } catch (e) {
    await db.drop();
    throw e;
  }
}

async function close(env: Env) {
  try {
    await env.handle.close();
    await env.preparerHandle.close();
    await env.pool.end();
  } finally {
    await env.db.drop();
  }
}

export async function run(): Promise<BenchReport> {
  const started = performance.now();
  const loadAtStart = loadAverage();
  const env = await open();
  try {
    await env.store.upsertStates([LISTED_STATE, CREATE_STATE, SUBMIT_STATE].map(ownState));
    const statements = await checkBaseline(env);
    console.log(
      `  baseline checked: same statements and rows (${JSON.stringify(statements)} statements per op)`,
    );
    const ops = await overhead(env);
    console.log('  the same ops on canned I/O (JavaScript work only)…');
    const canned = await cannedOverhead(env, ops);
    const settings = await serverSettings(env.pool);
    const seconds = (performance.now() - started) / 1000;
    return {
      name: 'postgres',
      columns: { subject: 'store', baseline: 'raw' },
      rows: ops.map((c) => c.row),
      notes: [
        `${TIMING.rounds} interleaved rounds of ~${TIMING.roundMs} ms per side, order flipped each round; ratio = median of per-round store/raw`,
        `raw = the same statements (text and parameters checked equal before timing) by hand on the store's own pg.Pool (${STORE_POOL_SIZE} connections, the store's type parsers), so both sides use the same server backends; statements per op: ${Object.entries(
          statements,
        )
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
        `package: CONTRACT_AND_RATES, 2 rate certifications, 2 contacts, 5 documents; lists read a page of ${PAGE_SIZE} from ${LISTED} packages in the state`,
        `node CPU ms/op in the live rounds (store / raw; all threads of this process): ${ops
          .map((c) => `${c.row.op} ${cpuOf(c).store.toFixed(2)} / ${cpuOf(c).raw.toFixed(2)}`)
          .join('; ')}`,
        `JavaScript µs/op on canned I/O (store / raw → store adds, as a share of the raw op on the server): ${canned
          .map(
            (c) =>
              `${c.op} ${c.storeUs.toFixed(0)} / ${c.rawUs.toFixed(0)} → +${(c.addedShareOfRaw * 100).toFixed(0)}%`,
          )
          .join('; ')}`,
        settings,
        runNote(seconds, loadAtStart),
      ],
      details: {
        timing: TIMING,
        statementsPerOp: statements,
        cpuMsPerOp: Object.fromEntries(ops.map((c) => [c.row.op, cpuOf(c)])),
        cannedIo: {
          timing: CANNED_TIMING,
          ops: canned.map((c) => ({
            ...c,
            storeUs: round(c.storeUs, 1),
            rawUs: round(c.rawUs, 1),
            addedShareOfRaw: round(c.addedShareOfRaw),
          })),
        },
        perRound: Object.fromEntries(ops.map((c) => [c.row.op, perRound(c.result)])),
      },
    };
  } finally {
    await close(env);
  }
}
