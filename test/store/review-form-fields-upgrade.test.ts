/**
 * Existing data meets the review's form questions: a PostgreSQL database of the version before
 * migration 0006 keeps its packages and programs readable exactly as they were, with none of
 * the new answers, and takes forms answering them once migrated.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { carepackMigrator, migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { cmsActor, draft, fullFormData, makeState, stateActor, submitted } from '../conformance/fixtures.js';
import { NEW_CONTRACT_FIELDS } from '../conformance/form-fields-conformance.js';
import { openTestPglite } from '../support/pglite.js';
import { migrationsAfter } from '../support/postgres.js';
import { drive } from '../support/store-commands.js';

describe('PostgreSQL migration 0006-review-form-fields', () => {
  it('keeps packages of the previous version readable, then stores the new answers', async () => {
    const handle = await openTestPglite();
    try {
      await migrateToLatest(handle.db);
      const migrator = carepackMigrator(handle.db);
      // Every column of the tables 0006 touches, as `table.column`.
      const columns = async () =>
        (
          await sql<{
            c: string;
          }>`select table_name || '.' || column_name as c from information_schema.columns
            where table_name in ('programs', 'revisions', 'rate_certifications') order by c`.execute(
            handle.db,
          )
        ).rows.map((r) => r.c);
      const latest = await columns();

      // Packages as the previous version wrote them: none of the new answers (NULL columns).
      const store = drive(createPostgresStore({ db: handle.db }));
      const state = makeState('MV', ['PMAP', 'MSHO']);
      await store.upsertStates([state]);
      const form = fullFormData(state);
      const old = { ...form, rateCertifications: form.rateCertifications.map(withoutRateAnswers) };
      for (const field of NEW_CONTRACT_FIELDS) delete old[field];
      const actor = stateActor();
      const sent = await submitted(store, state, actor);
      const held = await store.createDraft({ id: randomUUID(), stateCode: state.code, formData: old, actor });
      const before = [await store.getPackage(sent.id), await store.getPackage(held.id)];
      expect(before[1]!.revisions[0]!.formData).toEqual(old);
      const statesBefore = await store.listStates();

      // Back to the previous version's schema (the columns dropped), then the upgrade.
      const down = await migrator.migrateTo('0005-user-session-generation');
      const undone = (await migrationsAfter('0005-user-session-generation')).reverse();
      expect(down.results?.map((r) => [r.migrationName, r.status])).toEqual(
        undone.map((n) => [n, 'Success']),
      );
      const previous = await columns();
      expect(latest.filter((c) => !previous.includes(c))).toHaveLength(9);
      expect(previous).not.toContain('revisions.population_covered');
      expect((await migrateToLatest(handle.db)).applied).toEqual(
        await migrationsAfter('0005-user-session-generation'),
      );
      expect(await columns()).toEqual(latest);
      expect([await store.getPackage(sent.id), await store.getPackage(held.id)]).toEqual(before);
      expect(await store.listStates()).toEqual(statesBefore);

      // The upgraded database takes the new answers, on an old draft and through an unlock.
      const answered = await store.updateDraft(held.id, {
        expectedVersion: held.version,
        formData: form,
        actor,
      });
      expect((await store.getPackage(answered.id)).revisions[0]!.formData).toEqual(form);
      const unlocked = await store.unlock(sent.id, {
        expectedVersion: sent.version,
        actor: cmsActor(),
        reason: 'r',
      });
      expect(unlocked.revisions[1]!.formData).toEqual(before[0]!.revisions[0]!.formData);
      await draft(store, state, actor);
    } finally {
      await handle.close();
    }
  }, 180_000); // PGlite starts and migrates slowly on a busy machine
});

function withoutRateAnswers<T extends { capitationType?: unknown; medicaidPopulations?: unknown }>(
  rate: T,
): T {
  const { capitationType: _c, medicaidPopulations: _m, ...rest } = rate;
  return rest as T;
}
