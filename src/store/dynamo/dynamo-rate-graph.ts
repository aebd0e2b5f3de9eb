/**
 * The graph write on DynamoDB (`Store.changeGraph`): read the packages (their one Query each) and
 * rates (at most two BatchGetItem rounds) a plan names, plan again while it needs more (bounded), number
 * new rates from the state's rate counter, then ONE TransactWriteItems holding every package
 * change (the package writer's own items), every rate change, a version check on each record
 * read but unchanged, and the audit events. A lost race reads and plans again (bounded).
 *
 * The reads are several requests, so a plan may see records as they were at different moments.
 * A change is safe from that (its transaction checks every version read); a refusal writes
 * nothing, so it stands only once a transaction of the same checks confirms every record read
 * is still as read, and those found absent still are — else it reads and plans again.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  DomainError,
  type GraphChange,
  type GraphNeeds,
  type GraphRead,
  type GraphResult,
  hasErrorCode,
  invalidField,
  isGraphNeeds,
  MAX_GRAPH_PACKAGES,
  MAX_GRAPH_RATES,
  type Package,
  type Rate,
  type RateGraph,
} from '../../domain/index.js';
import { CHANGE_ATTEMPTS, raceBackoff } from '../change-retry.js';
import { alreadyExists, graphChangedMeanwhile } from '../errors.js';
import { allocateNumbers, catchUpCounter, RATE_NUMBERS } from './dynamo-counters.js';
import { ConditionFailed } from './dynamo-errors.js';
import { headKey, rateHeadKey, rateRevisionKey, rateWithdrawalKey } from './dynamo-keys.js';
import { itemsToPackage } from './dynamo-marshal.js';
import { auditPut, changeWrites, deleteWrites } from './dynamo-package-writes.js';
import {
  rateClaimItem,
  rateHeadToItem,
  rateItems,
  rateRevisionToItem,
  rateWithdrawalToItem,
} from './dynamo-rate-marshal.js';
import { readRates } from './dynamo-rate-reads.js';
import type { DynamoTable, TransactItem } from './dynamo-table.js';

/** Reads of one change: the first and up to three for what the plan says it needs. */
const MAX_GRAPH_ROUNDS = 4;
/** Rate-number collisions tolerated in one change; each raises the counter past the claims. */
const MAX_NUMBER_ATTEMPTS = 5;
/** DynamoDB's limits of one transaction: items, and bytes (4 MB; JSON's length over-estimates an item). */
export const TRANSACTION_ITEMS = 100;
export const TRANSACTION_BYTES = 4_000_000;

/** What a failed condition at one position of the transaction means. */
type Guard =
  | { kind: 'version'; id: string }
  | { kind: 'new-rate'; id: string }
  | { kind: 'claim'; stateCode: string }
  | { kind: 'frozen'; id: string }
  | { kind: 'none' };

/** The records a change read, filled in as it reads them. */
interface ReadGraph {
  packages: Map<string, Package>;
  rates: Map<string, Rate>;
  absent: { packageIds: string[]; rateIds: string[] };
}
interface Planned {
  graph: RateGraph;
  change: GraphChange;
}
interface Prepared extends Planned {
  graph: ReadGraph;
  writes: [TransactItem, Guard][];
}
/** A refusal (a coded error) and the records it answered from. */
interface Refused {
  graph: ReadGraph;
  refusal: unknown;
}

