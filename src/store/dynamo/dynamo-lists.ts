/** DynamoDB's package lists (one index each) and audit trails (one Query of the package's partition). */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { PackageStatus, PackageSummary, UpdatedBounds } from '../../domain/index.js';
import {
  cmsListTag,
  decodeCursor,
  encodeCursor,
  isStringRecord,
  knownEmptyCmsPage,
  listPlan,
  pageSize,
  reviewStatusFilter,
  stateListTag,
} from '../paging.js';
import type {
  ListByStateQuery,
  ListOptions,
  ListSubmittedQuery,
  Page,
  PageRequest,
  Store,
} from '../store.js';
import {
  AUDIT_SK_PREFIX,
  byStateReviewPartition,
  CMS_FACT_ATTRIBUTES,
  INDEX_PARTITION_ATTRIBUTE,
  INDEX_SORT_ATTRIBUTE,
  type IndexName,
  packagePk,
  submittedByReviewPartition,
  submittedByStateReviewPartition,
} from './dynamo-keys.js';
import { type Item, itemToAudit, itemToCmsSummary, itemToSummary } from './dynamo-marshal.js';
import type { DynamoTable } from './dynamo-table.js';

/** How a list reads a head: the attribute its program filter tests, and the summary it shows. */
export interface ListView<T> {
  programs: string;
  toSummary: (item: Item) => T;
}
/** A state's own lists: the heads as they are, current revision included. */
const STATE_VIEW: ListView<PackageSummary> = { programs: 'programIds', toSummary: itemToSummary };
/** CMS's lists: the facts of the last submission (an unlocked draft's edits stay private). */
const CMS_VIEW: ListView<PackageSummary> = {
  programs: CMS_FACT_ATTRIBUTES.programIds,
  toSummary: itemToCmsSummary,
};

/** The most index items one filtered Query reads (before the filter): bounds each request's work. */
const MAX_FILTERED_READ = 500;

/**
 * One page of a list index: a partition read newest (or oldest) first, filtered by program (and
 * a status the key does not hold), paged by the last item's keys.
 */
