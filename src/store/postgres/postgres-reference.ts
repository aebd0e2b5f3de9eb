/** PostgreSQL's reference data (states, programs), users and their session generations. */
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import {
  assertStorableText,
  type CmsDivision,
  isUuid,
  type State,
  type StateCode,
  type User,
} from '../../domain/index.js';
import { notFound } from '../errors.js';
import type { Store } from '../store.js';
import { FOREIGN_KEY_VIOLATION, isPgCode, pgError } from './postgres-errors.js';
import { programFromRow, programRows } from './postgres-marshal.js';
import type { Database, UsersTable } from './postgres-schema.js';
import { inTransaction } from './postgres-transaction.js';

export type ReferenceOperations = Pick<
  Store,
  | 'upsertStates'
  | 'listStates'
  | 'getState'
  | 'upsertUsers'
  | 'listUsers'
  | 'getUser'
  | 'getSessionUser'
  | 'endSessions'
>;

export function createPostgresReference(db: Kysely<Database>): ReferenceOperations & {
  getSessionGenerations(): Promise<Record<string, number>>;
  raiseSessionGenerations(generations: Record<string, number>): Promise<void>;
} {
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
          division: eb.ref('excluded.division'),
          state_assignments: eb.ref('excluded.state_assignments'),
        })),
      )
      .execute();
  }

  return {
    async upsertStates(states: readonly State[]) {
      assertStorableText(states, ['states']);
      await inTransaction(db, async (trx) => {
        for (const s of states) {
          await trx
            .insertInto('states')
            .values({ code: s.code, name: s.name })
            .onConflict((oc) => oc.column('code').doUpdateSet({ name: s.name }))
            .execute();
          // Programs are reference data nothing else points at: replace the state's list.
          await trx.deleteFrom('programs').where('state_code', '=', s.code).execute();
          if (s.programs.length) {
            await trx.insertInto('programs').values(programRows(s)).execute();
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
        programs: programs.filter((p) => p.state_code === s.code).map(programFromRow),
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
        programs: programs.map(programFromRow),
      };
    },
    async upsertUsers(users: readonly User[]) {
      if (users.length === 0) return;
      assertStorableText(users, ['users']);
      const rows = users.map(userRow);
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
  };
}

/** A user as its row (the session generation is never written from a user). */
export function userRow(u: User): Insertable<UsersTable> {
  return {
    id: u.id,
    email: u.email,
    given_name: u.givenName,
    family_name: u.familyName,
    role: u.role,
    state_code: u.role === 'STATE_USER' ? u.stateCode : null,
    division: u.role === 'CMS_USER' ? (u.division ?? null) : null,
    state_assignments: u.role === 'CMS_USER' && u.stateAssignments?.length ? u.stateAssignments : null,
  };
}

export function userFromRow(r: Omit<Selectable<UsersTable>, 'session_generation'>): User {
  const base = { id: r.id, email: r.email, givenName: r.given_name, familyName: r.family_name };
  if (r.role === 'STATE_USER') return { ...base, role: 'STATE_USER', stateCode: r.state_code! };
  if (r.role === 'CMS_USER')
    return {
      ...base,
      role: 'CMS_USER',
      ...(r.division ? { division: r.division as CmsDivision } : {}),
      ...(r.state_assignments?.length ? { stateAssignments: r.state_assignments } : {}),
    };
  return { ...base, role: 'ADMIN_USER' };
}
