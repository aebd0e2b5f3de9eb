/** PostgreSQL's package lists (fixed statement texts, keyset paging) and audit trails. */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { isUuid, type PackageSummary } from '../../domain/index.js';
import {
  cmsListTag,
  decodeCursor,
  encodeCursor,
  knownEmptyCmsPage,
  listPlan,
  pageSize,
  reviewStatusFilter,
  stateListTag,
} from '../paging.js';
import type { ListByStateQuery, ListOptions, ListSubmittedQuery, PageRequest, Store } from '../store.js';
import { auditFromRow, cmsSummaryFromRow, type SummaryRow, summaryFromRow } from './postgres-marshal.js';
import type { Database } from './postgres-schema.js';
import { execNamed, type NamedStatement, named, SQL } from './postgres-statements.js';

type ListPosition = { u: string; i: string };
const isListPosition = (p: unknown): p is ListPosition =>
  typeof p === 'object' &&
  p !== null &&
  typeof (p as ListPosition).u === 'string' &&
  typeof (p as ListPosition).i === 'string';
/** How a list reads and dates its packages. */
interface ListView {
  summaries: string;
  /** Which packages the list holds at all (CMS: those submitted at least once). */
  scope?: string;
  sortColumn: string;
  newestFirst: string;
  oldestFirst: string;
  fromRow: (row: SummaryRow) => PackageSummary;
}
/** A state's own lists: the current revision, dated by the last change. */
const STATE_VIEW: ListView = {
  summaries: SQL.summaries,
  sortColumn: 'p.updated_at',
  newestFirst: SQL.summaryOrder,
  oldestFirst: 'order by p.updated_at asc, p.id asc',
  fromRow: summaryFromRow,
};
/** CMS's lists: the last submitted revision, dated by the last submit, unlock or resubmit. */
const CMS_VIEW: ListView = {
  summaries: SQL.cmsSummaries,
  scope: 'p.cms_updated_at is not null',
  sortColumn: 'p.cms_updated_at',
  newestFirst: 'order by p.cms_updated_at desc, p.id desc',
  oldestFirst: 'order by p.cms_updated_at asc, p.id asc',
  fromRow: cmsSummaryFromRow,
};

/** The parameters of a list statement, by name; absent filters are left out of its text. */
interface ListParams {
  state_code?: string;
  status?: string;
  review_status?: string;
  program_id?: string;
  updated_from?: string;
  updated_before?: string;
  after_at?: string;
  after_id?: string;
  page_rows: number;
}

export type PackageLists = Pick<Store, 'listByState' | 'listSubmitted' | 'listAudit'>;

export function createPostgresLists(db: Kysely<Database>): PackageLists {
  // A list's text depends only on which filters it has: a handful of shapes, each compiled once.
  const statements = new Map<string, NamedStatement<ListParams, SummaryRow>>();

  /** One page of package summaries of `view`, narrowed by the filters given. */
  async function listPage(
    listTag: string,
    query: ListOptions,
    filters: {
      stateCode?: string | undefined;
      status?: string | undefined;
      reviewStatus?: string | undefined;
    },
    view: ListView,
  ) {
    const { limit, order, programId, updated, tag } = listPlan(listTag, query);
    const after = decodeCursor(tag, query.cursor, isListPosition);
    const params: ListParams = { page_rows: limit + 1 };
    const where = view.scope ? [view.scope] : [];
    if (filters.stateCode) {
      where.push('p.state_code = :state_code');
      params.state_code = filters.stateCode;
    }
    if (filters.status) {
      where.push('p.status = :status');
      params.status = filters.status;
    }
    // The head's review status (written with it from domain deriveReviewStatus); drafts have none.
    if (filters.reviewStatus) {
      where.push('p.review_status = :review_status');
      params.review_status = filters.reviewStatus;
    }
    // The revision the list shows (joined as r) names the program: checked per package through
    // UNIQUE (revision_id, program_id), or found from the program through revision_programs_by_program.
    if (programId) {
      where.push(
        'exists (select 1 from revision_programs rp where rp.revision_id = r.id and rp.program_id = :program_id::uuid)',
      );
      params.program_id = programId;
    }
    // The list's own date, on whole UTC days (domain updatedBounds): a range of its sort column.
    if (updated.atOrAfter) {
      where.push(`${view.sortColumn} >= :updated_from::timestamptz`);
      params.updated_from = updated.atOrAfter;
    }
    if (updated.before) {
      where.push(`${view.sortColumn} < :updated_before::timestamptz`);
      params.updated_before = updated.before;
    }
    if (after) {
      const beyond = order === 'oldest' ? '>' : '<';
      where.push(`(${view.sortColumn}, p.id) ${beyond} (:after_at::timestamptz, :after_id::uuid)`);
      params.after_at = after.u;
      params.after_id = after.i;
    }
    const sort = order === 'oldest' ? view.oldestFirst : view.newestFirst;
    const text = `${view.summaries} where ${where.join(' and ')} ${sort} limit :page_rows`;
    let statement = statements.get(text);
    if (!statement) {
      statement = named<ListParams, SummaryRow>(text);
      statements.set(text, statement);
    }
    const rows = await execNamed(db, statement, params);
    const items = rows.slice(0, limit).map(view.fromRow);
    const last = items[items.length - 1];
    const cursor =
      rows.length > limit && last ? encodeCursor(tag, { u: last.updatedAt, i: last.id }) : undefined;
    return { items, ...(cursor ? { cursor } : {}) };
  }

  return {
    async listByState(stateCode, query: ListByStateQuery = {}) {
      const { status } = query;
      const reviewStatus = reviewStatusFilter(query.reviewStatus);
      const tag = stateListTag(stateCode, status, reviewStatus);
      return listPage(tag, query, { stateCode, status, reviewStatus }, STATE_VIEW);
    },

    async listSubmitted(query: ListSubmittedQuery = {}) {
      const reviewStatus = reviewStatusFilter(query.reviewStatus);
      const empty = knownEmptyCmsPage(query);
      if (empty) return empty;
      const { stateCode, status } = query;
      return listPage(
        cmsListTag(stateCode, status, reviewStatus),
        query,
        { stateCode, status, reviewStatus },
        CMS_VIEW,
      );
    },

    async listAudit(packageId, request: PageRequest = {}) {
      const limit = pageSize(request.limit);
      const tag = `audit:${packageId}`;
      const after = decodeCursor(tag, request.cursor, isListPosition);
      if (!isUuid(packageId)) return { items: [] };
      let q = db.selectFrom('audit_events').selectAll().where('package_id', '=', packageId);
      if (after) q = q.where(sql<boolean>`(at, id) > (${after.u}::timestamptz, ${after.i}::uuid)`);
      const rows = await q
        .orderBy('at')
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit).map(auditFromRow);
      const last = items[items.length - 1];
      const cursor = rows.length > limit && last ? encodeCursor(tag, { u: last.at, i: last.id }) : undefined;
      return { items, ...(cursor ? { cursor } : {}) };
    },
  };
}
