/**
 * The baseline of the PostgreSQL benchmark: the very statements the store sends for each
 * operation, written by hand on a plain `pg` pool, with no validation, mapping or domain logic.
 * Keep it in step with src/store/postgres/postgres-store.ts and postgres-rows.ts;
 * `checkBaseline` in postgres.ts fails the bench if the statements or the rows drift apart.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Actor, FormData, PackageDocument } from '../src/domain/index.js';
import type { RawCreateInput } from './lib/store-vs-raw.js';

type Row = Record<string, unknown>;

/** `($1, $2), ($3, $4)` for `rows` rows of `width` columns, numbered after `offset` parameters. */
function tuples(rows: number, width: number, offset = 0): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(`$${offset + r * width + c}`);
    out.push(`(${cells.join(', ')})`);
  }
  return out.join(', ');
}

const COUNTER = `insert into state_counters (state_code, last_number)
  values ($1, 1)
  on conflict (state_code) do update set last_number = state_counters.last_number + 1 returning last_number`;
const AUDIT = `insert into audit_events (id, package_id, at, actor_id, actor_email, actor_role, action, summary)
  values ($1, $2, $3, $4, $5, $6, $7, $8)`;
/** Column lists of the child tables, in the store's insert order. */
const CHILDREN = {
  revision_programs: 'revision_id, position, program_id',
  state_contacts: 'revision_id, position, name, title, email',
  rate_certifications:
    'revision_id, id, position, rate_type, rate_date_start, rate_date_end, rate_date_certified, effective_date_start, effective_date_end, capitation_type, medicaid_populations',
  rate_programs: 'revision_id, rate_id, position, program_id',
  certifying_actuaries:
    'revision_id, rate_id, position, name, title, email, actuarial_firm, actuarial_firm_other',
  documents:
    'revision_id, id, position, name, bucket, key, size, content_type, sha256, category, rate_id, added_at, scan_status',
  rate_links: 'revision_id, package_id, state_code, position, rate_id, rate_revision',
} as const;
type ChildTable = keyof typeof CHILDREN;
/** Every table a new package writes, with its insert columns. */
const COLUMN_LISTS: Record<string, string> = {
  packages:
    'id, state_code, state_number, status, version, created_at, updated_at, initially_submitted_at, revision_count, cms_updated_at, cms_revision_count, review_status, open_questions',
  revisions: `id, package_id, number, created_at, submission_type, submission_description, contract_type,
    contract_date_start, contract_date_end, managed_care_entities, federal_authorities, items_being_amended,
    other_item_being_amended, related_to_covid19, actuary_communication_preference, population_covered,
    risk_based_contract, contract_execution_status, dsnp_contract, modified_provisions, unmodified_provisions, submitted_at,
    submitted_by_id, submitted_by_email, submitted_by_role, submit_reason, unlocked_at, unlocked_by_id,
    unlocked_by_email, unlocked_by_role, unlock_reason`,
  ...CHILDREN,
  audit_events: 'id, package_id, at, actor_id, actor_email, actor_role, action, summary',
};
const CHILD_TABLES = Object.keys(CHILDREN) as ChildTable[];
/** The whole package in one statement: the head row plus each table below as a JSON array of rows. */
const childRows = (table: string, alias: string) =>
  `(select coalesce(json_agg(t), '[]'::json) from ${table} t where t.revision_id = any(array(select id from revisions where package_id = p.id))) as ${alias}_rows`;
const WHOLE = `select p.*,
  (select coalesce(json_agg(t), '[]'::json) from revisions t where t.package_id = p.id) as revisions_rows,
  ${childRows('revision_programs', 'programs')}, ${childRows('state_contacts', 'contacts')},
  ${childRows('rate_certifications', 'rates')}, ${childRows('rate_programs', 'rate_programs')},
  ${childRows('certifying_actuaries', 'actuaries')}, ${childRows('documents', 'documents')},
  ${childRows('rate_links', 'links')},
  (select coalesce(json_agg(t), '[]'::json) from review_actions t where t.package_id = p.id) as review_actions_rows,
  (select coalesce(json_agg(t), '[]'::json) from questions t where t.package_id = p.id) as questions_rows,
  (select coalesce(json_agg(t), '[]'::json) from qa_documents t where t.package_id = p.id) as qa_documents_rows
  from packages p where p.id = $1`;
