/**
 * Importing whole packages into the DynamoDB table, guarded by the head's version so that a
 * backfill (copy) and the dual-write mirror racing each other never move a package backwards,
 * and guarded by the number claim so that no two packages ever share a number.
 *
 * A package is written in one transaction with its head (conditioned on the head as read) and
 * its claim (conditioned on being free or already this package's). Only the items that differ
 * are written, so a re-import of a package with many submitted revisions stays small. A package
 * whose changes exceed one transaction is written in chunks, each conditioned on the head, and
 * then settled: read back and corrected once the head is in.
 */
import { isDeepStrictEqual } from 'node:util';
import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Package } from '../../domain/index.js';
import { inParallel } from '../../lib/parallel.js';
import { numberTaken } from '../import-checks.js';
import type { ImportOptions } from '../store.js';
import { ConditionFailed } from './dynamo-errors.js';
import { headKey, numberClaimKey } from './dynamo-keys.js';
import type { Item } from './dynamo-marshal.js';
import { type DynamoTable, sleep, type TransactItem } from './dynamo-table.js';

/** DynamoDB's limit of items per transaction. */
const TRANSACTION_ITEMS = 100;
/** Rounds of read-and-write before an import of one package gives up (each lost to a newer writer). */
const MAX_ROUNDS = 50;

type Mode = NonNullable<ImportOptions['mode']>;
const keyOf = (i: Item) => `${i.PK}|${i.SK}`;

/** A record an import writes (a package, a rate): its head, how to read its items, who holds its number. */
export interface ImportedRecord {
  id: string;
  version: number;
  headKey: Item;
  readItems: () => Promise<Item[]>;
  /** The claim item's attribute naming its holder. */
  claimOwner: 'packageId' | 'rateId';
  numberTaken: () => Promise<Error>;
}

export const importedPackage = (table: DynamoTable, pkg: Package): ImportedRecord => ({
  id: pkg.id,
  version: pkg.version,
  headKey: headKey(pkg.id),
  readItems: () => table.packageItems(pkg.id),
  claimOwner: 'packageId',
  numberTaken: () => numberTakenError(table, pkg),
});

/**
 * Writes one record's items (`wanted`: head, number claim, the rest) under the mode's guard,
 * only what differs from what the target holds.
 */
export async function importRecordItems(
  table: DynamoTable,
  pkg: ImportedRecord,
  wanted: Item[],
  mode: Exclude<Mode, 'overwrite'>,
): Promise<void> {
  const TableName = table.name;
  const [head, claim, ...children] = wanted as [Item, Item, ...Item[]];
  const claimPut = (): TransactItem => ({
    Put: {
      TableName,
      Item: claim,
      ConditionExpression: `attribute_not_exists(PK) OR ${pkg.claimOwner} = :id`,
      ExpressionAttributeValues: { ':id': pkg.id },
    },
  });

  for (let round = 0; round < MAX_ROUNDS; round++) {
    const existing = await pkg.readItems();
    const oldHead = existing.find((i) => i.SK === pkg.headKey.SK);
    // replace: the target's copy stays when it is as new or newer.
    if (oldHead && mode === 'replace' && (oldHead.version as number) >= pkg.version) return;
    const headAsRead = oldHead
      ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': oldHead.version } }
      : { ConditionExpression: 'attribute_not_exists(PK)' };
    const changes = itemDifferences(TableName, existing, children, head);
    try {
      if (changes.length + 2 <= TRANSACTION_ITEMS && weight(changes) + weight([head]) <= TRANSACTION_BYTES) {
        await table.transact([{ Put: { TableName, Item: head, ...headAsRead } }, claimPut(), ...changes]);
        return;
      }
      await writeInChunks(changes, { Key: pkg.headKey, ...headAsRead });
      await table.transact([{ Put: { TableName, Item: head, ...headAsRead } }, claimPut()]);
      await settle(pkg, children, head);
      return;
    } catch (e) {
      if (!(e instanceof ConditionFailed)) throw e;
      if (e.failedIndexes.includes(1)) throw await pkg.numberTaken();
      // Another writer changed the package meanwhile: read again and decide again.
    }
  }
  throw new Error(`importing ${pkg.id}: still changing after ${MAX_ROUNDS} attempts, try again`);

  /**
   * Writes `changes` in transactions that each hold only while the head is as `check` says, each
   * within DynamoDB's limits of items and bytes (many revisions or questions may exceed 4 MB).
   */
  async function writeInChunks(
    changes: TransactItem[],
    check: { Key: Item; ConditionExpression: string; ExpressionAttributeValues?: Record<string, unknown> },
  ) {
    let chunk: TransactItem[] = [];
    let bytes = 0;
    const flush = async () => {
      if (chunk.length > 0) await table.transact([{ ConditionCheck: { TableName, ...check } }, ...chunk]);
      chunk = [];
      bytes = 0;
    };
    for (const change of changes) {
      const size = weight([change]);
      if (chunk.length >= TRANSACTION_ITEMS - 1 || bytes + size > TRANSACTION_BYTES) await flush();
      chunk.push(change);
      bytes += size;
    }
    await flush();
  }

  /**
   * After a chunked write: corrects what a racing writer left before our head went in. Every
   * later write of such a writer is conditioned on the head it read, so one pass is enough.
   */
  async function settle(p: ImportedRecord, items: Item[], headItem: Item) {
    const existing = await p.readItems();
    const changes = itemDifferences(TableName, existing, items, headItem);
    if (changes.length === 0) return;
    await writeInChunks(changes, {
      Key: p.headKey,
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: { ':v': p.version },
    });
  }
}

/**
 * The puts and deletes that turn a record's stored items (`existing`) into `items`; its head is
 * written apart (never put nor deleted here). Unconditional: the caller guards them by the head.
 */
