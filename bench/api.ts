/**
 * The package list endpoint under load: requests/s of GET /api/packages as a signed-in state user,
 * through the whole app (session, hooks, validation, naming, serialization), as a ratio to a bare
 * Fastify route making the same Store call (same store instance, same list query) in the same
 * process. autocannon drives every side with the same connections, in interleaved rounds whose
 * order reverses each time, so that load from the rest of the machine cancels out. Target ≥ 0.6×,
 * on DynamoDB Local and on the PostgreSQL server. A third side, the bare route after reading the
 * session's user (as the app does on every request), says how much of the gap is that read.
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { inParallel } from '../src/lib/parallel.js';
import { DEMO_USERS } from '../src/seed/seed.js';
import type { DrivenStore } from '../test/support/store-commands.js';
import { type ApiEnv, type BenchStore, onEachStore, startApiEnv } from './lib/api-env.js';
import { iqr } from './lib/compare.js';
import { envNumber } from './lib/env.js';
import { contractOnly } from './lib/http-fixtures.js';
import { type BenchReport, type BenchRow, loadAverage } from './lib/report.js';
import { median, round } from './lib/stats.js';
import { ACTOR } from './store-fixtures.js';

const TARGET = 0.6;
const CONNECTIONS = envNumber('CAREPACK_BENCH_API_CONNECTIONS', 10);
/** Rounds per side, and seconds per round. */
const ROUNDS = envNumber('CAREPACK_BENCH_API_ROUNDS', 6);
const ROUND_SECONDS = envNumber('CAREPACK_BENCH_API_ROUND_SECONDS', 5);
const WARMUP_SECONDS = 2;
const LISTED_STATE = 'MN';
/** Packages of the listed state, half of them submitted; the list shows the newest page of 25. */
const LISTED = 200;

/** One autocannon run's figures. */
interface Side {
  rps: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
}

const SIDES = ['app', 'bare', 'bareAfterUserRead'] as const;
type SideName = (typeof SIDES)[number];

interface StoreResult {
  row: BenchRow;
  note: string;
  rounds: Record<SideName, Side[]>;
}

async function seedListed(store: DrivenStore) {
  const programId = (await store.getState(LISTED_STATE)).programs[0]!.id;
  const numbers = Array.from({ length: LISTED }, (_, i) => i);
  await inParallel(numbers, 8, async (i) => {
    const pkg = await store.createDraft({
      id: randomUUID(),
      stateCode: LISTED_STATE,
      formData: contractOnly(programId, `Listed package ${i}`),
      actor: ACTOR,
    });
    if (i % 2 === 0) await store.submit(pkg.id, { expectedVersion: pkg.version, actor: ACTOR });
  });
}

/** Runs autocannon against `url`; any answer but a 2xx, or any socket error, voids the figures. */
async function hammer(url: string, headers: Record<string, string>, seconds: number): Promise<Side> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  if (r.non2xx > 0 || r.errors > 0) {
    throw new Error(
      `${url}: ${r.non2xx} non-2xx answers and ${r.errors} errors in ${r.requests.total} requests`,
    );
  }
  return {
    rps: r.requests.total / r.duration,
    meanMs: r.latency.mean,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
  };
}

/** Both sides must answer the same page, or the comparison is not of the same store call. */
async function checkSameList(appUrl: string, bareUrl: string, cookie: string) {
  const ids = async (url: string, headers: Record<string, string>) => {
    const res = await fetch(url, { headers });
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { items: { id: string }[] }).items.map((i) => i.id).join(',');
  };
  const [app, bare] = [await ids(appUrl, { cookie }), await ids(bareUrl, {})];
  if (app !== bare || app === '') throw new Error(`the app and the bare route list different packages`);
}

