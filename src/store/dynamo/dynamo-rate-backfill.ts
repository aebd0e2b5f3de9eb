/**
 * The one-off upgrade of a table written before rates were records (issue 13): package
 * revisions that still embed rate certifications (`formData.rateCertifications`, rate documents
 * with a `rateId`) get them as CHILD rate records with links (domain `embeddedRatesToRecords`),
 * each rate numbered from its state's rate counter. A resumable pass (dynamo-upgrade-pass.ts):
 * - Idempotent and safe beside live writes: a package is converted from what was read, and the
 *   rates and the converted package are written in ONE transaction whose head write holds only
 *   while the package is still at the version read; on a lost race it is read and converted
 *   again. A package with nothing embedded any more (converted by another process) is skipped.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { embeddedRatesToRecords, type Package, type Rate } from '../../domain/index.js';
import { allocateNumbers, catchUpCounter, RATE_NUMBERS } from './dynamo-counters.js';
import { ConditionFailed } from './dynamo-errors.js';
import { importedPackage, importRecordItems, itemDifferences } from './dynamo-import.js';
import { packagePk, rateHeadKey, ratePk } from './dynamo-keys.js';
import { packageToItems } from './dynamo-maintenance.js';
import { type Item, itemsToPackage } from './dynamo-marshal.js';
import { TRANSACTION_BYTES, TRANSACTION_ITEMS } from './dynamo-rate-graph.js';
import { rateToItems } from './dynamo-rate-maintenance.js';
import type { DynamoTable, TransactItem } from './dynamo-table.js';
import { markPassDone, runUpgradePass, type UpgradePass } from './dynamo-upgrade-pass.js';

export const RATE_BACKFILL = 'embedded-rates';
const PACKAGE_ATTEMPTS = 10;

export interface RateBackfillResult {
  /** Packages whose embedded rates this call moved into rate records. */
  packages: number;
  /** False when the pass had already finished before (nothing was scanned). */
  ran: boolean;
}

/** Records that the pass is not needed: a table created in the current layout. */
export const markRateBackfillDone = (client: DynamoDBClient, tableName: string) =>
  markPassDone(client, tableName, RATE_BACKFILL);

const RATE_PASS: UpgradePass = {
  name: RATE_BACKFILL,
  scan: {
    // Package revisions still embedding rate certifications (rate revisions are `rate-revision`).
    FilterExpression: 'begins_with(PK, :pkg) AND #kind = :revision AND size(#fd.#rc) > :none',
    ExpressionAttributeNames: { '#kind': 'kind', '#fd': 'formData', '#rc': 'rateCertifications' },
    ExpressionAttributeValues: { ':pkg': packagePk(''), ':revision': 'revision', ':none': 0 },
    ProjectionExpression: 'PK',
  },
  // A package's revisions are one item collection: it may appear more than once, once converted.
  idsOf: (items) => [...new Set(items.map((i) => String(i.PK).slice(packagePk('').length)))],
  upgrade: convertPackage,
  concurrency: 4,
};

/** Runs (or resumes) the pass unless it finished before; `onProgress` after each package moved. */
export async function backfillEmbeddedRates(
  client: DynamoDBClient,
  tableName: string,
  options: { pageItems?: number; onProgress?: (packages: number) => void } = {},
): Promise<RateBackfillResult> {
  const { written, ran } = await runUpgradePass(client, tableName, RATE_PASS, options);
  return { packages: written, ran };
}

/** The ids of the rates a package embeds, in the order of their first appearance (oldest revision first). */
function embeddedRateIds(pkg: Package): string[] {
  return [
    ...new Set([...pkg.revisions].reverse().flatMap((r) => r.formData.rateCertifications.map((c) => c.id))),
  ];
}

/**
 * Converts one package; true when it wrote. Numbers taken stay with their rates across
 * attempts (a lost race does not take new ones), and a rate left by an interrupted chunked
 * conversion (below) keeps its number.
 */
