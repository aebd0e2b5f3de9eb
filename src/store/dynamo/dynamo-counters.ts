/**
 * The per-state sequences (package numbers, rate numbers): one counter item each, raised by
 * `UpdateItem ADD`, and the claim items that make a number impossible to hold twice.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StateCode } from '../../domain/index.js';
import { isConditionalCheckFailed } from './dynamo-errors.js';
import {
  claimedNumber,
  claimedRateNumber,
  counterKey,
  NUMBER_CLAIM_SK_PREFIX,
  numberClaimKey,
  RATE_NUMBER_CLAIM_SK_PREFIX,
  rateCounterKey,
  rateNumberClaimKey,
  STATES_PK,
} from './dynamo-keys.js';
import type { Item } from './dynamo-marshal.js';
import type { DynamoTable } from './dynamo-table.js';

export interface Sequence {
  counterKey: (code: StateCode) => Item;
  /** A claim key of the state (its PK) and the prefix of every claim's sort key. */
  claimKey: (code: StateCode, n: number) => Item;
  claimPrefix: string;
  claimedNumber: (sk: string) => number;
}

export const PACKAGE_NUMBERS: Sequence = {
  counterKey,
  claimKey: numberClaimKey,
  claimPrefix: NUMBER_CLAIM_SK_PREFIX,
  claimedNumber,
};
export const RATE_NUMBERS: Sequence = {
  counterKey: rateCounterKey,
  claimKey: rateNumberClaimKey,
  claimPrefix: RATE_NUMBER_CLAIM_SK_PREFIX,
  claimedNumber: claimedRateNumber,
};

/** The last number handed out per state (only the given states, when listed). */
export async function readCounters(
  table: DynamoTable,
  sequence: Sequence,
  only?: readonly StateCode[],
): Promise<Record<StateCode, number>> {
  const codes =
    only ?? (await table.partition(STATES_PK, { ProjectionExpression: 'code' })).map((s) => s.code as string);
  const counters: Record<StateCode, number> = {};
  for (const item of await table.batchGet(codes.map(sequence.counterKey))) {
    counters[String(item.PK).slice('STATE#'.length)] = item.last as number;
  }
  return counters;
}

/** Raises each state's counter to at least the given number (never lowers one). */
export async function raiseCounters(
  table: DynamoTable,
  sequence: Sequence,
  counters: Record<StateCode, number>,
): Promise<void> {
  for (const [code, last] of Object.entries(counters)) {
    try {
      await table.client.send(
        new UpdateCommand({
          TableName: table.name,
          Key: sequence.counterKey(code),
          UpdateExpression: 'SET #last = :n',
          ConditionExpression: 'attribute_not_exists(#last) OR #last < :n',
          ExpressionAttributeNames: { '#last': 'last' },
          ExpressionAttributeValues: { ':n': last },
        }),
      );
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e; // already as high: nothing to do
    }
  }
}

/** Takes `count` numbers of the state's sequence at once: the last is the counter's new value. */
export async function allocateNumbers(
  table: DynamoTable,
  sequence: Sequence,
  code: StateCode,
  count = 1,
): Promise<number[]> {
  const out = await table.client.send(
    new UpdateCommand({
      TableName: table.name,
      Key: sequence.counterKey(code),
      UpdateExpression: 'ADD #last :count',
      ExpressionAttributeNames: { '#last': 'last' },
      ExpressionAttributeValues: { ':count': count },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const last = out.Attributes?.last as number;
  return Array.from({ length: count }, (_, i) => last - count + 1 + i);
}

/**
 * Raises the state's counter to its highest claimed number. Claims past the counter come only
 * from records written without their counter (imported, restored from an old backup).
 */
export async function catchUpCounter(table: DynamoTable, sequence: Sequence, code: StateCode): Promise<void> {
  const out = await table.client.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :claim)',
      ExpressionAttributeValues: { ':pk': sequence.claimKey(code, 0).PK, ':claim': sequence.claimPrefix },
      ProjectionExpression: 'SK',
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const highest = out.Items?.[0];
  if (highest) await raiseCounters(table, sequence, { [code]: sequence.claimedNumber(String(highest.SK)) });
}
