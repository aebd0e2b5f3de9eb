import type { FieldError } from './validate-submit.js';

/**
 * Every way a rule of a package's life refuses a request. The API maps each code to one HTTP
 * status (src/api/problem.ts); stores add only their own codes (src/store/errors.ts).
 */
export const DOMAIN_ERROR_CODES = [
  'VALIDATION_FAILED',
  'FORBIDDEN',
  'NOT_FOUND',
  /** A record with this id exists already (a rate created twice, a rate linked twice). */
  'ALREADY_EXISTS',
  'INVALID_TRANSITION',
  'VERSION_CONFLICT',
  'SUBMISSION_INCOMPLETE',
  'DUPLICATE_DOCUMENT',
  'UNSUPPORTED_FILE',
  'FILE_TOO_LARGE',
  'CHECKSUM_MISMATCH',
  'NOT_DOWNLOADABLE',
] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/**
 * An error Carepack raises on purpose, with a code of the shared vocabulary and the fields it
 * names. The domain, the stores and the API each have their own subclass (who refused); the API
 * maps every code to one status in one table.
 */
export abstract class CodedError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    /** Which fields of the request break the rule, for field-level messages. */
    readonly fields: FieldError[] = [],
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A rule of a package's life refused the request. */
export class DomainError extends CodedError<DomainErrorCode> {
  override readonly name = 'DomainError';
}

export const invalidFields = (message: string, fields: FieldError[]) =>
  new DomainError('VALIDATION_FAILED', message, fields);

/** One field refused, the message saying why. */
export const invalidField = (path: string, message: string) =>
  new DomainError('VALIDATION_FAILED', `${path} ${message}`, [{ path, message }]);

export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);

export const notFound = (what: string, id: string) =>
  new DomainError('NOT_FOUND', `${what} ${id} was not found`, [], { id });

export const invalidTransition = (id: string, action: string, status: string) =>
  new DomainError('INVALID_TRANSITION', `cannot ${action} package ${id} while it is ${status}`, [], {
    id,
    action,
    status,
  });

export const versionConflict = (id: string, expected: number, actual?: number) =>
  new DomainError(
    'VERSION_CONFLICT',
    `package ${id} was changed by someone else (expected version ${expected}${actual ? `, now ${actual}` : ''})`,
    [],
    { id, expectedVersion: expected, actualVersion: actual },
  );

/** The code of an error Carepack raised on purpose (domain, store or API), else undefined. */
export function errorCode(e: unknown): string | undefined {
  return e instanceof CodedError ? e.code : undefined;
}

/** True when `e` is a Carepack error with this code (with any code, when none is given). */
export function hasErrorCode(e: unknown, code?: string): boolean {
  const found = errorCode(e);
  return found !== undefined && (code === undefined || found === code);
}

/** What `read` gives, or undefined when it fails NOT_FOUND (any other failure stands). */
export async function unlessNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (e) {
    if (hasErrorCode(e, 'NOT_FOUND')) return undefined;
    throw e;
  }
}
