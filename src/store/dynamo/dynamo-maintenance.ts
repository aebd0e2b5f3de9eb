/**
 * Copy, backup and mirroring support for the DynamoDB store: whole-table reads by parallel
 * Scan segments and idempotent bulk writes. Never on a request path.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Package } from '../../domain/index.js';
import { assertStorableText } from '../../domain/index.js';
import { inParallel } from '../../lib/parallel.js';
import { latestOfEach, refuseSharedNumbers } from '../import-checks.js';
import { decodeCursor, encodeCursor, isStringRecord, scanPageSize } from '../paging.js';
import type {
  AuditEvent,
  ImportOptions,
  PackageMaintenance,
  PackagesWithAuditPage,
  Page,
  ScanRequest,
} from '../store.js';
import { PACKAGE_NUMBERS, raiseCounters, readCounters } from './dynamo-counters.js';
import { importPackagesGuarded } from './dynamo-import.js';
import { numberClaimKey } from './dynamo-keys.js';
import {
  auditToItem,
  documentsLender,
  documentToItem,
  headToItem,
  type Item,
  itemsToPackage,
  itemToAudit,
  questionItems,
  reviewActionItems,
  revisionToItem,
} from './dynamo-marshal.js';
import type { DynamoTable, WriteRequest } from './dynamo-table.js';

const SCAN_PAGE_ITEMS = 1000;
const WRITE_CONCURRENCY = 8;

/** Every item a package consists of (review actions and questions included), and the claim on its number. */
export function packageToItems(pkg: Package): Item[] {
  return [
    headToItem(pkg),
    { ...numberClaimKey(pkg.stateCode, pkg.stateNumber), packageId: pkg.id },
    ...pkg.revisions.flatMap((r) => {
      // As a change writes it: a submitted revision with an earlier one's documents names it.
      const lender = documentsLender(pkg.revisions, r);
      if (lender !== undefined) return [revisionToItem(pkg.id, r, lender)];
      return [
        revisionToItem(pkg.id, r),
        ...r.documents.map((d, i) => documentToItem(pkg.id, r.number, d, i)),
      ];
    }),
    ...reviewActionItems(pkg),
    ...questionItems(pkg),
  ];
}

/**
 * Scans one segment and hands `take` each item collection (all items of one partition key,
 * which a segment returns together, in sort-key order). Stops after a collection once
 * `enough()` says so; the cursor then points at that collection's last item.
 */
export async function scanCollections(
  table: DynamoTable,
  request: ScanRequest,
  tag: string,
  take: (items: Item[]) => void,
  enough: () => boolean,
  onlyKind?: string,
): Promise<string | undefined> {
  const { client, name: TableName } = table;
  scanPageSize(request);
  let start = decodeCursor(tag, request.cursor, isStringRecord);
  let group: Item[] = [];
  let lastDone: Record<string, string> | undefined;
  const finish = () => {
    if (group.length === 0) return;
    take(group);
    const last = group[group.length - 1]!;
    lastDone = { PK: last.PK as string, SK: last.SK as string };
    group = [];
  };
  do {
    const out = await client.send(
      new ScanCommand({
        TableName,
        Segment: request.partition,
        TotalSegments: request.partitions,
        ExclusiveStartKey: start,
        Limit: SCAN_PAGE_ITEMS,
        ConsistentRead: true,
        // Still read (and paid for) by DynamoDB, but not sent over the wire.
        ...(onlyKind
          ? {
              FilterExpression: '#kind = :kind',
              ExpressionAttributeNames: { '#kind': 'kind' },
              ExpressionAttributeValues: { ':kind': onlyKind },
            }
          : {}),
      }),
    );
    for (const item of (out.Items ?? []) as Item[]) {
      if (group.length > 0 && group[0]!.PK !== item.PK) {
        finish();
        if (enough()) return encodeCursor(tag, lastDone);
      }
      group.push(item);
    }
    start = out.LastEvaluatedKey as Record<string, string> | undefined;
  } while (start);
  finish();
  return undefined;
}

