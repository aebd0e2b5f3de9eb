/**
 * Users and their session generations on DynamoDB. The generation is an attribute of the user
 * item, so the session check reads it with the user (one GetItem). Users are written with
 * UpdateItem, never Put: a Put would replace the item and drop the generation.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { assertStorableText, type StateCode, type User, UserSchema } from '../../domain/index.js';
import { inParallel } from '../../lib/parallel.js';
import { notFound } from '../errors.js';
import type { SessionUser, Store, StoreMaintenance } from '../store.js';
import { isConditionalCheckFailed } from './dynamo-errors.js';
import { USERS_PK, userKey } from './dynamo-keys.js';
import { type Item, itemToUser, userToItem } from './dynamo-marshal.js';
import type { DynamoTable } from './dynamo-table.js';

export const SESSION_GENERATION_ATTRIBUTE = 'sessionGeneration';
/**
 * Raised by every write of the user's attributes (sign-in upserts and administrators' changes),
 * so `changeUser` can write only over the user as it read it (see dynamo-user-audit.ts). Neither
 * part of the domain record nor raised by sign-out.
 */
export const USER_VERSION_ATTRIBUTE = 'userVersion';

/** Every attribute any kind of user may have: those a user does not have are removed on upsert. */
const USER_ATTRIBUTES = [...new Set(UserSchema.options.flatMap((o) => Object.keys(o.shape)))];
const WRITES_IN_PARALLEL = 16;

/**
 * The update that sets every attribute of the user, removes those it no longer has and raises
 * its version; the session generation is left alone. Names `#version` (for a condition on it).
 */
export function userUpdate(user: User) {
  const { PK: _pk, SK: _sk, ...attributes } = userToItem(user);
  const names: Record<string, string> = { '#version': USER_VERSION_ATTRIBUTE };
  const values: Record<string, unknown> = { ':one': 1 };
  const sets = Object.entries(attributes).map(([name, value], i) => {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    return `#s${i} = :s${i}`;
  });
  const removes = USER_ATTRIBUTES.filter((name) => !(name in attributes)).map((name, i) => {
    names[`#r${i}`] = name;
    return `#r${i}`;
  });
  return {
    UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''} ADD #version :one`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

type UserOperations = Pick<
  Store,
  'upsertUsers' | 'listUsers' | 'getUser' | 'getSessionUser' | 'endSessions'
> &
  Pick<StoreMaintenance, 'getSessionGenerations' | 'raiseSessionGenerations'>;

export function createDynamoUsers(
  table: DynamoTable,
  ensureState: (code: StateCode) => Promise<void>,
): UserOperations {
  const client: DynamoDBDocumentClient = table.client;
  const TableName = table.name;

  /** Sets every attribute of the user and removes those it no longer has; the generation is left alone. */
  function upsertOne(user: User) {
    return client.send(new UpdateCommand({ TableName, Key: userKey(user.id), ...userUpdate(user) }));
  }

  async function readUserItem(id: string, consistent = false): Promise<Item> {
    const out = await client.send(
      new GetCommand({ TableName, Key: userKey(id), ConsistentRead: consistent }),
    );
    if (!out.Item) throw notFound('user', id);
    return out.Item;
  }

  const generationOf = (item: Item) => (item[SESSION_GENERATION_ATTRIBUTE] as number | undefined) ?? 0;

  return {
    async upsertUsers(users) {
      assertStorableText(users, ['users']);
      // A state user must belong to a known state; check them all before writing any.
      const codes = new Set(users.flatMap((u) => (u.role === 'STATE_USER' ? [u.stateCode] : [])));
      for (const code of codes) await ensureState(code);
      await inParallel(users, WRITES_IN_PARALLEL, async (u) => {
        await upsertOne(u);
      });
    },
    async listUsers() {
      return (await table.partition(USERS_PK)).map(itemToUser);
    },
    async getUser(id) {
      return itemToUser(await readUserItem(id));
    },
    async getSessionUser(id): Promise<SessionUser> {
      // Strongly consistent: a cookie replayed a moment after sign-out must already be refused.
      const item = await readUserItem(id, true);
      return { user: itemToUser(item), sessionGeneration: generationOf(item) };
    },
    async endSessions(userId) {
      try {
        const out = await client.send(
          new UpdateCommand({
            TableName,
            Key: userKey(userId),
            UpdateExpression: 'ADD #g :one',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: { '#g': SESSION_GENERATION_ATTRIBUTE },
            ExpressionAttributeValues: { ':one': 1 },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return out.Attributes?.[SESSION_GENERATION_ATTRIBUTE] as number;
      } catch (e) {
        if (isConditionalCheckFailed(e)) throw notFound('user', userId);
        throw e;
      }
    },
    async getSessionGenerations() {
      const items = await table.partition(USERS_PK, {
        ProjectionExpression: '#id, #g',
        ExpressionAttributeNames: { '#id': 'id', '#g': SESSION_GENERATION_ATTRIBUTE },
      });
      const generations: Record<string, number> = {};
      for (const item of items)
        if (generationOf(item) > 0) generations[item.id as string] = generationOf(item);
      return generations;
    },
    async raiseSessionGenerations(generations) {
      await inParallel(Object.entries(generations), WRITES_IN_PARALLEL, async ([id, generation]) => {
        try {
          await client.send(
            new UpdateCommand({
              TableName,
              Key: userKey(id),
              UpdateExpression: 'SET #g = :g',
              // Only upwards, and only on a user that exists (an update would otherwise create one).
              ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(#g) OR #g < :g)',
              ExpressionAttributeNames: { '#g': SESSION_GENERATION_ATTRIBUTE },
              ExpressionAttributeValues: { ':g': generation },
            }),
          );
        } catch (e) {
          if (!isConditionalCheckFailed(e)) throw e;
        }
      });
    },
  };
}
