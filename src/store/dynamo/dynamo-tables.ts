import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTableCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CMS_LIST_SORT_ATTRIBUTE,
  INDEX_PARTITION_ATTRIBUTE,
  INDEX_SORT_ATTRIBUTE,
  type IndexName,
  LIST_SORT_ATTRIBUTE,
  REVIEW_INDEXES,
} from './dynamo-keys.js';
import { backfillEmbeddedRates, markRateBackfillDone } from './dynamo-rate-backfill.js';
import { backfillReviewKeys, markReviewBackfillDone } from './dynamo-review-backfill.js';
import { sleep } from './dynamo-table.js';

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

/**
 * `upgraded`: indexes this version added were created and the heads backfilled, or embedded
 * rates moved into rate records (see ensureTable).
 */
export type EnsureTableResult = 'created' | 'exists' | 'upgraded';

type IndexDescription = { IndexName?: string; KeySchema?: { AttributeName?: string; KeyType?: string }[] };

/** The indexes an older table may lack and get in place: added by UpdateTable, heads backfilled. */
const ADDITIVE_INDEXES: ReadonlySet<string> = new Set(REVIEW_INDEXES);

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

/** The indexes of the definition an existing table lacks, which can be added in place. */
function missingAdditiveIndexes(tableName: string, existing: readonly IndexDescription[]) {
  const have = new Set(existing.map((i) => i.IndexName));
  return (tableDefinition(tableName).GlobalSecondaryIndexes ?? []).filter(
    (i) => !have.has(i.IndexName) && ADDITIVE_INDEXES.has(i.IndexName!),
  );
}

/**
 * Creates the table unless it exists; waits until it is active. Safe to run any number of times,
 * by several processes at once.
 *
 * An existing table that lacks only the review-status indexes (a table from before CMS's review)
 * is upgraded in place: each missing index is added by UpdateTable (one per call, as DynamoDB
 * requires), waiting until it is ACTIVE, then the heads written before are given the review keys
 * (dynamo-review-backfill.ts; resumable, safe while the portal writes). Then packages that still
 * embed rate certifications get them as rate records (dynamo-rate-backfill.ts; the same way). A
 * table whose indexes differ otherwise (other keys, another missing index) is refused, naming
 * every difference.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: { pollMs?: number; maxWaitMs?: number; onRatesMoved?: (packages: number) => void } = {},
): Promise<EnsureTableResult> {
  let table: TableDescription | undefined;
  try {
    table = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) throw e;
  }
  if (table) {
    const existing = table.GlobalSecondaryIndexes ?? [];
    const differences = layoutDifferences(tableName, existing);
    const additive = new Set(
      missingAdditiveIndexes(tableName, existing).map((i) => `index ${i.IndexName} is missing`),
    );
    if (differences.some((d) => !additive.has(d))) {
      throw new Error(
        `DynamoDB table ${tableName} has an older layout than this version of Carepack: ${differences.join('; ')}. ` +
          'Its indexes cannot be changed in place: back it up (CAREPACK_CREATE_TABLES=false carepack backup --out <file>), ' +
          'then restore into a new table (carepack restore --in <file>, with another CAREPACK_DYNAMODB_TABLE or ' +
          'after deleting this one), which writes every package head in the current layout. See docs/dynamodb.md.',
      );
    }
    const added = await addMissingIndexes(client, tableName, options, table);
    const backfill = await backfillReviewKeys(client, tableName);
    const rates = await backfillEmbeddedRates(client, tableName, {
      ...(options.onRatesMoved ? { onProgress: options.onRatesMoved } : {}),
    });
    return added > 0 || backfill.heads > 0 || rates.packages > 0 ? 'upgraded' : 'exists';
  }
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
  } catch (e) {
    // Another process created it between our describe and create: that is fine.
    if ((e as { name?: string }).name !== 'ResourceInUseException') throw e;
  }
  await waitActive(client, tableName);
  // Created in the current layout: no head needs the review keys, no package embeds rates.
  await markReviewBackfillDone(client, tableName);
  await markRateBackfillDone(client, tableName);
  return 'created';
}

/**
 * Adds the review indexes the table lacks, one UpdateTable each, and waits until every index
 * is ACTIVE (including one another process is adding). Returns how many this call created.
 */
async function addMissingIndexes(
  client: DynamoDBClient,
  tableName: string,
  { pollMs = 1000, maxWaitMs = 3_600_000 }: { pollMs?: number; maxWaitMs?: number },
  described: TableDescription,
): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  const definition = tableDefinition(tableName);
  let created = 0;
  let Table: TableDescription | undefined = described;
  for (; ; Table = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table) {
    const indexes = Table?.GlobalSecondaryIndexes ?? [];
    const busy =
      Table?.TableStatus !== 'ACTIVE' || indexes.some((i) => i.IndexStatus && i.IndexStatus !== 'ACTIVE');
    const missing = missingAdditiveIndexes(tableName, indexes);
    if (!busy && missing.length === 0) return created;
    if (Date.now() > deadline) {
      throw new Error(
        `DynamoDB table ${tableName}: indexes still being created after ${maxWaitMs / 1000} s; start again to go on waiting`,
      );
    }
    if (!busy) {
      const index = missing[0]!;
      const attributes = new Set(index.KeySchema!.map((k) => k.AttributeName));
      try {
        await client.send(
          new UpdateTableCommand({
            TableName: tableName,
            AttributeDefinitions: definition.AttributeDefinitions!.filter((a) =>
              attributes.has(a.AttributeName),
            ),
            GlobalSecondaryIndexUpdates: [
              {
                Create: {
                  IndexName: index.IndexName,
                  KeySchema: index.KeySchema,
                  Projection: index.Projection,
                },
              },
            ],
          }),
        );
        created++;
        continue; // describe again: wait until it is ACTIVE before the next one
      } catch (e) {
        // Another process is changing the table (or just added this index): wait and look again.
        const name = (e as { name?: string }).name;
        if (
          name !== 'ResourceInUseException' &&
          name !== 'LimitExceededException' &&
          name !== 'ValidationException'
        )
          throw e;
        if (
          name === 'ValidationException' &&
          !/already exists|being (created|updated)/i.test(String((e as Error).message))
        )
          throw e;
      }
    }
    await sleep(pollMs);
  }
}

async function waitActive(client: DynamoDBClient, tableName: string) {
  await waitUntilTableExists(
    { client, maxWaitTime: 120, minDelay: 1, maxDelay: 5 },
    { TableName: tableName },
  );
}
