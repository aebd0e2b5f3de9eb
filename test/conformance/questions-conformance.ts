/**
 * CMS's questions and the state's responses on every store (issue 12): read back exactly, rounds
 * per division, refusals that write nothing, one open question under concurrency (the version
 * guard re-runs the second plan, which sees the first question), the open-question badge and CMS's
 * order in the lists, the audit trail, the package's life around them, and import, scan and
 * removal carrying them. Called from `runStoreConformance`, so every backend is held to it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Package, State, User } from '../../src/domain/index.js';
import { scannedPackage } from '../support/scanned.js';
import type { DrivenStore } from '../support/store-commands.js';
import {
  cmsActor,
  cmsUser,
  draft,
  freshState,
  fullFormData,
  qaDocument,
  stateActor,
  stateUser,
  submitted,
} from './fixtures.js';
import { collect, expectStoreError, suiteStore } from './suite-helpers.js';

const TODAY = () => new Date().toISOString().slice(0, 10);

export function runQuestionsConformance(getStore: () => DrivenStore, nextCode: () => string) {
  const store = suiteStore(getStore);
  const dmco = cmsUser({ division: 'DMCO' });
  const oact = cmsUser({ division: 'OACT' });

  const ask = (pkg: Pick<Package, 'id'>, user: User = dmco, extra: { text?: string; rateId?: string } = {}) =>
    store.askQuestion(pkg.id, { user, documents: [qaDocument()], ...extra });
  const respond = (pkg: Package, user: User, questionId = pkg.questions[0]!.id) =>
    store.respond(pkg.id, { user, questionId, documents: [qaDocument()] });

  /** A submitted package with a rate certification, and a user of its state. */
  async function withRates(state: State) {
    const actor = stateActor();
    const made = await draft(store, state, actor, fullFormData(state));
    const pkg = await store.submit(made.id, { expectedVersion: made.version, actor });
    return { pkg, analyst: { ...stateUser(state.code), id: actor.id, email: actor.email } };
  }

  /** A package under review with an open question, and a user of its state. */
  async function asked(state: State) {
    const pkg = await submitted(store, state);
    return { pkg: await ask(pkg), analyst: stateUser(state.code) };
  }

  /** Notes the package and its trail; the returned check: nothing of a refused step was written. */
  async function watchUnchanged(pkg: Package) {
    const auditBefore = (await store.listAudit(pkg.id, { limit: 100 })).items;
    return async () => {
      expect(await store.getPackage(pkg.id)).toEqual(pkg);
      expect((await store.listAudit(pkg.id, { limit: 100 })).items).toEqual(auditBefore);
    };
  }

  /** Question, response and document ids are unique store-wide: a copy under another id gets its own. */
  function copyOf(source: Package, stateNumber: number): Package {
    const copy = { ...structuredClone(source), id: randomUUID(), stateNumber };
    for (const r of copy.revisions) {
      r.id = randomUUID();
      for (const d of r.documents) d.id = randomUUID();
    }
    for (const a of copy.reviewActions) a.id = randomUUID();
    for (const q of copy.questions) {
      q.id = randomUUID();
      for (const d of q.documents) d.id = randomUUID();
      if (q.response) {
        q.response.id = randomUUID();
        for (const d of q.response.documents) d.id = randomUUID();
      }
    }
    return copy;
  }

  describe('questions: records', () => {
    it('a question about a rate and its response read back exactly: text, documents, who, when', async () => {
      const state = await freshState(store, nextCode);
      const { pkg, analyst } = await withRates(state);
      const rateId = pkg.revisions[0]!.formData.rateCertifications[0]!.id;
      const documents = [qaDocument('Rate questions.pdf'), qaDocument('Actuarial memo.xlsx')];
      const questionId = randomUUID();

      const withQuestion = await store.askQuestion(pkg.id, {
        user: oact,
        id: questionId,
        text: 'Why did the capitation rates change?',
        rateId,
        documents,
      });
      expect(withQuestion).toMatchObject({ version: pkg.version + 1, status: 'SUBMITTED' });
      expect(withQuestion.questions).toEqual([
        {
          id: questionId,
          division: 'OACT',
          round: 1,
          at: withQuestion.updatedAt,
          by: { id: oact.id, email: oact.email, role: 'CMS_USER' },
          text: 'Why did the capitation rates change?',
          rateId,
          documents,
          response: null,
        },
      ]);
      expect(withQuestion.revisions).toEqual(pkg.revisions);
      expect(await store.getPackage(pkg.id)).toEqual(withQuestion);

      const responseDocs = [qaDocument('Answers.pdf'), qaDocument('Revised rates.xlsx'), qaDocument()];
      const responseId = randomUUID();
      const answered = await store.respond(pkg.id, {
        user: analyst,
        id: responseId,
        questionId,
        text: 'Trend assumptions were updated.',
        documents: responseDocs,
      });
      expect(answered.questions).toEqual([
        {
          ...withQuestion.questions[0],
          response: {
            id: responseId,
            at: answered.updatedAt,
            by: { id: analyst.id, email: analyst.email, role: 'STATE_USER' },
            text: 'Trend assumptions were updated.',
            documents: responseDocs,
          },
        },
      ]);
      expect(await store.getPackage(pkg.id)).toEqual(answered);
    });

    it('a question without text or rate reads back without them (text empty, no rateId)', async () => {
      const state = await freshState(store, nextCode);
      const pkg = await ask(await submitted(store, state));
      const read = await store.getPackage(pkg.id);
      expect(read.questions[0]!.text).toBe('');
      expect(read.questions[0]).not.toHaveProperty('rateId');
      expect(read).toEqual(pkg);
    });

    it('rounds count per division across DMCO and OACT, newest first', async () => {
      const state = await freshState(store, nextCode);
      const analyst = stateUser(state.code);
      let pkg = await submitted(store, state);
      for (const user of [dmco, oact, dmco, oact]) pkg = await respond(await ask(pkg, user), analyst);
      pkg = await ask(pkg, dmco);
      const read = await store.getPackage(pkg.id);
      expect(read).toEqual(pkg);
      expect(read.questions.map((q) => `${q.division} ${q.round}`)).toEqual([
        'DMCO 3',
        'OACT 2',
        'DMCO 2',
        'OACT 1',
        'DMCO 1',
      ]);
      expect(read.questions.map((q) => q.response === null)).toEqual([true, false, false, false, false]);
    });
  });

  describe('questions: refusals write nothing', () => {
    it('a state user, a CMS user without a division, an administrator do not ask', async () => {
      const state = await freshState(store, nextCode);
      const pkg = await submitted(store, state);
      const unchanged = await watchUnchanged(pkg);
      await expectStoreError(ask(pkg, stateUser(state.code)), 'FORBIDDEN');
      await expectStoreError(ask(pkg, cmsUser()), 'FORBIDDEN');
      await expectStoreError(ask(pkg, cmsUser('ADMIN_USER')), 'FORBIDDEN');
      await unchanged();
    });

    it('no question on a never-submitted draft, an approved package, or while one is open', async () => {
      const state = await freshState(store, nextCode);
      const aDraft = await draft(store, state);
      await expectStoreError(ask(aDraft), 'NOT_FOUND');
      expect((await store.getPackage(aDraft.id)).questions).toEqual([]);

      const pkg = await submitted(store, state);
      const approved = await store.approve(pkg.id, {
        expectedVersion: pkg.version,
        user: dmco,
        releasedOn: TODAY(),
      });
      const unchangedApproved = await watchUnchanged(approved);
      await expectStoreError(ask(approved), 'INVALID_TRANSITION');
      await unchangedApproved();

      const open = await ask(await submitted(store, state));
      const unchangedOpen = await watchUnchanged(open);
      await expectStoreError(ask(open, oact), 'INVALID_TRANSITION');
      await expectStoreError(ask(open, dmco), 'INVALID_TRANSITION');
      await unchangedOpen();
    });

    it('a rate the submission does not have is refused', async () => {
      const state = await freshState(store, nextCode);
      const { pkg } = await withRates(state);
      const unchanged = await watchUnchanged(pkg);
      await expectStoreError(ask(pkg, oact, { rateId: randomUUID() }), 'VALIDATION_FAILED');
      await unchanged();
    });

    it("only the package's own state responds, once", async () => {
      const state = await freshState(store, nextCode);
      const other = await freshState(store, nextCode);
      const { pkg, analyst } = await asked(state);
      const unchanged = await watchUnchanged(pkg);
      await expectStoreError(respond(pkg, stateUser(other.code)), 'NOT_FOUND');
      await expectStoreError(respond(pkg, dmco), 'FORBIDDEN');
      await expectStoreError(respond(pkg, analyst, randomUUID()), 'NOT_FOUND');
      await unchanged();

      const answered = await respond(pkg, analyst);
      const unchangedAnswered = await watchUnchanged(answered);
      await expectStoreError(respond(answered, stateUser(state.code)), 'INVALID_TRANSITION');
      await unchangedAnswered();
    });
  });

  describe('questions: concurrency', () => {
    for (const askers of [2, 5]) {
      it(`${askers} CMS users asking at once: exactly one question, the others refused as INVALID_TRANSITION`, async () => {
        const state = await freshState(store, nextCode);
        const pkg = await submitted(store, state);
        const users = Array.from({ length: askers }, (_, i) =>
          cmsUser({ division: (['DMCO', 'DMCP', 'OACT'] as const)[i % 3]! }),
        );
        const results = await Promise.allSettled(users.map((u) => ask(pkg, u)));
        const won = results.filter((r) => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        for (const r of results)
          if (r.status === 'rejected')
            expect((r.reason as { code?: string }).code).toBe('INVALID_TRANSITION');

        const after = await store.getPackage(pkg.id);
        expect(after.questions).toHaveLength(1);
        expect(after.version).toBe(pkg.version + 1);
        expect(after).toEqual((won[0] as PromiseFulfilledResult<Package>).value);
        const audit = (await store.listAudit(pkg.id, { limit: 100 })).items;
        expect(audit.filter((e) => e.action === 'ASK_QUESTION')).toHaveLength(1);
      });
    }

    it('a new question racing the response to the open one: the response lands; the question only after it', async () => {
      const state = await freshState(store, nextCode);
      const { pkg, analyst } = await asked(state);
      const [response, question] = await Promise.allSettled([respond(pkg, analyst), ask(pkg, oact)]);
      expect(response.status).toBe('fulfilled');
      const after = await store.getPackage(pkg.id);
      if (question.status === 'fulfilled') {
        expect(after.questions.map((q) => [q.division, q.response === null])).toEqual([
          ['OACT', true],
          ['DMCO', false],
        ]);
        expect(after.questions[0]!.at >= after.questions[1]!.response!.at).toBe(true);
      } else {
        expect((question.reason as { code?: string }).code).toBe('INVALID_TRANSITION');
        expect(after.questions).toHaveLength(1);
        expect(after.questions[0]!.response).not.toBeNull();
      }
    });

    it('two responses to one question at once: one lands, the other is refused', async () => {
      const state = await freshState(store, nextCode);
      const { pkg, analyst } = await asked(state);
      const colleague = stateUser(state.code);
      const results = await Promise.allSettled([respond(pkg, analyst), respond(pkg, colleague)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect((refused.reason as { code?: string }).code).toBe('INVALID_TRANSITION');
      const after = await store.getPackage(pkg.id);
      expect(after.version).toBe(pkg.version + 1);
      const winner = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Package>).value;
      expect(after).toEqual(winner);
      const audit = (await store.listAudit(pkg.id, { limit: 100 })).items;
      expect(audit.filter((e) => e.action === 'RESPOND_QUESTION')).toHaveLength(1);
    });
  });

  describe('questions: lists and audit', () => {
    it('summaries carry the open-question count in the state’s and CMS’s lists', async () => {
      const state = await freshState(store, nextCode);
      const quiet = await submitted(store, state);
      const { pkg, analyst } = await asked(state);
      const badges = async () => {
        const byState = (await store.listByState(state.code, { limit: 100 })).items;
        const cms = (await store.listSubmitted({ stateCode: state.code, limit: 100 })).items;
        const of = (items: { id: string; openQuestions: number }[]) =>
          Object.fromEntries(items.map((s) => [s.id, s.openQuestions]));
        expect(of(cms)).toEqual(of(byState));
        return of(byState);
      };
      expect(await badges()).toEqual({ [quiet.id]: 0, [pkg.id]: 1 });
      await respond(pkg, analyst);
      expect(await badges()).toEqual({ [quiet.id]: 0, [pkg.id]: 0 });
    });

    it("a question or a response moves the package up in CMS's list (and the state's)", async () => {
      const state = await freshState(store, nextCode);
      const analyst = stateUser(state.code);
      const older = await submitted(store, state);
      const newer = await submitted(store, state);
      const order = async () => {
        const cms = await collect((cursor) =>
          store.listSubmitted({ stateCode: state.code, limit: 1, cursor }),
        );
        const own = (await store.listByState(state.code, { limit: 100 })).items;
        expect(own.map((s) => s.id)).toEqual(cms.items.map((s) => s.id));
        return cms.items;
      };
      expect((await order()).map((s) => s.id)).toEqual([newer.id, older.id]);

      const olderAsked = await ask(older);
      let listed = await order();
      expect(listed.map((s) => s.id)).toEqual([older.id, newer.id]);
      expect(listed[0]!.updatedAt).toBe(olderAsked.questions[0]!.at);

      await ask(newer, oact);
      expect((await order()).map((s) => s.id)).toEqual([newer.id, older.id]);

      const olderAnswered = await respond(olderAsked, analyst);
      listed = await order();
      expect(listed.map((s) => s.id)).toEqual([older.id, newer.id]);
      expect(listed[0]!.updatedAt).toBe(olderAnswered.questions[0]!.response!.at);
    });

    it('the audit trail records the question and the response, with who and a summary', async () => {
      const state = await freshState(store, nextCode);
      const { pkg, analyst } = await asked(state);
      await respond(pkg, analyst);
      const audit = (await store.listAudit(pkg.id, { limit: 100 })).items;
      expect(audit.map((e) => e.action)).toEqual(['CREATE', 'SUBMIT', 'ASK_QUESTION', 'RESPOND_QUESTION']);
      expect(audit[2]).toMatchObject({
        packageId: pkg.id,
        actor: { id: dmco.id, role: 'CMS_USER' },
        summary: 'DMCO asked its round 1 question (1 document)',
      });
      expect(audit[3]).toMatchObject({
        actor: { id: analyst.id, role: 'STATE_USER' },
        summary: "Responded to DMCO's round 1 question (1 document)",
      });
    });
  });

  describe('questions: through the package life', () => {
    it('survive unlock, resubmit and undo unlock; asked and answered while unlocked', async () => {
      const state = await freshState(store, nextCode);
      const actor = stateActor();
      const analyst = { ...stateUser(state.code), id: actor.id, email: actor.email };
      const first = await respond(await ask(await submitted(store, state, actor)), analyst);

      const unlocked = await store.unlock(first.id, {
        expectedVersion: first.version,
        actor: cmsActor(),
        reason: 'fix',
      });
      expect(unlocked.questions).toEqual(first.questions);
      const openWhileUnlocked = await ask(unlocked, oact);
      expect(openWhileUnlocked.status).toBe('UNLOCKED');
      const resubmitted = await store.resubmit(first.id, {
        expectedVersion: openWhileUnlocked.version,
        actor,
        reason: 'fixed',
      });
      expect(resubmitted.questions).toEqual(openWhileUnlocked.questions);
      const answered = await respond(resubmitted, analyst);
      expect(answered.questions.map((q) => `${q.division} ${q.round}`)).toEqual(['OACT 1', 'DMCO 1']);

      const again = await store.unlock(first.id, {
        expectedVersion: answered.version,
        actor: cmsActor(),
        reason: 'again',
      });
      const undone = await store.undoUnlock(first.id, {
        expectedVersion: again.version,
        user: dmco,
        reason: 'unlocked by mistake',
      });
      expect(undone.questions).toEqual(answered.questions);
      expect(await store.getPackage(first.id)).toEqual(undone);
    });
  });

  describe('questions: import, scan, removal', () => {
    /** A package with an answered DMCO question and an open OACT one about a rate. */
    async function source(state: State) {
      const { pkg, analyst } = await withRates(state);
      const rateId = pkg.revisions[0]!.formData.rateCertifications[0]!.id;
      const answered = await respond(await ask(pkg, dmco, { text: 'First' }), analyst);
      return ask(answered, oact, { text: 'Second', rateId });
    }

    it('import carries questions exactly in every mode, and a scan reads them back', async () => {
      const state = await freshState(store, nextCode);
      const pkg = await source(state);
      for (const [i, mode] of (['replace', 'force', 'overwrite'] as const).entries()) {
        const copy = copyOf(pkg, 100 + i);
        await store.maintenance.importPackages([copy], { mode });
        expect(await store.getPackage(copy.id)).toEqual(copy);
        const summary = (await store.listSubmitted({ stateCode: state.code, limit: 100 })).items.find(
          (s) => s.id === copy.id,
        );
        expect(summary?.openQuestions).toBe(1);
      }

      expect(await scannedPackage(store.maintenance, pkg.id)).toEqual(pkg);
    });

    it('a newer copy adds its question; a forced older copy drops it again; replace keeps the newer', async () => {
      const state = await freshState(store, nextCode);
      const withOne = await respond(await ask(await submitted(store, state)), stateUser(state.code));
      const withTwo = await ask(withOne, oact);

      const older = copyOf(withOne, 300);
      await store.maintenance.importPackages([older]);
      const newer = structuredClone(older);
      newer.version = withTwo.version;
      newer.updatedAt = withTwo.updatedAt;
      newer.questions = [{ ...structuredClone(withTwo.questions[0]!), id: randomUUID() }, ...older.questions];
      for (const d of newer.questions[0]!.documents) d.id = randomUUID();

      await store.maintenance.importPackages([newer]);
      expect(await store.getPackage(older.id)).toEqual(newer);
      await store.maintenance.importPackages([older], { mode: 'replace' });
      expect(await store.getPackage(older.id)).toEqual(newer);
      await store.maintenance.importPackages([older], { mode: 'force' });
      expect(await store.getPackage(older.id)).toEqual(older);
      const summary = (await store.listByState(state.code, { limit: 100 })).items.find(
        (s) => s.id === older.id,
      );
      expect(summary?.openQuestions).toBe(0);
    });

    it('removePackage removes its questions and responses with it', async () => {
      const state = await freshState(store, nextCode);
      const pkg = await source(state);
      const copy = copyOf(pkg, 400);
      await store.maintenance.importPackages([copy]);
      await store.maintenance.removePackage(copy.id);
      await expectStoreError(store.getPackage(copy.id), 'NOT_FOUND');
      // Put back without questions: nothing of the removed ones is left to show up.
      const bare = { ...structuredClone(copy), questions: [] };
      await store.maintenance.importPackages([bare]);
      expect(await store.getPackage(copy.id)).toEqual(bare);
      // And the removed ones' ids are free again: the questions themselves import once more.
      await store.maintenance.importPackages([copy], { mode: 'force' });
      expect(await store.getPackage(copy.id)).toEqual(copy);
    });
  });
}
