import { invalidInput } from './errors.js';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw invalidInput(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`, { field: 'limit' });
  }
  return limit;
}

/**
 * Cursors are opaque to callers: base64url JSON of whatever position a backend needs,
 * tagged with the query they belong to so a cursor cannot be replayed against another list.
 */
export function encodeCursor(query: string, position: unknown): string {
  return Buffer.from(JSON.stringify({ q: query, p: position })).toString('base64url');
}

export function decodeCursor<T>(
  query: string,
  cursor: string | undefined,
  isPosition: (p: unknown) => p is T,
) {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidInput('the cursor is not valid', { field: 'cursor' });
  }
  const { q, p } = (decoded ?? {}) as { q?: unknown; p?: unknown };
  if (q !== query || !isPosition(p))
    throw invalidInput('the cursor does not belong to this list', { field: 'cursor' });
  return p;
}

/** Cursor positions that are a flat record of strings (DynamoDB keys). */
export const isStringRecord = (p: unknown): p is Record<string, string> =>
  typeof p === 'object' && p !== null && Object.values(p).every((v) => typeof v === 'string');

/** Checks a maintenance scan request; returns its page size (1..1000, default 100). */
export function scanPageSize(request: {
  partition: number;
  partitions: number;
  limit?: number | undefined;
}): number {
  const { partition, partitions, limit = 100 } = request;
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 64)
    throw invalidInput('partitions must be 1..64');
  if (!Number.isInteger(partition) || partition < 0 || partition >= partitions) {
    throw invalidInput('partition must be 0..partitions-1');
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalidInput('scan limit must be 1..1000');
  return limit;
}
