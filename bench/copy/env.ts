/**
 * What the copy benchmark runs on: DynamoDB Local with the source table, throw-away PostgreSQL
 * databases as targets (each dropped after use, or at the end whatever happens), and a folder
 * for copyStore's checkpoints.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDynamoClients, type DynamoClients } from '../../src/store/dynamo/dynamo-client.js';
import { type DynamoLocal, startDynamoLocal } from '../../src/store/dynamo/dynamo-local.js';
import { createDynamoStore } from '../../src/store/dynamo/dynamo-store.js';
import { ensureTable } from '../../src/store/dynamo/dynamo-tables.js';
import { type DrivenStore, drive } from '../../test/support/store-commands.js';
import { type BenchDatabase, checkServer, createBenchDatabase, migratedPostgresStore } from '../lib/pg.js';
import { SOURCE_TABLE } from './settings.js';

export interface PgTarget {
  db: BenchDatabase;
  store: DrivenStore;
}

export interface Env {
  local: DynamoLocal;
  clients: DynamoClients;
  source: DrivenStore;
  checkpoints: string;
  databases: Set<BenchDatabase>;
}

/** A migrated, empty PostgreSQL database and a store on it. */
export async function freshPostgres(env: Env): Promise<PgTarget> {
  const db = await createBenchDatabase();
  env.databases.add(db);
  return { db, store: await migratedPostgresStore(db.url) };
}

export async function dispose(env: Env, t: PgTarget) {
  await t.store.close();
  await t.db.drop();
  env.databases.delete(t.db);
}

/** Targets whose stores are closed by `closeAll` if the run ends before `release`. */
export function targets(env: Env) {
  const open = new Set<PgTarget>();
  return {
    fresh: async () => {
      const t = await freshPostgres(env);
      open.add(t);
      return t;
    },
    release: async (t: PgTarget) => {
      open.delete(t);
      await dispose(env, t);
    },
    closeAll: async () => {
      for (const t of open) await t.store.close().catch(() => {});
    },
  };
}

export type Targets = ReturnType<typeof targets>;

export async function open(): Promise<Env> {
  await checkServer();
  const local = await startDynamoLocal();
  const clients = createDynamoClients({ endpoint: local.endpoint, region: 'us-east-1' });
  const env: Env = {
    local,
    clients,
    source: drive(createDynamoStore({ client: clients.doc, tableName: SOURCE_TABLE })),
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

export async function close(env: Env) {
  try {
    for (const db of env.databases)
      await db.drop().catch((e) => console.error(`could not drop ${db.name}:`, e));
  } finally {
    env.clients.client.destroy();
    await env.local.stop();
    rmSync(env.checkpoints, { recursive: true, force: true });
  }
}
