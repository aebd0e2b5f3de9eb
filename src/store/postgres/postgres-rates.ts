/**
 * Rates and their links on PostgreSQL (issue 13): reads, lists and the graph write, over the
 * tables of the rates migration. TODO(issue 13, store-pg): not built yet; every method refuses.
 */

import type { Kysely } from 'kysely';
import type { RateMaintenance, Store } from '../store.js';
import type { Database } from './postgres-schema.js';

const pending = (): never => {
  throw new Error('rates are not built on PostgreSQL yet (issue 13)');
};

export function createPostgresRates(
  _db: Kysely<Database>,
): Pick<Store, 'getRate' | 'getRates' | 'listRates' | 'changeGraph'> {
  return { getRate: pending, getRates: pending, listRates: pending, changeGraph: pending };
}

export function createPostgresRateMaintenance(_db: Kysely<Database>): RateMaintenance {
  return {
    scanRates: pending,
    importRates: pending,
    getRateCounters: pending,
    raiseRateCounters: pending,
    removeRate: pending,
  };
}
