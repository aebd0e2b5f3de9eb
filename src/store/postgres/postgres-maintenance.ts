/**
 * Copy, backup and mirroring support for the PostgreSQL store: keyset scans split into
 * partitions by a hash of the id, and bulk writes in one transaction per batch.
 */
import { type Kysely, sql } from 'kysely';
import type { Package, StateCode } from '../../domain/index.js';
import { isUuid } from '../ids.js';
import { decodeCursor, encodeCursor, scanPageSize } from '../paging.js';
import { assertStorableText } from '../storable-text.js';
import type { AuditEvent, Page, ScanRequest, StoreMaintenance } from '../store.js';
import { auditFromRow, auditRow } from './postgres-marshal.js';
import { insertPackages, readPackages } from './postgres-rows.js';
import type { Database } from './postgres-schema.js';

function scanArgs(request: ScanRequest, kind: string) {
  const limit = scanPageSize(request);
  const { partition, partitions } = request;
  const tag = `scan:${kind}:${partition}/${partitions}`;
  const after = decodeCursor(tag, request.cursor, (p): p is string => typeof p === 'string');
  return { partition, partitions, limit, tag, after };
}

/** Which partition a row belongs to: a stable hash of its id. */
const inPartition = (column: string, partition: number, partitions: number) =>
  sql<boolean>`mod(abs(hashtext(${sql.ref(column)}::text)), ${partitions}) = ${partition}`;

export function createPostgresMaintenance(db: Kysely<Database>): StoreMaintenance {
  return {
    async scanPackages(request): Promise<Page<Package>> {
      const { partition, partitions, limit, tag, after } = scanArgs(request, 'packages');
      let q = db
        .selectFrom('packages')
        .select('id')
        .where(inPartition('id', partition, partitions));
      if (after) q = q.where('id', '>', after);
      const ids = (
        await q
          .orderBy('id')
          .limit(limit + 1)
          .execute()
      ).map((r) => r.id);
      const page = ids.slice(0, limit);
      const found = await readPackages(db, page);
      const items = page.flatMap((id) => found.get(id) ?? []);
      const cursor = ids.length > limit ? encodeCursor(tag, page[page.length - 1]) : undefined;
      return { items, ...(cursor ? { cursor } : {}) };
    },

    async scanAudit(request): Promise<Page<AuditEvent>> {
      const { partition, partitions, limit, tag, after } = scanArgs(request, 'audit');
      let q = db
        .selectFrom('audit_events')
        .selectAll()
        .where(inPartition('id', partition, partitions));
      if (after) q = q.where('id', '>', after);
      const rows = await q
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit).map(auditFromRow);
      const cursor = rows.length > limit ? encodeCursor(tag, items[items.length - 1]!.id) : undefined;
      return { items, ...(cursor ? { cursor } : {}) };
    },

    async countPackages() {
      const { n } = await db
        .selectFrom('packages')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(n);
    },

    async getCounters(only) {
      if (only && only.length === 0) return {};
      let q = db.selectFrom('state_counters').selectAll();
      if (only) q = q.where('state_code', 'in', only);
      const rows = await q.execute();
      return Object.fromEntries(rows.map((r) => [r.state_code, r.last_number])) as Record<StateCode, number>;
    },

    async raiseCounters(counters) {
      const rows = Object.entries(counters).map(([state_code, last_number]) => ({ state_code, last_number }));
      if (rows.length === 0) return;
      await db
        .insertInto('state_counters')
        .values(rows)
        .onConflict((oc) =>
          oc.column('state_code').doUpdateSet({
            last_number: sql`GREATEST(state_counters.last_number, excluded.last_number)`,
          }),
        )
        .execute();
    },

    async importPackages(packages) {
      if (packages.length === 0) return;
      assertStorableText(packages, ['packages']);
      const ids = packages.map((p) => p.id);
      await db.transaction().execute(async (trx) => {
        // Imports write (and replace) submitted revisions and the rows under them; the
        // immutability triggers allow that only inside a maintenance transaction that says so.
        await sql`SELECT set_config('carepack.allow_rewrite', 'on', true)`.execute(trx);
        // Packages already there are replaced whole. Onto an empty target (a fresh copy or
        // restore) this finds nothing and costs one index lookup.
        const existing = (await trx.selectFrom('packages').select('id').where('id', 'in', ids).execute()).map(
          (r) => r.id,
        );
        if (existing.length > 0) await trx.deleteFrom('packages').where('id', 'in', existing).execute();
        await insertPackages(trx, packages);
      });
    },

    async importAudit(events) {
      if (events.length === 0) return;
      assertStorableText(events, ['events']);
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < events.length; i += 5000) {
          await trx
            .insertInto('audit_events')
            .values(events.slice(i, i + 5000).map(auditRow))
            .onConflict((oc) => oc.column('id').doNothing())
            .execute();
        }
      });
    },

    async removePackage(id) {
      if (!isUuid(id)) return; // no such package: nothing to remove
      await db.transaction().execute(async (trx) => {
        await sql`SELECT set_config('carepack.allow_rewrite', 'on', true)`.execute(trx);
        await trx.deleteFrom('packages').where('id', '=', id).execute();
      });
    },
  };
}
