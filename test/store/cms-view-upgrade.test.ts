/**
 * Existing data meets CMS's view: PostgreSQL migration 0003 fills the new columns from the
 * revisions; DynamoDB refuses, naming the indexes, a table of the older layout.
 */

import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { sql } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDynamoClients } from '../../src/store/dynamo/dynamo-client.js';
import { ensureTable, tableDefinition } from '../../src/store/dynamo/dynamo-tables.js';
import { carepackMigrator, migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import {
  cmsActor,
  draft,
  formWithPrograms,
  makeState,
  stateActor,
  submitted,
} from '../conformance/fixtures.js';
import { openTestPglite } from '../support/pglite.js';
import { drive } from '../support/store-commands.js';

describe('PostgreSQL migration 0004-cms-view', () => {
  it("fills CMS's view of existing packages from their revisions", async () => {
    const handle = await openTestPglite();
    try {
      await migrateToLatest(handle.db);
      const store = drive(createPostgresStore({ db: handle.db }));
      const state = makeState('MU', ['PMAP', 'SNBC']);
      const [pmap, snbc] = state.programs.map((p) => p.id) as [string, string];
      await store.upsertStates([state]);
      const actor = stateActor();
      await draft(store, state, actor);
      const plain = await submitted(store, state, actor);
      const toUnlock = await submitted(store, state, actor);
      const unlocked = await store.unlock(toUnlock.id, {
        expectedVersion: toUnlock.version,
        actor: cmsActor(),
        reason: 'r',
      });
      await store.updateDraft(unlocked.id, {
        expectedVersion: unlocked.version,
        formData: formWithPrograms([snbc]),
        actor,
      });
      const before = (await store.listSubmitted({ stateCode: state.code })).items;
      expect(before.map((p) => p.id)).toEqual([unlocked.id, plain.id]);
      expect(before[0]).toMatchObject({
        programIds: [pmap],
        revisionCount: 1,
        updatedAt: unlocked.updatedAt,
      });

      // Back to the schema before 0004 (the columns dropped), then forward again: the backfill.
      const migrator = carepackMigrator(handle.db);
      const down = await migrator.migrateTo('0003-submitted-revision-children-immutable');
      expect(down.results?.map((r) => [r.migrationName, r.status])).toContainEqual([
        '0004-cms-view',
        'Success',
      ]);
      const columns = await sql<{ n: number }>`select count(*)::int as n from information_schema.columns
        where table_name = 'packages' and column_name like 'cms_%'`.execute(handle.db);
      expect(columns.rows[0]!.n).toBe(0);
      expect((await migrateToLatest(handle.db)).applied).toContain('0004-cms-view');
      expect((await store.listSubmitted({ stateCode: state.code })).items).toEqual(before);
      expect((await store.listSubmitted({ programId: snbc })).items).toEqual([]);
    } finally {
      await handle.close();
    }
  }, 180_000); // PGlite starts and migrates slowly on a busy machine
});

describe('DynamoDB table layout', () => {
  const clients = createDynamoClients({ endpoint: inject('dynamoEndpoint'), region: 'us-east-1' });
  const tableName = `carepack-old-layout-${randomUUID()}`;
  afterAll(async () => {
    await clients.client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
    clients.client.destroy();
  });

  it("refuses a table whose CMS indexes sort on the state's listKey, naming each difference", async () => {
    // The layout before CMS's view: every index sorted on listKey, no submittedByStateStatus.
    const current = tableDefinition(tableName);
    const old = {
      ...current,
      AttributeDefinitions: current.AttributeDefinitions!.filter(
        (a) => a.AttributeName !== 'cmsListKey' && a.AttributeName !== 'submittedByStateStatusPK',
      ),
      GlobalSecondaryIndexes: current
        .GlobalSecondaryIndexes!.filter((i) => i.IndexName !== 'submittedByStateStatus')
        .map((i) => ({
          ...i,
          KeySchema: [i.KeySchema![0]!, { AttributeName: 'listKey', KeyType: 'RANGE' as const }],
        })),
    };
    await clients.client.send(new CreateTableCommand(old));
    const error = await ensureTable(clients.client, tableName).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toContain(`DynamoDB table ${tableName} has an older layout`);
    expect(error?.message).toContain('index submitted has keys (submittedPK HASH, listKey RANGE)');
    expect(error?.message).toContain('index submittedByStateStatus is missing');
    expect(error?.message).toContain('carepack backup');
  });

  it('accepts a table of the current layout', async () => {
    const name = `carepack-new-layout-${randomUUID()}`;
    expect(await ensureTable(clients.client, name)).toBe('created');
    expect(await ensureTable(clients.client, name)).toBe('exists');
    await clients.client.send(new DeleteTableCommand({ TableName: name }));
  });
});
