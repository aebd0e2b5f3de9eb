/**
 * A one-off pass over the whole table that upgrades records written by an older version (the
 * review keys, the embedded rates): what every such pass shares, so each upgrade only says which
 * items it looks for and what it does to one of them.
 *
 * - Bounded: one Scan page (the pass's filter, `pageItems` items read before it) at a time, the
 *   page's records worked on a few at a time.
 * - Resumable: after each page the position is saved in the pass's `UPGRADES` item; a restarted
 *   pass goes on from there, and a finished one is marked done and never scans again (a table
 *   created by this version is marked done at creation).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inParallel } from '../../lib/parallel.js';
import { upgradeKey } from './dynamo-keys.js';
import type { Item } from './dynamo-marshal.js';
import { DynamoTable } from './dynamo-table.js';

/** Items one Scan request reads (before its filter): bounds each step and the work lost on a crash. */
const PAGE_ITEMS = 500;

export function documentClient(client: DynamoDBClient) {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/** Records that the pass `name` is not needed: a table created in the current layout. */
export async function markPassDone(client: DynamoDBClient, tableName: string, name: string): Promise<void> {
  await documentClient(client).send(
    new PutCommand({ TableName: tableName, Item: { ...upgradeKey(name), done: true } }),
  );
}

export interface UpgradePass {
  /** The pass's name: the sort key of its progress item. */
  name: string;
  /** What one Scan page is narrowed to: the items that still need the pass. */
  scan: {
    FilterExpression: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues: Record<string, unknown>;
    ProjectionExpression: string;
  };
  /** The records of a page to work on (one per package, whichever items matched). */
  idsOf(items: readonly Item[]): string[];
  /** Upgrades one record; true when it wrote. */
  upgrade(table: DynamoTable, id: string): Promise<boolean>;
  concurrency: number;
}

/**
 * Runs (or resumes) `pass` unless it finished before: how many records it wrote, and false for
 * `ran` when it had finished before (nothing was scanned). `onProgress` after each write.
 */
export async function runUpgradePass(
  client: DynamoDBClient,
  tableName: string,
  pass: UpgradePass,
  options: { pageItems?: number; onProgress?: (written: number) => void } = {},
): Promise<{ written: number; ran: boolean }> {
  const doc = documentClient(client);
  const table = new DynamoTable(doc, tableName);
  const key = upgradeKey(pass.name);
  const marker = (await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true })))
    .Item;
  if (marker?.done === true) return { written: 0, ran: false };
  let start = marker?.next as Record<string, unknown> | undefined;
  let written = 0;
  do {
    const out = await doc.send(
      new ScanCommand({
        TableName: tableName,
        Limit: options.pageItems ?? PAGE_ITEMS,
        ConsistentRead: true,
        ExclusiveStartKey: start,
        ...pass.scan,
      }),
    );
    await inParallel(pass.idsOf(out.Items ?? []), pass.concurrency, async (id) => {
      if (!(await pass.upgrade(table, id))) return;
      written++;
      options.onProgress?.(written);
    });
    start = out.LastEvaluatedKey;
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...key, ...(start ? { next: start } : { done: true }) },
      }),
    );
  } while (start);
  return { written, ran: true };
}
