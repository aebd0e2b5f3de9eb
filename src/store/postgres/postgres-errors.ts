import { DomainError } from '../../domain/index.js';
import { unavailable } from '../errors.js';

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

/** The server is gone or refuses connections: the caller gets UNAVAILABLE (503), not a 500. */
const CONNECTION_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  '57P01',
  '57P03',
  '08001',
  '08006',
]);
export const isConnectionFailure = (e: unknown) => CONNECTION_FAILURES.has(pgError(e).code ?? '');

/**
 * `target` with each method's native failures mapped into the shared vocabulary: text the
 * server cannot hold → VALIDATION_FAILED; a lost connection → UNAVAILABLE.
 */
export function mapNativeErrors<T extends object>(target: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    if (typeof value !== 'function') {
      out[name] = value;
      continue;
    }
    out[name] = async (...args: unknown[]) => {
      try {
        return await value(...args);
      } catch (e) {
        if (isConnectionFailure(e)) throw unavailable('the PostgreSQL server', e);
        if (!isUnstorableText(e)) throw e;
        throw new DomainError(
          'VALIDATION_FAILED',
          `text must not contain the NUL character (U+0000) or unpaired surrogates (${(e as Error).message})`,
          [],
          { pgCode: pgError(e).code },
        );
      }
    };
  }
  return out as T;
}
