/**
 * Copy, backup and mirroring support for the PostgreSQL store: keyset scans split into
 * partitions by a hash of the id, and bulk writes in one transaction per batch.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Package } from '../../domain/index.js';
import { assertStorableText, isUuid } from '../../domain/index.js';
import { latestOfEach, numberTaken, refuseSharedNumbers } from '../import-checks.js';
import { decodeCursor, encodeCursor, scanPageSize } from '../paging.js';
import type { AuditEvent, PackageMaintenance, Page, ScanRequest } from '../store.js';
import { raiseCounters, readCounters } from './postgres-counters.js';
import { auditFromRow, auditRow } from './postgres-marshal.js';
import { refuseQuestionsWithoutDocuments } from './postgres-questions.js';
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

/** Transaction-scoped locks on package ids, taken in one order so two importers never deadlock. */
async function lockPackages(trx: Kysely<Database>, ids: readonly string[]) {
  await sql`SELECT pg_advisory_xact_lock(k) FROM (
      SELECT DISTINCT hashtextextended(id, 0) AS k FROM unnest(${sql.val([...ids])}::text[]) AS id ORDER BY k
    ) AS keys`.execute(trx);
}

/** A number held by another package would make two packages with one name: refuse, naming both. */
async function refuseTakenNumbers(trx: Kysely<Database>, packages: readonly Package[]) {
  const { rows } = await sql<{ id: string; state_code: string; state_number: number; wanted_by: string }>`
    SELECT p.id::text AS id, p.state_code, p.state_number, w.id AS wanted_by
    FROM packages p
    JOIN unnest(${sql.val(packages.map((x) => x.id))}::text[], ${sql.val(packages.map((x) => x.stateCode))}::text[],
                ${sql.val(packages.map((x) => x.stateNumber))}::int[]) AS w(id, state_code, state_number)
      ON p.state_code = w.state_code AND p.state_number = w.state_number AND p.id::text <> w.id
    LIMIT 5`.execute(trx);
  if (rows.length > 0) {
    throw numberTaken(
      rows.map((r) => ({
        id: r.id,
        stateCode: r.state_code,
        stateNumber: r.state_number,
        wantedBy: r.wanted_by,
      })),
    );
  }
}

/**
 * A Kysely handle on `trx` whose `transaction()` joins `trx` instead of opening another, so the
 * store's methods (each its own transaction) can run inside one outer transaction.
 */
function joining(trx: Transaction<Database>): Kysely<Database> {
  const joined = {
    execute: <T>(work: (t: Transaction<Database>) => Promise<T>) => work(trx),
    setIsolationLevel: () => joined,
  };
  return new Proxy(trx, {
    get(target, key) {
      if (key === 'transaction') return () => joined;
      const value: unknown = Reflect.get(target, key, target);
      // Kysely keeps its state in private fields: methods must run on the real object.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export function createPostgresMaintenance(db: Kysely<Database>): PackageMaintenance {
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

    getCounters: (only) => readCounters(db, 'state_counters', only),

    raiseCounters: (counters) => raiseCounters(db, 'state_counters', counters),

    async importPackages(packages, options = {}) {
      if (packages.length === 0) return;
      assertStorableText(packages, ['packages']);
      const mode = options.mode ?? 'replace';
      const given = new Map(latestOfEach(packages).map((p) => [p.id, p]));
      refuseSharedNumbers([...given.values()]);
      for (const p of given.values()) refuseQuestionsWithoutDocuments(p.id, p.questions);
      const write = async (trx: Kysely<Database>) => {
        // Imports of the same package wait for each other (the mirror racing a copy), so the
        // version check below and the write are one step and no insert meets a duplicate key.
        await lockPackages(trx, [...given.keys()]);
        const existing = new Map(
          (
            await trx
              .selectFrom('packages')
              .select(['id', 'version'])
              .where('id', 'in', [...given.keys()])
              .execute()
          ).map((r) => [r.id, r.version]),
        );
        // replace: only what the target holds older (or not at all); an equal version is kept.
        const chosen = [...given.values()].filter((p) => {
          const now = existing.get(p.id);
          return mode !== 'replace' || now === undefined || now < p.version;
        });
        if (chosen.length === 0) return;
        await refuseTakenNumbers(trx, chosen);
        // Imports write (and replace) submitted revisions and the rows under them; the
        // immutability triggers allow that only inside a maintenance transaction that says so.
        await sql`SELECT set_config('carepack.allow_rewrite', 'on', true)`.execute(trx);
        const replaced = chosen.filter((p) => existing.has(p.id)).map((p) => p.id);
        if (replaced.length > 0) await trx.deleteFrom('packages').where('id', 'in', replaced).execute();
        await insertPackages(trx, chosen);
      };
      await (db.isTransaction ? write(db) : db.transaction().execute(write));
    },

    async importAudit(events) {
      if (events.length === 0) return;
      assertStorableText(events, ['events']);
      const write = async (trx: Kysely<Database>) => {
        for (let i = 0; i < events.length; i += 5000) {
          await trx
            .insertInto('audit_events')
            .values(events.slice(i, i + 5000).map(auditRow))
            .onConflict((oc) => oc.column('id').doNothing())
            .execute();
        }
      };
      await (db.isTransaction ? write(db) : db.transaction().execute(write));
    },

    async removePackage(id) {
      if (!isUuid(id)) return; // no such package: nothing to remove
      const remove = async (trx: Kysely<Database>) => {
        await lockPackages(trx, [id]);
        await sql`SELECT set_config('carepack.allow_rewrite', 'on', true)`.execute(trx);
        await trx.deleteFrom('packages').where('id', '=', id).execute();
      };
      await (db.isTransaction ? remove(db) : db.transaction().execute(remove));
    },

    async importAtomically(work) {
      // The store's own methods, run on one transaction: all of `work` commits, or nothing.
      const { createPostgresStore } = await import('./postgres-store.js');
      await db.transaction().execute((trx) => work(createPostgresStore({ db: joining(trx) })));
    },
  };
}
