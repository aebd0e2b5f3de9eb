/**
 * A fresh store on each backend, for benchmarks that compare two reads within one store: an
 * embedded DynamoDB Local with its own table, and a throw-away database on the PostgreSQL server
 * (`CAREPACK_BENCH_PG_URL`). Each is closed and removed after `work`, whatever it did.
 */
import { createDynamoClients } from '../../src/store/dynamo/dynamo-client.js';
import { startDynamoLocal } from '../../src/store/dynamo/dynamo-local.js';
import { createDynamoStore } from '../../src/store/dynamo/dynamo-store.js';
import { ensureTable } from '../../src/store/dynamo/dynamo-tables.js';
import { type DrivenStore, drive } from '../../test/support/store-commands.js';
import { checkServer, createBenchDatabase, migratedPostgresStore } from './pg.js';

export async function onFreshDynamo<T>(
  tableName: string,
  work: (store: DrivenStore) => Promise<T>,
): Promise<T> {
  // A benchmark can wait: on a loaded machine the engine takes longer than a minute to answer.
  const local = await startDynamoLocal({ startTimeoutMs: 300_000 });
  const { client, doc } = createDynamoClients({ endpoint: local.endpoint, region: 'us-east-1' });
  try {
    await ensureTable(client, tableName);
    return await work(drive(createDynamoStore({ client: doc, tableName })));
  } finally {
    doc.destroy();
    await local.stop();
  }
}

export async function onFreshPostgres<T>(work: (store: DrivenStore) => Promise<T>): Promise<T> {
  await checkServer();
  const database = await createBenchDatabase();
  const store = await migratedPostgresStore(database.url);
  try {
    return await work(store);
  } finally {
    await store.close();
    await database.drop();
  }
}
