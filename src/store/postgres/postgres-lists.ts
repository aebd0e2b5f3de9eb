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
  stateListTag,
} from '../paging.js';
import type { ListByStateQuery, ListOptions, ListSubmittedQuery, PageRequest, Store } from '../store.js';
import { auditFromRow, cmsSummaryFromRow, type SummaryRow, summaryFromRow } from './postgres-marshal.js';
import type { Database } from './postgres-schema.js';
import { exec, SQL } from './postgres-statements.js';

type ListPosition = { u: string; i: string };
const isListPosition = (p: unknown): p is ListPosition =>
  typeof p === 'object' &&
  p !== null &&
  typeof (p as ListPosition).u === 'string' &&
  typeof (p as ListPosition).i === 'string';
/** How a list reads and dates its packages. */
interface ListView {
  summaries: string;
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
  sortColumn: 'p.cms_updated_at',
  newestFirst: 'order by p.cms_updated_at desc, p.id desc',
  oldestFirst: 'order by p.cms_updated_at asc, p.id asc',
  fromRow: cmsSummaryFromRow,
};
const BY_STATE = ['p.state_code = $1'];
const BY_STATE_STATUS = ['p.state_code = $1', 'p.status = $2'];

export type PackageLists = Pick<Store, 'listByState' | 'listSubmitted' | 'listAudit'>;

export function createPostgresLists(db: Kysely<Database>): PackageLists {
  /**
   * One page of package summaries; `conditions` are on `p` (the head) with their `values`.
   * The texts are fixed but for the optional parts, so nothing is built per call.
   */
  async function listPage(
    listTag: string,
    query: ListOptions,
    conditions: string[],
    values: unknown[],
    view: ListView = STATE_VIEW,
  ) {
    const { limit, order, programId, tag } = listPlan(listTag, query);
    const after = decodeCursor(tag, query.cursor, isListPosition);
    const params = [...values];
    const where = [...conditions];
    // The revision the list shows (joined as r) names the program: checked per package through
    // UNIQUE (revision_id, program_id), or found from the program through revision_programs_by_program.
    if (programId) {
      where.push(
        `exists (select 1 from revision_programs rp where rp.revision_id = r.id and rp.program_id = $${params.push(programId)}::uuid)`,
      );
    }
    if (after) {
      params.push(after.u, after.i);
      const beyond = order === 'oldest' ? '>' : '<';
      where.push(
        `(${view.sortColumn}, p.id) ${beyond} ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
      );
    }
    params.push(limit + 1);
    const sort = order === 'oldest' ? view.oldestFirst : view.newestFirst;
    const text = `${view.summaries} where ${where.join(' and ')} ${sort} limit $${params.length}`;
    const rows = await exec<SummaryRow>(db, text, params);
    const items = rows.slice(0, limit).map(view.fromRow);
    const last = items[items.length - 1];
    const cursor =
      rows.length > limit && last ? encodeCursor(tag, { u: last.updatedAt, i: last.id }) : undefined;
    return { items, ...(cursor ? { cursor } : {}) };
  }

  return {
    listByState(stateCode, query: ListByStateQuery = {}) {
      const { status } = query;
      const tag = stateListTag(stateCode, status);
      return status
        ? listPage(tag, query, BY_STATE_STATUS, [stateCode, status])
        : listPage(tag, query, BY_STATE, [stateCode]);
    },

    async listSubmitted(query: ListSubmittedQuery = {}) {
      const empty = knownEmptyCmsPage(query);
      if (empty) return empty;
      const { stateCode, status } = query;
      const where = ['p.cms_updated_at is not null'];
      const values: unknown[] = [];
      if (stateCode) where.push(`p.state_code = $${values.push(stateCode)}`);
      if (status) where.push(`p.status = $${values.push(status)}`);
      return listPage(cmsListTag(stateCode, status), query, where, values, CMS_VIEW);
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
