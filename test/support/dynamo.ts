import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createDynamoClients } from '../../src/store/dynamo/dynamo-client.js';
import { createDynamoStore } from '../../src/store/dynamo/dynamo-store.js';
import { ensureTable } from '../../src/store/dynamo/dynamo-tables.js';
import { drive } from './store-commands.js';

/** A store on its own new table in the test run's DynamoDB Local. */
export async function freshDynamoStore(prefix = 'carepack-test') {
  const clients = createDynamoClients({ endpoint: inject('dynamoEndpoint'), region: 'us-east-1' });
  const tableName = `${prefix}-${randomUUID()}`;
  await ensureTable(clients.client, tableName);
  const store = drive(
    createDynamoStore({
      client: clients.doc,
      tableName,
      onClose: async () => clients.client.destroy(),
    }),
  );
  return { store, tableName, clients };
}
