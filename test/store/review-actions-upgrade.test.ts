/**
 * Existing data meets the review: a PostgreSQL database of the version before migration 0007
 * (no review status, no review actions) is upgraded; its submitted packages read as under review
 * (a CHIP-only one as not subject to review), list under that filter, and take decisions.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { FormDataSchema, planApprove, planWithdraw } from '../../src/domain/index.js';
import { carepackMigrator, migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { cmsActor, draft, makeState, stateActor, submitted } from '../conformance/fixtures.js';
import { openTestPglite } from '../support/pglite.js';
import { migrationsAfter } from '../support/postgres.js';
import { drive } from '../support/store-commands.js';

const reviewer = {
  id: randomUUID(),
  email: 'reviewer@cms.example.gov',
  givenName: 'Rita',
  familyName: 'Reviewer',
  role: 'CMS_USER' as const,
};

describe('PostgreSQL migration 0007-review-actions', () => {
  it('reads packages submitted before it as under review, lists them so, and takes decisions', async () => {
    const handle = await openTestPglite();
    try {
      await migrateToLatest(handle.db);
      const migrator = carepackMigrator(handle.db);
      const store = drive(createPostgresStore({ db: handle.db }));
      const state = makeState('MR', ['PMAP', 'MSHO']);
      await store.upsertStates([state]);
      const actor = stateActor();
      const held = await draft(store, state, actor);
      const sent = await submitted(store, state, actor);
      const chip = await store.createDraft({
        id: randomUUID(),
        stateCode: state.code,
        formData: FormDataSchema.parse({
          submissionType: 'CONTRACT_ONLY',
          programIds: [state.programs[0]!.id],
          populationCovered: 'CHIP',
        }),
        actor,
      });
      const chipSent = await store.submit(chip.id, { expectedVersion: chip.version, actor });
      const toUnlock = await submitted(store, state, actor);
      const unlocked = await store.unlock(toUnlock.id, {
        expectedVersion: toUnlock.version,
        actor: cmsActor(),
        reason: 'r',
      });
      // An approval whose audit event the older schema's CHECK does not know: the trail keeps it.
      const toApprove = await submitted(store, state, actor);
      const at = new Date().toISOString();
      await store.changePackage(toApprove.id, (p) =>
        planApprove(p, { user: reviewer, at, expectedVersion: p.version, releasedOn: at.slice(0, 10) }),
      );
      const before = await Promise.all([held, sent, chipSent, unlocked].map((p) => store.getPackage(p.id)));
      expect(before.map((p) => p.reviewStatus)).toEqual([
        null,
        'UNDER_REVIEW',
        'NOT_SUBJECT_TO_REVIEW',
        'UNDER_REVIEW',
      ]);

      // The previous version's schema: no review status, no review actions.
      const down = await migrator.migrateTo('0006-review-form-fields');
      const undone = (await migrationsAfter('0006-review-form-fields')).reverse();
      expect(down.results?.map((r) => [r.migrationName, r.status])).toEqual(
        undone.map((n) => [n, 'Success']),
      );
      const tables = await sql<{ n: number }>`select count(*)::int as n from information_schema.columns
        where table_name = 'review_actions' or column_name = 'review_status'`.execute(handle.db);
      expect(tables.rows[0]!.n).toBe(0);
      expect((await store.listAudit(toApprove.id)).items.map((e) => e.action)).toContain('APPROVE');

      // The upgrade: the packages read as before, and the approval's package as never decided.
      expect((await migrateToLatest(handle.db)).applied).toEqual(
        await migrationsAfter('0006-review-form-fields'),
      );
      expect(await Promise.all(before.map((p) => store.getPackage(p.id)))).toEqual(before);
      expect((await store.getPackage(toApprove.id)).reviewStatus).toBe('UNDER_REVIEW');
      const underReview = [unlocked.id, sent.id, toApprove.id].sort();
      expect(
        (await store.listSubmitted({ reviewStatus: 'UNDER_REVIEW' })).items.map((s) => s.id).sort(),
      ).toEqual(underReview);
      expect(
        (await store.listByState(state.code, { reviewStatus: 'UNDER_REVIEW' })).items.map((s) => s.id).sort(),
      ).toEqual(underReview);
      expect(
        (await store.listByState(state.code, { reviewStatus: 'NOT_SUBJECT_TO_REVIEW' })).items.map(
          (s) => s.id,
        ),
      ).toEqual([chipSent.id]);

      // Decisions on upgraded packages are recorded and listed.
      const now = new Date().toISOString();
      const { after } = await store.changePackage(sent.id, (p) =>
        planWithdraw(p, { user: reviewer, at: now, expectedVersion: p.version, reason: 'withdrawn' }),
      );
      expect(await store.getPackage(sent.id)).toEqual(after);
      expect((await store.listSubmitted({ reviewStatus: 'WITHDRAWN' })).items.map((s) => s.id)).toEqual([
        sent.id,
      ]);
    } finally {
      await handle.close();
    }
  }, 180_000); // PGlite starts and migrates slowly on a busy machine
});
