/**
 * Rates and their links on DynamoDB (issue 13): reads, lists and the graph write. Layout in
 * docs/dynamodb.md. TODO(issue 13, store-dynamo): not built yet; every method refuses.
 */
import type { RateMaintenance, Store } from '../store.js';
import type { DynamoTable } from './dynamo-table.js';

const pending = (): never => {
  throw new Error('rates are not built on DynamoDB yet (issue 13)');
};

export function createDynamoRates(
  _table: DynamoTable,
): Pick<Store, 'getRate' | 'getRates' | 'listRates' | 'changeGraph'> {
  return { getRate: pending, getRates: pending, listRates: pending, changeGraph: pending };
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