export function createDynamoGraph(table: DynamoTable) {
  const TableName = table.name;

  async function readPackages(ids: readonly string[], into: Map<string, Package>) {
    await Promise.all(
      ids.map(async (id) => {
        const pkg = itemsToPackage(await table.packageItems(id));
        if (pkg) into.set(id, pkg);
      }),
    );
  }

  /**
   * Reads what `read` names into `graph`, runs the plan, reads what it needs and plans again
   * (bounded). `graph` holds what was read however this ends, a refusal included.
   */
  async function readAndPlan(
    read: GraphRead,
    plan: (graph: RateGraph) => GraphChange | GraphNeeds,
    graph: ReadGraph,
  ): Promise<GraphChange> {
    const { packages, rates, absent } = graph;
    const askedPackages = new Set<string>();
    const askedRates = new Set<string>();
    let want = read;
    for (let round = 1; ; round++) {
      const newPackages = [...new Set(want.packageIds ?? [])].filter((id) => !askedPackages.has(id));
      const newRates = [...new Set(want.rateIds ?? [])].filter((id) => !askedRates.has(id));
      for (const id of newPackages) askedPackages.add(id);
      for (const id of newRates) askedRates.add(id);
      if (askedPackages.size > MAX_GRAPH_PACKAGES)
        throw invalidField('packageIds', `a change reads at most ${MAX_GRAPH_PACKAGES} packages`);
      if (askedRates.size > MAX_GRAPH_RATES)
        throw invalidField('rateIds', `a change reads at most ${MAX_GRAPH_RATES} rates`);
      const [, found] = await Promise.all([readPackages(newPackages, packages), readRates(table, newRates)]);
      for (const [id, rate] of found) rates.set(id, rate);
      // What was asked and not found, so the plan knows it does not exist.
      absent.packageIds = [...askedPackages].filter((id) => !packages.has(id));
      absent.rateIds = [...askedRates].filter((id) => !rates.has(id));
      const out = plan({ packages, rates, absent: { ...absent } });
      if (!isGraphNeeds(out)) return out;
      const more =
        (out.needs.packageIds ?? []).some((id) => !askedPackages.has(id)) ||
        (out.needs.rateIds ?? []).some((id) => !askedRates.has(id));
      if (!more || round >= MAX_GRAPH_ROUNDS) {
        throw invalidField('read', `the change still needs records after ${round} reads`);
      }
      want = out.needs;
    }
  }

  /** The change and its writes, ready to send; or the plan's refusal (a coded error) with what it was read from. */
  async function prepare(
    read: GraphRead,
    plan: (graph: RateGraph) => GraphChange | GraphNeeds,
  ): Promise<Prepared | Refused> {
    const graph: ReadGraph = {
      packages: new Map(),
      rates: new Map(),
      absent: { packageIds: [], rateIds: [] },
    };
    let change: GraphChange;
    try {
      change = await numbered(await readAndPlan(read, plan, graph), graph);
    } catch (e) {
      if (hasErrorCode(e)) return { graph, refusal: e };
      throw e;
    }
    const writes = transaction({ graph, change });
    // Too large for DynamoDB, whatever was read meanwhile: refused before anything is sent.
    checkLimits(writes);
    return { graph, change, writes };
  }

  /**
   * The ids of the records read that have moved on since (changed, deleted, or created where
   * found absent): none, and every record read was as read at one moment, after all the reads.
   * One transaction of condition checks, nothing written.
   */
  async function movedSinceRead(graph: ReadGraph): Promise<string[]> {
    const checks: [TransactItem, Guard][] = [
      ...[...graph.packages].map(([id, p]) => asRead(headKey(id), id, p.version)),
      ...[...graph.rates].map(([id, r]) => asRead(rateHeadKey(id), id, r.version)),
      ...graph.absent.packageIds.map((id) => stillAbsent(headKey(id), id)),
      ...graph.absent.rateIds.map((id) => stillAbsent(rateHeadKey(id), id)),
    ];
    if (checks.length === 0) return [];
    try {
      await table.transact(checks.map(([c]) => c));
      return [];
    } catch (e) {
      if (!(e instanceof ConditionFailed)) throw e;
      return e.failedIndexes.flatMap((i) => {
        const guard = checks[i]![1];
        return guard.kind === 'version' ? [guard.id] : [];
      });
    }
  }

  /** A record read but unchanged: the change holds only while it is still as read. */
  function asRead(key: Record<string, unknown>, id: string, version: number): [TransactItem, Guard] {
    return [
      {
        ConditionCheck: {
          TableName,
          Key: key,
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': version },
        },
      },
      { kind: 'version', id },
    ];
  }

  function stillAbsent(key: Record<string, unknown>, id: string): [TransactItem, Guard] {
    return [
      { ConditionCheck: { TableName, Key: key, ConditionExpression: 'attribute_not_exists(PK)' } },
      { kind: 'version', id },
    ];
  }

  /** Numbers the change's new rates (stateRateNumber 0) from their states' rate counters. */
  async function numbered(change: GraphChange, graph: RateGraph): Promise<GraphChange> {
    const fresh = change.rates.filter((r) => !graph.rates.has(r.id) && r.stateRateNumber === 0);
    if (fresh.length === 0) return change;
    if (!change.withRateNumbers)
      throw new Error('a change creating rates must number them (withRateNumbers)');
    const numbers = new Map<string, number>();
    const byState = new Map<string, Rate[]>();
    for (const r of fresh) byState.set(r.stateCode, [...(byState.get(r.stateCode) ?? []), r]);
    await Promise.all(
      [...byState].map(async ([code, rates]) => {
        const taken = await allocateNumbers(table, RATE_NUMBERS, code, rates.length);
        for (const [i, r] of rates.entries()) numbers.set(r.id, taken[i]!);
      }),
    );
    return change.withRateNumbers(numbers);
  }

  /** The writes of a rate changed from `before` (undefined: new). */
  function rateWrites(before: Rate | undefined, after: Rate): [TransactItem, Guard][] {
    if (!before) {
      return [
        [
          {
            Put: { TableName, Item: rateHeadToItem(after), ConditionExpression: 'attribute_not_exists(PK)' },
          },
          { kind: 'new-rate', id: after.id },
        ],
        [
          { Put: { TableName, Item: rateClaimItem(after), ConditionExpression: 'attribute_not_exists(PK)' } },
          { kind: 'claim', stateCode: after.stateCode },
        ],
        ...rateItems(after)
          .slice(1)
          .map((Item): [TransactItem, Guard] => [{ Put: { TableName, Item } }, { kind: 'none' }]),
      ];
    }
    const writes: [TransactItem, Guard][] = [
      [
        {
          Put: {
            TableName,
            Item: rateHeadToItem(after),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': before.version },
          },
        },
        { kind: 'version', id: after.id },
      ],
    ];
    const frozen: Guard = { kind: 'frozen', id: after.id };
    // A submitted revision is frozen forever: only a new or still-draft revision is written or dropped.
    const notSubmitted = { ConditionExpression: 'attribute_not_exists(submitInfo)' };
    const old = new Map(before.revisions.map((r) => [r.number, r]));
    for (const rev of after.revisions) {
      if (isDeepStrictEqual(old.get(rev.number), rev)) continue;
      writes.push([{ Put: { TableName, Item: rateRevisionToItem(after.id, rev), ...notSubmitted } }, frozen]);
    }
    const kept = new Set(after.revisions.map((r) => r.number));
    for (const rev of before.revisions) {
      if (kept.has(rev.number)) continue;
      writes.push([
        { Delete: { TableName, Key: rateRevisionKey(after.id, rev.number), ...notSubmitted } },
        frozen,
      ]);
    }
    // Withdrawals are history: a change adds at most one, and never alters one.
    const added = after.withdrawals.length - before.withdrawals.length;
    if (added < 0 || added > 1 || !isDeepStrictEqual(after.withdrawals.slice(added), before.withdrawals)) {
      throw new Error(`refused: the change of rate ${after.id} would rewrite its withdrawals`);
    }
    if (added === 1) {
      const n = after.withdrawals.length;
      const Item = rateWithdrawalToItem(after.id, after.withdrawals[0]!, n);
      writes.push([{ Put: { TableName, Item, ConditionExpression: 'attribute_not_exists(PK)' } }, frozen]);
    }
    return writes;
  }

  /** The writes deleting a never-submitted rate, guarded by its version. */
  function rateDeleteWrites(before: Rate): [TransactItem, Guard][] {
    const n = before.withdrawals.length;
    return [
      [
        {
          Delete: {
            TableName,
            Key: rateHeadKey(before.id),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': before.version },
          },
        },
        { kind: 'version', id: before.id },
      ],
      ...before.revisions.map((r): [TransactItem, Guard] => [
        {
          Delete: {
            TableName,
            Key: rateRevisionKey(before.id, r.number),
            ConditionExpression: 'attribute_not_exists(submitInfo)',
          },
        },
        { kind: 'frozen', id: before.id },
      ]),
      ...before.withdrawals.map((_, i): [TransactItem, Guard] => [
        { Delete: { TableName, Key: rateWithdrawalKey(before.id, n - i) } },
        { kind: 'none' },
      ]),
    ];
  }

  /** Every write of the change, each with what its condition failing would mean. */
  function transaction({ graph, change }: Planned): [TransactItem, Guard][] {
    const writes: [TransactItem, Guard][] = [];
    const touched = new Set<string>();
    const mustHaveRead = <T>(map: ReadonlyMap<string, T>, id: string, what: string): T => {
      const record = map.get(id);
      if (!record) throw new Error(`a graph change may only change or delete a ${what} it read (${id})`);
      touched.add(id);
      return record;
    };
    const packageWrites = (items: TransactItem[], id: string) =>
      items.map((w, i): [TransactItem, Guard] => [
        w,
        i === 0 ? { kind: 'version', id } : { kind: 'frozen', id },
      ]);
    for (const after of change.packages) {
      const before = mustHaveRead(graph.packages, after.id, 'package');
      writes.push(...packageWrites(changeWrites(TableName, before, after), after.id));
    }
    for (const id of change.deletedPackageIds) {
      writes.push(...packageWrites(deleteWrites(TableName, mustHaveRead(graph.packages, id, 'package')), id));
    }
    for (const after of change.rates) {
      const before = graph.rates.get(after.id);
      if (before) touched.add(after.id);
      writes.push(...rateWrites(before, after));
    }
    for (const id of change.deletedRateIds) {
      writes.push(...rateDeleteWrites(mustHaveRead(graph.rates, id, 'rate')));
    }
    for (const [id, p] of graph.packages)
      if (!touched.has(id)) writes.push(asRead(headKey(id), id, p.version));
    for (const [id, r] of graph.rates)
      if (!touched.has(id)) writes.push(asRead(rateHeadKey(id), id, r.version));
    for (const { packageId, ...event } of change.events) {
      writes.push([auditPut(TableName, packageId, event), { kind: 'none' }]);
    }
    return writes;
  }

  /** Refuses, before anything is sent, a transaction DynamoDB would refuse for its size. */
  function checkLimits(writes: readonly [TransactItem, Guard][]) {
    const bytes = writes.reduce((n, [w]) => n + Buffer.byteLength(JSON.stringify(w)), 0);
    if (writes.length > TRANSACTION_ITEMS || bytes > TRANSACTION_BYTES) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `the change is too large to make at once: ${writes.length} writes of about ${Math.ceil(bytes / 1024)} KB ` +
          `(at most ${TRANSACTION_ITEMS} and ${TRANSACTION_BYTES / 1_000_000} MB)`,
      );
    }
  }

  return {
    async changeGraph(
      read: GraphRead,
      plan: (graph: RateGraph) => GraphChange | GraphNeeds,
    ): Promise<GraphResult> {
      let numberCollisions = 0;
      for (let attempt = 1; ; attempt++) {
        const prepared = await prepare(read, plan);
        if ('refusal' in prepared) {
          const moved = await movedSinceRead(prepared.graph);
          if (moved.length === 0) throw prepared.refusal;
          if (attempt >= CHANGE_ATTEMPTS) throw graphChangedMeanwhile(moved);
          await raceBackoff(attempt);
          continue;
        }
        const { graph, change, writes } = prepared;
        try {
          await table.transact(writes.map(([w]) => w));
          return {
            before: graph,
            packages: change.packages,
            rates: change.rates,
            deletedPackageIds: change.deletedPackageIds,
            deletedRateIds: change.deletedRateIds,
          };
        } catch (e) {
          if (!(e instanceof ConditionFailed)) throw e;
          const failed = e.failedIndexes.map((i) => writes[i]![1]);
          const exists = failed.find((g) => g.kind === 'new-rate');
          if (exists) throw alreadyExists('rate', exists.id);
          const stale = failed.filter((g) => g.kind === 'version');
          const claim = failed.find((g) => g.kind === 'claim');
          if (stale.length === 0 && claim) {
            // The rate counter is behind the claims (rates imported without it): catch up, take new numbers.
            if (++numberCollisions >= MAX_NUMBER_ATTEMPTS) {
              throw new Error(
                `no free rate number in state ${claim.stateCode} after ${numberCollisions} attempts`,
                { cause: e },
              );
            }
            await catchUpCounter(table, RATE_NUMBERS, claim.stateCode);
            continue;
          }
          if (stale.length === 0) {
            throw new Error('refused: the change would rewrite a submitted revision or a record of history', {
              cause: e,
            });
          }
          if (attempt >= CHANGE_ATTEMPTS) throw graphChangedMeanwhile(stale.map((g) => g.id));
        }
        await raceBackoff(attempt);
      }
    },
  };
}
