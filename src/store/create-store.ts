/**
 * The one place that chooses a backend. Nothing outside src/store imports a backend folder.
 */
import type { DynamoConfig, StoreConfig } from '../config.js';
import { createDynamoClients } from './dynamo/dynamo-client.js';
import { startDynamoLocal } from './dynamo/dynamo-local.js';
import { createDynamoStore } from './dynamo/dynamo-store.js';
import { ensureTable } from './dynamo/dynamo-tables.js';
import type { Store } from './store.js';

export interface OpenedStore {
  store: Store;
  /** Where the data lives, for the start-up log line. */
  description: string;
}

export async function openStore(config: StoreConfig): Promise<OpenedStore> {
  return openDynamo(config.dynamodb);
}

async function openDynamo(config: DynamoConfig): Promise<OpenedStore> {
  const local = config.mode === 'embedded' ? await startDynamoLocal({ dataDir: config.dataDir }) : undefined;
  const endpoint = local?.endpoint ?? config.endpoint;
  const { client, doc } = createDynamoClients({ endpoint, region: config.region });
  try {
    if (config.createTables) await ensureTable(client, config.tableName);
  } catch (e) {
    client.destroy();
    await local?.stop();
    throw e;
  }
  const store = createDynamoStore({
    client: doc,
    tableName: config.tableName,
    onClose: async () => {
      client.destroy();
      await local?.stop();
    },
  });
  const where =
    config.mode === 'embedded'
      ? `embedded DynamoDB Local at ${endpoint} (${config.dataDir ? `data in ${config.dataDir}` : 'in memory'})`
      : config.mode === 'aws'
        ? `AWS DynamoDB in ${config.region}`
        : `DynamoDB at ${endpoint}`;
  return { store, description: `${where}, table ${config.tableName}` };
}
