/**
 * What the HTTP benchmarks (`api`, `load`) stand on: a datastore of their own (a DynamoDB Local
 * table or a throw-away PostgreSQL database), an embedded S3, and the API in a child process
 * (bench/api-server.ts) listening on 127.0.0.1. Everything is removed again by `close()`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedS3 } from '../../src/files/s3-embedded.js';
import { seedStore } from '../../src/seed/seed.js';
import { createDynamoClients } from '../../src/store/dynamo/dynamo-client.js';
import { startDynamoLocal } from '../../src/store/dynamo/dynamo-local.js';
import { createDynamoStore } from '../../src/store/dynamo/dynamo-store.js';
import { ensureTable } from '../../src/store/dynamo/dynamo-tables.js';
import { type DrivenStore, drive } from '../../test/support/store-commands.js';
import { startChildServer } from './child-server.js';
import { devLogin, type Session } from './dev-login.js';
import { checkServer, createBenchDatabase, migratedPostgresStore } from './pg.js';

export const BENCH_STORES = ['dynamodb', 'postgres'] as const;
export type BenchStore = (typeof BENCH_STORES)[number];

/** The stores to run on: CAREPACK_BENCH_STORES (comma-separated), default both. */
export function benchStores(): BenchStore[] {
  const asked = (process.env.CAREPACK_BENCH_STORES ?? BENCH_STORES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = asked.filter((s) => !(BENCH_STORES as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new Error(
      `CAREPACK_BENCH_STORES: unknown ${unknown.join(', ')}; known: ${BENCH_STORES.join(', ')}`,
    );
  return asked as BenchStore[];
}

/** `onStore` on each store of the run (benchStores), one after another, by store name. */
export async function onEachStore<T>(
  onStore: (name: BenchStore) => Promise<T>,
): Promise<Partial<Record<BenchStore, T>>> {
  const out: Partial<Record<BenchStore, T>> = {};
  for (const name of benchStores()) out[name] = await onStore(name);
  return out;
}

export interface ApiEnv {
  storeName: BenchStore;
  /** A store instance of the bench's own on the same data, for seeding (the API has its own). */
  store: DrivenStore;
  /** `http://127.0.0.1:<port>` of the app. */
  base: string;
  /** The bare Fastify route's server, when asked for. */
  bareBase?: string;
  /** Signs in through the development login (rate-limited by the app: 30 a minute). */
  login(userId: string): Promise<Session>;
  close(): Promise<void>;
}

export interface ApiEnvOptions {
  /** Also serve the bare list route for this state (see bench/api-server.ts). */
  bareState?: string;
  /** …and the bare route that reads this user first. */
  bareUser?: string;
  /** Untimed set-up after the states and demo users are seeded, before the API starts. */
  seed?: (store: DrivenStore) => Promise<void>;
}

const BUCKET = 'carepack-bench-api';
type Cleanup = () => Promise<unknown> | unknown;

/** Opens the store the run asks for on a fresh table or database; cleanups go to `undo`, last first. */
async function openBenchStore(
  name: BenchStore,
  undo: Cleanup[],
): Promise<{ store: DrivenStore; childEnv: Record<string, string> }> {
  if (name === 'postgres') {
    await checkServer();
    const db = await createBenchDatabase();
    undo.push(() => db.drop());
    const store = await migratedPostgresStore(db.url);
    undo.push(() => store.close());
    return { store, childEnv: { BENCH_PG_URL: db.url } };
  }
  const local = await startDynamoLocal();
  undo.push(() => local.stop());
  const { client, doc } = createDynamoClients({ endpoint: local.endpoint, region: 'us-east-1' });
  const table = 'carepack-bench-api';
  await ensureTable(client, table);
  const store = drive(
    createDynamoStore({ client: doc, tableName: table, onClose: async () => client.destroy() }),
  );
  undo.push(() => store.close());
  return { store, childEnv: { BENCH_DYNAMO: local.endpoint, BENCH_TABLE: table } };
}

/** Starts bench/api-server.ts and waits for its `READY <port> <port>` line. */
async function startServer(env: Record<string, string>, undo: Cleanup[]): Promise<[number, number]> {
  const { child, ready } = startChildServer(new URL('../api-server.ts', import.meta.url), env);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  undo.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  const [app = 0, bare = 0] = await ready;
  return [app, bare];
}

/** DrivenStore, S3 and the API process, seeded; on failure whatever was started is stopped again. */
export async function startApiEnv(storeName: BenchStore, options: ApiEnvOptions = {}): Promise<ApiEnv> {
  const undo: Cleanup[] = [];
  const close = async () => {
    for (const step of undo.reverse()) await step();
  };
  try {
    const { store, childEnv } = await openBenchStore(storeName, undo);
    await seedStore(store, { demoUsers: true });
    await options.seed?.(store);
    const s3 = await startEmbeddedS3({ buckets: [BUCKET] });
    undo.push(() => s3.stop());
    const outbox = mkdtempSync(join(tmpdir(), 'carepack-bench-outbox-'));
    undo.push(() => rmSync(outbox, { recursive: true, force: true }));
    const [appPort, barePort] = await startServer(
      {
        ...childEnv,
        BENCH_STORE: storeName,
        BENCH_S3: s3.endpoint,
        BENCH_BUCKET: BUCKET,
        BENCH_OUTBOX: outbox,
        BENCH_SESSION_SECRET: randomBytes(24).toString('hex'),
        ...(options.bareState ? { BENCH_BARE_STATE: options.bareState } : {}),
        ...(options.bareUser ? { BENCH_BARE_USER: options.bareUser } : {}),
      },
      undo,
    );
    const base = `http://127.0.0.1:${appPort}`;
    return {
      storeName,
      store,
      base,
      ...(barePort ? { bareBase: `http://127.0.0.1:${barePort}` } : {}),
      login: (userId) => devLogin(base, userId),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
