/**
 * CMS's review on PostgreSQL (server and PGlite): decisions go through `Store.changePackage`
 * into `review_actions` and `packages.review_status`; the database itself refuses a decision no
 * plan could make and any change to a recorded one (they are history), and lets them go only
 * with their package.
 */
import { randomUUID } from 'node:crypto';
import { CompiledQuery, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import {
  type Package,
  planApprove,
  planUndoApproval,
  planUndoUnlock,
  planUndoWithdrawal,
  planWithdraw,
  type User,
} from '../../src/domain/index.js';
import type { Store } from '../../src/store/store.js';
import { document, freshState, fullFormData, stateActor, stateCodes } from '../conformance/fixtures.js';
import { onEachPostgresBackend } from '../support/postgres-backends.js';
import { scannedPackage } from '../support/scanned.js';

type Q = Pick<Kysely<unknown>, 'executeQuery'>;
const run = async (q: Q, text: string, params: unknown[] = []) =>
  (await q.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, params))).rows;

const reviewer: User = {
  id: randomUUID(),
  email: 'reviewer@cms.example.gov',
  givenName: 'Rita',
  familyName: 'Reviewer',
  role: 'CMS_USER',
};
const now = () => new Date().toISOString();
const today = () => now().slice(0, 10);

async function decide(
  store: Store,
  pkg: Package,
  kind: 'approve' | 'undoApproval' | 'withdraw' | 'undoWithdrawal' | 'undoUnlock',
  reason = `reason for ${kind}`,
): Promise<Package> {
  const request = { user: reviewer, at: now(), expectedVersion: pkg.version, reason };
  const plan = {
    approve: (p: Package) => planApprove(p, { ...request, releasedOn: today() }),
    undoApproval: (p: Package) => planUndoApproval(p, request),
    withdraw: (p: Package) => planWithdraw(p, request),
    undoWithdrawal: (p: Package) => planUndoWithdrawal(p, request),
    undoUnlock: (p: Package) => planUndoUnlock(p, request),
  }[kind];
  const { after } = await store.changePackage(pkg.id, plan);
  return after;
}

const actionRows = async (q: Q, packageId: string) =>
  (
    await run(q, 'select action, position from review_actions where package_id = $1 order by position', [
      packageId,
    ])
  ).map((r) => `${r.position}:${r.action}`);

