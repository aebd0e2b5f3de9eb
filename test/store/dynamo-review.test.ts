/**
 * CMS's review on DynamoDB: review actions as their own items read back with the package, lists
 * by review status from their indexes, imports carrying the actions, and the in-place upgrade
 * of a table from before reviews (indexes added, old heads backfilled).
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  type Package,
  planApprove,
  planUndoApproval,
  planUndoUnlock,
  planWithdraw,
  type ReviewAction,
  type User,
} from '../../src/domain/index.js';
import { createDynamoClients } from '../../src/store/dynamo/dynamo-client.js';
import {
  INDEX_PARTITION_ATTRIBUTE,
  packagePk,
  REVIEW_INDEXES,
  upgradeKey,
} from '../../src/store/dynamo/dynamo-keys.js';
import { backfillReviewKeys, REVIEW_BACKFILL } from '../../src/store/dynamo/dynamo-review-backfill.js';
import { createDynamoStore } from '../../src/store/dynamo/dynamo-store.js';
import { ensureTable, tableDefinition } from '../../src/store/dynamo/dynamo-tables.js';
import { document, draft, makeState, stateActor, submitted } from '../conformance/fixtures.js';
import { type DrivenStore, drive } from '../support/store-commands.js';

const clients = createDynamoClients({ endpoint: inject('dynamoEndpoint'), region: 'us-east-1' });
const tables: string[] = [];
afterAll(async () => {
  for (const TableName of tables)
    await clients.client.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
  clients.client.destroy();
});

function storeOn(tableName: string): DrivenStore {
  return drive(createDynamoStore({ client: clients.doc, tableName }));
}

async function newStore(): Promise<{ store: DrivenStore; tableName: string }> {
  const tableName = `carepack-review-${randomUUID()}`;
  tables.push(tableName);
  expect(await ensureTable(clients.client, tableName)).toBe('created');
  return { store: storeOn(tableName), tableName };
}

const reviewer: User = {
  id: randomUUID(),
  email: 'reviewer@cms.example.gov',
  givenName: 'Rae',
  familyName: 'Viewer',
  role: 'CMS_USER',
};
const today = () => new Date().toISOString().slice(0, 10);

async function approve(store: DrivenStore, pkg: Package) {
  const at = new Date().toISOString();
  return (
    await store.changePackage(pkg.id, (p) =>
      planApprove(p, { user: reviewer, at, expectedVersion: pkg.version, releasedOn: today() }),
    )
  ).after;
}

async function packageSks(tableName: string, id: string): Promise<string[]> {
  const out = await clients.doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': packagePk(id) },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => String(i.SK));
}

describe('DynamoDB review', () => {
  it('keeps each action as its own item, lists by review status, and drops an undone unlock whole', async () => {
    const { store, tableName } = await newStore();
    const state = makeState('RV');
    await store.upsertStates([state]);
    const actor = stateActor();
    const plain = await submitted(store, state, actor);
    const approved = await approve(store, await submitted(store, state, actor));
    const reason = { user: reviewer, reason: 'why' };
    await store.changePackage(approved.id, (p) =>
      planUndoApproval(p, { ...reason, at: new Date().toISOString(), expectedVersion: p.version }),
    );
    const withdrawn = (
      await store.changePackage(approved.id, (p) =>
        planWithdraw(p, { ...reason, at: new Date().toISOString(), expectedVersion: p.version }),
      )
    ).after;
    await draft(store, state, actor);

    const read = await store.getPackage(approved.id);
    expect(read).toEqual(withdrawn);
    expect(read.reviewActions.map((a) => a.action)).toEqual(['WITHDRAW', 'UNDO_APPROVAL', 'APPROVE']);
    expect(read.reviewActions[2]!.releasedOn).toBe(today());
    expect(await packageSks(tableName, approved.id)).toEqual(
      expect.arrayContaining(['REVIEW#000001', 'REVIEW#000002', 'REVIEW#000003']),
    );

    const ids = async (q: Promise<{ items: { id: string; reviewStatus: unknown }[] }>) =>
      (await q).items.map((i) => [i.id, i.reviewStatus]);
    expect(await ids(store.listByState(state.code, { reviewStatus: 'UNDER_REVIEW' }))).toEqual([
      [plain.id, 'UNDER_REVIEW'],
    ]);
    expect(await ids(store.listSubmitted({ reviewStatus: 'WITHDRAWN' }))).toEqual([
      [approved.id, 'WITHDRAWN'],
    ]);
    expect(await ids(store.listSubmitted({ stateCode: state.code, reviewStatus: 'APPROVED' }))).toEqual([]);
    expect(
      await ids(
        store.listSubmitted({ stateCode: state.code, status: 'SUBMITTED', reviewStatus: 'UNDER_REVIEW' }),
      ),
    ).toEqual([[plain.id, 'UNDER_REVIEW']]);
    expect(await ids(store.listSubmitted({ status: 'UNLOCKED', reviewStatus: 'UNDER_REVIEW' }))).toEqual([]);
    await expect(store.listByState(state.code, { reviewStatus: 'NOPE' as never })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });

    // Unlock, edit with a document, undo the unlock: the draft revision and its document go too.
    const unlocked = await store.unlock(plain.id, {
      expectedVersion: plain.version,
      actor: reviewer,
      reason: 'fix',
    });
    const edited = await store.updateDraft(plain.id, {
      expectedVersion: unlocked.version,
      documents: [document('draft-only.pdf')],
      actor,
    });
    expect(await packageSks(tableName, plain.id)).toContainEqual(expect.stringMatching(/^REV#000002#DOC#/));
    const undone = (
      await store.changePackage(plain.id, (p) =>
        planUndoUnlock(p, {
          user: reviewer,
          at: new Date().toISOString(),
          expectedVersion: edited.version,
          reason: 'no',
        }),
      )
    ).after;
    expect(undone.revisions).toHaveLength(1);
    expect(await store.getPackage(plain.id)).toEqual(undone);
    const sks = await packageSks(tableName, plain.id);
    expect(sks.filter((sk) => sk.startsWith('REV#'))).toEqual(['REV#000001']);
    expect(sks).toContain('REVIEW#000001');
    expect(await ids(store.listSubmitted({ status: 'SUBMITTED', reviewStatus: 'UNDER_REVIEW' }))).toEqual([
      [plain.id, 'UNDER_REVIEW'],
    ]);

    // Copies carry the actions, in every mode; replace removes what the older copy had.
    const all = (await store.maintenance.scanPackages({ partition: 0, partitions: 1, limit: 1000 })).items;
    for (const mode of ['overwrite', 'replace', 'force'] as const) {
      const target = (await newStore()).store;
      await target.maintenance.importPackages(all, { mode });
      const copied = (await target.maintenance.scanPackages({ partition: 0, partitions: 1, limit: 1000 }))
        .items;
      expect(JSON.stringify(sortById(copied))).toBe(JSON.stringify(sortById(all)));
    }
    const target = await newStore();
    const older = all.find((p) => p.id === approved.id)!;
    await target.store.maintenance.importPackages([older], { mode: 'overwrite' });
    const rewound: Package = {
      ...older,
      version: older.version - 2,
      reviewActions: older.reviewActions.slice(2),
    };
    await target.store.maintenance.importPackages([rewound], { mode: 'force' });
    // The review status is derived from the actions, never taken from the record handed in.
    expect(await target.store.getPackage(older.id)).toEqual({ ...rewound, reviewStatus: 'APPROVED' });
    expect((await target.store.listSubmitted({ reviewStatus: 'APPROVED' })).items.map((p) => p.id)).toEqual([
      older.id,
    ]);
    expect((await packageSks(target.tableName, older.id)).filter((sk) => sk.startsWith('REVIEW#'))).toEqual([
      'REVIEW#000001',
    ]);
  }, 60_000);
});

describe('DynamoDB review history', () => {
  it('is never rewritten: a change that alters a recorded action or adds two is refused, nothing written', async () => {
    const { store, tableName } = await newStore();
    const state = makeState('RH');
    await store.upsertStates([state]);
    const pkg = await approve(store, await submitted(store, state));
    const before = await packageSks(tableName, pkg.id);
    const [recorded] = pkg.reviewActions as [ReviewAction];
    const rewrite = (actions: ReviewAction[]) =>
      store.changePackage(pkg.id, (p) => ({
        after: { ...p, version: p.version + 1, reviewActions: actions },
        event: { actor: recorded.by, action: 'APPROVE', summary: 's', at: recorded.at },
      }));
    await expect(rewrite([{ ...recorded, reason: 'changed' }])).rejects.toThrow(/review history/);
    await expect(rewrite([])).rejects.toThrow(/review history/);
    const again = { ...recorded, id: randomUUID() };
    await expect(rewrite([again, { ...again, id: randomUUID() }, recorded])).rejects.toThrow(
      /review history/,
    );
    expect(await packageSks(tableName, pkg.id)).toEqual(before);
    expect(await store.getPackage(pkg.id)).toEqual(pkg);
  });
});

const sortById = (ps: Package[]) => [...ps].sort((a, b) => a.id.localeCompare(b.id));

/** A table of the layout before reviews, with heads as that version wrote them. */
async function preReviewTable(stateCode: string, submittedCount: number) {
  const tableName = `carepack-pre-review-${randomUUID()}`;
  tables.push(tableName);
  const current = tableDefinition(tableName);
  const reviewKeys = REVIEW_INDEXES.map((i) => INDEX_PARTITION_ATTRIBUTE[i]);
  await clients.client.send(
    new CreateTableCommand({
      ...current,
      AttributeDefinitions: current.AttributeDefinitions!.filter(
        (a) => !reviewKeys.includes(a.AttributeName!),
      ),
      GlobalSecondaryIndexes: current.GlobalSecondaryIndexes!.filter(
        (i) => !(REVIEW_INDEXES as string[]).includes(i.IndexName!),
      ),
    }),
  );
  // Packages as the version before wrote them: heads without the review status or its keys.
  const store = storeOn(tableName);
  const state = makeState(stateCode);
  await store.upsertStates([state]);
  const subs: Package[] = [];
  for (let i = 0; i < submittedCount; i++) subs.push(await submitted(store, state));
  const d = await draft(store, state);
  for (const id of [...subs.map((p) => p.id), d.id]) {
    await clients.doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { PK: packagePk(id), SK: 'HEAD' },
        UpdateExpression: `REMOVE reviewStatus, ${reviewKeys.join(', ')}`,
      }),
    );
  }
  return { tableName, store, state, subs, draft: d };
}

