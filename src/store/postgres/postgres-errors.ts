import { DomainError } from '../../domain/index.js';
import { unavailable } from '../errors.js';
import { isUnreachable, mapErrors } from '../map-errors.js';

/** PostgreSQL's error codes that the store turns into its own errors or retries. */
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

export interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

export const pgError = (e: unknown): PgError => (typeof e === 'object' && e !== null ? (e as PgError) : {});
export const isPgCode = (e: unknown, code: string) => pgError(e).code === code;
export const isRetryable = (e: unknown) => RETRYABLE.has(pgError(e).code ?? '');

/**
 * Text PostgreSQL cannot hold: a NUL byte in `text` (22021, "invalid byte sequence"), or a JSON
 * escape it cannot convert (22P05, "unsupported Unicode escape sequence"). The stores refuse
 * such text before it gets here (`assertStorableText`); this catches any path that would still
 * send it, so the caller gets VALIDATION_FAILED instead of a driver error.
 */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);
export const isUnstorableText = (e: unknown) => UNSTORABLE_TEXT.has(pgError(e).code ?? '');

/** The server is gone, shutting down or refusing connections: UNAVAILABLE (503), not a 500. */
const SERVER_GONE = new Set(['57P01', '57P03', '08001', '08006']);
export const isConnectionFailure = (e: unknown) => isUnreachable(e) || SERVER_GONE.has(pgError(e).code ?? '');

/**
 * `target` with each method's native failures mapped into the shared vocabulary: text the
 * server cannot hold → VALIDATION_FAILED; a lost connection → UNAVAILABLE.
 */
export function mapNativeErrors<T extends object>(target: T): T {
  return mapErrors(target, (e) => {
    if (isConnectionFailure(e)) return unavailable('the PostgreSQL server', e);
    if (!isUnstorableText(e)) return undefined;
    return new DomainError(
      'VALIDATION_FAILED',
      `text must not contain the NUL character (U+0000) or unpaired surrogates (${(e as Error).message})`,
      [],
      { pgCode: pgError(e).code },
    );
  });
}
