import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { INDEX_PARTITION_ATTRIBUTE, type IndexName, LIST_SORT_ATTRIBUTE } from './dynamo-keys.js';

/** The one table Carepack needs, as CreateTable input (also printed for CloudFormation users). */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const indexes = Object.entries(INDEX_PARTITION_ATTRIBUTE) as [IndexName, string][];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'PK', AttributeType: 'S' },
      { AttributeName: 'SK', AttributeType: 'S' },
      { AttributeName: LIST_SORT_ATTRIBUTE, AttributeType: 'S' },
      ...indexes.map(([, pk]) => ({ AttributeName: pk, AttributeType: 'S' as const })),
    ],
    KeySchema: [
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map(([name, pk]) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: pk, KeyType: 'HASH' },
        { AttributeName: LIST_SORT_ATTRIBUTE, KeyType: 'RANGE' },
      ],
      // Only package heads carry index attributes, and a list shows the whole head.
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}

/** The same definition as a CloudFormation resource, for `carepack dynamo create-tables --print`. */
export function cloudFormationTemplate(tableName: string) {
  const def = tableDefinition(tableName);
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'Carepack datastore table',
    Resources: {
      CarepackTable: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          TableName: def.TableName,
          BillingMode: def.BillingMode,
          AttributeDefinitions: def.AttributeDefinitions,
          KeySchema: def.KeySchema,
          GlobalSecondaryIndexes: def.GlobalSecondaryIndexes,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
        },
      },
    },
  };
}

export type EnsureTableResult = 'created' | 'exists';

/** Creates the table unless it exists; waits until it is active. Safe to run any number of times. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<EnsureTableResult> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus !== 'ACTIVE') await waitActive(client, tableName);
    return 'exists';
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) throw e;
  }
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
  } catch (e) {
    // Another process created it between our describe and create: that is fine.
    if ((e as { name?: string }).name !== 'ResourceInUseException') throw e;
  }
  await waitActive(client, tableName);
  return 'created';
}

async function waitActive(client: DynamoDBClient, tableName: string) {
  await waitUntilTableExists(
    { client, maxWaitTime: 120, minDelay: 1, maxDelay: 5 },
    { TableName: tableName },
  );
}