const LIST = `select p.*, r.submission_type,
  (SELECT array_agg(rp.program_id::text ORDER BY rp.position) FROM revision_programs rp WHERE rp.revision_id = r.id) as program_ids
  from packages as p inner join revisions as r on r.package_id = p.id and r.number = p.revision_count
  where p.state_code = $1 order by p.updated_at desc, p.id desc limit $2`;
const LOCK = 'select id from packages where id = $1 for update';
const UPDATE_HEAD = `update packages set state_code = $1, state_number = $2, status = $3, version = $4,
  created_at = $5, updated_at = $6, initially_submitted_at = $7, revision_count = $8,
  cms_updated_at = $9, cms_revision_count = $10, review_status = $11, open_questions = $12 where id = $13`;
const FREEZE = `update revisions set submitted_at = $1, submitted_by_id = $2, submitted_by_email = $3,
  submitted_by_role = $4, submit_reason = $5 where id = $6`;

/** Child rows of one new revision, as parameter lists, one per table (empty tables are skipped). */
function childValues(
  revisionId: string,
  f: FormData,
  documents: PackageDocument[],
): [ChildTable, unknown[][]][] {
  const rates = f.rateCertifications;
  const rows: Record<ChildTable, unknown[][]> = {
    revision_programs: f.programIds.map((p, i) => [revisionId, i, p]),
    state_contacts: f.stateContacts.map((c, i) => [revisionId, i, c.name, c.title, c.email]),
    rate_certifications: rates.map((rc, i) => [
      revisionId,
      rc.id,
      i,
      rc.rateType ?? null,
      rc.rateDateStart ?? null,
      rc.rateDateEnd ?? null,
      rc.rateDateCertified ?? null,
      rc.effectiveDateStart ?? null,
      rc.effectiveDateEnd ?? null,
      rc.capitationType ?? null,
      rc.medicaidPopulations ?? null,
    ]),
    rate_programs: rates.flatMap((rc) => rc.rateProgramIds.map((p, i) => [revisionId, rc.id, i, p])),
    certifying_actuaries: rates.flatMap((rc) =>
      rc.certifyingActuaries.map((a, i) => [
        revisionId,
        rc.id,
        i,
        a.name,
        a.title,
        a.email,
        a.actuarialFirm ?? null,
        a.actuarialFirmOther ?? null,
      ]),
    ),
    documents: documents.map((d, i) => [
      revisionId,
      d.id,
      i,
      d.name,
      d.bucket,
      d.key,
      d.size,
      d.contentType,
      d.sha256,
      d.category,
      d.rateId ?? null,
      d.addedAt,
      d.scanStatus,
    ]),
    // A new draft links no rate records (the baseline creates drafts only).
    rate_links: [],
  };
  return CHILD_TABLES.filter((t) => rows[t].length > 0).map((t) => [t, rows[t]]);
}