export async function listIndexOf<T>(
  table: DynamoTable,
  index: IndexName,
  partition: string,
  query: ListOptions,
  listTag: string,
  view: ListView<T>,
  /** A status the index's key does not hold (lists by review status): filtered like a program. */
  status?: PackageStatus,
): Promise<Page<T>> {
  const { client, name: TableName } = table;
  const { limit, order, programId, updated, tag } = listPlan(listTag, query);
  const pkAttr = INDEX_PARTITION_ATTRIBUTE[index];
  const sortAttr = INDEX_SORT_ATTRIBUTE[index];
  const filters: string[] = [];
  const names: Record<string, string> = { '#pk': pkAttr };
  const values: Record<string, unknown> = { ':pk': partition };
  const keyCondition = updatedKeyCondition(updated, names, values, sortAttr);
  if (programId) {
    filters.push('contains(#programs, :program)');
    names['#programs'] = view.programs;
    values[':program'] = programId;
  }
  if (status) {
    filters.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = status;
  }
  const filtered = filters.length > 0;
  let start = decodeCursor(tag, query.cursor, isStringRecord);
  const items: Item[] = [];
  // Ask for one more than a page: whether it exists decides whether there is a next page.
  // With a program filter, Limit counts items read before the filter: keep reading, in reads that
  // grow while they come back short (bounded per request), until the page is full or the index ends.
  let readSize = 0;
  do {
    const wanted = limit + 1 - items.length;
    readSize = filtered ? Math.min(MAX_FILTERED_READ, Math.max(wanted, readSize * 2)) : wanted;
    const out = await client.send(
      new QueryCommand({
        TableName,
        IndexName: index,
        KeyConditionExpression: keyCondition,
        ...(filtered ? { FilterExpression: filters.join(' AND ') } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: order === 'oldest',
        Limit: readSize,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((out.Items ?? []) as Item[]));
    start = out.LastEvaluatedKey as Record<string, string> | undefined;
  } while (start && items.length <= limit);
  // A filtered read may bring more than the page and its lookahead: the cursor is always the
  // page's last item, never where the read stopped, so nothing is skipped.
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  const cursor =
    items.length > limit && last
      ? encodeCursor(tag, { PK: last.PK, SK: last.SK, [pkAttr]: last[pkAttr], [sortAttr]: last[sortAttr] })
      : undefined;
  return { items: page.map(view.toSummary), ...(cursor ? { cursor } : {}) };
}

/**
 * The key condition of a list read: its partition, and an updated-date range as a range of the
 * sort key (`{updatedAt}#{id}`, ISO instants sorting as text), so no item outside it is read.
 * A key never equals a bound (it goes on with `#id`), so BETWEEN's inclusive end keeps `< before`.
 */
function updatedKeyCondition(
  updated: UpdatedBounds,
  names: Record<string, string>,
  values: Record<string, unknown>,
  sortAttr: string,
): string {
  const { atOrAfter, before } = updated;
  if (!atOrAfter && !before) return '#pk = :pk';
  names['#sk'] = sortAttr;
  if (atOrAfter) values[':from'] = atOrAfter;
  if (before) values[':before'] = before;
  if (atOrAfter && before) return '#pk = :pk AND #sk BETWEEN :from AND :before';
  return atOrAfter ? '#pk = :pk AND #sk >= :from' : '#pk = :pk AND #sk < :before';
}

export type PackageLists = Pick<Store, 'listByState' | 'listSubmitted' | 'listAudit'>;

export function createDynamoLists(table: DynamoTable): PackageLists {
  const { client, name: TableName } = table;
  const listIndex = (
    index: IndexName,
    partition: string,
    query: ListOptions,
    tag: string,
    view: ListView<PackageSummary>,
    status?: PackageStatus,
  ) => listIndexOf(table, index, partition, query, tag, view, status);

  return {
    listByState(stateCode, query: ListByStateQuery = {}) {
      const { status } = query;
      const reviewStatus = reviewStatusFilter(query.reviewStatus);
      const tag = stateListTag(stateCode, status, reviewStatus);
      if (reviewStatus) {
        const partition = byStateReviewPartition(stateCode, reviewStatus);
        return listIndex('byStateReview', partition, query, tag, STATE_VIEW, status);
      }
      return status
        ? listIndex('byStateStatus', `STATE#${stateCode}#${status}`, query, tag, STATE_VIEW)
        : listIndex('byState', `STATE#${stateCode}`, query, tag, STATE_VIEW);
    },

    async listSubmitted(query: ListSubmittedQuery = {}) {
      const empty = knownEmptyCmsPage(query);
      if (empty) return empty;
      const { stateCode, status } = query;
      const reviewStatus = reviewStatusFilter(query.reviewStatus);
      const tag = cmsListTag(stateCode, status, reviewStatus);
      if (reviewStatus) {
        // One index per review status (and state); a status as well is filtered, like a program.
        return stateCode
          ? listIndex(
              'submittedByStateReview',
              submittedByStateReviewPartition(stateCode, reviewStatus),
              query,
              tag,
              CMS_VIEW,
              status,
            )
          : listIndex(
              'submittedByReview',
              submittedByReviewPartition(reviewStatus),
              query,
              tag,
              CMS_VIEW,
              status,
            );
      }
      if (stateCode && status) {
        return listIndex(
          'submittedByStateStatus',
          `SUBMITTED#STATE#${stateCode}#${status}`,
          query,
          tag,
          CMS_VIEW,
        );
      }
      if (stateCode)
        return listIndex('submittedByState', `SUBMITTED#STATE#${stateCode}`, query, tag, CMS_VIEW);
      if (status) return listIndex('submittedByStatus', `SUBMITTED#STATUS#${status}`, query, tag, CMS_VIEW);
      return listIndex('submitted', 'SUBMITTED', query, tag, CMS_VIEW);
    },

    async listAudit(packageId, request: PageRequest = {}) {
      const limit = pageSize(request.limit);
      const tag = `audit:${packageId}`;
      const after = decodeCursor(tag, request.cursor, (p): p is string => typeof p === 'string');
      const pk = packagePk(packageId);
      const out = await client.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :audit)',
          ExpressionAttributeValues: { ':pk': pk, ':audit': AUDIT_SK_PREFIX },
          ExclusiveStartKey: after ? { PK: pk, SK: after } : undefined,
          ConsistentRead: true,
          Limit: limit + 1,
        }),
      );
      const items = (out.Items ?? []) as Item[];
      const page = items.slice(0, limit);
      const cursor = items.length > limit ? encodeCursor(tag, page[page.length - 1]!.SK) : undefined;
      return { items: page.map(itemToAudit), ...(cursor ? { cursor } : {}) };
    },
  };
}
