/**
 * The raw bound of the copy benchmark: the same data moved from a DynamoDB table into a fresh
 * PostgreSQL database by the plainest fast code — one parallel Scan (same segments and page size
 * as the store) that reads packages and audit events in a single pass, rows built with the
 * store's own marshalling, and bulk INSERTs (one statement per table per batch, rows as one JSON
 * parameter) in a transaction per batch, overlapped with the scan. No Store, no checkpoints,
 * no verification.
 */
import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type pg from 'pg';
import type { Package, State } from '../src/domain/index.js';
import { type Item, itemsToPackage, itemToAudit } from '../src/store/dynamo/dynamo-marshal.js';
import { auditRow, packageRow, revisionRows } from '../src/store/postgres/postgres-marshal.js';
import type { AuditEvent } from '../src/store/store.js';

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

const CHILD_TABLES = {
  revision_programs: 'programs',
  state_contacts: 'contacts',
  rate_certifications: 'rates',
  rate_programs: 'ratePrograms',
  certifying_actuaries: 'actuaries',
  documents: 'documents',
} as const;

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

const insertJson = (c: pg.PoolClient, table: string, rows: unknown[]) =>
  rows.length === 0
    ? undefined
    : c.query(`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`, [
        JSON.stringify(rows),
      ]);

async function inTransaction(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<void>) {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await work(c);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

/** Bulk writes into a migrated, empty database: one statement per table per batch. */
export function bulkWriter(pool: pg.Pool): ScanSink & {
  reference(states: readonly State[]): Promise<void>;
  counters(counters: Record<string, number>): Promise<void>;
} {
  return {
    reference: (states) =>
      inTransaction(pool, async (c) => {
        await insertJson(
          c,
          'states',
          states.map((s) => ({ code: s.code, name: s.name })),
        );
        await insertJson(
          c,
          'programs',
          states.flatMap((s) =>
            s.programs.map((p, position) => ({
              id: p.id,
              state_code: s.code,
              position,
              name: p.name,
              full_name: p.fullName,
            })),
          ),
        );
      }),
    counters: (counters) =>
      inTransaction(pool, async (c) => {
        await insertJson(
          c,
          'state_counters',
          Object.entries(counters).map(([state_code, last_number]) => ({ state_code, last_number })),
        );
      }),
    packages: (batch) =>
      inTransaction(pool, async (c) => {
        // Submitted revisions and their rows: allowed in a transaction that says so, as the store's import does.
        await c.query("SELECT set_config('carepack.allow_rewrite', 'on', true)");
        const revisions = batch.flatMap((p) => p.revisions.map((r) => revisionRows(p.id, r)));
        await insertJson(c, 'packages', batch.map(packageRow));
        await insertJson(
          c,
          'revisions',
          revisions.map((r) => r.revision),
        );
        for (const [table, key] of Object.entries(CHILD_TABLES)) {
          await insertJson(
            c,
            table,
            revisions.flatMap((r): unknown[] => r[key]),
          );
        }
      }),
    audit: (batch) =>
      inTransaction(pool, async (c) => void (await insertJson(c, 'audit_events', batch.map(auditRow)))),
  };
}
