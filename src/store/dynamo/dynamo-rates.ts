/**
 * Rates and their links on DynamoDB (issue 13): reads and lists (dynamo-rate-reads), the graph
 * write (dynamo-rate-graph) and maintenance. Layout in docs/dynamodb.md.
 */
import type { Store } from '../store.js';
import { createDynamoGraph } from './dynamo-rate-graph.js';
import { getRate, getRates, listRates } from './dynamo-rate-reads.js';
import type { DynamoTable } from './dynamo-table.js';

export function createDynamoRates(
  table: DynamoTable,
): Pick<Store, 'getRate' | 'getRates' | 'listRates' | 'changeGraph'> {
  return {
    getRate: (id) => getRate(table, id),
    getRates: (ids) => getRates(table, ids),
    listRates: (query) => listRates(table, query),
    ...createDynamoGraph(table),
  };
}

export { createDynamoRateMaintenance } from './dynamo-rate-maintenance.js';