describe('DynamoDB table from before reviews', () => {
  it('gets the review indexes in place, and its heads the review keys, so old packages list as under review', async () => {
    const { tableName, store, state, subs, draft: d } = await preReviewTable('PR', 2);
    const [a, b] = subs as [Package, Package];
    // Read as under review before the upgrade, too.
    expect((await store.listByState(state.code)).items.map((p) => p.reviewStatus)).toEqual([
      null,
      'UNDER_REVIEW',
      'UNDER_REVIEW',
    ]);

    expect(await ensureTable(clients.client, tableName, { pollMs: 50 })).toBe('upgraded');
    const under = await store.listByState(state.code, { reviewStatus: 'UNDER_REVIEW' });
    expect(under.items.map((p) => p.id)).toEqual([b.id, a.id]);
    expect((await store.listSubmitted({ reviewStatus: 'UNDER_REVIEW' })).items.map((p) => p.id)).toEqual([
      b.id,
      a.id,
    ]);
    // Only the review keys were added: versions stand, the draft is untouched.
    expect(await store.getPackage(a.id)).toEqual(a);
    const heads = await clients.doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'SK = :h',
        ExpressionAttributeValues: { ':h': 'HEAD' },
      }),
    );
    const draftHead = heads.Items!.find((i) => i.id === d.id)!;
    expect(draftHead.reviewStatus).toBeUndefined();
    // Done once: the next start finds nothing to do, and a newer change keeps working.
    expect(await ensureTable(clients.client, tableName, { pollMs: 50 })).toBe('exists');
    const approvedA = await approve(store, a);
    expect((await store.listSubmitted({ reviewStatus: 'APPROVED' })).items.map((p) => p.id)).toEqual([
      approvedA.id,
    ]);
  }, 60_000);

  it('resumes an interrupted backfill where it stopped, and finishes it once', async () => {
    const { tableName, store, state, subs } = await preReviewTable('PQ', 4);
    // Where the scan would be had it stopped right after the first old head: the saved position.
    const scan = await clients.doc.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
    const order = scan.Items!;
    const stopAt = order.findIndex((i) => i.SK === 'HEAD' && subs.some((p) => p.id === i.id));
    const skipped = order[stopAt]!;
    await clients.doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...upgradeKey(REVIEW_BACKFILL), next: { PK: skipped.PK, SK: skipped.SK } },
      }),
    );
    expect(await ensureTable(clients.client, tableName, { pollMs: 50 })).toBe('upgraded');
    const listed = (await store.listByState(state.code, { reviewStatus: 'UNDER_REVIEW' })).items.map(
      (p) => p.id,
    );
    // The head before the saved position was done by the interrupted run (here: left as it was).
    expect(listed).not.toContain(skipped.id);
    expect(listed.sort()).toEqual(
      subs
        .map((p) => p.id)
        .filter((id) => id !== skipped.id)
        .sort(),
    );
    expect(await backfillReviewKeys(clients.client, tableName)).toEqual({ heads: 0, ran: false });
  });
});
