import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createDynamoClients } from '../../src/store/dynamo/dynamo-client.js';
import { createDynamoStore } from '../../src/store/dynamo/dynamo-store.js';
import { ensureTable } from '../../src/store/dynamo/dynamo-tables.js';
import { runStoreConformance } from '../conformance/store-conformance.js';
import { dynamoPackageRecordCount } from '../support/dynamo.js';
import { drive } from '../support/store-commands.js';

const clients = createDynamoClients({ endpoint: inject('dynamoEndpoint'), region: 'us-east-1' });
const tableName = `carepack-conformance-${randomUUID()}`;

runStoreConformance({
  name: 'dynamodb',
  async createStore() {
    await ensureTable(clients.client, tableName);
    return drive(createDynamoStore({ client: clients.doc, tableName }));
  },
  inspect: {
    packageRecordCount: (_store, packageId) => dynamoPackageRecordCount(clients, tableName, packageId),
  },
});
