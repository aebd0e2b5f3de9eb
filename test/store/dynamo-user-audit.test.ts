/**
 * Administrators' changes to users on DynamoDB: the user and its user-audit event in one
 * transaction over the user as read (a sign-in in between makes the change plan again, so
 * neither write is lost), events in their own partition read newest first by one Query, and
 * maintenance scans and imports of them.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { planSetDivision, type User, type UserAuditEvent } from '../../src/domain/index.js';
import { createDynamoClients } from '../../src/store/dynamo/dynamo-client.js';
import { USER_AUDIT_PK, userKey } from '../../src/store/dynamo/dynamo-keys.js';
import { createDynamoStore } from '../../src/store/dynamo/dynamo-store.js';
import { cmsUser } from '../conformance/fixtures.js';
import { freshDynamoStore } from '../support/dynamo.js';
import type { DrivenStore } from '../support/store-commands.js';

let store: DrivenStore;
let tableName: string;
let clients: Awaited<ReturnType<typeof freshDynamoStore>>['clients'];
const sent: string[] = [];
/** Runs once just before the store's next transaction is sent (a write racing the change). */
let beforeNextTransaction: (() => Promise<void>) | undefined;
const others: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  ({ store, tableName, clients } = await freshDynamoStore('carepack-user-audit'));
  clients.client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? '?');
      const race = beforeNextTransaction;
      if (context.commandName === 'TransactWriteItemsCommand' && race) {
        beforeNextTransaction = undefined;
        await race();
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
});
afterAll(async () => {
  await store.close();
  for (const other of others) await other.close();
});

const admin = cmsUser('ADMIN_USER');
const reviewer = (): User => cmsUser();
const now = () => new Date().toISOString();
const setDivision = (id: string, division: 'DMCO' | 'DMCP' | 'OACT' | null, at = now()) =>
  store.changeUser(id, (before) => planSetDivision(before, { admin, at, division }));

/** Another process on the same table, with its own client (not seen by the recorder). */
function otherProcess() {
  const own = createDynamoClients({ endpoint: inject('dynamoEndpoint'), region: 'us-east-1' });
  return createDynamoStore({ client: own.doc, tableName, onClose: async () => own.client.destroy() });
}

async function auditSortKeys(): Promise<string[]> {
  const out = await clients.doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': USER_AUDIT_PK },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => String(i.SK));
}

describe('DynamoDB user audit', () => {
  it('writes the user and its event together, and lists events newest first from their own partition', async () => {
    const user = reviewer();
    await store.upsertUsers([user]);
    const first = await setDivision(user.id, 'DMCO');
    expect(first.after).toEqual({ ...user, division: 'DMCO' });
    expect(await store.getUser(user.id)).toEqual({ ...user, division: 'DMCO' });
    const second = await setDivision(user.id, null);
    expect(await store.getUser(user.id)).toEqual(user);
    expect(second.event.before).toEqual({ ...user, division: 'DMCO' });

    expect(await auditSortKeys()).toEqual(
      expect.arrayContaining([
        `EVENT#${first.event.at}#${first.event.id}`,
        `EVENT#${second.event.at}#${second.event.id}`,
      ]),
    );
    const from = sent.length;
    const page = await store.listUserAudit({ limit: 1 });
    expect(sent.slice(from)).toEqual(['QueryCommand']);
    expect(page.items).toEqual([second.event]);
    const next = await store.listUserAudit({ limit: 1, cursor: page.cursor! });
    expect(next.items).toEqual([first.event]);
    await expect(store.listUserAudit({ cursor: 'nope' })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('plans again when a sign-in writes the user between the read and the write, losing neither', async () => {
    const user = reviewer();
    await store.upsertUsers([user]);
    const signedIn = { ...user, givenName: 'Renamed' };
    const other = otherProcess();
    others.push(other);
    beforeNextTransaction = () => other.upsertUsers([signedIn]);
    let plans = 0;
    const result = await store.changeUser(user.id, (before) => {
      plans++;
      return planSetDivision(before, { admin, at: now(), division: 'OACT' });
    });
    expect(plans).toBe(2);
    expect(result.before).toEqual(signedIn);
    expect(await store.getUser(user.id)).toEqual({ ...signedIn, division: 'OACT' });
    const events = (await store.listUserAudit({ limit: 100 })).items.filter((e) => e.userId === user.id);
    expect(events).toEqual([result.event]);
  });

  it('changes a user written before versions existed, and refuses an unknown user or a failing plan', async () => {
    const user = reviewer();
    await store.upsertUsers([user]);
    await clients.doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: userKey(user.id),
        UpdateExpression: 'REMOVE userVersion',
      }),
    );
    expect((await setDivision(user.id, 'DMCP')).after).toEqual({ ...user, division: 'DMCP' });

    await expect(setDivision(randomUUID(), 'DMCO')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const keys = await auditSortKeys();
    await expect(
      store.changeUser(user.id, (before) =>
        planSetDivision(before, { admin: reviewer(), at: now(), division: null }),
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await auditSortKeys()).toEqual(keys);
    expect(await store.getUser(user.id)).toEqual({ ...user, division: 'DMCP' });
  });

  it('is scanned by partition 0 alone and imported once per event', async () => {
    const user = reviewer();
    await store.upsertUsers([user]);
    await setDivision(user.id, 'DMCO');
    await setDivision(user.id, 'OACT');
    const all: UserAuditEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.maintenance.scanUserAudit({ partition: 0, partitions: 2, limit: 1, cursor });
      all.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    expect(all.map((e) => e.at)).toEqual([...all.map((e) => e.at)].sort());
    expect(all).toEqual([...(await store.listUserAudit({ limit: 100 })).items].reverse());
    expect(await store.maintenance.scanUserAudit({ partition: 1, partitions: 2 })).toEqual({ items: [] });

    const target = await freshDynamoStore('carepack-user-audit-copy');
    others.push(target.store);
    await target.store.maintenance.importUserAudit(all);
    // Again, with one event altered: the one already there is left alone.
    await target.store.maintenance.importUserAudit([{ ...all[0]!, summary: 'altered' }, ...all.slice(1)]);
    expect((await target.store.maintenance.scanUserAudit({ partition: 0, partitions: 1 })).items).toEqual(
      all,
    );
  });
});
