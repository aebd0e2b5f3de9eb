/**
 * Ready Kysely instances for a PostgreSQL server (`pg`) or the embedded PGlite. Both parse
 * `date` as 'YYYY-MM-DD' text and `bigint` as a number, so the store sees the same values.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PglitePool } from './postgres-pglite-pool.js';
import type { Database } from './postgres-schema.js';

const DATE_OID = 1082;
const INT8_OID = 20;

export interface PostgresHandle {
  db: Kysely<Database>;
  /** Closes the pool or the embedded database. */
  close(): Promise<void>;
}

export function connectPostgres(
  connectionString: string,
  options: { maxConnections?: number } = {},
): PostgresHandle {
  const types: pg.CustomTypesConfig = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === DATE_OID) return (value: string) => value;
      if (oid === INT8_OID) return (value: string) => Number(value);
      return pg.types.getTypeParser(oid, format);
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
  const pool = new pg.Pool({ connectionString, types, max: options.maxConnections ?? 10 });
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
    parsers: { [DATE_OID]: (value: string) => value, [INT8_OID]: (value: string) => Number(value) },
  });
  const pool = new PglitePool(lite);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) });
  return { db, close: () => db.destroy() };
}
