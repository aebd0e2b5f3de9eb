/** Maps DynamoDB's native failures onto what a store caller can act on. */
import { unavailable } from '../errors.js';
import { isUnreachable, mapErrors } from '../map-errors.js';

/** A transaction was refused because a condition on one of its items did not hold. */
export class ConditionFailed extends Error {
  override readonly name = 'ConditionFailed';
  /** Positions (in the transaction) whose condition failed. */
  constructor(readonly failedIndexes: number[]) {
    super(`condition failed on transaction item(s) ${failedIndexes.join(', ')}`);
  }
}

interface CancellationReason {
  Code?: string;
}

export function cancellationReasons(e: unknown): CancellationReason[] | undefined {
  if ((e as { name?: string })?.name !== 'TransactionCanceledException') return undefined;
  return (e as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
}

/** Conflicts with another in-flight transaction or throttling: worth retrying as is. */
export function isRetryableTransactionError(e: unknown): boolean {
  const reasons = cancellationReasons(e);
  if (reasons) return reasons.some((r) => r.Code === 'TransactionConflict' || r.Code === 'ThrottlingError');
  const name = (e as { name?: string })?.name;
  return name === 'TransactionConflictException' || name === 'TransactionInProgressException';
}

export function isConditionalCheckFailed(e: unknown): boolean {
  return (e as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/** The SDK gave up reaching DynamoDB (after its own retries): UNAVAILABLE (503), not a 500. */
export function mapDynamoErrors<T extends object>(target: T): T {
  return mapErrors(target, (e) =>
    isUnreachable(e) || (e as { name?: string })?.name === 'TimeoutError'
      ? unavailable('DynamoDB', e)
      : undefined,
  );
}
