/**
 * The store's hot-path statements as fixed SQL text, run through Kysely's executor (so
 * transactions and PGlite work as before) without building and compiling a query per call.
 * Lists of ids are one `uuid[]` parameter, so the text never depends on how many there are.
 * bench/postgres-raw.ts sends the same texts; the postgres bench checks that they match.
 */
import { CompiledQuery, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Database, PackagesTable, QuestionsTable, RevisionsTable } from './postgres-schema.js';

export type Db = Kysely<Database> | Transaction<Database>;

/** Runs one statement; resolves to its rows. */
export async function exec<R = Record<string, unknown>>(
  q: Db,
  sql: string,
  parameters: readonly unknown[],
): Promise<R[]> {
  return (await q.executeQuery<R>(CompiledQuery.raw(sql, parameters as unknown[]))).rows;
}

/**
 * A statement with named parameters (`:name`), compiled once to PostgreSQL's `$1…`: its
 * parameters are an object typed against the schema (often a row as the marshal makes it),
 * so a renamed column or a swapped value is a compile error, not a wrong write.
 */
export interface NamedStatement<P extends object, R = Record<string, unknown>> {
  text: string;
  names: readonly (keyof P & string)[];
  /** Never set: carries the type of the rows the statement returns. */
  rows?: R;
}

export function named<P extends object, R = Record<string, unknown>>(source: string): NamedStatement<P, R> {
  const names: string[] = [];
  // `::type` casts are not parameters: a name follows a lone colon only.
  const text = source.replace(/(?<!:):([a-z_]+)\b/g, (_, name: string) => {
    const at = names.indexOf(name);
    return `$${at >= 0 ? at + 1 : names.push(name)}`;
  });
  return { text, names: names as (keyof P & string)[] };
}

/** Runs a named statement; every name must be in `params` (undefined is sent as NULL). */
export function execNamed<P extends object, R>(
  q: Db,
  statement: NamedStatement<P, R>,
  params: P,
): Promise<R[]> {
  const values = statement.names.map((name) => {
    if (!(name in params)) throw new Error(`parameter :${name} is missing`);
    return (params as Record<string, unknown>)[name] ?? null;
  });
  return exec<R>(q, statement.text, values);
}

