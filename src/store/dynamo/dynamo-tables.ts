import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CMS_LIST_SORT_ATTRIBUTE,
  INDEX_PARTITION_ATTRIBUTE,
  INDEX_SORT_ATTRIBUTE,
  type IndexName,
  LIST_SORT_ATTRIBUTE,
} from './dynamo-keys.js';

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
      { AttributeName: CMS_LIST_SORT_ATTRIBUTE, AttributeType: 'S' },
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
        { AttributeName: INDEX_SORT_ATTRIBUTE[name], KeyType: 'RANGE' },
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

type IndexDescription = { IndexName?: string; KeySchema?: { AttributeName?: string; KeyType?: string }[] };

/**
 * How an existing table's indexes differ from the definition, one line each (empty: none).
 * A table created by an older Carepack (e.g. CMS's indexes sorting on `listKey`) cannot be
 * changed in place: a GSI's key schema is fixed, and the heads lack the new attributes.
 */
export function layoutDifferences(tableName: string, existing: readonly IndexDescription[]): string[] {
  const keys = (i: IndexDescription | undefined) =>
    (i?.KeySchema ?? []).map((k) => `${k.AttributeName} ${k.KeyType}`).join(', ');
  const have = new Map(existing.map((i) => [i.IndexName, i]));
  const out: string[] = [];
  for (const wanted of tableDefinition(tableName).GlobalSecondaryIndexes ?? []) {
    const found = have.get(wanted.IndexName);
    if (!found) out.push(`index ${wanted.IndexName} is missing`);
    else if (keys(found) !== keys(wanted))
      out.push(`index ${wanted.IndexName} has keys (${keys(found)}), expected (${keys(wanted)})`);
  }
  return out;
}

/**
 * Creates the table unless it exists; waits until it is active. Safe to run any number of times.
 * Refuses, naming the differences, an existing table whose indexes are not this version's.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<EnsureTableResult> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const differences = layoutDifferences(tableName, Table?.GlobalSecondaryIndexes ?? []);
    if (differences.length > 0) {
      throw new Error(
        `DynamoDB table ${tableName} has an older layout than this version of Carepack: ${differences.join('; ')}. ` +
          'Its indexes cannot be changed in place: back it up (CAREPACK_CREATE_TABLES=false carepack backup --out <file>), ' +
          'then restore into a new table (carepack restore --in <file>, with another CAREPACK_DYNAMODB_TABLE or ' +
          'after deleting this one), which writes every package head in the current layout. See docs/dynamodb.md.',
      );
    }
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
