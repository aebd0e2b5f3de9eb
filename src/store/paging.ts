import {
  invalidField,
  isUuid,
  type PackageStatus,
  REVIEW_STATUSES,
  type ReviewStatus,
  type StateCode,
  type UpdatedBounds,
  updatedBounds,
  updatedRangeTag,
} from '../domain/index.js';
import { invalidCursor } from './errors.js';
import { LIST_ORDERS, type ListOptions, type ListOrder, type Page } from './store.js';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw invalidField('limit', `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
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
    throw invalidCursor('the cursor is not valid');
  }
  const { q, p } = (decoded ?? {}) as { q?: unknown; p?: unknown };
  if (q !== query || !isPosition(p)) throw invalidCursor('the cursor does not belong to this list');
  return p;
}

export interface ListPlan {
  limit: number;
  order: ListOrder;
  /** Lower-cased, as program ids are stored. */
  programId: string | undefined;
  /** The instants of the updated-date range, when one was asked for. */
  updated: UpdatedBounds;
  /** The cursor tag: the list's own tag plus its options, so a cursor only fits the same request. */
  tag: string;
}

/**
 * Checks a package list request and tags its cursors with the list and its options. The default
 * request (newest first, no program) keeps the list's plain tag, so cursors handed out before
 * these options existed stay valid.
 */
export function listPlan(listTag: string, query: ListOptions): ListPlan {
  const limit = pageSize(query.limit);
  const order = query.order ?? 'newest';
  if (!LIST_ORDERS.includes(order)) {
    throw invalidField('order', `must be one of ${LIST_ORDERS.join(', ')}`);
  }
  let programId: string | undefined;
  if (query.programId !== undefined) {
    if (!isUuid(query.programId)) throw invalidField('programId', 'must be a uuid');
    programId = query.programId.toLowerCase();
  }
  const updated = updatedBounds(query);
  const tag =
    `${listTag}${programId ? `:program:${programId}` : ''}${order === 'oldest' ? ':oldest' : ''}` +
    updatedRangeTag(query);
  return { limit, order, programId, updated, tag };
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
    throw invalidField('partitions', 'must be 1..64');
  if (!Number.isInteger(partition) || partition < 0 || partition >= partitions) {
    throw invalidField('partition', 'must be 0..partitions-1');
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw invalidField('limit', 'must be 1..1000 in a scan');
  return limit;
}

/** A review status filter's part of a cursor tag (none: nothing, so older cursors stay valid). */
const reviewPart = (reviewStatus?: ReviewStatus) => (reviewStatus ? `:review:${reviewStatus}` : '');

/** The cursor tag of a state's list (with a status filter: its own list). */
export const stateListTag = (stateCode: StateCode, status?: PackageStatus, reviewStatus?: ReviewStatus) =>
  (status ? `state:${stateCode}:${status}` : `state:${stateCode}`) + reviewPart(reviewStatus);

/** The cursor tag of CMS's list, by the filters it has. */
export function cmsListTag(
  stateCode?: StateCode,
  status?: PackageStatus,
  reviewStatus?: ReviewStatus,
): string {
  return cmsBaseTag(stateCode, status) + reviewPart(reviewStatus);
}

function cmsBaseTag(stateCode?: StateCode, status?: PackageStatus): string {
  if (stateCode && status) return `cms:state:${stateCode}:status:${status}`;
  if (stateCode) return `cms:state:${stateCode}`;
  if (status) return `cms:status:${status}`;
  return 'cms';
}

/** Checks a review status filter: VALIDATION_FAILED on `reviewStatus` when it is not one. */
export function reviewStatusFilter(reviewStatus: unknown): ReviewStatus | undefined {
  if (reviewStatus === undefined) return undefined;
  if (!(REVIEW_STATUSES as readonly unknown[]).includes(reviewStatus))
    throw invalidField('reviewStatus', `must be one of ${REVIEW_STATUSES.join(', ')}`);
  return reviewStatus as ReviewStatus;
}

/**
 * CMS's list of never-submitted drafts is empty on every backend; its options are still checked,
 * so a bad one is refused as on any list. Undefined when the list must be read.
 */
export function knownEmptyCmsPage(query: ListOptions & { status?: PackageStatus }): Page<never> | undefined {
  if (query.status !== 'DRAFT') return undefined;
  listPlan('cms', query);
  return { items: [] };
}
