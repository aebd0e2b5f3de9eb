/**
 * Start-up upgrades a PostgreSQL database of the version before rate records (migration 0009):
 * the schema migrations, then the data step converting embedded rate certifications into child
 * rate records, recorded as finished so later start-ups do not look again.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreConfig } from '../../src/config.js';
import { openBackend } from '../../src/store/create-store.js';
import { connectPostgres } from '../../src/store/postgres/postgres-client.js';
import { upgradeToLatest } from '../../src/store/postgres/postgres-data-steps.js';
import { carepackMigrator, migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { document, fullFormData, makeState, stateActor } from '../conformance/fixtures.js';
import { createTestDatabase, pgAvailable, type TestDatabase } from '../support/postgres.js';
import { drive } from '../support/store-commands.js';

describe.skipIf(!pgAvailable)('PostgreSQL start-up: embedded rates become rate records', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('carepack_rates_startup');
  });
  afterAll(async () => {
    await database?.drop();
  });

  const state = makeState('RS', ['PMAP']);
  const actor = stateActor();

  /** A package with embedded rates, written by the store on the schema it finds. */
  async function embeddedPackage(url: string, submit: boolean) {
    const handle = connectPostgres(url, { maxConnections: 2 });
    try {
      const store = drive(createPostgresStore({ db: handle.db }));
      const formData = fullFormData(state);
      const created = await store.createDraft({
        id: randomUUID(),
        stateCode: state.code,
        formData,
        documents: [
          document('contract.pdf'),
          document('rates.pdf', 'RATE', formData.rateCertifications[0]!.id),
        ],
        actor,
      });
      return submit ? await store.submit(created.id, { expectedVersion: created.version, actor }) : created;
    } finally {
      await handle.close();
    }
  }

  it('converts an old database at start-up, once', async () => {
    // The old database: packages with embedded rates, the schema moved back to 0009.
    const setup = connectPostgres(database.url, { maxConnections: 2 });
    try {
      await migrateToLatest(setup.db);
      await createPostgresStore({ db: setup.db }).upsertStates([state]);
    } finally {
      await setup.close();
    }
    const sent = await embeddedPackage(database.url, true);
    const draft = await embeddedPackage(database.url, false);
    const down = connectPostgres(database.url, { maxConnections: 2 });
    try {
      await carepackMigrator(down.db).migrateTo('0009-questions');
    } finally {
      await down.close();
    }

    const config = { postgres: { url: database.url, poolSize: 2 } } as StoreConfig;
    const opened = await openBackend(config, 'postgres');
    const store = drive(opened.store);
    try {
      for (const before of [sent, draft]) {
        const after = await store.getPackage(before.id);
        const certifications = before.revisions[0]!.formData.rateCertifications;
        expect(after.revisions[0]!.formData.rateCertifications).toEqual([]);
        expect(after.revisions[0]!.rateLinks).toEqual(
          certifications.map((c) => ({ rateId: c.id, rateRevision: before === sent ? 1 : null })),
        );
        expect(after.revisions[0]!.documents.map((d) => d.name)).toEqual(['contract.pdf']);
        const rates = await store.getRates(certifications.map((c) => c.id));
        expect(rates.map((r) => [r.parentPackageId, r.packageIds, r.status])).toEqual(
          certifications.map(() => [before.id, [before.id], before === sent ? 'SUBMITTED' : 'DRAFT']),
        );
        expect(rates[0]!.revisions[0]!.documents.map((d) => d.name)).toEqual(['rates.pdf']);
      }
      // Every rate numbered once from the state's rate counter.
      const numbers = (await opened.store.maintenance.scanRates({ partition: 0, partitions: 1 })).items.map(
        (r) => r.stateRateNumber,
      );
      expect(numbers.sort((a, b) => a - b)).toEqual(numbers.map((_, i) => i + 1));
    } finally {
      await opened.store.close();
    }

    // Finished and recorded: a later start-up does not look again (a package embedding rates
    // written now, as only an older server would, stays as it is).
    const late = await embeddedPackage(database.url, false);
    const again = connectPostgres(database.url, { maxConnections: 2 });
    try {
      expect(await upgradeToLatest(again.db)).toEqual({ applied: [], dataSteps: {} });
      const steps = await sql<{ name: string; records: number }>`
        SELECT name, records FROM carepack_data_steps`.execute(again.db);
      expect(steps.rows).toEqual([{ name: 'embedded-rates', records: 2 }]);
      const store2 = drive(createPostgresStore({ db: again.db }));
      expect((await store2.getPackage(late.id)).revisions[0]!.formData.rateCertifications).not.toEqual([]);
    } finally {
      await again.close();
    }
  }, 180_000);
});
