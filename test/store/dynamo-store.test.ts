import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDynamoClients } from '../../src/store/dynamo/dynamo-client.js';
import { packagePk } from '../../src/store/dynamo/dynamo-keys.js';
import { createDynamoStore } from '../../src/store/dynamo/dynamo-store.js';
import { ensureTable } from '../../src/store/dynamo/dynamo-tables.js';
import { runStoreConformance } from '../conformance/store-conformance.js';
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
    async packageRecordCount(_store, packageId) {
      const out = await clients.doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND SK >= :head',
          ExpressionAttributeValues: { ':pk': packagePk(packageId), ':head': 'HEAD' },
          ConsistentRead: true,
        }),
      );
      return out.Count ?? 0;
    },
  },
});
