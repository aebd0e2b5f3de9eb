import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDynamoClients, type DynamoClients } from '../../src/store/dynamo/dynamo-client.js';
import { packagePk } from '../../src/store/dynamo/dynamo-keys.js';
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

/** The items holding a package (head, revisions, documents, review actions; audit excluded), read raw. */
export async function dynamoPackageRecordCount(
  clients: Pick<DynamoClients, 'doc'>,
  tableName: string,
  id: string,
) {
  const out = await clients.doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND SK >= :head',
      ExpressionAttributeValues: { ':pk': packagePk(id), ':head': 'HEAD' },
      ConsistentRead: true,
    }),
  );
  return out.Count ?? 0;
}