/** Insert column lists, in the order their values are sent; each a column of its table in the schema. */
export const COLUMNS = {
  packages: [
    'id',
    'state_code',
    'state_number',
    'status',
    'version',
    'created_at',
    'updated_at',
    'initially_submitted_at',
    'revision_count',
    'cms_updated_at',
    'cms_revision_count',
    'review_status',
    'open_questions',
  ],
  revisions: [
    'id',
    'package_id',
    'number',
    'created_at',
    'submission_type',
    'submission_description',
    'contract_type',
    'contract_date_start',
    'contract_date_end',
    'managed_care_entities',
    'federal_authorities',
    'items_being_amended',
    'other_item_being_amended',
    'related_to_covid19',
    'actuary_communication_preference',
    'population_covered',
    'risk_based_contract',
    'contract_execution_status',
    'dsnp_contract',
    'modified_provisions',
    'unmodified_provisions',
    'submitted_at',
    'submitted_by_id',
    'submitted_by_email',
    'submitted_by_role',
    'submit_reason',
    'unlocked_at',
    'unlocked_by_id',
    'unlocked_by_email',
    'unlocked_by_role',
    'unlock_reason',
  ],
  revision_programs: ['revision_id', 'position', 'program_id'],
  state_contacts: ['revision_id', 'position', 'name', 'title', 'email'],
  rate_certifications: [
    'revision_id',
    'id',
    'position',
    'rate_type',
    'rate_date_start',
    'rate_date_end',
    'rate_date_certified',
    'effective_date_start',
    'effective_date_end',
    'capitation_type',
    'medicaid_populations',
  ],
  rate_programs: ['revision_id', 'rate_id', 'position', 'program_id'],
  certifying_actuaries: [
    'revision_id',
    'rate_id',
    'position',
    'name',
    'title',
    'email',
    'actuarial_firm',
    'actuarial_firm_other',
  ],
  documents: [
    'revision_id',
    'id',
    'position',
    'name',
    'bucket',
    'key',
    'size',
    'content_type',
    'sha256',
    'category',
    'rate_id',
    'added_at',
    'scan_status',
  ],
  review_actions: [
    'package_id',
    'position',
    'id',
    'action',
    'at',
    'actor_id',
    'actor_email',
    'actor_role',
    'reason',
    'released_on',
  ],
  questions: [
    'id',
    'package_id',
    'position',
    'division',
    'round',
    'asked_at',
    'asked_by_id',
    'asked_by_email',
    'asked_by_role',
    'text',
    'rate_id',
    'response_id',
    'responded_at',
    'responded_by_id',
    'responded_by_email',
    'responded_by_role',
    'response_text',
  ],
  qa_documents: [
    'package_id',
    'question_id',
    'response_id',
    'position',
    'id',
    'name',
    'bucket',
    'key',
    'size',
    'content_type',
    'sha256',
    'added_at',
    'scan_status',
  ],
  audit_events: [
    'id',
    'package_id',
    'at',
    'actor_id',
    'actor_email',
    'actor_role',
    'actor_client_id',
    'action',
    'summary',
  ],
  rate_links: ['revision_id', 'package_id', 'state_code', 'position', 'rate_id', 'rate_revision'],
  rates: [
    'id',
    'state_code',
    'state_rate_number',
    'parent_package_id',
    'status',
    'version',
    'created_at',
    'updated_at',
    'initially_submitted_at',
    'revision_count',
    'last_submitted_revision',
  ],
  rate_revisions: [
    'id',
    'rate_id',
    'number',
    'created_at',
    'rate_type',
    'rate_date_start',
    'rate_date_end',
    'rate_date_certified',
    'effective_date_start',
    'effective_date_end',
    'capitation_type',
    'medicaid_populations',
    'submitted_at',
    'submitted_by_id',
    'submitted_by_email',
    'submitted_by_role',
    'submit_reason',
    'unlocked_at',
    'unlocked_by_id',
    'unlocked_by_email',
    'unlocked_by_role',
    'unlock_reason',
    'submitted_with_package_id',
    'submitted_with_package_revision',
  ],
  rate_revision_programs: ['rate_revision_id', 'position', 'program_id'],
  rate_revision_actuaries: [
    'rate_revision_id',
    'position',
    'name',
    'title',
    'email',
    'actuarial_firm',
    'actuarial_firm_other',
  ],
  rate_documents: [
    'rate_revision_id',
    'id',
    'position',
    'name',
    'bucket',
    'key',
    'size',
    'content_type',
    'sha256',
    'category',
    'added_at',
    'scan_status',
  ],
  rate_withdrawals: [
    'rate_id',
    'position',
    'id',
    'action',
    'at',
    'actor_id',
    'actor_email',
    'actor_role',
    'reason',
    'package_ids',
  ],
  rate_packages: ['rate_id', 'state_code', 'position', 'package_id'],
} as const satisfies { [T in keyof Database]?: readonly (keyof Database[T] & string)[] };
export type InsertTable = keyof typeof COLUMNS;

/** `($1, $2), ($3, $4)` for `rows` rows of `width` columns. */
export function tuples(rows: number, width: number): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(`$${r * width + c}`);
    out.push(`(${cells.join(', ')})`);
  }
  return out.join(', ');
}

/** Texts of small multi-row inserts are kept: a package's child lists have a handful of rows. */
const insertTexts = new Map<string, string>();
const CACHED_ROWS = 64;

