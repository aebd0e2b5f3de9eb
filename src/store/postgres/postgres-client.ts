/**
 * Ready Kysely instances for a PostgreSQL server (`pg`) or the embedded PGlite, with the same
 * type parsers (postgres-types.ts), so the store sees the same values from both.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PglitePool } from './postgres-pglite-pool.js';
import type { Database } from './postgres-schema.js';
import { PARSERS, PG_TYPES } from './postgres-types.js';

export interface PostgresHandle {
  db: Kysely<Database>;
  /** Closes the pool or the embedded database. */
  close(): Promise<void>;
}

export function connectPostgres(
  connectionString: string,
  options: { maxConnections?: number } = {},
): PostgresHandle {
  const pool = new pg.Pool({ connectionString, types: PG_TYPES, max: options.maxConnections ?? 10 });
  // An idle client the server drops (restart, terminated backend, a database dropped right after
  // close) leaves the pool by itself; unheard, its error would crash the process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, close: () => db.destroy() };
}

/** Embedded PostgreSQL; in memory without a directory. */
export async function openPglite(dataDir?: string): Promise<PostgresHandle> {
  const dir = dataDir ? resolve(dataDir) : undefined;
  if (dir) mkdirSync(dir, { recursive: true });
  const lite = await PGlite.create({
    ...(dir ? { dataDir: dir } : {}),
    parsers: PARSERS,
  });
  const pool = new PglitePool(lite);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) });
  return { db, close: () => db.destroy() };
}