export function itemDifferences(
  TableName: string,
  existing: readonly Item[],
  items: readonly Item[],
  headItem: Item,
): TransactItem[] {
  const have = new Map(existing.map((i) => [keyOf(i), i]));
  // As stored: attributes left undefined are not written, so they must not count as a change.
  const stored = (i: Item) => JSON.parse(JSON.stringify(i)) as Item;
  const keep = new Set([...items, headItem].map(keyOf));
  return [
    ...items
      .filter((i) => !isDeepStrictEqual(have.get(keyOf(i)), stored(i)))
      .map((Item): TransactItem => ({ Put: { TableName, Item } })),
    ...existing
      .filter((i) => !keep.has(keyOf(i)))
      .map((i): TransactItem => ({ Delete: { TableName, Key: { PK: i.PK, SK: i.SK } } })),
  ];
}

/** The error for a package whose number's claim belongs to another package: names both. */
export async function numberTakenError(table: DynamoTable, p: Package) {
  const out = await table.queryAll({
    KeyConditionExpression: 'PK = :pk AND SK = :sk',
    ExpressionAttributeValues: numberClaimValues(p),
    ConsistentRead: true,
  });
  const holder = String(out[0]?.packageId ?? 'another package');
  return numberTaken([{ id: holder, stateCode: p.stateCode, stateNumber: p.stateNumber, wantedBy: p.id }]);
}

function numberClaimValues(p: Package) {
  const key = numberClaimKey(p.stateCode, p.stateNumber);
  return { ':pk': key.PK, ':sk': key.SK };
}

/** Rough ceiling on a transaction's size in bytes (DynamoDB allows 4 MB). */
const TRANSACTION_BYTES = 3_000_000;
/** An upper bound of what items or writes weigh in a transaction (UTF-16 length × 2 ≥ UTF-8 bytes). */
const weight = (values: readonly unknown[]) =>
  values.reduce<number>((n, v) => n + JSON.stringify(v).length * 2, 0);

/**
 * Imports many packages: one BatchGet of their heads decides which are new, which are older
 * and which are already as new (skipped in `replace`). New ones go in shared transactions,
 * each conditioned on every head still being absent and every claim free; a package whose
 * condition fails (someone wrote it meanwhile, or the number is taken) falls back to
 * `importPackageItems`, which decides again on what is there now.
 */
export async function importPackagesGuarded(
  table: DynamoTable,
  packages: readonly Package[],
  mode: Exclude<Mode, 'overwrite'>,
  itemsOf: (p: Package) => Item[],
  concurrency: number,
): Promise<void> {
  const versions = await headVersions(
    table,
    packages.map((p) => p.id),
  );
  const fresh = packages.filter((p) => !versions.has(p.id));
  const older = packages.filter((p) => {
    const now = versions.get(p.id);
    return now !== undefined && (mode === 'force' || now < p.version);
  });
  const groups: Package[][] = [];
  let group: Package[] = [];
  let items = 0;
  let bytes = 0;
  for (const p of fresh) {
    const size = itemsOf(p).length;
    const packageBytes = weight([p]);
    if (size > TRANSACTION_ITEMS || packageBytes > TRANSACTION_BYTES) {
      older.push(p); // too big to share: written alone, in chunks
      continue;
    }
    if (group.length > 0 && (items + size > TRANSACTION_ITEMS || bytes + packageBytes > TRANSACTION_BYTES)) {
      groups.push(group);
      group = [];
      items = 0;
      bytes = 0;
    }
    group.push(p);
    items += size;
    bytes += packageBytes;
  }
  if (group.length > 0) groups.push(group);

  const alone: Package[] = [];
  await inParallel(groups, concurrency, async (g) => {
    let pending = g;
    while (pending.length > 0) {
      const writes: TransactItem[] = [];
      const owner: Package[] = [];
      for (const p of pending) {
        const [head, claim, ...children] = itemsOf(p) as [Item, Item, ...Item[]];
        writes.push(
          { Put: { TableName: table.name, Item: head, ConditionExpression: 'attribute_not_exists(PK)' } },
          {
            Put: {
              TableName: table.name,
              Item: claim,
              ConditionExpression: 'attribute_not_exists(PK) OR packageId = :id',
              ExpressionAttributeValues: { ':id': p.id },
            },
          },
          ...children.map((Item): TransactItem => ({ Put: { TableName: table.name, Item } })),
        );
        owner.push(...Array.from({ length: 2 + children.length }, () => p));
      }
      try {
        await table.transact(writes);
        return;
      } catch (e) {
        if (!(e instanceof ConditionFailed)) throw e;
        const failed = new Set(e.failedIndexes.map((i) => owner[i]!));
        alone.push(...failed);
        pending = pending.filter((p) => !failed.has(p));
      }
    }
  });
  await inParallel([...older, ...alone], concurrency, (p) =>
    importRecordItems(table, importedPackage(table, p), itemsOf(p), mode),
  );
}

/** The version of each package's head that exists. */
async function headVersions(table: DynamoTable, ids: readonly string[]): Promise<Map<string, number>> {
  const versions = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = ids.slice(i, i + 100).map((id) => headKey(id));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      const out: BatchGetCommandOutput = await table.client.send(
        new BatchGetCommand({
          RequestItems: {
            [table.name]: { Keys: pending, ConsistentRead: true, ProjectionExpression: 'id, version' },
          },
        }),
      );
      for (const item of out.Responses?.[table.name] ?? [])
        versions.set(item.id as string, item.version as number);
      pending = out.UnprocessedKeys?.[table.name]?.Keys;
      if (pending && pending.length > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
    }
  }
  return versions;
}
