/**
 * CMS's questions and the state's responses on PostgreSQL (server and PGlite): they go through
 * `Store.changePackage` into `questions` and `qa_documents`; the database itself refuses a
 * second open question, a round twice, a document of another package's question and any change
 * to an answered question, and lets them go only with their package.
 */
import { randomUUID } from 'node:crypto';
import { CompiledQuery, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import {
  type CmsDivision,
  type Package,
  planAskQuestion,
  planRespond,
  type QaDocument,
  type User,
} from '../../src/domain/index.js';
import { document, freshState, stateCodes, submitted } from '../conformance/fixtures.js';
import { onEachPostgresBackend } from '../support/postgres-backends.js';
import { scannedPackage } from '../support/scanned.js';

type Q = Pick<Kysely<unknown>, 'executeQuery'>;
const run = async (q: Q, text: string, params: unknown[] = []) =>
  (await q.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, params))).rows;

const now = () => new Date().toISOString();

function cmsReviewer(division: CmsDivision): User {
  return {
    id: randomUUID(),
    email: `${division.toLowerCase()}-${randomUUID().slice(0, 6)}@cms.example.gov`,
    givenName: 'Rita',
    familyName: 'Reviewer',
    role: 'CMS_USER',
    division,
  };
}

function stateUser(stateCode: string): User {
  return {
    id: randomUUID(),
    email: `analyst-${randomUUID().slice(0, 6)}@state.example.gov`,
    givenName: 'Sam',
    familyName: 'Analyst',
    role: 'STATE_USER',
    stateCode,
  };
}

/** A document as the upload path records it for a question or a response. */
function qaDoc(name: string): QaDocument {
  const { category: _category, ...doc } = document(name);
  return { ...doc, scanStatus: 'CLEAN' };
}

const questionRowsOf = async (q: Q, packageId: string) =>
  (
    await run(
      q,
      `select position, division, round, response_id is not null as answered from questions
        where package_id = $1 order by position`,
      [packageId],
    )
  ).map((r) => `${r.position}:${r.division}#${r.round}${r.answered ? ' answered' : ''}`);

const documentCount = async (q: Q, packageId: string) =>
  Number(
    (await run(q, 'select count(*)::int as n from qa_documents where package_id = $1', [packageId]))[0]!.n,
  );

