/**
 * The read side of the copy benchmark's raw bound: one parallel Scan of the DynamoDB table (same
 * segments and page size as the store) that reads packages and audit events in a single pass,
 * built with the store's own marshalling, handed to a sink a batch at a time while the scan goes
 * on. Also the two small reads the copy needs besides: the states and the counters.
 */
import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Package, State } from '../../src/domain/index.js';
import { type Item, itemsToPackage, itemToAudit } from '../../src/store/dynamo/dynamo-marshal.js';
import type { AuditEvent } from '../../src/store/store.js';

/** As the store scans: ConsistentRead pages of up to 1000 items. */
const SCAN_PAGE_ITEMS = 1000;

export interface ScanCounts {
  items: number;
  packages: number;
  auditEvents: number;
}

/** What one scan of the table yields, handed over a batch at a time. */
export interface ScanSink {
  packages(batch: Package[]): Promise<void>;
  audit(batch: AuditEvent[]): Promise<void>;
}

/**
 * Scans every segment in parallel; groups each segment's items by partition key (a segment
 * returns a key's items together, as the store relies on), turns groups into packages and audit
 * events, and hands them to `sink` in batches of `batchSize`. A segment keeps scanning while its
 * previous batch is written: at most one write per segment is in flight.
 */
export async function scanTable(
  doc: DynamoDBDocumentClient,
  TableName: string,
  options: {
    segments: number;
    batchSize: number;
    sink?: ScanSink;
    /** Build packages and audit events (default), or only count the items. */
    map?: boolean;
    /** Only audit items come back (a FilterExpression: DynamoDB still reads every item). */
    auditOnly?: boolean;
  },
): Promise<ScanCounts> {
  const { segments, batchSize, sink, map = true, auditOnly = false } = options;
  const counts: ScanCounts = { items: 0, packages: 0, auditEvents: 0 };
  await Promise.all(
    Array.from({ length: segments }, async (_, Segment) => {
      let packages: Package[] = [];
      let audit: AuditEvent[] = [];
      let writing: Promise<void> = Promise.resolve();
      const flush = async (force: boolean) => {
        if (!force && packages.length < batchSize && audit.length < batchSize) return;
        const [p, a] = [packages, audit];
        packages = [];
        audit = [];
        await writing;
        if (sink)
          writing = (async () => {
            if (p.length) await sink.packages(p);
            if (a.length) await sink.audit(a);
          })();
      };
      let group: Item[] = [];
      const finish = () => {
        const pk = String(group[0]?.PK ?? '');
        if (map && pk.startsWith('PKG#')) {
          for (const i of group) {
            if (i.kind !== 'audit') continue;
            audit.push(itemToAudit(i));
            counts.auditEvents++;
          }
          const pkg = itemsToPackage(group);
          if (pkg) {
            packages.push(pkg);
            counts.packages++;
          }
        }
        group = [];
      };
      let start: Record<string, unknown> | undefined;
      do {
        const out = await doc.send(
          new ScanCommand({
            TableName,
            Segment,
            TotalSegments: segments,
            ExclusiveStartKey: start,
            Limit: SCAN_PAGE_ITEMS,
            ConsistentRead: true,
            ...(auditOnly
              ? {
                  FilterExpression: '#kind = :audit',
                  ExpressionAttributeNames: { '#kind': 'kind' },
                  ExpressionAttributeValues: { ':audit': 'audit' },
                }
              : {}),
          }),
        );
        const items = (out.Items ?? []) as Item[];
        counts.items += items.length;
        for (const item of items) {
          if (group.length > 0 && group[0]!.PK !== item.PK) finish();
          group.push(item);
        }
        start = out.LastEvaluatedKey;
        if (!start) finish();
        await flush(!start);
      } while (start);
      await writing;
    }),
  );
  return counts;
}

/** The states of the table (one Query), for the reference rows every package points at. */
export async function readStates(doc: DynamoDBDocumentClient, TableName: string): Promise<State[]> {
  const out = await doc.send(
    new QueryCommand({
      TableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': 'STATES' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => ({ code: i.code, name: i.name, programs: i.programs }) as State);
}

/** Per-state counters: one consistent Query per state. */
export async function readCounters(
  doc: DynamoDBDocumentClient,
  TableName: string,
  states: readonly State[],
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of states) {
    const r = await doc.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'PK = :pk AND SK = :sk',
        ExpressionAttributeValues: { ':pk': `STATE#${s.code}`, ':sk': 'COUNTER' },
        ConsistentRead: true,
      }),
    );
    const last = r.Items?.[0]?.last;
    if (typeof last === 'number') out[s.code] = last;
  }
  return out;
}
