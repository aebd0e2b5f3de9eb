/** Reading and writing whole packages as rows, one statement per table for any number of packages. */
import type { Selectable } from 'kysely';
import type { Package } from '../../domain/index.js';
import {
  assemblePackage,
  CHILD_TABLES,
  type ChildRows,
  groupChildRows,
  packageRow,
  questionRows,
  type RevisionRows,
  reviewActionRows,
  revisionRows,
} from './postgres-marshal.js';
import type {
  PackagesTable,
  QaDocumentsTable,
  QuestionsTable,
  ReviewActionsTable,
  RevisionsTable,
} from './postgres-schema.js';
import { type Db, exec, insertRows, SQL } from './postgres-statements.js';
import { jsonTimestamp } from './postgres-types.js';

export type { Db } from './postgres-statements.js';

/** Each child list's read by revision ids. */
const CHILD_SQL = Object.fromEntries(
  Object.entries(CHILD_TABLES).map(([list, table]) => [list, SQL.children(table)]),
) as Record<keyof typeof CHILD_TABLES, string>;

const NONE: never[] = [];

/** Rows by their package id. */
function byPackageId<T extends { package_id: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(row.package_id);
    if (list) list.push(row);
    else out.set(row.package_id, [row]);
  }
  return out;
}

/** The packages with these ids (missing ones are simply absent), optionally row-locked. */
export async function readPackages(
  q: Db,
  ids: readonly string[],
  forUpdate = false,
): Promise<Map<string, Package>> {
  const out = new Map<string, Package>();
  if (ids.length === 0) return out;
  if (ids.length === 1) {
    const pkg = await readWholePackage(q, ids[0]!, forUpdate);
    if (pkg) out.set(pkg.id, pkg);
    return out;
  }
  // A page of them (scans): one statement per table, with one array parameter.
  const heads = await exec<Selectable<PackagesTable>>(q, forUpdate ? SQL.headsForUpdate : SQL.heads, [ids]);
  if (heads.length === 0) return out;
  const headIds = [heads.map((h) => h.id)];
  const revisions = await exec<Selectable<RevisionsTable>>(q, SQL.revisions, headIds);
  const revIds = [revisions.map((r) => r.id)];
  const [
    actions,
    questions,
    qaDocuments,
    programs,
    contacts,
    rates,
    ratePrograms,
    actuaries,
    documents,
    links,
  ] = await Promise.all([
    exec<Selectable<ReviewActionsTable>>(q, SQL.reviewActions, headIds),
    exec<Selectable<QuestionsTable>>(q, SQL.questions, headIds),
    exec<Selectable<QaDocumentsTable>>(q, SQL.qaDocuments, headIds),
    exec(q, CHILD_SQL.programs, revIds),
    exec(q, CHILD_SQL.contacts, revIds),
    exec(q, CHILD_SQL.rates, revIds),
    exec(q, CHILD_SQL.ratePrograms, revIds),
    exec(q, CHILD_SQL.actuaries, revIds),
    exec(q, CHILD_SQL.documents, revIds),
    exec(q, CHILD_SQL.links, revIds),
  ]);
  const children = groupChildRows({
    programs,
    contacts,
    rates,
    ratePrograms,
    actuaries,
    documents,
    links,
  } as ChildRows);
  const byPackage = byPackageId(revisions);
  const actionsByPackage = byPackageId(actions);
  const questionsByPackage = byPackageId(questions);
  const qaDocumentsByPackage = byPackageId(qaDocuments);
  for (const head of heads)
    out.set(
      head.id,
      assemblePackage(
        head,
        byPackage.get(head.id) ?? [],
        children,
        actionsByPackage.get(head.id) ?? NONE,
        questionsByPackage.get(head.id) ?? NONE,
        qaDocumentsByPackage.get(head.id) ?? NONE,
      ),
    );
  return out;
}

