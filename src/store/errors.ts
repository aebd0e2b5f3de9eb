/**
 * The failures only a store can know of. Every rule of a package's life refuses with a
 * `DomainError` (src/domain/errors.ts); a store adds these, and backends map their native
 * errors into them. Codes share one vocabulary with the domain's, so the API maps both in one table.
 */
import { CodedError, type DomainErrorCode } from '../domain/index.js';

export type StoreErrorCode =
  /** No such record. */
  | 'NOT_FOUND'
  /** A record with this id (or this package number) exists already. */
  | 'ALREADY_EXISTS'
  /** The record changed between the read and the guarded write. */
  | 'VERSION_CONFLICT'
  /** A cursor this store did not hand out for this list. */
  | 'INVALID_CURSOR'
  /** The database cannot be reached. */
  | 'UNAVAILABLE';

/** Every code a caller may meet: the domain's and the store's own. */
export type ErrorCode = DomainErrorCode | StoreErrorCode;

/** Refused by the store itself; `details.field` names the request field at fault, if any. */
export class StoreError extends CodedError<StoreErrorCode> {
  override readonly name = 'StoreError';
  constructor(
    code: StoreErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    const field = typeof details.field === 'string' ? [{ path: details.field, message }] : [];
    super(code, message, field, details, options);
  }
}

export const notFound = (what: string, id: string) =>
  new StoreError('NOT_FOUND', `${what} ${id} was not found`, { id });
export const alreadyExists = (what: string, id: string) =>
  new StoreError('ALREADY_EXISTS', `${what} ${id} already exists`, { id });
/** The write lost a race: the package is no longer at the version the change was planned on. */
export const changedMeanwhile = (id: string, planned: number) =>
  new StoreError(
    'VERSION_CONFLICT',
    `package ${id} was changed by someone else (planned on version ${planned})`,
    {
      id,
      expectedVersion: planned,
    },
  );
/** A graph change lost the race: a record it read is no longer at the version read. */
export const graphChangedMeanwhile = (ids: readonly string[]) =>
  new StoreError('VERSION_CONFLICT', `${ids.join(', ')} changed while the change was being made, too often`, {
    ids,
  });
export const invalidCursor = (message: string) =>
  new StoreError('INVALID_CURSOR', message, { field: 'cursor' });
export const unavailable = (what: string, cause: unknown) =>
  new StoreError('UNAVAILABLE', `${what} cannot be reached`, {}, { cause });
