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
