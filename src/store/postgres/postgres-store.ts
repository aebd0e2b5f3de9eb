import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import type { Package, PackageSummary, Revision, State, StateCode, User } from '../../domain/index.js';
import { alreadyExists, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import {
  assertDeletable,
  type ChangeAction,
  newDraftPackage,
  parseCreateInput,
  planChange,
} from '../package-changes.js';
import { decodeCursor, encodeCursor, listPlan, pageSize } from '../paging.js';
import { assertStorableText } from '../storable-text.js';
import type {
  AuditAction,
  AuditEvent,
  ListByStateQuery,
  ListOptions,
  ListSubmittedQuery,
  NewAuditEvent,
  PageRequest,
  Store,
  TransitionInput,
  UpdateDraftInput,
} from '../store.js';
import {
  FOREIGN_KEY_VIOLATION,
  isPgCode,
  isRetryable,
  mapUnstorableTextErrors,
  pgError,
  UNIQUE_VIOLATION,
} from './postgres-errors.js';
import { createPostgresMaintenance } from './postgres-maintenance.js';
import {
  auditFromRow,
  auditRow,
  cmsSummaryFromRow,
  packageRow,
  revisionRows,
  type SummaryRow,
  summaryFromRow,
} from './postgres-marshal.js';
import { insertRevisionRows, readPackages } from './postgres-rows.js';
import type { Database, UsersTable } from './postgres-schema.js';
import { type Db, exec, insertText, insertTogether, SQL } from './postgres-statements.js';

export interface PostgresStoreOptions {
  /** A ready Kysely instance (pg pool or embedded PGlite); migrations already applied. */
  db: Kysely<Database>;
  /** Called by `close()`, e.g. to end the pool the caller opened. */
  onClose?: () => Promise<void>;
}

type ListPosition = { u: string; i: string };
const isListPosition = (p: unknown): p is ListPosition =>
  typeof p === 'object' &&
  p !== null &&
  typeof (p as ListPosition).u === 'string' &&
  typeof (p as ListPosition).i === 'string';
const MAX_RETRIES = 5;
/** Number collisions tolerated in one creation; each raises the counter past the numbers in use. */
const MAX_NUMBER_ATTEMPTS = 5;

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

/**
 * True when two revisions are the same apart from `submitInfo`. planChange builds the submitted
 * revision by spreading the draft, so the fields are the same objects and this is a cheap check;
 * anything else falls back to the deep comparison.
 */
function onlySubmitInfoDiffers(prev: Revision, rev: Revision): boolean {
  const keys = Object.keys(rev) as (keyof Revision)[];
  if (keys.length !== Object.keys(prev).length) return false;
  if (keys.every((k) => k === 'submitInfo' || prev[k] === rev[k])) return true;
  return isDeepStrictEqual({ ...prev, submitInfo: rev.submitInfo }, rev);
}

export function createPostgresStore(options: PostgresStoreOptions): Store {
  const { db } = options;

  /** Runs `work` in a transaction, again when PostgreSQL reports a serialization failure or deadlock. */
  async function inTransaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await db.transaction().execute(work);
      } catch (e) {
        if (!isRetryable(e) || attempt >= MAX_RETRIES) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** attempt));
      }
    }
  }

  async function readPackage(q: Db, id: string, forUpdate = false): Promise<Package | undefined> {
    if (!isUuid(id)) return undefined; // no such package, as on every backend
    return (await readPackages(q, [id], forUpdate)).get(id);
  }

  const insertRevision = (q: Db, packageId: string, revision: Revision) =>
    insertRevisionRows(q, [revisionRows(packageId, revision)]);

  /** Writes what changed between `before` and `after`; the caller holds the package row lock. */
  async function persistChange(trx: Transaction<Database>, before: Package, after: Package) {
    const h = packageRow(after);
    await exec(trx, SQL.updateHead, [
      h.state_code,
      h.state_number,
      h.status,
      h.version,
      h.created_at,
      h.updated_at,
      h.initially_submitted_at,
      h.revision_count,
      h.cms_updated_at,
      h.cms_revision_count,
      h.id,
    ]);
    const old = new Map(before.revisions.map((r) => [r.number, r]));
    for (const rev of after.revisions) {
      const prev = old.get(rev.number);
      if (prev === rev) continue;
      if (!prev) {
        await insertRevision(trx, after.id, rev);
      } else if (!prev.submitInfo && rev.submitInfo && onlySubmitInfoDiffers(prev, rev)) {
        // A submission only freezes the revision: set its submit columns, nothing else.
        const s = rev.submitInfo;
        await exec(trx, SQL.freeze, [s.at, s.by.id, s.by.email, s.by.role, s.reason, rev.id]);
      } else if (!isDeepStrictEqual(prev, rev)) {
        // A draft edit rewrites the draft revision (the database refuses this for a submitted one).
        await exec(trx, SQL.deleteRevision, [rev.id]);
        await insertRevision(trx, after.id, rev);
      }
    }
  }

  async function insertAudit(
    trx: Db,
    packageId: string,
    actor: NewAuditEvent['actor'],
    action: AuditAction,
    summary: string,
    at: string,
  ) {
    const event: AuditEvent = { id: randomUUID(), packageId, at, actor, action, summary };
    await exec(trx, insertText('audit_events', 1), [
      event.id,
      packageId,
      at,
      actor.id,
      actor.email,
      actor.role,
      action,
      summary,
    ]);
    return event;
  }

  async function change(
    id: string,
    action: ChangeAction,
    input: UpdateDraftInput & TransitionInput,
  ): Promise<Package> {
    return inTransaction(async (trx) => {
      const before = await readPackage(trx, id, true);
      if (!before) throw notFound('package', id);
      const { after, audit } = planChange(action, before, input);
      await persistChange(trx, before, after);
      await insertAudit(trx, id, audit.actor, audit.action, audit.summary, after.updatedAt);
      return after;
    });
  }

  async function upsertUserRows(rows: Insertable<UsersTable>[]) {
    await db
      .insertInto('users')
      .values(rows)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          email: eb.ref('excluded.email'),
          given_name: eb.ref('excluded.given_name'),
          family_name: eb.ref('excluded.family_name'),
          role: eb.ref('excluded.role'),
          state_code: eb.ref('excluded.state_code'),
        })),
      )
      .execute();
  }

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

  return mapUnstorableTextErrors<Store>({
    backend: 'postgres',

    async upsertStates(states: readonly State[]) {
      assertStorableText(states, ['states']);
      await inTransaction(async (trx) => {
        for (const s of states) {
          await trx
            .insertInto('states')
            .values({ code: s.code, name: s.name })
            .onConflict((oc) => oc.column('code').doUpdateSet({ name: s.name }))
            .execute();
          // Programs are reference data nothing else points at: replace the state's list.
          await trx.deleteFrom('programs').where('state_code', '=', s.code).execute();
          if (s.programs.length) {
            await trx
              .insertInto('programs')
              .values(
                s.programs.map((p, position) => ({
                  id: p.id,
                  state_code: s.code,
                  position,
                  name: p.name,
                  full_name: p.fullName,
                })),
              )
              .execute();
          }
        }
      });
    },
    async listStates() {
      const [states, programs] = await Promise.all([
        db.selectFrom('states').selectAll().orderBy('code').execute(),
        db.selectFrom('programs').selectAll().orderBy('state_code').orderBy('position').execute(),
      ]);
      return states.map((s) => ({
        code: s.code,
        name: s.name,
        programs: programs
          .filter((p) => p.state_code === s.code)
          .map((p) => ({ id: p.id, name: p.name, fullName: p.full_name })),
      }));
    },
    async getState(code: StateCode) {
      const state = await db.selectFrom('states').selectAll().where('code', '=', code).executeTakeFirst();
      if (!state) throw notFound('state', code);
      const programs = await db
        .selectFrom('programs')
        .selectAll()
        .where('state_code', '=', code)
        .orderBy('position')
        .execute();
      return {
        code: state.code,
        name: state.name,
        programs: programs.map((p) => ({ id: p.id, name: p.name, fullName: p.full_name })),
      };
    },
    async upsertUsers(users: readonly User[]) {
      if (users.length === 0) return;
      assertStorableText(users, ['users']);
      const rows = users.map((u) => ({
        id: u.id,
        email: u.email,
        given_name: u.givenName,
        family_name: u.familyName,
        role: u.role,
        state_code: u.role === 'STATE_USER' ? u.stateCode : null,
      }));
      try {
        await upsertUserRows(rows);
      } catch (e) {
        if (isPgCode(e, FOREIGN_KEY_VIOLATION)) {
          const named = /\(state_code\)=\((\w+)\)/.exec(pgError(e).detail ?? '')?.[1] ?? 'of a state user';
          throw notFound('state', named);
        }
        throw e;
      }
    },
    async listUsers() {
      return (await db.selectFrom('users').selectAll().orderBy('email').execute()).map(userFromRow);
    },
    async getUser(id) {
      if (!isUuid(id)) throw notFound('user', id);
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('user', id);
      return userFromRow(row);
    },
    async getSessionUser(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('user', id);
      return { user: userFromRow(row), sessionGeneration: row.session_generation };
    },
    async endSessions(userId) {
      const row = await db
        .updateTable('users')
        .set((eb) => ({ session_generation: eb('session_generation', '+', 1) }))
        .where('id', '=', userId)
        .returning('session_generation')
        .executeTakeFirst();
      if (!row) throw notFound('user', userId);
      return row.session_generation;
    },
    async getSessionGenerations() {
      const rows = await db
        .selectFrom('users')
        .select(['id', 'session_generation'])
        .where('session_generation', '>', 0)
        .execute();
      return Object.fromEntries(rows.map((r) => [r.id, r.session_generation]));
    },
    async raiseSessionGenerations(generations) {
      const entries = Object.entries(generations);
      if (entries.length === 0) return;
      // Only upwards: GREATEST in one statement, so a concurrent sign-out is never undone.
      await sql`UPDATE users AS u SET session_generation = GREATEST(u.session_generation, g.generation)
        FROM unnest(${entries.map(([id]) => id)}::uuid[], ${entries.map(([, n]) => n)}::int[]) AS g(id, generation)
        WHERE u.id = g.id AND u.session_generation < g.generation`.execute(db);
    },

    async createDraft(input) {
      const parsed = parseCreateInput(input);
      for (let attempt = 1; ; attempt++) {
        try {
          return await inTransaction(async (trx) => {
            // The counter row stays locked until commit, so numbers of a state are handed out one at a time.
            const [counter] = await exec<{ last_number: number }>(trx, SQL.counter, [input.stateCode, 1]);
            const pkg = newDraftPackage(parsed, counter!.last_number);
            const rows = revisionRows(pkg.id, pkg.revisions[0]!);
            const event: AuditEvent = {
              id: randomUUID(),
              packageId: pkg.id,
              at: pkg.createdAt,
              actor: input.actor,
              action: 'CREATE',
              summary: `Draft created as number ${pkg.stateNumber}`,
            };
            // The package, its first revision with everything under it, and its audit event: one statement.
            await insertTogether(trx, [
              ['packages', [packageRow(pkg)]],
              ['revisions', [rows.revision]],
              ['revision_programs', rows.programs],
              ['state_contacts', rows.contacts],
              ['rate_certifications', rows.rates],
              ['rate_programs', rows.ratePrograms],
              ['certifying_actuaries', rows.actuaries],
              ['documents', rows.documents],
              ['audit_events', [auditRow(event)]],
            ]);
            return pkg;
          });
        } catch (e) {
          if (isPgCode(e, FOREIGN_KEY_VIOLATION)) throw notFound('state', input.stateCode);
          if (!isPgCode(e, UNIQUE_VIOLATION)) throw e;
          if (pgError(e).constraint !== 'packages_state_number_unique')
            throw alreadyExists('package', input.id);
          // Only packages written without their counter (imported, restored from an old backup)
          // hold numbers past it; one catch-up settles that, so repeated collisions are a fault.
          if (attempt >= MAX_NUMBER_ATTEMPTS) {
            throw new Error(
              `no free package number in state ${input.stateCode} after ${attempt} attempts: every number the counter gave was taken`,
              { cause: e },
            );
          }
          // The counter is behind the numbers in use, or missing (its insert was rolled back with
          // the failed creation): raise or create it at the highest number in use, try again.
          await exec(db, SQL.catchUpCounter, [input.stateCode]);
        }
      }
    },

    async getPackage(id) {
      const pkg = await readPackage(db, id);
      if (!pkg) throw notFound('package', id);
      return pkg;
    },

    updateDraft: (id, input) => change(id, 'update', input),
    submit: (id, input) => change(id, 'submit', input),
    resubmit: (id, input) => change(id, 'resubmit', input),
    unlock: (id, input) => change(id, 'unlock', input),

    async deleteDraft(id, input) {
      await inTransaction(async (trx) => {
        const pkg = await readPackage(trx, id, true);
        if (!pkg) throw notFound('package', id);
        assertDeletable(pkg, input.expectedVersion);
        await trx.deleteFrom('packages').where('id', '=', id).execute();
        await insertAudit(trx, id, input.actor, 'DELETE', 'Draft deleted', new Date().toISOString());
      });
    },

    listByState(stateCode, query: ListByStateQuery = {}) {
      const { status } = query;
      return status
        ? listPage(`state:${stateCode}:${status}`, query, BY_STATE_STATUS, [stateCode, status])
        : listPage(`state:${stateCode}`, query, BY_STATE, [stateCode]);
    },

    async listSubmitted(query: ListSubmittedQuery = {}) {
      const { stateCode, status } = query;
      if (status === 'DRAFT') {
        listPlan('cms', query); // still refuses bad options
        return { items: [] };
      }
      const tag =
        stateCode && status
          ? `cms:state:${stateCode}:status:${status}`
          : stateCode
            ? `cms:state:${stateCode}`
            : status
              ? `cms:status:${status}`
              : 'cms';
      const where = ['p.cms_updated_at is not null'];
      const values: unknown[] = [];
      if (stateCode) where.push(`p.state_code = $${values.push(stateCode)}`);
      if (status) where.push(`p.status = $${values.push(status)}`);
      return listPage(tag, query, where, values, CMS_VIEW);
    },

    async appendAudit(event) {
      assertStorableText(event, ['event']);
      return inTransaction(async (trx) => {
        const exists =
          isUuid(event.packageId) &&
          (await trx
            .selectFrom('packages')
            .select('id')
            .where('id', '=', event.packageId)
            .forShare()
            .executeTakeFirst());
        if (!exists) throw notFound('package', event.packageId);
        return insertAudit(
          trx,
          event.packageId,
          event.actor,
          event.action,
          event.summary,
          new Date().toISOString(),
        );
      });
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

    ...createPostgresMaintenance(db),

    async close() {
      await options.onClose?.();
    },
  });
}

function userFromRow(r: {
  id: string;
  email: string;
  given_name: string;
  family_name: string;
  role: string;
  state_code: string | null;
}): User {
  const base = { id: r.id, email: r.email, givenName: r.given_name, familyName: r.family_name };
  if (r.role === 'STATE_USER') return { ...base, role: 'STATE_USER', stateCode: r.state_code! };
  return { ...base, role: r.role as 'CMS_USER' | 'ADMIN_USER' };
}