/** BEGIN, `work`, COMMIT on one pooled client (ROLLBACK on failure), as Kysely's transaction() does. */
async function inTransaction<T>(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const out = await work(client);
    await client.query('commit');
    return out;
  } catch (e) {
    await client.query('rollback').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

export function rawPostgresOps(pool: pg.Pool) {
  const audit = (
    q: pg.PoolClient,
    packageId: string,
    actor: Actor,
    action: string,
    summary: string,
    at: string,
  ) => q.query(AUDIT, [randomUUID(), packageId, at, actor.id, actor.email, actor.role, action, summary]);

  return {
    /** Counter upsert, package, revision, its child rows, audit event: one transaction. */
    create(input: RawCreateInput): Promise<void> {
      const { id, stateCode, formData: f, documents, actor } = input;
      return inTransaction(pool, async (c) => {
        const counter = await c.query(COUNTER, [stateCode]);
        const n = (counter.rows[0] as { last_number: number }).last_number;
        const at = new Date().toISOString();
        const revisionId = randomUUID();
        // Modified provisions: the ones answered yes, then no (NULL when unanswered).
        const answers = f.modifiedProvisions && Object.entries(f.modifiedProvisions);
        const answered = (yes: boolean) => answers?.filter(([, a]) => a === yes).map(([p]) => p) ?? null;
        // Package, revision, child rows and audit event in one statement of WITH parts.
        const parts: [string, unknown[][]][] = [
          ['packages', [[id, stateCode, n, 'DRAFT', 1, at, at, null, 1, null, null, null, 0]]],
          [
            'revisions',
            [
              [
                revisionId,
                id,
                1,
                at,
                f.submissionType,
                f.submissionDescription,
                f.contractType ?? null,
                f.contractDateStart ?? null,
                f.contractDateEnd ?? null,
                f.managedCareEntities,
                f.federalAuthorities,
                f.itemsBeingAmended,
                f.otherItemBeingAmended ?? null,
                f.relatedToCovid19 ?? null,
                f.actuaryCommunicationPreference ?? null,
                f.populationCovered ?? null,
                f.riskBasedContract ?? null,
                f.contractExecutionStatus ?? null,
                f.dsnpContract ?? null,
                answered(true),
                answered(false),
                ...Array.from({ length: 10 }, () => null),
              ],
            ],
          ],
          ...childValues(revisionId, f, documents),
          [
            'audit_events',
            [
              [
                randomUUID(),
                id,
                at,
                actor.id,
                actor.email,
                actor.role,
                'CREATE',
                `Draft created as number ${n}`,
              ],
            ],
          ],
        ];
        let offset = 0;
        const inserts = parts.map(([table, rows]) => {
          const text = `insert into ${table} (${COLUMN_LISTS[table]}) values ${tuples(rows.length, rows[0]!.length, offset)}`;
          offset += rows.length * rows[0]!.length;
          return text;
        });
        const last = inserts.pop()!;
        await c.query(
          `with ${inserts.map((t, i) => `i${i} as (${t})`).join(', ')} ${last}`,
          parts.flatMap(([, rows]) => rows.flat()),
        );
      });
    },

    /** The package in one statement; rows are not assembled. */
    async get(id: string): Promise<Row[]> {
      return (await pool.query(WHOLE, [id])).rows;
    },

    /** One page of a state's packages, newest first, one row more than the page to detect a next page. */
    async listByState(stateCode: string, pageSize = 25): Promise<Row[]> {
      return (await pool.query(LIST, [stateCode, pageSize + 1])).rows;
    },

    /** The package locked, then read, head update, revision frozen, audit event: one transaction. */
    submit(id: string, actor: Actor): Promise<void> {
      return inTransaction(pool, async (c) => {
        await c.query(LOCK, [id]);
        const head = (await c.query(WHOLE, [id])).rows[0] as Row | undefined;
        if (!head) throw new Error(`no package ${id}`);
        const revisions = head.revisions_rows as Row[];
        const current = revisions.find((r) => r.number === head.revision_count)!;
        const at = new Date().toISOString();
        await c.query(UPDATE_HEAD, [
          head.state_code,
          head.state_number,
          'SUBMITTED',
          (head.version as number) + 1,
          head.created_at,
          at,
          at,
          head.revision_count,
          at,
          1,
          current.population_covered === 'CHIP' ? 'NOT_SUBJECT_TO_REVIEW' : 'UNDER_REVIEW',
          head.open_questions,
          id,
        ]);
        await c.query(FREEZE, [at, actor.id, actor.email, actor.role, 'Initial submission', current.id]);
        await audit(c, id, actor, 'SUBMIT', 'Submitted to CMS', at);
      });
    },
  };
}

export type RawPostgresOps = ReturnType<typeof rawPostgresOps>;
