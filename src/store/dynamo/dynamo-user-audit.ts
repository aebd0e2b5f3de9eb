/**
 * Administrators' changes to users on DynamoDB, each with its user-audit event. The user item and
 * the event go in one transaction, the user's write conditioned on its version as read: a sign-in
 * upsert or another administrator's change in between raises the version, so the change reads
 * and plans again instead of writing over it. The events sit in one partition (`USERAUDIT`), by
 * time, so the newest-first list is one Query read backwards.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { assertStorableText, type StateCode, type UserAuditEvent } from '../../domain/index.js';
import { inParallel } from '../../lib/parallel.js';
import { CHANGE_ATTEMPTS, raceBackoff } from '../change-retry.js';
import { notFound, StoreError } from '../errors.js';
import { decodeCursor, encodeCursor, pageSize, scanPageSize } from '../paging.js';
import type { Page, PageRequest, Store, StoreMaintenance } from '../store.js';
import { ConditionFailed, isConditionalCheckFailed } from './dynamo-errors.js';
import { USER_AUDIT_PK, userKey } from './dynamo-keys.js';
import { type Item, itemToUser, itemToUserAudit, userAuditToItem } from './dynamo-marshal.js';
import type { DynamoTable } from './dynamo-table.js';
import { USER_VERSION_ATTRIBUTE, userUpdate } from './dynamo-users.js';

const WRITES_IN_PARALLEL = 16;

export type UserAuditOperations = Pick<Store, 'changeUser' | 'listUserAudit'> &
  Pick<StoreMaintenance, 'scanUserAudit' | 'importUserAudit'>;

const isSortKey = (p: unknown): p is string => typeof p === 'string';

export function createDynamoUserAudit(
  table: DynamoTable,
  ensureState: (code: StateCode) => Promise<void>,
): UserAuditOperations {
  const { client, name: TableName } = table;

  /** A page of the user-audit partition from `after` (a sort key), in sort-key order or backwards. */
  async function readEvents(limit: number, after: string | undefined, newestFirst: boolean) {
    const out = await client.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': USER_AUDIT_PK },
        ExclusiveStartKey: after ? { PK: USER_AUDIT_PK, SK: after } : undefined,
        ScanIndexForward: !newestFirst,
        ConsistentRead: true,
        // One more than the page: whether it comes back decides whether there is a next page.
        Limit: limit + 1,
      }),
    );
    const items = (out.Items ?? []) as Item[];
    const page = items.slice(0, limit);
    const last = items.length > limit ? String(page[page.length - 1]!.SK) : undefined;
    return { events: page.map(itemToUserAudit), last };
  }

  return {
    async changeUser(id, plan) {
      for (let attempt = 1; ; attempt++) {
        const out = await client.send(new GetCommand({ TableName, Key: userKey(id), ConsistentRead: true }));
        if (!out.Item) throw notFound('user', id);
        const before = itemToUser(out.Item);
        const version = out.Item[USER_VERSION_ATTRIBUTE] as number | undefined;
        const { after, event } = plan(before);
        if (after.id !== id || event.userId !== id)
          throw new Error(`refused: a change of user ${id} would write another user`);
        assertStorableText({ after, event }, ['change']);
        if (after.role === 'STATE_USER') await ensureState(after.stateCode);
        const full: UserAuditEvent = { id: randomUUID(), ...event };
        const update = userUpdate(after);
        try {
          await table.transact([
            {
              Update: {
                TableName,
                Key: userKey(id),
                ...update,
                // The user as read: a user written before versions existed has none yet.
                ConditionExpression:
                  version === undefined
                    ? 'attribute_exists(PK) AND attribute_not_exists(#version)'
                    : '#version = :version',
                ExpressionAttributeValues: {
                  ...update.ExpressionAttributeValues,
                  ...(version === undefined ? {} : { ':version': version }),
                },
              },
            },
            {
              Put: {
                TableName,
                Item: userAuditToItem(full),
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
          ]);
          return { before, after, event: full };
        } catch (e) {
          if (!(e instanceof ConditionFailed) || !e.failedIndexes.includes(0)) throw e;
          if (attempt >= CHANGE_ATTEMPTS)
            throw new StoreError('VERSION_CONFLICT', `user ${id} kept changing meanwhile: try again`, { id });
        }
        await raceBackoff(attempt);
      }
    },

    async listUserAudit(request: PageRequest = {}): Promise<Page<UserAuditEvent>> {
      const limit = pageSize(request.limit);
      const tag = 'user-audit';
      const { events, last } = await readEvents(limit, decodeCursor(tag, request.cursor, isSortKey), true);
      return { items: events, ...(last ? { cursor: encodeCursor(tag, last) } : {}) };
    },

    /**
     * The events are few (one per administrator's change) and in one partition, so a Query of it
     * costs what they weigh, where a Scan would read the whole table: partition 0 reads them all,
     * oldest first; the other partitions have none.
     */
    async scanUserAudit(request): Promise<Page<UserAuditEvent>> {
      const limit = scanPageSize(request);
      const tag = `scan:user-audit:${request.partition}/${request.partitions}`;
      const after = decodeCursor(tag, request.cursor, isSortKey);
      if (request.partition !== 0) return { items: [] };
      const { events, last } = await readEvents(limit, after, false);
      return { items: events, ...(last ? { cursor: encodeCursor(tag, last) } : {}) };
    },

    async importUserAudit(events) {
      assertStorableText(events, ['events']);
      await inParallel(events, WRITES_IN_PARALLEL, async (e) => {
        try {
          await client.send(
            new PutCommand({
              TableName,
              Item: userAuditToItem(e),
              ConditionExpression: 'attribute_not_exists(PK)',
            }),
          );
        } catch (err) {
          // Already there: left alone.
          if (!isConditionalCheckFailed(err)) throw err;
        }
      });
    },
  };
}
