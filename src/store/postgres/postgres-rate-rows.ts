/** Reading and writing rates as rows: whole rates in one statement, changes as the difference. */
import { isDeepStrictEqual } from 'node:util';
import type { Insertable, Selectable } from 'kysely';
import { isUuid, type Rate, type RateRevision } from '../../domain/index.js';
import {
  allRateRows,
  assembleRates,
  type RateRows,
  ratePackageRows,
  rateRevisionRows,
  rateRow,
  withdrawalRows,
} from './postgres-rate-marshal.js';
import type { RateRevisionsTable, RatesTable } from './postgres-schema.js';
import { type Db, exec, execNamed, insertRows, named } from './postgres-statements.js';
import { jsonTimestamp } from './postgres-types.js';

/** Every row of `table` of the rates asked for (`$1`), as one JSON array named `as`. */
const rowsOf = (table: string, as: keyof WholeRatesRow, by: 'id' | 'rate_id' | 'rate_revision_id') =>
  `(select coalesce(json_agg(t), '[]'::json) from ${table} t where ${
    by === 'rate_revision_id'
      ? 't.rate_revision_id in (select id from asked_revisions)'
      : `t.${by} = any($1::uuid[])`
  }) as ${as}`;

export const RATE_SQL = {
  /**
   * Rates whole in ONE statement (one snapshot), set-based: each table read once for all the rates
   * asked for, as one JSON array of rows, so ten rates cost little more than one (the per-rate
   * correlated subqueries this replaced cost each rate five index lookups: `npm run bench -- rates`).
   */
  wholeRates: `with asked_revisions as (select id from rate_revisions where rate_id = any($1::uuid[]))
    select ${[
      rowsOf('rates', 'heads', 'id'),
      rowsOf('rate_revisions', 'revisions', 'rate_id'),
      rowsOf('rate_revision_programs', 'programs', 'rate_revision_id'),
      rowsOf('rate_revision_actuaries', 'actuaries', 'rate_revision_id'),
      rowsOf('rate_documents', 'documents', 'rate_revision_id'),
      rowsOf('rate_withdrawals', 'withdrawals', 'rate_id'),
      rowsOf('rate_packages', 'packages', 'rate_id'),
    ].join(', ')}`,
  /** Row locks in one order (ids sorted), so two graph changes meet no deadlock within a read. */
  lockRates: 'select id from rates where id = any($1::uuid[]) order by id for update',
  lockPackages: 'select id from packages where id = any($1::uuid[]) order by id for update',
  /** A head rewritten, only if still at the version read (the row lock makes this a belt to the braces). */
  updateHead: named<Insertable<RatesTable> & { read_version: number }>(`update rates set
    state_code = :state_code, state_rate_number = :state_rate_number, parent_package_id = :parent_package_id,
    status = :status, version = :version, created_at = :created_at, updated_at = :updated_at,
    initially_submitted_at = :initially_submitted_at, revision_count = :revision_count,
    last_submitted_revision = :last_submitted_revision where id = :id and version = :read_version returning id`),
  /** A draft rate revision frozen by its package's submission: only the submit columns change. */
  freeze: named<
    Pick<
      Insertable<RateRevisionsTable>,
      | 'id'
      | 'submitted_at'
      | 'submitted_by_id'
      | 'submitted_by_email'
      | 'submitted_by_role'
      | 'submit_reason'
      | 'submitted_with_package_id'
      | 'submitted_with_package_revision'
    >
  >(`update rate_revisions set submitted_at = :submitted_at, submitted_by_id = :submitted_by_id,
    submitted_by_email = :submitted_by_email, submitted_by_role = :submitted_by_role,
    submit_reason = :submit_reason, submitted_with_package_id = :submitted_with_package_id,
    submitted_with_package_revision = :submitted_with_package_revision where id = :id`),
  deleteRevision: 'delete from rate_revisions where id = $1',
  deletePackages: 'delete from rate_packages where rate_id = $1',
  deleteRates: 'delete from rates where id = any($1::uuid[])',
  /** The state's next `n` rate numbers: the counter raised by n (created at n), locked until commit. */
  counter: `insert into rate_counters (state_code, last_number) values ($1, $2)
    on conflict (state_code) do update set last_number = rate_counters.last_number + $2 returning last_number`,
  /** The rate counter raised to the highest rate number in use in the state (rates imported without it). */
  catchUpCounter: `insert into rate_counters (state_code, last_number)
    select $1::char(2), coalesce(max(state_rate_number), 0) from rates where state_code = $1::char(2)
    on conflict (state_code) do update set last_number = greatest(rate_counters.last_number, excluded.last_number)`,
} as const;

/** The one row `wholeRates` answers: each table's rows as JSON. */
interface WholeRatesRow extends RateRows {
  heads: Selectable<RatesTable>[];
}

