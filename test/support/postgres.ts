/**
 * Test databases on the PostgreSQL server (default 127.0.0.1:5432, user postgres): each test
 * file creates its own database and drops it afterwards. Without a reachable server the
 * Postgres tests are skipped with a loud warning — unless CAREPACK_REQUIRE_PG=1 (CI), when
 * that is a failure.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrationProvider } from '../../src/store/postgres/postgres-migrations/index.js';

export const ADMIN_URL = process.env.CAREPACK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const required = process.env.CAREPACK_REQUIRE_PG === '1';

async function reachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

const problem = await reachable();
if (problem && required) {
  throw new Error(`CAREPACK_REQUIRE_PG=1 but PostgreSQL at ${ADMIN_URL} is not reachable: ${problem}`);
}
if (problem) {
  console.warn(
    `\n*** SKIPPING PostgreSQL server tests: ${ADMIN_URL} is not reachable (${problem}).\n` +
      '*** Start PostgreSQL or set CAREPACK_TEST_PG_URL; set CAREPACK_REQUIRE_PG=1 to make this an error.\n',
  );
}
export const pgAvailable = problem === undefined;

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = 'carepack_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    // A test database is thrown away: commits need not wait for the WAL to reach the disk. What a
    // session sees, and every lock and constraint, is the same; a run with many databases writes
    // far faster on a slow disk.
    await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        // pg's Pool.end() resolves before its clients' sockets have closed; terminating them then
        // (FORCE) makes each emit an 'error' the ended pool no longer handles: an uncaught
        // exception in the test run. Give the sessions a few seconds to leave first.
        for (let i = 0; i < 50; i++) {
          const { rows } = await c.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
            [name],
          );
          if (rows[0]!.n === 0) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** The names of every migration after `name`, oldest first: what an upgrade from it applies. */
export async function migrationsAfter(name: string): Promise<string[]> {
  return Object.keys(await migrationProvider.getMigrations())
    .filter((n) => n > name)
    .sort();
}
