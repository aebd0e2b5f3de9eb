import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { assertStorableText, type State, type StateCode } from '../../domain/index.js';
import { notFound } from '../errors.js';
import type { Store } from '../store.js';
import { STATES_PK, stateKey } from './dynamo-keys.js';
import { itemToState, stateToItem } from './dynamo-marshal.js';
import type { DynamoTable } from './dynamo-table.js';

export type ReferenceOperations = Pick<Store, 'upsertStates' | 'listStates' | 'getState'> & {
  /** Refuses (NOT_FOUND) a state the table does not hold; remembers the ones it does. */
  ensureState(code: StateCode): Promise<void>;
};

/** States and their programs: one item each under the STATES partition. */
export function createDynamoReference(table: DynamoTable): ReferenceOperations {
  const { client, name: TableName } = table;
  const knownStates = new Set<StateCode>();
  return {
    async upsertStates(states: readonly State[]) {
      assertStorableText(states, ['states']);
      await table.batchWrite(states.map((st) => ({ PutRequest: { Item: stateToItem(st) } })));
    },
    async listStates() {
      return (await table.partition(STATES_PK)).map(itemToState);
    },
    async getState(code) {
      const out = await client.send(new GetCommand({ TableName, Key: stateKey(code) }));
      if (!out.Item) throw notFound('state', code);
      return itemToState(out.Item);
    },
    async ensureState(code) {
      if (knownStates.has(code)) return;
      const out = await client.send(
        new GetCommand({ TableName, Key: stateKey(code), ProjectionExpression: 'PK' }),
      );
      if (!out.Item) throw notFound('state', code);
      knownStates.add(code);
    },
  };
}