interface WholePackageRow extends Selectable<PackagesTable> {
  revisions_rows: Selectable<RevisionsTable>[];
  programs_rows: ChildRows['programs'];
  contacts_rows: ChildRows['contacts'];
  rates_rows: ChildRows['rates'];
  rate_programs_rows: ChildRows['ratePrograms'];
  actuaries_rows: ChildRows['actuaries'];
  documents_rows: ChildRows['documents'];
  links_rows: ChildRows['links'];
  review_actions_rows: Selectable<ReviewActionsTable>[];
  questions_rows: Selectable<QuestionsTable>[];
  qa_documents_rows: Selectable<QaDocumentsTable>[];
}

/** One package in one round trip (SQL.wholePackage), or undefined when there is none. */
async function readWholePackage(q: Db, id: string, forUpdate: boolean): Promise<Package | undefined> {
  // Lock first, then read in a statement of its own. One statement that locks and reads would,
  // after waiting for another change to commit, return that change's head but the children as
  // they were before it (READ COMMITTED re-checks only the locked row, not the subqueries): a
  // plan without an expected version (an upload) would then write over the other change.
  if (forUpdate && (await exec(q, SQL.lockPackage, [id])).length === 0) return undefined;
  const [row] = await exec<WholePackageRow>(q, SQL.wholePackage, [id]);
  if (!row) return undefined;
  const {
    revisions_rows,
    programs_rows,
    contacts_rows,
    rates_rows,
    rate_programs_rows,
    actuaries_rows,
    documents_rows,
    links_rows,
    review_actions_rows,
    questions_rows,
    qa_documents_rows,
    ...head
  } = row;
  for (const r of revisions_rows) {
    r.created_at = jsonTimestamp(r.created_at)!;
    r.submitted_at = jsonTimestamp(r.submitted_at);
    r.unlocked_at = jsonTimestamp(r.unlocked_at);
  }
  for (const d of documents_rows) d.added_at = jsonTimestamp(d.added_at)!;
  for (const a of review_actions_rows) a.at = jsonTimestamp(a.at)!;
  for (const x of questions_rows) {
    x.asked_at = jsonTimestamp(x.asked_at)!;
    x.responded_at = jsonTimestamp(x.responded_at);
  }
  for (const d of qa_documents_rows) d.added_at = jsonTimestamp(d.added_at)!;
  const children = groupChildRows({
    programs: programs_rows,
    contacts: contacts_rows,
    rates: rates_rows,
    ratePrograms: rate_programs_rows,
    actuaries: actuaries_rows,
    documents: documents_rows,
    links: links_rows,
  });
  return assemblePackage(
    head,
    revisions_rows,
    children,
    review_actions_rows,
    questions_rows,
    qa_documents_rows,
  );
}

/** Inserts revisions with everything under them, for one or many packages. */
export async function insertRevisionRows(q: Db, all: RevisionRows[]) {
  const one = all.length === 1 ? all[0] : undefined;
  await insertRows(
    q,
    'revisions',
    all.map((r) => r.revision),
  );
  for (const [table, key] of CHILD_KEYS) {
    const list: readonly object[] = one ? one[key] : all.flatMap((r): object[] => r[key]);
    if (list.length > 0) await insertRows(q, table, list);
  }
}

/** Child tables in an order safe for inserts (rates before their programs and actuaries). */
const CHILD_KEYS = [
  ['revision_programs', 'programs'],
  ['state_contacts', 'contacts'],
  ['rate_certifications', 'rates'],
  ['rate_programs', 'ratePrograms'],
  ['certifying_actuaries', 'actuaries'],
  ['documents', 'documents'],
  ['rate_links', 'links'],
] as const;

/** Inserts whole packages (heads, revisions and all below, review actions, questions) in one pass per table. */
export async function insertPackages(q: Db, packages: readonly Package[]) {
  await insertRows(q, 'packages', packages.map(packageRow));
  await insertRevisionRows(
    q,
    packages.flatMap((p) => p.revisions.map((r) => revisionRows(p, r))),
  );
  await insertRows(
    q,
    'review_actions',
    packages.flatMap((p) => reviewActionRows(p)),
  );
  const questions = packages.map(questionRows);
  await insertRows(
    q,
    'questions',
    questions.flatMap((x) => x.questions),
  );
  await insertRows(
    q,
    'qa_documents',
    questions.flatMap((x) => x.documents),
  );
}
