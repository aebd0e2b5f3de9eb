/** The table-level operations both the store and its maintenance tools build on. */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  ExecuteStatementCommand,
  type ExecuteStatementCommandOutput,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConditionFailed, cancellationReasons, isRetryableTransactionError } from './dynamo-errors.js';
import { HEAD_SK, packagePk } from './dynamo-keys.js';
import type { Item } from './dynamo-marshal.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
export type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

const MAX_TRANSACTION_RETRIES = 8;
/**
 * The most partition keys a PartiQL `IN` list takes, and the most items a page of its answer
 * holds (DynamoDB's limits): up to this many keys are one request.
 */
export const IN_LIST_PAGE = 10;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DynamoTable {
  constructor(
    readonly client: DynamoDBDocumentClient,
    readonly name: string,
  ) {}

  /** One transaction; retried on conflicts, `ConditionFailed` when a condition did not hold. */
  async transact(items: TransactItem[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (e) {
        const reasons = cancellationReasons(e);
        const failed = reasons?.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : [])) ?? [];
        if (failed.length > 0) throw new ConditionFailed(failed);
        if (isRetryableTransactionError(e) && attempt < MAX_TRANSACTION_RETRIES) {
          await sleep(Math.random() * 20 * 2 ** attempt);
          continue;
        }
        throw e;
      }
    }
  }

  /** Puts and deletes in batches of 25, resending what DynamoDB leaves unprocessed. Not atomic. */
  async batchWrite(requests: WriteRequest[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let pending = requests.slice(i, i + 25);
      for (let attempt = 0; pending.length > 0; attempt++) {
        const out = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.name]: pending } }));
        pending = (out.UnprocessedItems?.[this.name] ?? []) as WriteRequest[];
        if (pending.length > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      }
    }
  }

  /**
   * The items of these partitions with sort key `sk`, consistently, in ONE PartiQL SELECT
   * (`PK IN [...] AND SK = ?`: key lookups, never a scan) for up to IN_LIST_PAGE partitions, whose
   * answer is one page; by BatchGetItem beyond. On AWS either is one request; DynamoDB Local
   * (the embedded store) answers the SELECT at about half BatchGetItem's cost per key
   * (`npm run bench -- rates`). In no particular order.
   */
  async getBySortKey(partitions: readonly string[], sk: string): Promise<Item[]> {
    if (partitions.length > IN_LIST_PAGE) return this.batchGet(partitions.map((PK) => ({ PK, SK: sk })));
    if (partitions.length === 0) return [];
    const items: Item[] = [];
    let nextToken: string | undefined;
    do {
      const out: ExecuteStatementCommandOutput = await this.client.send(
        new ExecuteStatementCommand({
          Statement: `SELECT * FROM "${this.name}" WHERE PK IN [${partitions.map(() => '?').join(', ')}] AND SK = ?`,
          Parameters: [...partitions, sk],
          ConsistentRead: true,
          NextToken: nextToken,
        }),
      );
      items.push(...((out.Items ?? []) as Item[]));
      nextToken = out.NextToken;
    } while (nextToken);
    return items;
  }

  /**
   * Reads items by key, consistently: 100 keys per BatchGetItem, the requests sent together,
   * what DynamoDB leaves unprocessed (over 16 MB, throttling) asked again. In no particular order.
   */
  async batchGet(keys: readonly Item[], projection?: string): Promise<Item[]> {
    const chunks: Item[][] = [];
    for (let i = 0; i < keys.length; i += 100) chunks.push(keys.slice(i, i + 100));
    const pages = await Promise.all(
      chunks.map(async (chunk) => {
        const items: Item[] = [];
        let pending: Record<string, unknown>[] | undefined = chunk;
        for (let attempt = 0; pending && pending.length > 0; attempt++) {
          if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
          const out: BatchGetCommandOutput = await this.client.send(
            new BatchGetCommand({
              RequestItems: {
                [this.name]: {
                  Keys: pending,
                  ConsistentRead: true,
                  ...(projection ? { ProjectionExpression: projection } : {}),
                },
              },
            }),
          );
          items.push(...((out.Responses?.[this.name] ?? []) as Item[]));
          pending = out.UnprocessedKeys?.[this.name]?.Keys;
        }
        return items;
      }),
    );
    return pages.flat();
  }

  async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({ TableName: this.name, ...input, ExclusiveStartKey }),
      );
      items.push(...((out.Items ?? []) as Item[]));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** Every item of one partition (states, users), optionally only some attributes. */
  partition(
    pk: string,
    projection?: Pick<QueryCommandInput, 'ProjectionExpression' | 'ExpressionAttributeNames'>,
  ) {
    return this.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ...projection,
    });
  }

  /** A package's head, question, revision, document and review items (HEAD sorts after AUDIT#…, before QUESTION#…, REV#… and REVIEW#…). */
  packageItems(id: string, projectKeysOnly = false): Promise<Item[]> {
    return this.queryAll({
      KeyConditionExpression: 'PK = :pk AND SK >= :head',
      ExpressionAttributeValues: { ':pk': packagePk(id), ':head': HEAD_SK },
      ConsistentRead: true,
      ...(projectKeysOnly ? { ProjectionExpression: 'PK, SK' } : {}),
    });
  }
}
