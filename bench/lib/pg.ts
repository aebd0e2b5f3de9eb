/**
 * PostgreSQL helpers shared by the benchmarks: throw-away databases on the server, a migrated
 * store on one, a raw `pg` pool configured like the store's, and a trace of the statements a
 * piece of code sends.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { connectPostgres } from '../../src/store/postgres/postgres-client.js';
import { migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
// The store's own type parsers, so both sides get the same values for the same work.
import { PG_TYPES } from '../../src/store/postgres/postgres-types.js';
import { type DrivenStore, drive } from '../../test/support/store-commands.js';

export { PG_TYPES };

/** The server the benchmarks use (trust auth); each run makes its own databases and drops them. */
export const ADMIN_URL = process.env.CAREPACK_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** connectPostgres's default pool size. */
export const STORE_POOL_SIZE = 10;

/** A raw pool like the store's: same size, same type parsers. Errors of idle clients are ignored. */
export function rawPool(url: string, max = STORE_POOL_SIZE): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, types: PG_TYPES, max });
  pool.on('error', () => {});
  return pool;
}

export interface BenchDatabase {
  name: string;
  url: string;
  /** Waits (briefly) for the benchmark's own connections to close, then drops the database. */
  drop(): Promise<void>;
}

async function admin<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  c.on('error', () => {});
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** Says what is wrong when the server cannot be reached, before any work is done. */
export async function checkServer(): Promise<void> {
  try {
    await admin((c) => c.query('SELECT 1'));
  } catch (e) {
    throw new Error(
      `PostgreSQL at ${ADMIN_URL} is not reachable (${(e as Error).message}); set CAREPACK_BENCH_PG_URL`,
    );
  }
}

/** A new empty database `carepack_bench_<random>`. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `carepack_bench_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      admin(async (c) => {
        // pg's Pool.end() resolves before its sockets are closed; forcing the drop at once would
        // hit them while closing, and an idle client's error would crash the process.
        for (let i = 0; i < 50; i++) {
          const { rows } = await c.query(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
            [name],
          );
          if ((rows[0] as { n: number }).n === 0) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }),
  };
}

/** A store on the database at `url`, migrated to the latest schema; closing the store closes its pool. */
export async function migratedPostgresStore(url: string): Promise<DrivenStore> {
  const handle = connectPostgres(url);
  try {
    await migrateToLatest(handle.db);
  } catch (e) {
    await handle.close();
    throw e;
  }
  return drive(createPostgresStore({ db: handle.db, onClose: handle.close }));
}

/** Lower case, no identifier quotes, single spaces: the same statement written two ways compares equal. */
export const normalizeSql = (text: string) =>
  text.replaceAll('"', '').replace(/\s+/g, ' ').trim().toLowerCase();

type QueryFn = (...args: unknown[]) => unknown;

/**
 * Runs `work` with `observe` told of every statement any `pg` client sends meanwhile: the
 * arguments of `query` and what it returned.
 */
export async function observeQueries(
  observe: (args: unknown[], out: unknown) => void,
  work: () => Promise<unknown>,
): Promise<void> {
  const proto = pg.Client.prototype as unknown as { query: QueryFn };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const out = original.apply(this, args);
    observe(args, out);
    return out;
  };
  try {
    await work();
  } finally {
    proto.query = original;
  }
}

/**
 * Every statement `work` sends through any `pg` client (normalized, with its parameter count),
 * sorted so that statements sent in parallel compare equal whatever order they went in.
 */
export async function traceStatements(work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  await observeQueries(([first, second]) => {
    const text = typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text;
    const values = Array.isArray(second) ? second : (first as { values?: unknown[] } | undefined)?.values;
    if (text) seen.push(`${normalizeSql(text)} [${values?.length ?? 0} params]`);
  }, work);
  return seen.sort();
}
