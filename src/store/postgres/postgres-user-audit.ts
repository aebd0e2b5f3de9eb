/**
 * Changes an administrator makes to a user, each with its user-audit event (migration 0009):
 * the user row locked, the domain's plan run on it, the user and the event written in one
 * transaction. The row lock serialises changes of one user, so there is no lost race to retry.
 */
import { randomUUID } from 'node:crypto';
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { assertStorableText, isUuid, type Role, type User, type UserAuditEvent } from '../../domain/index.js';
import { notFound } from '../errors.js';
import { decodeCursor, encodeCursor, pageSize, scanPageSize } from '../paging.js';
import type { PageRequest, Store, StoreMaintenance } from '../store.js';
import { userFromRow, userRow } from './postgres-reference.js';
import type { Database, UserAuditTable } from './postgres-schema.js';
import { inTransaction } from './postgres-transaction.js';

export type UserAuditOperations = Pick<Store, 'changeUser' | 'listUserAudit'> &
  Pick<StoreMaintenance, 'scanUserAudit' | 'importUserAudit'>;

const LIST_TAG = 'user-audit';
const IMPORT_BATCH = 1000;

type Position = { u: string; i: string };
const isPosition = (p: unknown): p is Position =>
  typeof p === 'object' &&
  p !== null &&
  typeof (p as Position).u === 'string' &&
  typeof (p as Position).i === 'string';

export function userAuditRow(e: UserAuditEvent): Insertable<UserAuditTable> {
  return {
    id: e.id,
    at: e.at,
    actor_id: e.actor.id,
    actor_email: e.actor.email,
    actor_role: e.actor.role,
    user_id: e.userId,
    action: e.action,
    before: JSON.stringify(e.before),
    after: JSON.stringify(e.after),
    summary: e.summary,
  };
}

export function userAuditFromRow(r: Selectable<UserAuditTable>): UserAuditEvent {
  return {
    id: r.id,
    at: r.at,
    actor: { id: r.actor_id, email: r.actor_email, role: r.actor_role as Role },
    userId: r.user_id,
    action: r.action as UserAuditEvent['action'],
    before: r.before as User,
    after: r.after as User,
    summary: r.summary,
  };
}

export function createPostgresUserAudit(db: Kysely<Database>): UserAuditOperations {
  return {
    async changeUser(id, plan) {
      if (!isUuid(id)) throw notFound('user', id);
      return inTransaction(db, async (trx) => {
        const row = await trx
          .selectFrom('users')
          .selectAll()
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst();
        if (!row) throw notFound('user', id);
        const before = userFromRow(row);
        const { after, event: planned } = plan(before);
        const event: UserAuditEvent = { ...planned, id: randomUUID() };
        assertStorableText({ after, event }, ['change']);
        const { id: _id, ...columns } = userRow(after);
        await trx.updateTable('users').set(columns).where('id', '=', id).execute();
        await trx.insertInto('user_audit').values(userAuditRow(event)).execute();
        return { before, after, event };
      });
    },

    async listUserAudit(request: PageRequest = {}) {
      const limit = pageSize(request.limit);
      const after = decodeCursor(LIST_TAG, request.cursor, isPosition);
      let q = db.selectFrom('user_audit').selectAll();
      // Newest first, on the index (at DESC, id DESC).
      if (after) q = q.where(sql<boolean>`(at, id) < (${after.u}::timestamptz, ${after.i}::uuid)`);
      const rows = await q
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit).map(userAuditFromRow);
      const last = items[items.length - 1];
      const cursor =
        rows.length > limit && last ? encodeCursor(LIST_TAG, { u: last.at, i: last.id }) : undefined;
      return { items, ...(cursor ? { cursor } : {}) };
    },

    async scanUserAudit(request) {
      const limit = scanPageSize(request);
      const { partition, partitions } = request;
      const tag = `scan:user-audit:${partition}/${partitions}`;
      const after = decodeCursor(tag, request.cursor, (p): p is string => typeof p === 'string');
      let q = db
        .selectFrom('user_audit')
        .selectAll()
        .where(sql<boolean>`mod(abs(hashtext(id::text)), ${partitions}) = ${partition}`);
      if (after) q = q.where('id', '>', after);
      const rows = await q
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit).map(userAuditFromRow);
      const cursor = rows.length > limit ? encodeCursor(tag, items[items.length - 1]!.id) : undefined;
      return { items, ...(cursor ? { cursor } : {}) };
    },

    async importUserAudit(events) {
      if (events.length === 0) return;
      assertStorableText(events, ['events']);
      const write = async (trx: Kysely<Database>) => {
        for (let i = 0; i < events.length; i += IMPORT_BATCH) {
          await trx
            .insertInto('user_audit')
            .values(events.slice(i, i + IMPORT_BATCH).map(userAuditRow))
            .onConflict((oc) => oc.column('id').doNothing())
            .execute();
        }
      };
      await (db.isTransaction ? write(db) : db.transaction().execute(write));
    },
  };
}