/** The rates with these ids (missing ones, and ids that are no uuid, simply absent). */
export async function readRates(q: Db, ids: readonly string[]): Promise<Map<string, Rate>> {
  const wanted = [...new Set(ids.filter(isUuid))];
  const out = new Map<string, Rate>();
  if (wanted.length === 0) return out;
  const [rows] = await exec<WholeRatesRow>(q, RATE_SQL.wholeRates, [wanted]);
  const { heads, ...below } = rows!;
  // JSON carries timestamps in its own form; the records hold the domain's ISO text.
  for (const h of heads) {
    h.created_at = jsonTimestamp(h.created_at)!;
    h.updated_at = jsonTimestamp(h.updated_at)!;
    h.initially_submitted_at = jsonTimestamp(h.initially_submitted_at);
  }
  for (const r of below.revisions) {
    r.created_at = jsonTimestamp(r.created_at)!;
    r.submitted_at = jsonTimestamp(r.submitted_at);
    r.unlocked_at = jsonTimestamp(r.unlocked_at);
  }
  for (const d of below.documents) d.added_at = jsonTimestamp(d.added_at)!;
  for (const w of below.withdrawals) w.at = jsonTimestamp(w.at)!;
  for (const rate of assembleRates(heads, below)) out.set(rate.id, rate);
  return out;
}

/** Inserts whole rates, one statement per table (imports: the maintenance switch is on). */
export async function insertRates(q: Db, rates: readonly Rate[]) {
  const all = rates.map(allRateRows);
  for (const table of [
    'rates',
    'rate_revisions',
    'rate_revision_programs',
    'rate_revision_actuaries',
    'rate_documents',
    'rate_withdrawals',
    'rate_packages',
  ] as const)
    await insertRows(
      q,
      table,
      all.flatMap((r): object[] => r[table]),
    );
}

async function freeze(q: Db, rev: RateRevision) {
  const { at, by, reason } = rev.submitInfo!;
  await execNamed(q, RATE_SQL.freeze, {
    id: rev.id,
    submitted_at: at,
    submitted_by_id: by.id,
    submitted_by_email: by.email,
    submitted_by_role: by.role,
    submit_reason: reason,
    submitted_with_package_id: rev.submittedWith?.packageId ?? null,
    submitted_with_package_revision: rev.submittedWith?.packageRevision ?? null,
  });
}

/** Inserts a rate revision with its lists; a submitted one as a draft first, then frozen (the triggers refuse rows under a submitted one). */
async function insertRevision(q: Db, rateId: string, rev: RateRevision) {
  const rows = rateRevisionRows(rateId, rev);
  const revision = rev.submitInfo
    ? {
        ...rows.revision,
        submitted_at: null,
        submitted_by_id: null,
        submitted_by_email: null,
        submitted_by_role: null,
        submit_reason: null,
        submitted_with_package_id: null,
        submitted_with_package_revision: null,
      }
    : rows.revision;
  await insertRows(q, 'rate_revisions', [revision]);
  await insertRows(q, 'rate_revision_programs', rows.programs);
  await insertRows(q, 'rate_revision_actuaries', rows.actuaries);
  await insertRows(q, 'rate_documents', rows.documents);
  if (rev.submitInfo) await freeze(q, rev);
}

/** `rev` is the draft `prev` submitted and nothing else (its submit info and submittedWith are new). */
function submittedOnly(prev: RateRevision, rev: RateRevision): boolean {
  if (prev.submitInfo || !rev.submitInfo) return false;
  return isDeepStrictEqual({ ...prev, submitInfo: rev.submitInfo, submittedWith: rev.submittedWith }, rev);
}

/** Thrown when a rate's head is no longer at the version read: the graph change reads and plans again. */
export class RateMovedOn extends Error {
  constructor(readonly rateId: string) {
    super(`rate ${rateId} changed after it was read`);
  }
}

/** Writes a new rate whole, or what changed between `before` and `after`; the caller holds the row lock. */
export async function writeRateChange(q: Db, before: Rate | undefined, after: Rate) {
  if (!before) {
    await insertRows(q, 'rates', [rateRow(after)]);
    for (const rev of [...after.revisions].reverse()) await insertRevision(q, after.id, rev);
    await insertRows(q, 'rate_withdrawals', withdrawalRows(after));
    await insertRows(q, 'rate_packages', ratePackageRows(after));
    return;
  }
  const updated = await execNamed(q, RATE_SQL.updateHead, {
    ...rateRow(after),
    read_version: before.version,
  });
  if (updated.length === 0) throw new RateMovedOn(after.id);
  const kept = new Set(after.revisions.map((r) => r.id));
  // A revision the change dropped (undo unlock); the database refuses this for a submitted one.
  for (const prev of before.revisions)
    if (!kept.has(prev.id)) await exec(q, RATE_SQL.deleteRevision, [prev.id]);
  const old = new Map(before.revisions.map((r) => [r.number, r]));
  for (const rev of [...after.revisions].reverse()) {
    const prev = old.get(rev.number);
    if (prev === rev) continue;
    if (!prev) await insertRevision(q, after.id, rev);
    else if (submittedOnly(prev, rev)) await freeze(q, rev);
    else if (!isDeepStrictEqual(prev, rev)) {
      await exec(q, RATE_SQL.deleteRevision, [prev.id]);
      await insertRevision(q, after.id, rev);
    }
  }
  // Withdrawals are history: only the new ones are written (the trigger refuses any other change).
  if (after.withdrawals !== before.withdrawals)
    await insertRows(
      q,
      'rate_withdrawals',
      withdrawalRows(after, new Set(before.withdrawals.map((w) => w.id))),
    );
  if (!isDeepStrictEqual(after.packageIds, before.packageIds)) {
    await exec(q, RATE_SQL.deletePackages, [after.id]);
    await insertRows(q, 'rate_packages', ratePackageRows(after));
  }
}