onEachPostgresBackend('the review on PostgreSQL', (backend) => {
  const nextCode = stateCodes();

  async function submittedPackage() {
    const { store } = backend();
    const state = await freshState(store, nextCode);
    const actor = stateActor();
    const pkg = await store.createDraft({
      id: randomUUID(),
      stateCode: state.code,
      formData: fullFormData(state),
      documents: [document('contract.pdf')],
      actor,
    });
    return { state, actor, pkg: await store.submit(pkg.id, { expectedVersion: pkg.version, actor }) };
  }

  it('stores each decision with the package, its status in the head and the lists', async () => {
    const { store, handle } = backend();
    const { state, pkg } = await submittedPackage();
    expect(pkg.reviewStatus).toBe('UNDER_REVIEW');

    const approved = await decide(store, pkg, 'approve', '');
    expect(approved.reviewStatus).toBe('APPROVED');
    expect(await store.getPackage(pkg.id)).toEqual(approved);
    expect(approved.reviewActions[0]).toMatchObject({ action: 'APPROVE', reason: '', releasedOn: today() });
    const listed = await store.listByState(state.code, { reviewStatus: 'APPROVED' });
    expect(listed.items.map((s) => [s.id, s.reviewStatus])).toEqual([[pkg.id, 'APPROVED']]);
    expect((await store.listByState(state.code, { reviewStatus: 'UNDER_REVIEW' })).items).toEqual([]);
    const cms = await store.listSubmitted({
      stateCode: state.code,
      reviewStatus: 'APPROVED',
      status: 'SUBMITTED',
    });
    expect(cms.items.map((s) => s.id)).toEqual([pkg.id]);

    const undone = await decide(store, approved, 'undoApproval');
    const withdrawn = await decide(store, undone, 'withdraw');
    const back = await decide(store, withdrawn, 'undoWithdrawal');
    expect(back.reviewStatus).toBe('UNDER_REVIEW');
    expect(back.reviewActions.map((a) => a.action)).toEqual([
      'UNDO_WITHDRAWAL',
      'WITHDRAW',
      'UNDO_APPROVAL',
      'APPROVE',
    ]);
    expect(await store.getPackage(pkg.id)).toEqual(back);
    expect(await actionRows(handle.db, pkg.id)).toEqual([
      '1:APPROVE',
      '2:UNDO_APPROVAL',
      '3:WITHDRAW',
      '4:UNDO_WITHDRAWAL',
    ]);
    expect(
      (await store.listSubmitted({ stateCode: state.code, reviewStatus: 'UNDER_REVIEW' })).items.map(
        (s) => s.reviewStatus,
      ),
    ).toEqual(['UNDER_REVIEW']);
  });

  it('undo unlock drops the unlocked draft revision with its rows, in the same change', async () => {
    const { store, handle } = backend();
    const { pkg, actor } = await submittedPackage();
    const unlocked = await store.unlock(pkg.id, {
      expectedVersion: pkg.version,
      actor: { id: reviewer.id, email: reviewer.email, role: 'CMS_USER' },
      reason: 'fix',
    });
    const edited = await store.updateDraft(pkg.id, {
      expectedVersion: unlocked.version,
      documents: [...unlocked.revisions[0]!.documents, document('more.pdf')],
      actor,
    });
    const draftId = edited.revisions[0]!.id;
    const restored = await decide(store, edited, 'undoUnlock');
    expect(restored.status).toBe('SUBMITTED');
    expect(restored.revisions).toEqual(pkg.revisions);
    expect(await store.getPackage(pkg.id)).toEqual(restored);
    expect(await run(handle.db, 'select 1 from revisions where id = $1', [draftId])).toEqual([]);
    expect(await run(handle.db, 'select 1 from documents where revision_id = $1', [draftId])).toEqual([]);
    expect(await actionRows(handle.db, pkg.id)).toEqual(['1:UNDO_UNLOCK']);
  });

  it('refuses impossible decisions inserted by SQL, and any change to a recorded one', async () => {
    const { store, handle } = backend();
    const { pkg } = await submittedPackage();
    const insert = (action: string, position: number, releasedOn: string | null = null) =>
      run(
        handle.db,
        `insert into review_actions (package_id, position, id, action, at, actor_id, actor_email, actor_role, reason, released_on)
          values ($1, $2, $3, $4, now(), $5, 'r@cms.example.gov', 'CMS_USER', 'why', $6)`,
        [pkg.id, position, randomUUID(), action, reviewer.id, releasedOn],
      );
    for (const action of ['UNDO_APPROVAL', 'UNDO_WITHDRAWAL'])
      await expect(insert(action, 1), action).rejects.toThrow(/impossible after no decision/);
    await expect(insert('APPROVE', 2, today()), 'a gap').rejects.toThrow(/does not follow/);
    await expect(insert('APPROVE', 1), 'no release date').rejects.toThrow(
      /review_actions_released_on_approve/,
    );
    await expect(insert('WITHDRAW', 1, today()), 'a release date').rejects.toThrow(
      /review_actions_released_on_approve/,
    );

    const approved = await decide(store, pkg, 'approve');
    for (const action of ['APPROVE', 'WITHDRAW'])
      await expect(insert(action, 2, action === 'APPROVE' ? today() : null), action).rejects.toThrow(
        /impossible after APPROVE/,
      );
    await expect(insert('UNDO_WITHDRAWAL', 2)).rejects.toThrow(/impossible after APPROVE/);
    await expect(insert('UNDO_UNLOCK', 2)).rejects.toThrow(/impossible after APPROVE/);
    await expect(
      run(handle.db, `update review_actions set reason = 'other' where package_id = $1`, [pkg.id]),
    ).rejects.toThrow(/is history and cannot change/);
    await expect(
      run(handle.db, 'delete from review_actions where package_id = $1', [pkg.id]),
    ).rejects.toThrow(/is history and cannot change/);
    // Not even with the maintenance switch on: only with the package.
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await run(trx, `select set_config('carepack.allow_rewrite', 'on', true)`);
        await run(trx, 'delete from review_actions where package_id = $1', [pkg.id]);
      }),
    ).rejects.toThrow(/is history and cannot change/);
    expect(await store.getPackage(pkg.id)).toEqual(approved);

    // A never-submitted package takes no decision; the head's status must match its submission.
    const { store: s } = backend();
    const state = await freshState(s, nextCode);
    const draft = await s.createDraft({
      id: randomUUID(),
      stateCode: state.code,
      formData: fullFormData(state),
      actor: stateActor(),
    });
    await expect(
      run(
        handle.db,
        `insert into review_actions (package_id, position, id, action, at, actor_id, actor_email, actor_role, reason)
          values ($1, 1, $2, 'WITHDRAW', now(), $3, 'r@cms.example.gov', 'CMS_USER', 'why')`,
        [draft.id, randomUUID(), reviewer.id],
      ),
    ).rejects.toThrow(/never submitted/);
    await expect(
      run(handle.db, `update packages set review_status = 'UNDER_REVIEW' where id = $1`, [draft.id]),
    ).rejects.toThrow(/packages_review_status_once_submitted/);

    await store.maintenance.removePackage(pkg.id);
    expect(await actionRows(handle.db, pkg.id)).toEqual([]);
  });

  it('imports, scans and replaces carry the actions in every mode', async () => {
    const { store, handle } = backend();
    const { pkg } = await submittedPackage();
    const withdrawn = await decide(store, await decide(store, pkg, 'approve'), 'undoApproval');
    const older = await decide(store, withdrawn, 'withdraw');

    // A scan reads the package whole, actions included.
    expect(await scannedPackage(store.maintenance, pkg.id)).toEqual(older);

    // replace: a newer copy with fewer actions replaces them all; an older one changes nothing.
    const newer: Package = structuredClone({ ...older, version: older.version + 1 });
    newer.reviewActions = newer.reviewActions.slice(1);
    newer.reviewStatus = 'UNDER_REVIEW';
    newer.reviewActions[0]!.reason = 'rewritten';
    await store.maintenance.importPackages([newer]);
    expect(await store.getPackage(pkg.id)).toEqual(newer);
    expect(await actionRows(handle.db, pkg.id)).toEqual(['1:APPROVE', '2:UNDO_APPROVAL']);
    await store.maintenance.importPackages([older]);
    expect(await store.getPackage(pkg.id)).toEqual(newer);

    // force and overwrite write what they are given, actions and all; the status is derived.
    for (const mode of ['force', 'overwrite'] as const) {
      const given = structuredClone(mode === 'force' ? older : newer);
      await store.maintenance.importPackages([{ ...given, reviewStatus: 'UNDER_REVIEW' }], { mode });
      expect(await store.getPackage(pkg.id), mode).toEqual(given);
    }
    const last = await store.getPackage(pkg.id);
    await store.maintenance.removePackage(pkg.id);
    await store.maintenance.importPackages([last], { mode: 'force' });
    expect(await store.getPackage(pkg.id)).toEqual(last);
  });
});
