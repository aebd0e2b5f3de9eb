/**
 * Rates and their links on PostgreSQL (issue 13): reads, the rate lists and the graph write,
 * over the tables of migration 0010. Rows in postgres-rate-rows.ts, the graph change in
 * postgres-rate-graph.ts, maintenance in postgres-rate-maintenance.ts.
 */
import type { Kysely } from 'kysely';
import {
  invalidField,
  MAX_GRAPH_RATES,
  RATE_STATUSES,
  type RateStatus,
  type RateSummary,
  rateSummary,
} from '../../domain/index.js';
import { notFound } from '../errors.js';
import { decodeCursor, encodeCursor, listPlan } from '../paging.js';
import type { ListRatesQuery, Page, Store } from '../store.js';
import { changeGraph } from './postgres-rate-graph.js';
import { RATE_SQL, readRates } from './postgres-rate-rows.js';
import type { Database } from './postgres-schema.js';
import { exec, execNamed, type NamedStatement, named } from './postgres-statements.js';
import { inTransaction } from './postgres-transaction.js';

export { createPostgresRateMaintenance } from './postgres-rate-maintenance.js';

type ListPosition = { u: string; i: string };
const isListPosition = (p: unknown): p is ListPosition =>
  typeof p === 'object' &&
  p !== null &&
  typeof (p as ListPosition).u === 'string' &&
  typeof (p as ListPosition).i === 'string';

/** A rate of a list page: its id and the time it is sorted by. */
interface ListedRate {
  id: string;
  updated_at: string;
}

interface RateListParams {
  state_code?: string;
  status?: string;
  program_id?: string;
  after_at?: string;
  after_id?: string;
  page_rows: number;
}

export function createPostgresRates(
  db: Kysely<Database>,
): Pick<Store, 'getRate' | 'getRates' | 'listRates' | 'changeGraph'> {
  // A list's text depends only on which filters it has: a handful of shapes, each compiled once.
  const statements = new Map<string, NamedStatement<RateListParams, ListedRate>>();

  return {
    async getRate(id) {
      const rate = (await readRates(db, [id])).get(id);
      if (!rate) throw notFound('rate', id);
      return rate;
    },

    async getRates(ids) {
      if (ids.length > MAX_GRAPH_RATES)
        throw invalidField('ids', `must list at most ${MAX_GRAPH_RATES} rates`);
      const found = await readRates(db, ids);
      return [...new Set(ids)].flatMap((id) => found.get(id) ?? []);
    },

    async listRates(query: ListRatesQuery = {}): Promise<Page<RateSummary>> {
      const { stateCode, status } = query;
      if (status !== undefined && !RATE_STATUSES.includes(status as RateStatus))
        throw invalidField('status', `must be one of ${RATE_STATUSES.join(', ')}`);
      const { limit, order, programId, tag } = listPlan(`rates:${stateCode ?? '*'}:${status ?? '*'}`, query);
      const after = decodeCursor(tag, query.cursor, isListPosition);
      // Only rates submitted at least once; the program is the last submitted revision's.
      const where = ['r.initially_submitted_at is not null'];
      const params: RateListParams = { page_rows: limit + 1 };
      if (stateCode) {
        where.push('r.state_code = :state_code');
        params.state_code = stateCode;
      }
      if (status) {
        where.push('r.status = :status');
        params.status = status;
      }
      if (programId) {
        where.push(`exists (select 1 from rate_revisions rr join rate_revision_programs rp on rp.rate_revision_id = rr.id
          where rr.rate_id = r.id and rr.number = r.last_submitted_revision and rp.program_id = :program_id::uuid)`);
        params.program_id = programId;
      }
      if (after) {
        where.push(
          `(r.updated_at, r.id) ${order === 'oldest' ? '>' : '<'} (:after_at::timestamptz, :after_id::uuid)`,
        );
        params.after_at = after.u;
        params.after_id = after.i;
      }
      const sort = order === 'oldest' ? 'r.updated_at asc, r.id asc' : 'r.updated_at desc, r.id desc';
      const text = `select r.id, r.updated_at from rates r where ${where.join(' and ')} order by ${sort} limit :page_rows`;
      let statement = statements.get(text);
      if (!statement) {
        statement = named<RateListParams, ListedRate>(text);
        statements.set(text, statement);
      }
      const listed = await execNamed(db, statement, params);
      const page = listed.slice(0, limit);
      // The page whole, in one statement: summaries are the domain's (`rateSummary`), as on every store.
      const rates = await readRates(
        db,
        page.map((r) => r.id),
      );
      const items = page.flatMap(({ id }) => {
        const rate = rates.get(id);
        const summary = rate && rateSummary(rate);
        return summary ? [summary] : [];
      });
      // The position is the listed row's, so a rate changed meanwhile neither repeats nor skips a page.
      const last = page[page.length - 1];
      const cursor =
        listed.length > limit && last ? encodeCursor(tag, { u: last.updated_at, i: last.id }) : undefined;
      return { items, ...(cursor ? { cursor } : {}) };
    },

    changeGraph: (read, plan) =>
      changeGraph(
        (work) => inTransaction(db, work),
        async (state) => void (await exec(db, RATE_SQL.catchUpCounter, [state])),
        read,
        plan,
      ),
  };
}
