/**
 * Existing data meets questions and the user-audit trail: a PostgreSQL database of the version
 * before migration 0009 (no questions, no open-question count, no user audit) is upgraded; its
 * packages read back as they were, with no questions and no open one in the lists, and take
 * questions, responses and audited user changes.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  planAskQuestion,
  planRespond,
  planSetDivision,
  type QaDocument,
  type User,
} from '../../src/domain/index.js';
import { carepackMigrator, migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { document, draft, makeState, stateActor, submitted } from '../conformance/fixtures.js';
import { openTestPglite } from '../support/pglite.js';
import { migrationsAfter } from '../support/postgres.js';
import { drive } from '../support/store-commands.js';

const admin: User = {
  id: randomUUID(),
  email: 'admin@cms.example.gov',
  givenName: 'Ada',
  familyName: 'Admin',
  role: 'ADMIN_USER',
};
const reviewer: User = {
  id: randomUUID(),
  email: 'reviewer@cms.example.gov',
  givenName: 'Rita',
  familyName: 'Reviewer',
  role: 'CMS_USER',
  division: 'DMCO',
};
const now = () => new Date().toISOString();

function qaDoc(name: string): QaDocument {
  const { category: _category, ...doc } = document(name);
  return doc;
}

describe('PostgreSQL migration 0009-questions', () => {
  it('reads packages written before it with no questions, then takes questions and audited user changes', async () => {
    const handle = await openTestPglite();
    try {
      await migrateToLatest(handle.db);
      const migrator = carepackMigrator(handle.db);
      const store = drive(createPostgresStore({ db: handle.db }));
      const state = makeState('QU', ['PMAP']);
      await store.upsertStates([state]);
      await store.upsertUsers([admin, reviewer]);
      const actor = stateActor();
      const held = await draft(store, state, actor);
      const sent = await submitted(store, state, actor);
      // A question whose audit event the older schema's CHECK does not know: the trail keeps it.
      const asked = await submitted(store, state, actor);
      await store.changePackage(asked.id, (p) =>
        planAskQuestion(p, { user: reviewer, at: now(), id: randomUUID(), documents: [qaDoc('q.pdf')] }),
      );
      const before = await Promise.all([held, sent].map((p) => store.getPackage(p.id)));
      const listed = (await store.listByState(state.code)).items.filter((s) => s.id !== asked.id);

      // The previous version's schema: no questions, no open-question count, no user audit.
      const down = await migrator.migrateTo('0008-cms-user-division');
      const undone = (await migrationsAfter('0008-cms-user-division')).reverse();
      expect(down.results?.map((r) => [r.migrationName, r.status])).toEqual(
        undone.map((n) => [n, 'Success']),
      );
      const left = await sql<{ n: number }>`select count(*)::int as n from information_schema.columns
        where table_name in ('questions', 'qa_documents', 'user_audit') or column_name = 'open_questions'`.execute(
        handle.db,
      );
      expect(left.rows[0]!.n).toBe(0);
      expect((await store.listAudit(asked.id)).items.map((e) => e.action)).toContain('ASK_QUESTION');

      // The upgrade: the packages read and list as before, none with an open question.
      expect((await migrateToLatest(handle.db)).applied).toEqual(
        await migrationsAfter('0008-cms-user-division'),
      );
      expect(await Promise.all(before.map((p) => store.getPackage(p.id)))).toEqual(before);
      expect((await store.getPackage(asked.id)).questions).toEqual([]);
      const relisted = (await store.listByState(state.code)).items;
      expect(relisted.filter((s) => s.id !== asked.id)).toEqual(listed);
      expect(relisted.map((s) => s.openQuestions)).toEqual([0, 0, 0]);

      // Upgraded packages take questions and responses; users take audited changes.
      const { after: withQuestion } = await store.changePackage(sent.id, (p) =>
        planAskQuestion(p, { user: reviewer, at: now(), id: randomUUID(), documents: [qaDoc('q.pdf')] }),
      );
      expect(
        (await store.listSubmitted({ stateCode: state.code })).items.find((s) => s.id === sent.id),
      ).toMatchObject({ openQuestions: 1 });
      const responder: User = {
        id: actor.id,
        email: actor.email,
        givenName: 'Sam',
        familyName: 'Analyst',
        role: 'STATE_USER',
        stateCode: state.code,
      };
      const { after: answered } = await store.changePackage(sent.id, (p) =>
        planRespond(p, {
          user: responder,
          at: now(),
          id: randomUUID(),
          questionId: withQuestion.questions[0]!.id,
          documents: [qaDoc('a.pdf')],
        }),
      );
      expect(await store.getPackage(sent.id)).toEqual(answered);
      const { event } = await store.changeUser(reviewer.id, (u) =>
        planSetDivision(u, { admin, at: now(), division: 'OACT' }),
      );
      expect((await store.listUserAudit()).items).toEqual([event]);
    } finally {
      await handle.close();
    }
  }, 180_000); // PGlite starts and migrates slowly on a busy machine
});