async function convertPackage(table: DynamoTable, id: string): Promise<boolean> {
  const numbers = new Map<string, number>();
  for (let attempt = 1; attempt <= PACKAGE_ATTEMPTS; attempt++) {
    const items = await table.packageItems(id);
    const pkg = itemsToPackage(items);
    if (!pkg) return false; // deleted meanwhile
    const rateIds = embeddedRateIds(pkg);
    if (rateIds.length === 0) return false; // converted meanwhile (another process)
    const leftovers = await leftoverRates(table, pkg, rateIds);
    for (const [rateId, n] of leftovers) numbers.set(rateId, n);
    const unnumbered = rateIds.filter((r) => !numbers.has(r));
    if (unnumbered.length > 0) {
      const taken = await allocateNumbers(table, RATE_NUMBERS, pkg.stateCode, unnumbered.length);
      for (const [i, r] of unnumbered.entries()) numbers.set(r, taken[i]!);
    }
    const converted = embeddedRatesToRecords(pkg, (rateId) => numbers.get(rateId)!);
    const [head, , ...children] = packageToItems(converted.package);
    const headWrite: TransactItem = {
      Put: {
        TableName: table.name,
        Item: head!,
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': pkg.version },
      },
    };
    const packageWrites = [headWrite, ...itemDifferences(table.name, items, children, head!)];
    const rateWrites = converted.rates.flatMap((r) => newRateWrites(table.name, r));
    const writes = [...packageWrites, ...rateWrites];
    const bytes = writes.reduce((n, w) => n + Buffer.byteLength(JSON.stringify(w)), 0);
    if (leftovers.size === 0 && writes.length <= TRANSACTION_ITEMS && bytes <= TRANSACTION_BYTES) {
      try {
        await table.transact(writes);
        return true;
      } catch (e) {
        if (!(e instanceof ConditionFailed)) throw e;
        const claims = e.failedIndexes.filter((i) => i >= packageWrites.length && isClaim(writes[i]!));
        if (claims.length > 0) {
          // The rate counter is behind its claims (rates imported without it): catch up, number again.
          await catchUpCounter(table, RATE_NUMBERS, pkg.stateCode);
          numbers.clear();
        }
        // Otherwise changed meanwhile (or its rates written by another process): read again.
        continue;
      }
    }
    await convertInSteps(table, converted);
    // Done when the package embeds nothing any more; otherwise it changed meanwhile: again.
    const now = itemsToPackage(await table.packageItems(id));
    if (!now || embeddedRateIds(now).length === 0) return true;
  }
  throw new Error(
    `moving the embedded rates of package ${id}: still changing after ${PACKAGE_ATTEMPTS} attempts, run the upgrade again`,
  );
}

/** The items of a new rate: head and number claim each required new (or the claim this rate's). */
function newRateWrites(TableName: string, rate: Rate): TransactItem[] {
  const [head, claim, ...rest] = rateToItems(rate);
  return [
    { Put: { TableName, Item: head!, ConditionExpression: 'attribute_not_exists(PK)' } },
    {
      Put: {
        TableName,
        Item: claim!,
        ConditionExpression: 'attribute_not_exists(PK) OR rateId = :id',
        ExpressionAttributeValues: { ':id': rate.id },
      },
    },
    ...rest.map((Item): TransactItem => ({ Put: { TableName, Item } })),
  ];
}

const isClaim = (w: TransactItem) => String(w.Put?.Item?.SK ?? '').startsWith(RATE_NUMBERS.claimPrefix);

/**
 * The package's embedded rates that exist as records already, with their numbers: left by a
 * conversion in steps that stopped before the package was written. Any other record holding
 * one of the ids (another package's rate) is refused: the ids are the embedded certifications'.
 */
async function leftoverRates(
  table: DynamoTable,
  pkg: Package,
  rateIds: string[],
): Promise<Map<string, number>> {
  const heads = await table.batchGet(rateIds.map(rateHeadKey));
  const out = new Map<string, number>();
  for (const h of heads) {
    if (h.parentPackageId !== pkg.id || h.version !== 1) {
      throw new Error(
        `moving the embedded rates of package ${pkg.id}: rate ${String(h.id)} exists already as another record`,
      );
    }
    out.set(String(h.id), h.stateRateNumber as number);
  }
  return out;
}

/**
 * A package too large for one transaction with its rates (DynamoDB allows 100 items and 4 MB;
 * up to 20 rates with revisions and documents each, and the package's own rewritten revisions
 * and documents, can exceed that). The rates go first, each by the version-guarded import (its
 * head new, or the one an interrupted earlier step left: still version 1, parented by this
 * package and linked by nothing, so nothing else has changed it), then the package last, by
 * the import of `replace` mode: its items in chunks each conditioned on the head still at the
 * version converted from, the head last. Until the head is in, readers see the package as it
 * was (embedding its rates) and rates no package links yet; a package changed meanwhile is not
 * written, and the caller converts it again, reusing the rates' numbers.
 */
async function convertInSteps(table: DynamoTable, converted: { package: Package; rates: Rate[] }) {
  for (const rate of converted.rates) {
    await importRecordItems(
      table,
      {
        id: rate.id,
        version: rate.version,
        headKey: rateHeadKey(rate.id),
        readItems: async () => {
          const items = await table.queryAll({
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': ratePk(rate.id) },
            ConsistentRead: true,
          });
          const head = items.find((i: Item) => i.SK === rateHeadKey(rate.id).SK);
          if (head && (head.parentPackageId !== converted.package.id || head.version !== 1)) {
            throw new Error(`moving embedded rates: rate ${rate.id} was changed meanwhile`);
          }
          return items;
        },
        claimOwner: 'rateId',
        numberTaken: async () =>
          new Error(
            `moving embedded rates: rate number ${rate.stateRateNumber} of ${rate.stateCode} is taken`,
          ),
      },
      rateToItems(rate),
      'force',
    );
  }
  const pkg = converted.package;
  await importRecordItems(table, importedPackage(table, pkg), packageToItems(pkg), 'replace');
}
