/**
 * Copy, backup and mirroring support for rates: scans of the rate partitions, imports guarded
 * as packages' (version of the head, the rate-number claim), the rate counters, removal.
 */
import { assertStorableText, type Rate } from '../../domain/index.js';
import { inParallel } from '../../lib/parallel.js';
import { latestOfEach, numberTaken, refuseSharedRateNumbers } from '../import-checks.js';
import { scanPageSize } from '../paging.js';
import type { ImportOptions, Page, RateMaintenance } from '../store.js';
import { RATE_NUMBERS, raiseCounters, readCounters } from './dynamo-counters.js';
import { type ImportedRecord, importRecordItems } from './dynamo-import.js';
import { rateHeadKey, rateNumberClaimKey, ratePk } from './dynamo-keys.js';
import { scanCollections, writeAll } from './dynamo-maintenance.js';
import type { Item } from './dynamo-marshal.js';
import { itemsToRate, rateClaimItem, rateItems } from './dynamo-rate-marshal.js';
import type { DynamoTable } from './dynamo-table.js';

const WRITE_CONCURRENCY = 8;

/** Every item of a rate with its number claim, in the order an import wants: head, claim, the rest. */
export function rateToItems(rate: Rate): Item[] {
  const [head, ...rest] = rateItems(rate);
  return [head!, rateClaimItem(rate), ...rest];
}

const ratePartition = (table: DynamoTable, id: string) =>
  table.queryAll({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': ratePk(id) },
    ConsistentRead: true,
  });

function importedRate(table: DynamoTable, rate: Rate): ImportedRecord {
  return {
    id: rate.id,
    version: rate.version,
    headKey: rateHeadKey(rate.id),
    readItems: () => ratePartition(table, rate.id),
    claimOwner: 'rateId',
    async numberTaken() {
      const key = rateNumberClaimKey(rate.stateCode, rate.stateRateNumber);
      const [claim] = await table.batchGet([key]);
      const holder = String(claim?.rateId ?? 'another rate');
      const n = rate.stateRateNumber;
      return numberTaken(
        [{ id: holder, stateCode: rate.stateCode, stateNumber: n, wantedBy: rate.id }],
        'rate',
      );
    },
  };
}

export function createDynamoRateMaintenance(table: DynamoTable): RateMaintenance {
  return {
    async scanRates(request): Promise<Page<Rate>> {
      const limit = scanPageSize(request);
      const items: Rate[] = [];
      const cursor = await scanCollections(
        table,
        request,
        `scan:rates:${request.partition}/${request.partitions}`,
        (group) => {
          if (!String(group[0]!.PK).startsWith('RATE#')) return;
          const rate = itemsToRate(group);
          // A scan reads a partition's items together (one key's collection, in order), as a Query.
          if (rate === 'incomplete') throw new Error(`rate ${String(group[0]!.PK)} was read incomplete`);
          if (rate) items.push(rate);
        },
        () => items.length >= limit,
      );
      return { items, ...(cursor ? { cursor } : {}) };
    },

    async importRates(rates, options: ImportOptions = {}) {
      assertStorableText(rates, ['rates']);
      const mode = options.mode ?? 'replace';
      const given = latestOfEach(rates);
      refuseSharedRateNumbers(given);
      if (mode === 'overwrite') {
        // Blind batch writes: an empty target that nothing else writes to (see ImportOptions).
        await writeAll(
          table,
          given.flatMap((r) => rateToItems(r).map((Item) => ({ PutRequest: { Item } }))),
        );
        return;
      }
      await inParallel(given, WRITE_CONCURRENCY, (r) =>
        importRecordItems(table, importedRate(table, r), rateToItems(r), mode),
      );
    },

    getRateCounters: (only) => readCounters(table, RATE_NUMBERS, only),
    raiseRateCounters: (counters) => raiseCounters(table, RATE_NUMBERS, counters),

    async removeRate(id) {
      const items = await ratePartition(table, id);
      await writeAll(
        table,
        items.map((i) => ({ DeleteRequest: { Key: { PK: i.PK, SK: i.SK } } })),
      );
    },
  };
}