async function measure(env: ApiEnv, userId: string): Promise<StoreResult> {
  const session = await env.login(userId);
  const targets: Record<SideName, { url: string; headers: Record<string, string> }> = {
    app: { url: `${env.base}/api/packages`, headers: { cookie: session.cookie } },
    bare: { url: `${env.bareBase}/packages`, headers: {} },
    bareAfterUserRead: { url: `${env.bareBase}/packages-after-user-read`, headers: {} },
  };
  await checkSameList(targets.app.url, targets.bare.url, session.cookie);
  for (const side of SIDES) await hammer(targets[side].url, targets[side].headers, WARMUP_SECONDS);
  const rounds: Record<SideName, Side[]> = { app: [], bare: [], bareAfterUserRead: [] };
  for (let r = 0; r < ROUNDS; r++) {
    // Reverse the order every other round, so a trend in the machine's load favours no side.
    const order = r % 2 === 0 ? SIDES : [...SIDES].reverse();
    for (const side of order)
      rounds[side].push(await hammer(targets[side].url, targets[side].headers, ROUND_SECONDS));
  }
  const rpsRatios = (a: SideName, b: SideName) => rounds[a].map((x, i) => x.rps / rounds[b][i]!.rps);
  const ratios = rpsRatios('app', 'bare');
  const med = (sides: Side[], key: keyof Side) => median(sides.map((s) => s[key]));
  const ratio = median(ratios);
  const describe = (sides: Side[]) =>
    `${Math.round(med(sides, 'rps'))} req/s, p50 ${med(sides, 'p50Ms')} ms, p99 ${med(sides, 'p99Ms')} ms`;
  const note =
    `${env.storeName}: app ${describe(rounds.app)}; bare ${describe(rounds.bare)}; ` +
    `ratio ${ratio.toFixed(2)}× (target ≥ ${TARGET}×). Bare after a user read: ${describe(rounds.bareAfterUserRead)}, ` +
    `${median(rpsRatios('bareAfterUserRead', 'bare')).toFixed(2)}× bare; app ÷ it ` +
    `${median(rpsRatios('app', 'bareAfterUserRead')).toFixed(2)}×`;
  console.log(`  ${note}`);
  return {
    row: {
      op: `GET /api/packages, ${env.storeName}`,
      subjectMs: med(rounds.app, 'meanMs'),
      baselineMs: med(rounds.bare, 'meanMs'),
      ratio,
      ratioIqr: iqr(ratios),
      target: TARGET,
      atLeast: true,
      baseline: 'bare Fastify route, same store call',
    },
    note,
    rounds,
  };
}

async function onStore(storeName: BenchStore): Promise<StoreResult> {
  console.log(`  ${storeName}: seeding ${LISTED} packages of ${LISTED_STATE}…`);
  const mina = DEMO_USERS.find((u) => u.role === 'STATE_USER' && u.stateCode === LISTED_STATE)!;
  const env = await startApiEnv(storeName, { bareState: LISTED_STATE, bareUser: mina.id, seed: seedListed });
  try {
    return await measure(env, mina.id);
  } finally {
    await env.close();
  }
}

export async function run(): Promise<BenchReport> {
  const results = await onEachStore(onStore);
  const all = Object.values(results);
  const rounded = (rounds: Record<SideName, Side[]>) =>
    Object.fromEntries(
      SIDES.map((side) => [
        side,
        rounds[side].map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round(v)]))),
      ]),
    );
  return {
    name: 'api',
    columns: { subject: 'app mean latency', baseline: 'bare mean latency' },
    rows: all.map((r) => r.row),
    notes: [
      ...all.map((r) => r.note),
      'ratio: requests/s of the app ÷ requests/s of the bare route, median of the per-round ratios; the ms/op columns are mean latencies',
      `${CONNECTIONS} connections, ${ROUNDS} rounds × ${ROUND_SECONDS} s per side, interleaved, after ${WARMUP_SECONDS} s warm-up each; ` +
        `${LISTED} packages in ${LISTED_STATE} (half submitted), a page of 25 newest; the API runs in its own process; ` +
        `load average at the end ${loadAverage()} on ${cpus().length} cores`,
    ],
    details: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, rounded(r.rounds)])),
  };
}
