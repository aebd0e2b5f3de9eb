/** Every failure a store reports on purpose. Backends map their native errors into these. */
export type StoreErrorCode =
  | 'NotFound'
  | 'AlreadyExists'
  | 'VersionConflict'
  | 'InvalidTransition'
  | 'InvalidInput';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const notFound = (what: string, id: string) =>
  new StoreError('NotFound', `${what} ${id} was not found`, { id });
export const alreadyExists = (what: string, id: string) =>
  new StoreError('AlreadyExists', `${what} ${id} already exists`, { id });
export const versionConflict = (id: string, expected: number, actual?: number) =>
  new StoreError(
    'VersionConflict',
    `package ${id} was changed by someone else (expected version ${expected}${actual ? `, now ${actual}` : ''})`,
    { id, expectedVersion: expected, actualVersion: actual },
  );
export const invalidTransition = (id: string, action: string, status: string) =>
  new StoreError('InvalidTransition', `cannot ${action} package ${id} while it is ${status}`, {
    id,
    action,
    status,
  });
export const invalidInput = (message: string, details: Record<string, unknown> = {}) =>
  new StoreError('InvalidInput', message, details);

export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}
