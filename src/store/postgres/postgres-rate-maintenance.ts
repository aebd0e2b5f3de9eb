/**
 * Rate maintenance on PostgreSQL (copies, backups, restores, mirroring): keyset scans split by a
 * hash of the id, version-guarded imports in one transaction per call, the rate counters.
 */
import { type Kysely, sql } from 'kysely';
import { assertStorableText, isUuid, type Rate } from '../../domain/index.js';
import { StoreError } from '../errors.js';
import { decodeCursor, encodeCursor, scanPageSize } from '../paging.js';
import type { Page, RateMaintenance } from '../store.js';
import { raiseCounters, readCounters } from './postgres-counters.js';
import { insertRates, readRates } from './postgres-rate-rows.js';
import type { Database } from './postgres-schema.js';

interface TakenRateNumber {
  id: string;
  stateCode: string;
  stateRateNumber: number;
  wantedBy: string;
}

/** ALREADY_EXISTS naming every rate involved: two rates with one number are never written. */
function rateNumberTaken(taken: readonly TakenRateNumber[]): StoreError {
  const list = taken
    .map((t) => `${t.stateCode} rate number ${t.stateRateNumber} is held by rate ${t.id}, not ${t.wantedBy}`)
    .join('; ');
  return new StoreError('ALREADY_EXISTS', `cannot import: ${list}`, { taken });
}

/** The newest of each rate of an import (one may be listed twice); two of them with one number refused. */
function newestOfEach(rates: readonly Rate[]): Map<string, Rate> {
  const latest = new Map<string, Rate>();
  for (const r of rates) {
    const seen = latest.get(r.id);
    if (!seen || seen.version < r.version) latest.set(r.id, r);
  }
  const holders = new Map<string, string>();
  const taken: TakenRateNumber[] = [];
  for (const r of latest.values()) {
    const key = `${r.stateCode}#${r.stateRateNumber}`;
    const holder = holders.get(key);
    if (holder)
      taken.push({ id: holder, stateCode: r.stateCode, stateRateNumber: r.stateRateNumber, wantedBy: r.id });
    else holders.set(key, r.id);
  }
  if (taken.length > 0) throw rateNumberTaken(taken);
  return latest;
}

/** Transaction-scoped locks on rate ids, in one order (a key space apart from packages'). */
async function lockRates(trx: Kysely<Database>, ids: readonly string[]) {
  await sql`SELECT pg_advisory_xact_lock(k) FROM (
      SELECT DISTINCT hashtextextended(id, 13) AS k FROM unnest(${sql.val([...ids])}::text[]) AS id ORDER BY k
    ) AS keys`.execute(trx);
}

async function refuseTakenNumbers(trx: Kysely<Database>, rates: readonly Rate[]) {
  const { rows } = await sql<{
    id: string;
    state_code: string;
    state_rate_number: number;
    wanted_by: string;
  }>`
    SELECT r.id::text AS id, r.state_code, r.state_rate_number, w.id AS wanted_by
    FROM rates r
    JOIN unnest(${sql.val(rates.map((x) => x.id))}::text[], ${sql.val(rates.map((x) => x.stateCode))}::text[],
                ${sql.val(rates.map((x) => x.stateRateNumber))}::int[]) AS w(id, state_code, state_rate_number)
      ON r.state_code = w.state_code AND r.state_rate_number = w.state_rate_number AND r.id::text <> w.id
    LIMIT 5`.execute(trx);
  if (rows.length > 0)
    throw rateNumberTaken(
      rows.map((r) => ({
        id: r.id,
        stateCode: r.state_code,
        stateRateNumber: r.state_rate_number,
        wantedBy: r.wanted_by,
      })),
    );
}

const allowRewrite = (trx: Kysely<Database>) =>
  sql`SELECT set_config('carepack.allow_rewrite', 'on', true)`.execute(trx);

/** Runs `work` in the caller's transaction (importAtomically) or one of its own. */
const transaction = (db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<void>) =>
  db.isTransaction ? work(db) : db.transaction().execute(work);

export function createPostgresRateMaintenance(db: Kysely<Database>): RateMaintenance {
  return {
    async scanRates(request): Promise<Page<Rate>> {
      const limit = scanPageSize(request);
      const { partition, partitions } = request;
      const tag = `scan:rates:${partition}/${partitions}`;
      const after = decodeCursor(tag, request.cursor, (p): p is string => typeof p === 'string');
      let q = db
        .selectFrom('rates')
        .select('id')
        .where(sql<boolean>`mod(abs(hashtext(id::text)), ${partitions}) = ${partition}`);
      if (after) q = q.where('id', '>', after);
      const ids = (
        await q
          .orderBy('id')
          .limit(limit + 1)
          .execute()
      ).map((r) => r.id);
      const page = ids.slice(0, limit);
      const found = await readRates(db, page);
      const items = page.flatMap((id) => found.get(id) ?? []);
      const cursor = ids.length > limit ? encodeCursor(tag, page[page.length - 1]) : undefined;
      return { items, ...(cursor ? { cursor } : {}) };
    },

    async importRates(rates, options = {}) {
      if (rates.length === 0) return;
      assertStorableText(rates, ['rates']);
      const mode = options.mode ?? 'replace';
      const given = newestOfEach(rates);
      await transaction(db, async (trx) => {
        // Imports of the same rate wait for each other (the mirror racing a copy).
        await lockRates(trx, [...given.keys()]);
        const existing = new Map(
          (
            await trx
              .selectFrom('rates')
              .select(['id', 'version'])
              .where('id', 'in', [...given.keys()])
              .execute()
          ).map((r) => [r.id, r.version]),
        );
        // replace: only what the target holds older (or not at all); an equal version is kept.
        const chosen = [...given.values()].filter((r) => {
          const now = existing.get(r.id);
          return mode !== 'replace' || now === undefined || now < r.version;
        });
        if (chosen.length === 0) return;
        if (mode !== 'overwrite') await refuseTakenNumbers(trx, chosen);
        // Submitted rate revisions and the rows under them: allowed in a maintenance transaction
        // that says so. A linked rate replaced here is deleted and inserted again in this
        // transaction; the links' deferred keys see it back at commit.
        await allowRewrite(trx);
        const replaced = chosen.filter((r) => existing.has(r.id)).map((r) => r.id);
        if (replaced.length > 0) await trx.deleteFrom('rates').where('id', 'in', replaced).execute();
        await insertRates(trx, chosen);
      });
    },

    getRateCounters: (only) => readCounters(db, 'rate_counters', only),

    raiseRateCounters: (counters) => raiseCounters(db, 'rate_counters', counters),

    async removeRate(id) {
      if (!isUuid(id)) return; // no such rate: nothing to remove
      await transaction(db, async (trx) => {
        await lockRates(trx, [id]);
        await allowRewrite(trx);
        // A rate that is gone is linked by no revision: the links to it go with it.
        await trx.deleteFrom('rate_links').where('rate_id', '=', id).execute();
        await trx.deleteFrom('rates').where('id', '=', id).execute();
      });
    },
  };
}