/** Batch writes, several batches at once (not atomic: maintenance only). */
export async function writeAll(table: DynamoTable, requests: WriteRequest[]) {
  const chunks: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += 25) chunks.push(requests.slice(i, i + 25));
  await inParallel(chunks, WRITE_CONCURRENCY, (chunk) => table.batchWrite(chunk));
}

export function createDynamoMaintenance(table: DynamoTable): PackageMaintenance {
  const { client, name: TableName } = table;

  return {
    async scanPackages(request): Promise<Page<Package>> {
      const limit = scanPageSize(request);
      const items: Package[] = [];
      const cursor = await scanCollections(
        table,
        request,
        `scan:packages:${request.partition}/${request.partitions}`,
        (group) => {
          if (!String(group[0]!.PK).startsWith('PKG#')) return;
          const pkg = itemsToPackage(group);
          if (pkg) items.push(pkg);
        },
        () => items.length >= limit,
      );
      return { items, ...(cursor ? { cursor } : {}) };
    },

    async scanAudit(request): Promise<Page<AuditEvent>> {
      const limit = scanPageSize(request);
      const items: AuditEvent[] = [];
      const cursor = await scanCollections(
        table,
        request,
        `scan:audit:${request.partition}/${request.partitions}`,
        (group) => {
          for (const i of group) if (i.kind === 'audit') items.push(itemToAudit(i));
        },
        () => items.length >= limit,
        'audit',
      );
      return { items, ...(cursor ? { cursor } : {}) };
    },

    async scanPackagesWithAudit(request): Promise<PackagesWithAuditPage> {
      const limit = scanPageSize(request);
      const packages: Package[] = [];
      const audit: AuditEvent[] = [];
      const cursor = await scanCollections(
        table,
        request,
        `scan:packages+audit:${request.partition}/${request.partitions}`,
        (group) => {
          if (!String(group[0]!.PK).startsWith('PKG#')) return;
          for (const i of group) if (i.kind === 'audit') audit.push(itemToAudit(i));
          const pkg = itemsToPackage(group); // undefined for a deleted draft: only its audit events are left
          if (pkg) packages.push(pkg);
        },
        () => packages.length >= limit || audit.length >= limit,
      );
      return { packages, audit, ...(cursor ? { cursor } : {}) };
    },

    async countPackages() {
      // The byState index holds exactly one small item per package.
      const segments = 4;
      const counts = await Promise.all(
        Array.from({ length: segments }, async (_, segment) => {
          let total = 0;
          let start: Record<string, unknown> | undefined;
          do {
            const out = await client.send(
              new ScanCommand({
                TableName,
                IndexName: 'byState',
                Select: 'COUNT',
                Segment: segment,
                TotalSegments: segments,
                ExclusiveStartKey: start,
              }),
            );
            total += out.Count ?? 0;
            start = out.LastEvaluatedKey;
          } while (start);
          return total;
        }),
      );
      return counts.reduce((a, b) => a + b, 0);
    },

    getCounters: (only) => readCounters(table, PACKAGE_NUMBERS, only),
    raiseCounters: (counters) => raiseCounters(table, PACKAGE_NUMBERS, counters),

    async importPackages(packages, options: ImportOptions = {}) {
      assertStorableText(packages, ['packages']);
      const mode = options.mode ?? 'replace';
      const given = latestOfEach(packages);
      refuseSharedNumbers(given);
      if (mode !== 'overwrite') {
        await importPackagesGuarded(table, given, mode, packageToItems, WRITE_CONCURRENCY);
        return;
      }
      // Blind batch writes: an empty target that nothing else writes to (see ImportOptions).
      await writeAll(
        table,
        given.flatMap((p) => packageToItems(p).map((Item) => ({ PutRequest: { Item } }))),
      );
    },

    async importAudit(events) {
      assertStorableText(events, ['events']);
      await writeAll(
        table,
        events.map((e) => ({ PutRequest: { Item: auditToItem(e) } })),
      );
    },

    async removePackage(id) {
      const items = await table.packageItems(id, true);
      await writeAll(
        table,
        items.map((i) => ({ DeleteRequest: { Key: { PK: i.PK, SK: i.SK } } })),
      );
    },
  };
}