onEachPostgresBackend('questions on PostgreSQL', (backend) => {
  const nextCode = stateCodes();

  async function submittedPackage() {
    const { store } = backend();
    const state = await freshState(store, nextCode);
    return { state, pkg: await submitted(store, state) };
  }

  async function ask(pkg: Pick<Package, 'id'>, user: User, documents = [qaDoc('questions.pdf')]) {
    const { after } = await backend().store.changePackage(pkg.id, (p) =>
      planAskQuestion(p, { user, at: now(), id: randomUUID(), text: 'Why?', documents }),
    );
    return after;
  }

  async function respond(pkg: Package, user: User, documents = [qaDoc('answers.pdf')]) {
    const { after } = await backend().store.changePackage(pkg.id, (p) =>
      planRespond(p, { user, at: now(), id: randomUUID(), questionId: p.questions[0]!.id, documents }),
    );
    return after;
  }

  it('stores questions and responses with their documents, the badge in both lists, the audit trail', async () => {
    const { store, handle } = backend();
    const { state, pkg } = await submittedPackage();
    const dmco = cmsReviewer('DMCO');
    const answerer = stateUser(state.code);

    const asked = await ask(pkg, dmco, [qaDoc('q1.pdf'), qaDoc('q1-table.xlsx')]);
    expect(asked.questions).toHaveLength(1);
    expect(await store.getPackage(pkg.id)).toEqual(asked);
    expect((await store.listSubmitted({ stateCode: state.code })).items.map((s) => s.openQuestions)).toEqual([
      1,
    ]);
    expect((await store.listByState(state.code)).items.map((s) => s.openQuestions)).toEqual([1]);

    const answered = await respond(asked, answerer, [qaDoc('a1.pdf')]);
    expect(await store.getPackage(pkg.id)).toEqual(answered);
    expect(answered.questions[0]!.response?.documents.map((d) => d.name)).toEqual(['a1.pdf']);
    expect((await store.listSubmitted({ stateCode: state.code })).items.map((s) => s.openQuestions)).toEqual([
      0,
    ]);

    const oact = await respond(await ask(answered, cmsReviewer('OACT')), answerer);
    const again = await ask(oact, dmco);
    expect(await store.getPackage(pkg.id)).toEqual(again);
    expect(again.questions.map((q) => `${q.division}#${q.round}`)).toEqual(['DMCO#2', 'OACT#1', 'DMCO#1']);
    expect(await questionRowsOf(handle.db, pkg.id)).toEqual([
      '1:DMCO#1 answered',
      '2:OACT#1 answered',
      '3:DMCO#2',
    ]);
    expect(await documentCount(handle.db, pkg.id)).toBe(6);
    const actions = (await store.listAudit(pkg.id, { limit: 100 })).items.map((e) => e.action);
    expect(actions.filter((a) => a.endsWith('_QUESTION'))).toEqual([
      'ASK_QUESTION',
      'RESPOND_QUESTION',
      'ASK_QUESTION',
      'RESPOND_QUESTION',
      'ASK_QUESTION',
    ]);
  });

  it('lets exactly one of two CMS users asking at once succeed', async () => {
    const { store } = backend();
    const { pkg } = await submittedPackage();
    const results = await Promise.allSettled([
      ask(pkg, cmsReviewer('DMCO')),
      ask(pkg, cmsReviewer('OACT')),
      ask(pkg, cmsReviewer('DMCP')),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'INVALID_TRANSITION' });
    expect((await store.getPackage(pkg.id)).questions).toHaveLength(1);
  });

  it('refuses in SQL a second open question, a round twice, a foreign document, a rewrite of history', async () => {
    const { store, handle } = backend();
    const db = handle.db;
    const { state, pkg } = await submittedPackage();
    const { pkg: other } = await submittedPackage();
    const asked = await ask(pkg, cmsReviewer('DMCO'));
    const open = asked.questions[0]!;
    const insertQuestion = (
      packageId: string,
      position: number,
      division: string,
      round: number,
      q: Q = db,
    ) =>
      run(
        q,
        `insert into questions (id, package_id, position, division, round, asked_at, asked_by_id, asked_by_email,
          asked_by_role, text) values ($1, $2, $3, $4, $5, now(), $6, 'r@cms.example.gov', 'CMS_USER', '')`,
        [randomUUID(), packageId, position, division, round, randomUUID()],
      );

    // One open question per package: a second one is refused by the partial unique index.
    await expect(insertQuestion(pkg.id, 2, 'OACT', 1)).rejects.toThrow(/questions_one_open_per_package/);
    // The numbering: a gap, a round out of turn, a question on a never-submitted package.
    await expect(insertQuestion(other.id, 2, 'OACT', 1)).rejects.toThrow(/does not follow/);
    await expect(insertQuestion(other.id, 1, 'OACT', 2)).rejects.toThrow(/does not follow/);
    const draft = await store.createDraft({
      id: randomUUID(),
      stateCode: state.code,
      formData: pkg.revisions[0]!.formData,
      actor: pkg.revisions[0]!.submitInfo!.by,
    });
    await expect(insertQuestion(draft.id, 1, 'DMCO', 1)).rejects.toThrow(/never submitted/);

    // A round twice: refused by UNIQUE (package_id, division, round) even where the numbering check is off.
    await expect(
      db.transaction().execute(async (trx) => {
        await run(trx, `select set_config('carepack.allow_rewrite', 'on', true)`);
        await run(
          trx,
          `update questions set response_id = $2, responded_at = now(), responded_by_id = $2,
          responded_by_email = 's@state.example.gov', responded_by_role = 'STATE_USER', response_text = ''
          where id = $1`,
          [open.id, randomUUID()],
        );
        await insertQuestion(pkg.id, 2, 'DMCO', 1, trx);
      }),
    ).rejects.toThrow(/questions_round_unique/);

    // A document naming another package's question: the composite foreign key refuses it.
    const doc = qaDoc('stray.pdf');
    await expect(
      run(
        db,
        `insert into qa_documents (package_id, question_id, position, id, name, bucket, key, size, content_type,
          sha256, added_at, scan_status) values ($1, $2, 9, $3, $4, $5, $6, $7, $8, $9, now(), 'CLEAN')`,
        [other.id, open.id, doc.id, doc.name, doc.bucket, doc.key, doc.size, doc.contentType, doc.sha256],
      ),
    ).rejects.toThrow(/qa_documents_question_of_package/);

    // A response before its question is refused; gaining the response once is the only change allowed.
    const respondSql = `update questions set response_id = $2, responded_at = $3, responded_by_id = $2,
      responded_by_email = 's@state.example.gov', responded_by_role = 'STATE_USER', response_text = 'ok' where id = $1`;
    await expect(run(db, respondSql, [open.id, randomUUID(), '2000-01-01T00:00:00Z'])).rejects.toThrow(
      /questions_response_after_question/,
    );
    await expect(run(db, `update questions set text = 'other' where id = $1`, [open.id])).rejects.toThrow(
      /only gains its one response/,
    );
    const answered = await respond(asked, stateUser(state.code));
    for (const [change, params] of [
      [`update questions set text = 'rewritten' where id = $1`, [open.id]],
      [`update questions set response_text = 'rewritten' where id = $1`, [open.id]],
      [respondSql, [open.id, randomUUID(), now()]],
    ] as const)
      await expect(run(db, change, [...params]), change).rejects.toThrow(/was answered/);
    await expect(run(db, 'delete from questions where id = $1', [open.id])).rejects.toThrow(/is history/);
    await expect(
      run(db, `update qa_documents set name = 'x.pdf' where question_id = $1`, [open.id]),
    ).rejects.toThrow(/is history/);
    // Not even with the maintenance switch on: only with the package.
    await expect(
      db.transaction().execute(async (trx) => {
        await run(trx, `select set_config('carepack.allow_rewrite', 'on', true)`);
        await run(trx, `update questions set response_text = 'rewritten' where id = $1`, [open.id]);
      }),
    ).rejects.toThrow(/was answered/);
    expect(await store.getPackage(pkg.id)).toEqual(answered);

    // Nor through the store: a plan that rewrote an answered question would be refused.
    await expect(
      store.changePackage(pkg.id, (p) => {
        const [q, ...rest] = p.questions;
        return {
          after: { ...p, version: p.version + 1, questions: [{ ...q!, text: 'rewritten' }, ...rest] },
          event: { actor: q!.by, action: 'UPDATE', summary: 'rewrite', at: now() },
        };
      }),
    ).rejects.toThrow(/was answered/);

    await store.maintenance.removePackage(pkg.id);
    expect(await questionRowsOf(db, pkg.id)).toEqual([]);
    expect(await documentCount(db, pkg.id)).toBe(0);
  });

  it('imports, scans and replaces carry the questions in every mode; each needs a document', async () => {
    const { store, handle } = backend();
    const { state, pkg } = await submittedPackage();
    const answered = await respond(await ask(pkg, cmsReviewer('OACT')), stateUser(state.code));
    const older = await ask(answered, cmsReviewer('DMCO'));

    expect(await scannedPackage(store.maintenance, pkg.id)).toEqual(older);

    // replace: a newer copy with fewer questions replaces them all; an older one changes nothing.
    const newer: Package = structuredClone({ ...older, version: older.version + 1 });
    newer.questions = newer.questions.slice(1);
    await store.maintenance.importPackages([newer]);
    expect(await store.getPackage(pkg.id)).toEqual(newer);
    expect(await questionRowsOf(handle.db, pkg.id)).toEqual(['1:OACT#1 answered']);
    expect((await store.listSubmitted({ stateCode: state.code })).items[0]!.openQuestions).toBe(0);
    await store.maintenance.importPackages([older]);
    expect(await store.getPackage(pkg.id)).toEqual(newer);

    for (const mode of ['force', 'overwrite'] as const) {
      const given = structuredClone(mode === 'force' ? older : newer);
      if (mode === 'overwrite') await store.maintenance.removePackage(pkg.id);
      await store.maintenance.importPackages([given], { mode });
      expect(await store.getPackage(pkg.id), mode).toEqual(given);
    }

    // A question without a document is refused before anything is written.
    const bare: Package = structuredClone({ ...older, version: older.version + 5 });
    bare.questions[0]!.documents = [];
    await expect(store.maintenance.importPackages([bare], { mode: 'force' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await store.getPackage(pkg.id)).toEqual(newer);
  });
});
