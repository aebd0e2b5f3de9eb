/**
 * Existing data meets rate records: a PostgreSQL database of the version before migration 0010
 * (rates embedded in package revisions only) is upgraded; its packages — embedded rate
 * certifications and rate documents included — read back exactly as they were, with no rate
 * links, the rate lists are empty, and the upgraded packages take rate records and links.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type Rate, RateFormDataSchema } from '../../src/domain/index.js';
import { carepackMigrator, migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { migrateEmbeddedRates } from '../../src/store/postgres/postgres-rate-migration.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { document, fullFormData, makeState, stateActor, submitted } from '../conformance/fixtures.js';
import { openTestPglite } from '../support/pglite.js';
import { migrationsAfter } from '../support/postgres.js';
import { drive } from '../support/store-commands.js';

describe('PostgreSQL migration 0010-rates', () => {
  it('reads packages with embedded rates written before it unchanged, then takes rate records', async () => {
    const handle = await openTestPglite();
    try {
      await migrateToLatest(handle.db);
      const migrator = carepackMigrator(handle.db);
      const store = drive(createPostgresStore({ db: handle.db }));
      const state = makeState('RU', ['PMAP']);
      await store.upsertStates([state]);
      const actor = stateActor();
      const formData = fullFormData(state);
      const embeddedRateId = formData.rateCertifications[0]!.id;
      const embedded = await store.createDraft({
        id: randomUUID(),
        stateCode: state.code,
        formData,
        documents: [document('contract.pdf'), document('rates.pdf', 'RATE', embeddedRateId)],
        actor,
      });
      const sent = await store.submit(embedded.id, { expectedVersion: embedded.version, actor });
      const plain = await submitted(store, state, actor);
      const before = await Promise.all([sent, plain].map((p) => store.getPackage(p.id)));
      expect(before[0]!.revisions[0]!.formData.rateCertifications).toHaveLength(
        formData.rateCertifications.length,
      );
      const listed = (await store.listByState(state.code)).items;

      // The previous version's schema: no rate records, no links.
      const down = await migrator.migrateTo('0009-questions');
      expect(down.results?.map((r) => [r.migrationName, r.status])).toEqual(
        (await migrationsAfter('0009-questions')).reverse().map((n) => [n, 'Success']),
      );
      const left = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables
        where table_name like 'rate\\_%' and table_name not in ('rate_certifications', 'rate_programs')
          or table_name = 'rates'`.execute(handle.db);
      expect(left.rows[0]!.n).toBe(0);

      // The upgrade: the packages read and list as before (embedded rates kept), no links, no rates listed.
      expect((await migrateToLatest(handle.db)).applied).toEqual(await migrationsAfter('0009-questions'));
      expect(await Promise.all(before.map((p) => store.getPackage(p.id)))).toEqual(before);
      expect((await store.listByState(state.code)).items).toEqual(listed);
      expect((await store.listRates({ stateCode: state.code })).items).toEqual([]);

      // The data step: the embedded certifications become child rate records, linked frozen.
      expect(await migrateEmbeddedRates(handle.db)).toBe(1);
      const moved = await store.getPackage(sent.id);
      // One version on (the domain's conversion), so a copy or mirror in replace mode carries it over.
      expect(moved.version).toBeGreaterThan(sent.version);
      expect(moved.revisions[0]!.formData.rateCertifications).toEqual([]);
      const certifications = sent.revisions[0]!.formData.rateCertifications;
      expect(moved.revisions[0]!.rateLinks).toEqual(
        certifications.map((c) => ({ rateId: c.id, rateRevision: 1 })),
      );
      const rates = await store.getRates(certifications.map((c) => c.id));
      expect(rates.map((r) => [r.stateRateNumber, r.status, r.packageIds, r.parentPackageId])).toEqual(
        certifications.map((_, i) => [i + 1, 'SUBMITTED', [sent.id], sent.id]),
      );
      const { id: _id, ...embeddedForm } = certifications[0]!;
      expect(rates[0]!.revisions[0]!.formData).toEqual(embeddedForm);
      expect(rates[0]!.revisions[0]!.documents.map((d) => d.name)).toEqual(['rates.pdf']);
      expect(moved.revisions[0]!.documents.map((d) => d.name)).toEqual(['contract.pdf']);
      expect((await store.listRates({ stateCode: state.code })).items).toHaveLength(certifications.length);
      expect(await store.getPackage(plain.id)).toEqual(before[1]);
      // Again: nothing left to move.
      expect(await migrateEmbeddedRates(handle.db)).toBe(0);

      // An upgraded draft takes a rate record and a link, and its audit trail the rate action.
      const draft = await store.createDraft({ id: randomUUID(), stateCode: state.code, formData, actor });
      const rateId = randomUUID();
      const at = new Date().toISOString();
      const rate: Rate = {
        id: rateId,
        stateCode: state.code,
        stateRateNumber: 0,
        parentPackageId: draft.id,
        status: 'DRAFT',
        version: 1,
        createdAt: at,
        updatedAt: at,
        initiallySubmittedAt: null,
        revisions: [
          {
            id: randomUUID(),
            number: 1,
            createdAt: at,
            formData: RateFormDataSchema.parse({ rateType: 'NEW' }),
            documents: [],
            submitInfo: null,
            unlockInfo: null,
            submittedWith: null,
          },
        ],
        packageIds: [draft.id],
        withdrawals: [],
      };
      const change = {
        packages: [
          {
            ...draft,
            version: draft.version + 1,
            revisions: [{ ...draft.revisions[0]!, rateLinks: [{ rateId, rateRevision: null }] }],
          },
        ],
        rates: [rate],
        deletedPackageIds: [],
        deletedRateIds: [],
        events: [{ packageId: draft.id, actor, action: 'CREATE_RATE' as const, summary: 'Rate added', at }],
      };
      const result = await store.changeGraph({ packageIds: [draft.id], rateIds: [rateId] }, () => ({
        ...change,
        withRateNumbers: (numbers) => ({
          ...change,
          rates: [{ ...rate, stateRateNumber: numbers.get(rateId)! }],
        }),
      }));
      expect(await store.getRate(rateId)).toEqual({ ...rate, stateRateNumber: certifications.length + 1 });
      expect(await store.getPackage(draft.id)).toEqual(result.packages[0]);
      expect((await store.listAudit(draft.id)).items.map((e) => e.action)).toEqual(['CREATE', 'CREATE_RATE']);
    } finally {
      await handle.close();
    }
  }, 180_000); // PGlite starts and migrates slowly on a busy machine
});
