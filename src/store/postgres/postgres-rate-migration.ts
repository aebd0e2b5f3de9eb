/**
 * The data step after migration 0010: packages whose revisions still embed rate certifications
 * get them as child rate records with links (domain `embeddedRatesToRecords`), one package per
 * transaction, in batches. Each package is locked, its rates numbered from its state's rate
 * counter, and the rates and the package's revisions written whole (as an import does) with the
 * maintenance switch on. A migrated package embeds no rate any more, so running the step again (after a crash, or
 * on a copy) only picks up what is left.
 */
import { type Kysely, sql } from 'kysely';
import { embeddedRatesToRecords } from '../../domain/index.js';
import { packageRow, revisionRows } from './postgres-marshal.js';
import { insertRates, RATE_SQL } from './postgres-rate-rows.js';
import { insertRevisionRows, readPackages } from './postgres-rows.js';
import type { Database } from './postgres-schema.js';
import { exec, execNamed, SQL } from './postgres-statements.js';

/** Packages still embedding rate certifications, a batch at a time. */
const PENDING = `select distinct r.package_id as id from rate_certifications c
  join revisions r on r.id = c.revision_id order by r.package_id limit $1`;
const PENDING_COUNT = `select count(distinct r.package_id)::int as n from rate_certifications c
  join revisions r on r.id = c.revision_id`;

/** Called after each package: how many were moved so far, of how many found at the start. */
export type DataStepProgress = (done: number, total: number) => void;

/**
 * Moves every package's embedded rates into rate records; returns how many packages it moved.
 * Safe beside live writes: each package is read locked (`FOR UPDATE`), so a change of it waits
 * for the conversion, and a change that committed before is what the conversion reads; a
 * package another process converted first (two start-ups at once) is found with nothing to move.
 */
export async function migrateEmbeddedRates(
  db: Kysely<Database>,
  batch = 100,
  onProgress?: DataStepProgress,
): Promise<number> {
  let moved = 0;
  let total = onProgress ? ((await exec<{ n: number }>(db, PENDING_COUNT, []))[0]?.n ?? 0) : 0;
  for (;;) {
    const ids = (await exec<{ id: string }>(db, PENDING, [batch])).map((r) => r.id);
    if (ids.length === 0) return moved;
    for (const id of ids) {
      const converted = await db.transaction().execute(async (trx) => {
        const pkg = (await readPackages(trx, [id], true)).get(id);
        if (!pkg) return false;
        // Oldest revision first, as the conversion numbers the rates' revisions.
        const rateIds = [
          ...new Set(
            [...pkg.revisions].reverse().flatMap((r) => r.formData.rateCertifications.map((c) => c.id)),
          ),
        ];
        if (rateIds.length === 0) return false;
        const [row] = await exec<{ last_number: number }>(trx, RATE_SQL.counter, [
          pkg.stateCode,
          rateIds.length,
        ]);
        const first = row!.last_number - rateIds.length + 1;
        const converted = embeddedRatesToRecords(pkg, (rateId) => first + rateIds.indexOf(rateId));
        await sql`SELECT set_config('carepack.allow_rewrite', 'on', true)`.execute(trx);
        // The package row stays: a change waiting on its lock then reads the converted package
        // (one version on) and plans again; deleting the row would answer it "not found". Only
        // the revisions (and what hangs under them) are replaced; review actions and questions
        // do not change.
        await exec(trx, 'delete from revisions where package_id = $1', [id]);
        await insertRates(trx, converted.rates);
        await execNamed(trx, SQL.updateHead, packageRow(converted.package));
        await insertRevisionRows(
          trx,
          converted.package.revisions.map((r) => revisionRows(converted.package, r)),
        );
        return true;
      });
      if (converted) moved++;
      // Packages given embedded rates meanwhile (an old server still writing) join the count.
      total = Math.max(total, moved);
      onProgress?.(moved, total);
    }
  }
}
