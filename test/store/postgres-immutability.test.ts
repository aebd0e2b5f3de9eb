/**
 * The database itself keeps a submitted revision as it was, with every row under it: statements
 * the store never sends (a hand-typed UPDATE, a faulty tool) are refused unless the maintenance
 * switch `carepack.allow_rewrite` is on in their transaction. Draft rows stay editable.
 */
import { randomUUID } from 'node:crypto';
import { CompiledQuery, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Package } from '../../src/domain/index.js';
import { REVISION_CHILD_TABLES } from '../../src/store/postgres/postgres-migrations/0003-submitted-revision-children-immutable.js';
import { document, freshState, fullFormData, stateActor, stateCodes } from '../conformance/fixtures.js';
import { onEachPostgresBackend } from '../support/postgres-backends.js';

type Table = (typeof REVISION_CHILD_TABLES)[number];
type Q = Pick<Kysely<unknown>, 'executeQuery'>;

const run = async (q: Q, text: string, params: unknown[] = []) =>
  (await q.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, params))).rows;

/** The three kinds of change to `table`'s rows of `revisionId`, each touching at least one row. */
const CHANGES = {
  UPDATE: (table: Table) => `update ${table} set position = position where revision_id = $1`,
  DELETE: (table: Table) => `delete from ${table} where revision_id = $1`,
  // A copy of one row, with what must be unique changed (columns a table lacks are ignored).
  INSERT: (table: Table) =>
    `insert into ${table} select (jsonb_populate_record(null::${table}, to_jsonb(x) || $2::jsonb)).*
      from ${table} x where revision_id = $1 order by position limit 1`,
} as const;
type Change = keyof typeof CHANGES;

function params(change: Change, revisionId: string): unknown[] {
  if (change !== 'INSERT') return [revisionId];
  const unique = { position: 99, id: randomUUID(), program_id: randomUUID(), name: 'inserted.pdf' };
  return [revisionId, JSON.stringify(unique)];
}

const rowCount = async (q: Q, table: Table, revisionId: string) =>
  Number(
    (await run(q, `select count(*)::int as n from ${table} where revision_id = $1`, [revisionId]))[0]!.n,
  );

onEachPostgresBackend('submitted revisions are immutable with every row under them', (backend) => {
  const nextCode = stateCodes();

  /** A package whose revision has rows in every child table; submitted unless `draft`. */
  async function packageWithEveryChild(draft = false): Promise<Package> {
    const { store } = backend();
    const state = await freshState(store, nextCode);
    const formData = fullFormData(state);
    const rateId = formData.rateCertifications[0]!.id;
    const actor = stateActor();
    const pkg = await store.createDraft({
      id: randomUUID(),
      stateCode: state.code,
      formData,
      documents: [document('contract.pdf'), document('rates.pdf', 'RATE', rateId)],
      actor,
    });
    if (draft) return pkg;
    return store.submit(pkg.id, { expectedVersion: pkg.version, actor });
  }

  for (const table of REVISION_CHILD_TABLES) {
    it(`${table}: UPDATE, DELETE and INSERT of a submitted revision's rows are refused`, async () => {
      const { handle, store } = backend();
      const pkg = await packageWithEveryChild();
      const revisionId = pkg.revisions[0]!.id;
      const before = await rowCount(handle.db, table, revisionId);
      expect(before).toBeGreaterThan(0);
      for (const change of Object.keys(CHANGES) as Change[]) {
        await expect(
          run(handle.db, CHANGES[change](table), params(change, revisionId)),
          `${change} ${table}`,
        ).rejects.toThrow(/was submitted and cannot change/);
      }
      expect(await rowCount(handle.db, table, revisionId)).toBe(before);
      expect(await store.getPackage(pkg.id)).toEqual(pkg);
    });

    it(`${table}: the same changes go through with the rewrite switch on`, async () => {
      const { handle } = backend();
      const pkg = await packageWithEveryChild();
      const revisionId = pkg.revisions[0]!.id;
      const before = await rowCount(handle.db, table, revisionId);
      await handle.db.transaction().execute(async (trx) => {
        await run(trx, `select set_config('carepack.allow_rewrite', 'on', true)`);
        for (const change of ['UPDATE', 'INSERT', 'DELETE'] as const)
          await run(trx, CHANGES[change](table), params(change, revisionId));
      });
      expect(before).toBeGreaterThan(0);
      expect(await rowCount(handle.db, table, revisionId)).toBe(0);
    });

    it(`${table}: a draft revision's rows stay editable`, async () => {
      const { handle } = backend();
      const pkg = await packageWithEveryChild(true);
      const revisionId = pkg.revisions[0]!.id;
      const before = await rowCount(handle.db, table, revisionId);
      await run(handle.db, CHANGES.UPDATE(table), params('UPDATE', revisionId));
      await run(handle.db, CHANGES.INSERT(table), params('INSERT', revisionId));
      expect(await rowCount(handle.db, table, revisionId)).toBe(before + 1);
      await run(handle.db, CHANGES.DELETE(table), params('DELETE', revisionId));
      expect(await rowCount(handle.db, table, revisionId)).toBe(0);
    });
  }

  it('the store still replaces and removes submitted packages, and unlocks and resubmits them', async () => {
    const { store } = backend();
    const pkg = await packageWithEveryChild();
    const cms = { id: randomUUID(), email: 'cms@cms.example.gov', role: 'CMS_USER' as const };
    const unlocked = await store.unlock(pkg.id, { expectedVersion: pkg.version, actor: cms, reason: 'fix' });
    const actor = stateActor();
    const edited = await store.updateDraft(pkg.id, {
      expectedVersion: unlocked.version,
      documents: unlocked.revisions[0]!.documents.slice(1),
      formData: { ...unlocked.revisions[0]!.formData, stateContacts: [] },
      actor,
    });
    const resubmitted = await store.resubmit(pkg.id, {
      expectedVersion: edited.version,
      actor,
      reason: 'fixed',
    });
    expect(resubmitted.revisions[1]).toEqual(pkg.revisions[0]);

    // Replace (as a forced restore does): the submitted revisions' rows change.
    const replaced = structuredClone(resubmitted);
    replaced.revisions[1]!.documents = [];
    replaced.revisions[1]!.formData.stateContacts = [];
    replaced.revisions[1]!.formData.rateCertifications = [];
    await store.maintenance.importPackages([replaced], { mode: 'force' });
    expect(await store.getPackage(pkg.id)).toEqual(replaced);

    await store.maintenance.removePackage(pkg.id);
    await expect(store.getPackage(pkg.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
