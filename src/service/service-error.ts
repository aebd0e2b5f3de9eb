import type { FieldError } from '../domain/index.js';

/** Failures the use cases report on purpose; the API maps each code to one HTTP status. */
export type ServiceErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'INVALID_CURSOR'
  | 'SUBMISSION_INCOMPLETE'
  | 'UNSUPPORTED_FILE'
  | 'FILE_TOO_LARGE'
  | 'DUPLICATE_DOCUMENT'
  | 'NOT_DOWNLOADABLE'
  | 'CHECKSUM_MISMATCH';

export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

export const forbidden = (message: string) => new ServiceError('FORBIDDEN', message);
export const packageNotFound = (id: string) => new ServiceError('NOT_FOUND', `package ${id} was not found`);
export const invalidFields = (message: string, fields: FieldError[]) =>
  new ServiceError('VALIDATION_FAILED', message, fields);
