/**
 * Rates and their links on DynamoDB (issue 13): reads and lists (dynamo-rate-reads), the graph
 * write (dynamo-rate-graph) and maintenance. Layout in docs/dynamodb.md.
 */
import type { RateMaintenance, Store } from '../store.js';
import { getRate, getRates, listRates } from './dynamo-rate-reads.js';
import type { DynamoTable } from './dynamo-table.js';

const pending = (): never => {
  throw new Error('rates are not built on DynamoDB yet (issue 13)');
};

export function createDynamoRates(
  table: DynamoTable,
): Pick<Store, 'getRate' | 'getRates' | 'listRates' | 'changeGraph'> {
  return {
    getRate: (id) => getRate(table, id),
    getRates: (ids) => getRates(table, ids),
    listRates: (query) => listRates(table, query),
    changeGraph: pending,
  };
}

export function createDynamoRateMaintenance(_table: DynamoTable): RateMaintenance {
  return {
    scanRates: pending,
    importRates: pending,
    getRateCounters: pending,
    raiseRateCounters: pending,
    removeRate: pending,
  };
}
