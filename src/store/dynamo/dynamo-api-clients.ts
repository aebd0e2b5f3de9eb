/**
 * API clients on DynamoDB: one item each in the `APICLIENTS` partition (dynamo-keys.ts). A rotation
 * sets the new hash and ADDs 1 to the generation in one conditional UpdateItem, so two at once
 * raise it by two and neither revives a revoked client.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type ApiClient, assertStorableText } from '../../domain/index.js';
import { alreadyExists, notFound, StoreError } from '../errors.js';
import type { ApiClientOperations } from '../store.js';
import { isConditionalCheckFailed } from './dynamo-errors.js';
import { API_CLIENTS_PK, apiClientKey } from './dynamo-keys.js';
import { apiClientToItem, type Item, itemToApiClient } from './dynamo-marshal.js';
import type { DynamoTable } from './dynamo-table.js';

export function createDynamoApiClients(table: DynamoTable): ApiClientOperations {
  const { client, name: TableName } = table;

  async function read(id: string): Promise<ApiClient> {
    // Consistent: a revocation must be seen by the next request that checks the client.
    const out = await client.send(new GetCommand({ TableName, Key: apiClientKey(id), ConsistentRead: true }));
    if (!out.Item) throw notFound('API client', id);
    return itemToApiClient(out.Item);
  }

  /** An UpdateItem on an existing client; `condition` failing on an existing one raises `refused`. */
  async function update(
    id: string,
    expression: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>,
    refused?: () => Error,
  ): Promise<ApiClient> {
    try {
      const out = await client.send(
        new UpdateCommand({ TableName, Key: apiClientKey(id), ReturnValues: 'ALL_NEW', ...expression }),
      );
      return itemToApiClient(out.Attributes as Item);
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
      await read(id); // NOT_FOUND when it does not exist
      throw refused?.() ?? e;
    }
  }

  return {
    async createApiClient(apiClient) {
      assertStorableText(apiClient, ['client']);
      try {
        await client.send(
          new PutCommand({
            TableName,
            Item: apiClientToItem(apiClient),
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
      } catch (e) {
        if (isConditionalCheckFailed(e)) throw alreadyExists('API client', apiClient.id);
        throw e;
      }
    },
    getApiClient: read,
    async listApiClients() {
      const items = await table.partition(API_CLIENTS_PK);
      return items.map(itemToApiClient).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
    rotateApiClientSecret(id, secretHash, at) {
      return update(
        id,
        {
          UpdateExpression: 'SET secretHash = :h, rotatedAt = :at ADD secretGeneration :one',
          ConditionExpression: 'attribute_exists(PK) AND revoked = :no',
          ExpressionAttributeValues: { ':h': secretHash, ':at': at, ':one': 1, ':no': false },
        },
        () => new StoreError('VERSION_CONFLICT', `API client ${id} is revoked`, { id }),
      );
    },
    async revokeApiClient(id, at) {
      try {
        return await update(id, {
          UpdateExpression: 'SET revoked = :yes, revokedAt = :at',
          ConditionExpression: 'attribute_exists(PK) AND revoked = :no',
          ExpressionAttributeValues: { ':yes': true, ':no': false, ':at': at },
        });
      } catch (e) {
        if (!isConditionalCheckFailed(e)) throw e;
        return read(id); // revoked already: the first revocation stands
      }
    },
    async touchApiClient(id, at) {
      try {
        await client.send(
          new UpdateCommand({
            TableName,
            Key: apiClientKey(id),
            UpdateExpression: 'SET lastUsedAt = :at',
            ConditionExpression:
              'attribute_exists(PK) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :at)',
            ExpressionAttributeValues: { ':at': at },
          }),
        );
      } catch (e) {
        if (!isConditionalCheckFailed(e)) throw e;
      }
    },
    async importApiClients(clients) {
      assertStorableText(clients, ['clients']);
      await table.batchWrite(clients.map((c) => ({ PutRequest: { Item: apiClientToItem(c) } })));
    },
  };
}
