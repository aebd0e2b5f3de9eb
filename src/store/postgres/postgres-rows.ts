/** Reading and writing whole packages as rows, one query per table for any number of packages. */
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Package } from '../../domain/index.js';
import {
  assemblePackage,
  groupChildRows,
  packageRow,
  type RevisionRows,
  revisionRows,
} from './postgres-marshal.js';
import type { Database } from './postgres-schema.js';

export type Db = Kysely<Database> | Transaction<Database>;

/** The packages with these ids (missing ones are simply absent), optionally row-locked. */
export async function readPackages(
  q: Db,
  ids: readonly string[],
  forUpdate = false,
): Promise<Map<string, Package>> {
  const out = new Map<string, Package>();
  if (ids.length === 0) return out;
  let headQuery = q.selectFrom('packages').selectAll().where('id', 'in', ids);
  if (forUpdate) headQuery = headQuery.forUpdate();
  const heads = await headQuery.execute();
  if (heads.length === 0) return out;
  const revisions = await q
    .selectFrom('revisions')
    .selectAll()
    .where(
      'package_id',
      'in',
      heads.map((h) => h.id),
    )
    .execute();
  const revIds = revisions.map((r) => r.id);
  const [programs, contacts, rates, ratePrograms, actuaries, documents] = await Promise.all([
    q.selectFrom('revision_programs').selectAll().where('revision_id', 'in', revIds).execute(),
    q.selectFrom('state_contacts').selectAll().where('revision_id', 'in', revIds).execute(),
    q.selectFrom('rate_certifications').selectAll().where('revision_id', 'in', revIds).execute(),
    q.selectFrom('rate_programs').selectAll().where('revision_id', 'in', revIds).execute(),
    q.selectFrom('certifying_actuaries').selectAll().where('revision_id', 'in', revIds).execute(),
    q.selectFrom('documents').selectAll().where('revision_id', 'in', revIds).execute(),
  ]);
  const children = groupChildRows({ programs, contacts, rates, ratePrograms, actuaries, documents });
  const byPackage = new Map<string, typeof revisions>();
  for (const r of revisions) {
    const list = byPackage.get(r.package_id);
    if (list) list.push(r);
    else byPackage.set(r.package_id, [r]);
  }
  for (const head of heads) out.set(head.id, assemblePackage(head, byPackage.get(head.id) ?? [], children));
  return out;
}

/** PostgreSQL takes at most 65,535 parameters per statement: insert in slices that stay below. */
export async function insertMany<T extends keyof Database>(q: Db, table: T, rows: Insertable<Database[T]>[]) {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as object).length;
  const perStatement = Math.max(1, Math.floor(60_000 / columns));
  for (let i = 0; i < rows.length; i += perStatement) {
    const slice = rows.slice(i, i + perStatement);
    // Kysely cannot relate a generic table name to its row type; the signature above does.
    await q
      .insertInto(table)
      .values(slice as never)
      .execute();
  }
}

/** Inserts revisions with everything under them, for one or many packages. */
export async function insertRevisionRows(q: Db, all: RevisionRows[]) {
  await insertMany(
    q,
    'revisions',
    all.map((r) => r.revision),
  );
  await insertMany(
    q,
    'revision_programs',
    all.flatMap((r) => r.programs),
  );
  await insertMany(
    q,
    'state_contacts',
    all.flatMap((r) => r.contacts),
  );
  await insertMany(
    q,
    'rate_certifications',
    all.flatMap((r) => r.rates),
  );
  await insertMany(
    q,
    'rate_programs',
    all.flatMap((r) => r.ratePrograms),
  );
  await insertMany(
    q,
    'certifying_actuaries',
    all.flatMap((r) => r.actuaries),
  );
  await insertMany(
    q,
    'documents',
    all.flatMap((r) => r.documents),
  );
}

/** Inserts whole packages (heads, revisions and all below) in one pass per table. */
export async function insertPackages(q: Db, packages: readonly Package[]) {
  await insertMany(q, 'packages', packages.map(packageRow));
  await insertRevisionRows(
    q,
    packages.flatMap((p) => p.revisions.map((r) => revisionRows(p.id, r))),
  );
}
