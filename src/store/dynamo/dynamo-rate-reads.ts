/**
 * Reading rates: one rate in one Query of its partition; many in at most two requests (the heads,
 * then every revision and withdrawal item they count but do not carry, keyed exactly),
 * whatever their number; the rate lists by the overloaded `submitted*` indexes.
 */
import {
  invalidField,
  MAX_GRAPH_RATES,
  RATE_STATUSES,
  type Rate,
  type RateStatus,
  type RateSummary,
} from '../../domain/index.js';
import { notFound } from '../errors.js';
import { listPlan } from '../paging.js';
import type { ListRatesQuery, Page } from '../store.js';
import {
  RATE_HEAD_SK,
  RATES_LIST_PARTITION,
  ratePk,
  ratesByStatePartition,
  ratesByStateStatusPartition,
  ratesByStatusPartition,
} from './dynamo-keys.js';
import { type ListView, listIndexOf } from './dynamo-lists.js';
import type { Item } from './dynamo-marshal.js';
import {
  itemsToRate,
  itemToRateSummary,
  RATE_PROGRAMS_ATTRIBUTE,
  rateChildKeys,
} from './dynamo-rate-marshal.js';
import type { DynamoTable } from './dynamo-table.js';

/** Reads of a rate that keep meeting a change landing between two requests before giving up. */
const MAX_TORN_READS = 5;

const RATE_VIEW: ListView<RateSummary> = { programs: RATE_PROGRAMS_ATTRIBUTE, toSummary: itemToRateSummary };

/** One rate, whole, or undefined: one consistent Query (paged past 1 MB, still one key condition). */
export async function readRate(table: DynamoTable, id: string): Promise<Rate | undefined> {
  for (let attempt = 1; ; attempt++) {
    const rate = itemsToRate(
      await table.queryAll({
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': ratePk(id) },
        ConsistentRead: true,
      }),
    );
    if (rate !== 'incomplete') return rate;
    // Only a Query paged past 1 MB can meet a change halfway; the next read sees it whole.
    if (attempt >= MAX_TORN_READS) throw new Error(`rate ${id} kept changing while being read`);
  }
}

/**
 * The rates of these ids that exist, by id: the heads in one request (a keyed SELECT for up to ten,
 * a BatchGetItem beyond: DynamoTable.getBySortKey), then every item they count but do not carry in
 * one BatchGetItem more, if any (100 keys per request, sent together). A rate that changed between
 * the two (its items not those its head counts) is read again by its own Query.
 */
export async function readRates(table: DynamoTable, ids: readonly string[]): Promise<Map<string, Rate>> {
  const unique = [...new Set(ids)];
  const rates = new Map<string, Rate>();
  if (unique.length === 0) return rates;
  const heads = await table.getBySortKey(unique.map(ratePk), RATE_HEAD_SK);
  const children = await table.batchGet(heads.flatMap(rateChildKeys));
  const byRate = new Map<string, Item[]>(heads.map((h) => [String(h.PK), [h]]));
  for (const child of children) byRate.get(String(child.PK))?.push(child);
  await Promise.all(
    [...byRate.values()].map(async (items) => {
      const id = String(items[0]!.id);
      const rate = itemsToRate(items);
      const whole = rate === 'incomplete' ? await readRate(table, id) : rate;
      if (whole) rates.set(id, whole);
    }),
  );
  return rates;
}

export async function getRate(table: DynamoTable, id: string): Promise<Rate> {
  const rate = await readRate(table, id);
  if (!rate) throw notFound('rate', id);
  return rate;
}

export async function getRates(table: DynamoTable, ids: readonly string[]): Promise<Rate[]> {
  if (ids.length > MAX_GRAPH_RATES) throw invalidField('ids', `at most ${MAX_GRAPH_RATES} rates at once`);
  const rates = await readRates(table, ids);
  return ids.flatMap((id) => rates.get(id) ?? []);
}

function rateStatusFilter(status: unknown): RateStatus | undefined {
  if (status === undefined) return undefined;
  if (!(RATE_STATUSES as readonly unknown[]).includes(status))
    throw invalidField('status', `must be one of ${RATE_STATUSES.join(', ')}`);
  return status as RateStatus;
}

/** Rates submitted at least once, by the `submitted*` index their filters key (a program is filtered). */
export async function listRates(table: DynamoTable, query: ListRatesQuery = {}): Promise<Page<RateSummary>> {
  const { stateCode } = query;
  const status = rateStatusFilter(query.status);
  const tag = `rates${stateCode ? `:state:${stateCode}` : ''}${status ? `:status:${status}` : ''}`;
  if (status === 'DRAFT') {
    // A never-submitted rate is in no list; the options are still checked.
    listPlan(tag, query);
    return { items: [] };
  }
  if (stateCode && status) {
    const partition = ratesByStateStatusPartition(stateCode, status);
    return listIndexOf(table, 'submittedByStateStatus', partition, query, tag, RATE_VIEW);
  }
  if (stateCode)
    return listIndexOf(table, 'submittedByState', ratesByStatePartition(stateCode), query, tag, RATE_VIEW);
  if (status)
    return listIndexOf(table, 'submittedByStatus', ratesByStatusPartition(status), query, tag, RATE_VIEW);
  return listIndexOf(table, 'submitted', RATES_LIST_PARTITION, query, tag, RATE_VIEW);
}
