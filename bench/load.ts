/**
 * A bounded load test (not part of `npm test`): CLIENTS clients for SECONDS seconds against the
 * API on 127.0.0.1, mixing list, get, update, upload and submit across five states, on DynamoDB
 * Local and on the PostgreSQL server. It fails the run on any response ≥ 500, any request left
 * without an answer, any acknowledged change not visible afterwards (lost update, upload or
 * submit), or two packages of a state with one name; and reports requests, statuses and p50/p99.
 * CAREPACK_BENCH_LOAD_SECONDS and CAREPACK_BENCH_LOAD_CLIENTS make it shorter or smaller.
 */
import { cpus } from 'node:os';
import { type BenchStore, onEachStore, startApiEnv } from './lib/api-env.js';
import { sessionHeaders } from './lib/dev-login.js';
import { envNumber } from './lib/env.js';
import { benchUser } from './lib/http-fixtures.js';
import { type KindFigures, Recorder } from './lib/http-recorder.js';
import { type CheckCounts, checkAfterLoad } from './lib/load-checks.js';
import { createDraft, type LoadState, MIX, runClient, runEachOnce } from './lib/load-mix.js';
import { type BenchReport, loadAverage } from './lib/report.js';
import { round } from './lib/stats.js';

const CLIENTS = envNumber('CAREPACK_BENCH_LOAD_CLIENTS', 50);
const SECONDS = envNumber('CAREPACK_BENCH_LOAD_SECONDS', 60);
const STATES = ['MN', 'FL', 'VA', 'CA', 'TX'];
/** Drafts per state that the clients update and upload to, from the start (more come as they fill). */
const SHARED_DRAFTS = 3;

interface StoreOutcome {
  notes: string[];
  failures: string[];
  details: { seconds: number; figures: Record<string, KindFigures>; counts: CheckCounts };
}

const statusText = (s: Record<string, number>) =>
  Object.entries(s)
    .map(([code, n]) => `${code === '0' ? 'no answer' : code}: ${n}`)
    .join(', ');
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** Sessions (one per state user: the development login allows 30 sign-ins a minute), shared drafts, a warm-up. */
async function prepare(env: Awaited<ReturnType<typeof startApiEnv>>, users: ReturnType<typeof benchUser>[]) {
  const setup = new Recorder(env.base);
  const states: LoadState[] = [];
  for (const user of users) {
    const session = await env.login(user.id);
    const code = user.stateCode;
    const st: LoadState = {
      code,
      programId: (await env.store.getState(code)).programs[0]!.id,
      headers: sessionHeaders(session),
      packages: [],
    };
    for (let k = 0; k < SHARED_DRAFTS; k++)
      if (!(await createDraft(setup, st, true, `setup-${k}`)))
        throw new Error(`could not create a ${code} draft`);
    // Code paths warm (JIT, connections, DynamoDB Local's own JVM) before anything is timed.
    await runEachOnce(setup, st);
    states.push(st);
  }
  return { states, setup };
}

async function onStore(storeName: BenchStore): Promise<StoreOutcome> {
  const users = STATES.map(benchUser);
  const env = await startApiEnv(storeName, { seed: (store) => store.upsertUsers(users) });
  try {
    const { states, setup } = await prepare(env, users);
    console.log(`  ${storeName}: ${CLIENTS} clients for ${SECONDS} s…`);
    const http = new Recorder(env.base);
    const started = performance.now();
    const deadline = started + SECONDS * 1000;
    const clients = await Promise.allSettled(
      Array.from({ length: CLIENTS }, (_, i) => runClient(http, states[i % states.length]!, i, deadline)),
    );
    const seconds = (performance.now() - started) / 1000;
    const verify = new Recorder(env.base);
    const { failures, counts } = await checkAfterLoad(verify, states);

    const recorders = [setup, http, verify];
    const sum = (which: (s: number) => boolean) => recorders.reduce((n, r) => n + r.count(which), 0);
    const serverErrors = sum((s) => s >= 500);
    const unanswered = sum((s) => s === 0);
    const crashed = clients.flatMap((c) => (c.status === 'rejected' ? [String(c.reason)] : []));
    if (crashed.length > 0) failures.unshift(`${crashed.length} clients stopped on an error: ${crashed[0]}`);
    if (unanswered > 0)
      failures.unshift(
        `${unanswered} requests got no answer: ${recorders.flatMap((r) => r.networkErrors)[0]}`,
      );
    if (serverErrors > 0) failures.unshift(`${serverErrors} responses ≥ 500`);

    const figures = http.figures();
    const all = figures.all!;
    const notes = [
      `${storeName}: ${all.requests} requests in ${seconds.toFixed(1)} s (${Math.round(all.requests / seconds)} req/s); ` +
        `statuses ${statusText(all.statuses)}; p50 ${ms(all.p50Ms)}, p99 ${ms(all.p99Ms)}`,
      `${storeName} per call: ${Object.entries(figures)
        .filter(([kind]) => kind !== 'all')
        .map(
          ([kind, f]) =>
            `${kind} ${f.requests} (${statusText(f.statuses)}; p50 ${ms(f.p50Ms)}, p99 ${ms(f.p99Ms)})`,
        )
        .join('; ')}`,
      `${storeName} checks: ${serverErrors} responses ≥ 500 (load and read-back), ${unanswered} unanswered; ` +
        `acknowledged ${counts.acknowledgedUpdates} updates (${counts.lostUpdates} lost), ` +
        `${counts.acknowledgedUploads} uploads (${counts.lostUploads} lost), ${counts.acknowledgedSubmits} submits ` +
        `(${counts.lostSubmits} lost) on ${counts.packages} packages; ${counts.listed} packages listed, ` +
        `${counts.duplicateNames} duplicate names, ${counts.missingFromList} missing from the lists`,
    ];
    for (const note of notes) console.log(`  ${note}`);
    return {
      notes,
      failures: failures.map((f) => `${storeName}: ${f}`),
      details: { seconds, figures, counts },
    };
  } finally {
    await env.close();
  }
}

export async function run(): Promise<BenchReport> {
  const outcomes = await onEachStore(onStore);
  const all = Object.values(outcomes);
  const rounded = (o: StoreOutcome) => ({
    ...o.details,
    seconds: round(o.details.seconds),
    figures: Object.fromEntries(
      Object.entries(o.details.figures).map(([k, f]) => [
        k,
        { ...f, p50Ms: round(f.p50Ms), p99Ms: round(f.p99Ms) },
      ]),
    ),
  });
  return {
    name: 'load',
    columns: { subject: 'load', baseline: '-' },
    rows: [],
    notes: [
      ...all.flatMap((o) => o.notes),
      `${CLIENTS} clients over ${STATES.join(', ')} (one signed-in user per state), mix ${Object.entries(MIX)
        .map(([op, w]) => `${op} ${w}%`)
        .join(', ')}; a submit is create + upload + get + submit, a 409 on update is followed by a get; ` +
        'figures are of the load phase, checks also cover the read-back; ' +
        `load average at the end ${loadAverage()} on ${cpus().length} cores`,
    ],
    details: Object.fromEntries(Object.entries(outcomes).map(([k, o]) => [k, rounded(o)])),
    failures: all.flatMap((o) => o.failures),
  };
}