export function insertText(table: InsertTable, rows: number): string {
  const key = `${table}/${rows}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    text = `insert into ${table} (${COLUMNS[table].join(', ')}) values ${tuples(rows, COLUMNS[table].length)}`;
    if (rows <= CACHED_ROWS) insertTexts.set(key, text);
  }
  return text;
}

/** `$n` placeholders of `text` moved up by `offset`. */
const shifted = (text: string, offset: number) =>
  text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);

/**
 * Small inserts into several tables as ONE statement (one round trip): each but the last
 * becomes a data-modifying WITH part. Foreign keys are checked at the end of the statement, so
 * parents and children may come in the same one. Tables without rows are left out.
 */
export function insertTogetherText(parts: readonly (readonly [InsertTable, number])[]): string {
  const key = parts.map(([table, rows]) => `${table}/${rows}`).join(' ');
  let text = togetherTexts.get(key);
  if (text === undefined) {
    text = buildInsertTogether(parts);
    // Common shapes repeat (a new draft's lists are mostly short); the cache stays bounded.
    if (togetherTexts.size < 256) togetherTexts.set(key, text);
  }
  return text;
}
const togetherTexts = new Map<string, string>();

function buildInsertTogether(parts: readonly (readonly [InsertTable, number])[]): string {
  const present = parts.filter(([, rows]) => rows > 0);
  let offset = 0;
  const texts = present.map(([table, rows]) => {
    const text = shifted(insertText(table, rows), offset);
    offset += rows * COLUMNS[table].length;
    return text;
  });
  const last = texts.pop();
  if (last === undefined) throw new Error('nothing to insert');
  return texts.length ? `with ${texts.map((t, i) => `i${i} as (${t})`).join(', ')} ${last}` : last;
}

export async function insertTogether(q: Db, parts: readonly (readonly [InsertTable, readonly object[]])[]) {
  const values: unknown[] = [];
  for (const [table, rows] of parts)
    for (const row of rows) for (const c of COLUMNS[table]) values.push((row as Record<string, unknown>)[c]);
  await exec(q, insertTogetherText(parts.map(([table, rows]) => [table, rows.length] as const)), values);
}

/**
 * Inserts rows; a request's handful as a multi-row VALUES, bulk (copy, restore) as one JSON
 * parameter per statement expanded by jsonb_populate_recordset: PostgreSQL parses one value
 * instead of tens of thousands, and `pg` serializes one string. Only the transport is JSON;
 * the rows land in the typed, constrained columns as before.
 */
export async function insertRows(q: Db, table: InsertTable, rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = COLUMNS[table];
  if (rows.length > CACHED_ROWS) {
    const list = columns.join(', ');
    const json = JSON.stringify(rows.map((row) => pick(row, columns)));
    await exec(
      q,
      `insert into ${table} (${list}) select ${list} from jsonb_populate_recordset(null::${table}, $1::jsonb)`,
      [json],
    );
    return;
  }
  const values: unknown[] = [];
  for (const row of rows) for (const c of columns) values.push((row as Record<string, unknown>)[c]);
  await exec(q, insertText(table, rows.length), values);
}

/** The row with just these columns, NULL for those it lacks. */
function pick(row: object, columns: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c] = (row as Record<string, unknown>)[c] ?? null;
  return out;
}

/** `(…) as <alias>_rows`: a child table's rows of the package `p`, as one JSON array. */
const rowsOf = (table: string, alias: string, byRevision: boolean) =>
  `(select coalesce(json_agg(t), '[]'::json) from ${table} t where ${
    // An array parameter, as the page reads use: an index lookup whatever the planner's statistics.
    byRevision
      ? 't.revision_id = any(array(select id from revisions where package_id = p.id))'
      : 't.package_id = p.id'
  }) as ${alias}_rows`;

/**
 * One package whole in one statement (one round trip, also inside a transaction): its head row,
 * and each table below it as a JSON array of rows. The tables stay relational; JSON is only how
 * the rows travel.
 */
const WHOLE_PACKAGE = `select p.*, ${[
  rowsOf('revisions', 'revisions', false),
  rowsOf('revision_programs', 'programs', true),
  rowsOf('state_contacts', 'contacts', true),
  rowsOf('rate_certifications', 'rates', true),
  rowsOf('rate_programs', 'rate_programs', true),
  rowsOf('certifying_actuaries', 'actuaries', true),
  rowsOf('documents', 'documents', true),
  rowsOf('rate_links', 'links', true),
  rowsOf('review_actions', 'review_actions', false),
  rowsOf('questions', 'questions', false),
  rowsOf('qa_documents', 'qa_documents', false),
].join(', ')} from packages p where p.id = $1`;

export const SQL = {
  wholePackage: WHOLE_PACKAGE,
  lockPackage: 'select id from packages where id = $1 for update',
  heads: 'select * from packages where id = any($1::uuid[])',
  headsForUpdate: 'select * from packages where id = any($1::uuid[]) for update',
  revisions: 'select * from revisions where package_id = any($1::uuid[])',
  /** Rows of one child table by revision ids. */
  children: (table: string) => `select * from ${table} where revision_id = any($1::uuid[])`,
  /** The state's next number: its counter raised by one (created at 1), locked until commit. */
  counter: named<
    { state_code: string },
    { last_number: number }
  >(`insert into state_counters (state_code, last_number)
    values (:state_code, 1)
    on conflict (state_code) do update set last_number = state_counters.last_number + 1 returning last_number`),
  /**
   * The counter raised to the highest number in use in the state, inserted when missing (packages
   * imported without their counter): after it, the next `counter` hands out a free number.
   */
  catchUpCounter: named<{ state_code: string }>(`insert into state_counters (state_code, last_number)
    select :state_code::char(2), coalesce(max(state_number), 0) from packages where state_code = :state_code::char(2)
    on conflict (state_code) do update set last_number = greatest(state_counters.last_number, excluded.last_number)`),
  /** A head rewritten from its row (postgres-marshal `packageRow`). */
  updateHead: named<Insertable<PackagesTable>>(`update packages set state_code = :state_code,
    state_number = :state_number, status = :status, version = :version, created_at = :created_at,
    updated_at = :updated_at, initially_submitted_at = :initially_submitted_at,
    revision_count = :revision_count, cms_updated_at = :cms_updated_at,
    cms_revision_count = :cms_revision_count, review_status = :review_status,
    open_questions = :open_questions where id = :id`),
  /** An open question gains its one response (the database refuses any other change of a question). */
  respond: named<
    Pick<
      Insertable<QuestionsTable>,
      | 'id'
      | 'response_id'
      | 'responded_at'
      | 'responded_by_id'
      | 'responded_by_email'
      | 'responded_by_role'
      | 'response_text'
    >
  >(`update questions set response_id = :response_id, responded_at = :responded_at,
    responded_by_id = :responded_by_id, responded_by_email = :responded_by_email,
    responded_by_role = :responded_by_role, response_text = :response_text where id = :id`),
  /** A draft revision frozen by its submission: only the submit columns change. */
  freeze: named<
    Pick<
      Insertable<RevisionsTable>,
      'id' | 'submitted_at' | 'submitted_by_id' | 'submitted_by_email' | 'submitted_by_role' | 'submit_reason'
    >
  >(`update revisions set submitted_at = :submitted_at, submitted_by_id = :submitted_by_id,
    submitted_by_email = :submitted_by_email, submitted_by_role = :submitted_by_role,
    submit_reason = :submit_reason where id = :id`),
  deleteRevision: 'delete from revisions where id = $1',
  deletePackage: 'delete from packages where id = $1',
  /** A draft revision's links frozen to the rate revisions it is submitted with: (revision id, rate ids, numbers). */
  freezeLinks: `update rate_links l set rate_revision = v.n
    from unnest($2::uuid[], $3::int[]) as v(rate_id, n) where l.revision_id = $1 and l.rate_id = v.rate_id`,
  /**
   * A question rewritten or removed: no plan does either, and the database refuses both (they
   * are history); sent so that the refusal is the database's, as for a submitted revision.
   */
  rewriteQuestion: named<Insertable<QuestionsTable>>(`update questions set package_id = :package_id,
    position = :position, division = :division, round = :round, asked_at = :asked_at,
    asked_by_id = :asked_by_id, asked_by_email = :asked_by_email, asked_by_role = :asked_by_role,
    text = :text, rate_id = :rate_id, response_id = :response_id, responded_at = :responded_at,
    responded_by_id = :responded_by_id, responded_by_email = :responded_by_email,
    responded_by_role = :responded_by_role, response_text = :response_text where id = :id`),
  deleteQuestion: 'delete from questions where id = $1',
  /** The review actions of packages, by package ids. */
  reviewActions: 'select * from review_actions where package_id = any($1::uuid[])',
  /** The questions of packages, and their documents, by package ids. */
  questions: 'select * from questions where package_id = any($1::uuid[])',
  qaDocuments: 'select * from qa_documents where package_id = any($1::uuid[])',
  /** Package summaries: the head and its current revision's type and programs; add `where`, order and limit. */
  summaries: `select p.*, r.submission_type,
    (SELECT array_agg(rp.program_id::text ORDER BY rp.position) FROM revision_programs rp WHERE rp.revision_id = r.id) as program_ids
    from packages as p inner join revisions as r on r.package_id = p.id and r.number = p.revision_count`,
  summaryOrder: 'order by p.updated_at desc, p.id desc',
  /**
   * What CMS's lists show: the head and its LAST SUBMITTED revision's type and programs (an
   * unlocked draft stays private); only packages submitted at least once. Add `and`, order, limit.
   */
  cmsSummaries: `select p.*, r.submission_type,
    (SELECT array_agg(rp.program_id::text ORDER BY rp.position) FROM revision_programs rp WHERE rp.revision_id = r.id) as program_ids
    from packages as p inner join revisions as r on r.package_id = p.id and r.number = p.cms_revision_count`,
} as const;
