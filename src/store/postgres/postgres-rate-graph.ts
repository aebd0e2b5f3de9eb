/**
 * `Store.changeGraph` on PostgreSQL: one transaction that locks every package and rate it reads
 * (FOR UPDATE, ids sorted within each read), plans, reads what the plan still needs (bounded),
 * numbers new rates from the state's rate counter, and writes every record the change holds
 * through the same package writer as `changePackage`. The row locks hold each record read —
 * changed or not — at the version read until commit, so no write can land on a record that
 * moved on; the version-guarded rate head update and a bounded re-plan are the fallback.
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import {
  DomainError,
  type GraphChange,
  type GraphNeeds,
  type GraphRead,
  type GraphResult,
  isGraphNeeds,
  isUuid,
  MAX_GRAPH_PACKAGES,
  MAX_GRAPH_RATES,
  type Package,
  type Rate,
  type RateGraph,
} from '../../domain/index.js';
import { alreadyExists, StoreError } from '../errors.js';
import { isPgCode, pgError, UNIQUE_VIOLATION } from './postgres-errors.js';
import { auditRow } from './postgres-marshal.js';
import { deletePackage, writePackageChange } from './postgres-package-writer.js';
import { RATE_SQL, RateMovedOn, readRates, writeRateChange } from './postgres-rate-rows.js';
import { readPackages } from './postgres-rows.js';
import type { Database } from './postgres-schema.js';
import { exec, insertRows } from './postgres-statements.js';

/** Reads the plan may add after the first (`GraphNeeds` answered). */
export const MAX_GRAPH_ROUNDS = 4;
/** Whole read+plan+write attempts before VERSION_CONFLICT (a lost race, a rate number taken). */
const MAX_GRAPH_ATTEMPTS = 5;

type Plan = (graph: RateGraph) => GraphChange | GraphNeeds;

/** What a graph holds and what it has asked for, within the bounds. */
class GraphReader {
  readonly packages = new Map<string, Package>();
  readonly rates = new Map<string, Rate>();
  private readonly askedPackages = new Set<string>();
  private readonly askedRates = new Set<string>();

  constructor(private readonly trx: Transaction<Database>) {}

  /** Locks and reads the records `read` names that were not asked for yet. */
  async read(read: GraphRead) {
    const packageIds = [...new Set(read.packageIds ?? [])].filter((id) => !this.askedPackages.has(id));
    const rateIds = [...new Set(read.rateIds ?? [])].filter((id) => !this.askedRates.has(id));
    for (const id of packageIds) this.askedPackages.add(id);
    for (const id of rateIds) this.askedRates.add(id);
    if (this.askedPackages.size > MAX_GRAPH_PACKAGES || this.askedRates.size > MAX_GRAPH_RATES) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `a rate change reads at most ${MAX_GRAPH_PACKAGES} packages and ${MAX_GRAPH_RATES} rates`,
      );
    }
    const packages = packageIds.filter(isUuid);
    const rates = rateIds.filter(isUuid);
    // Lock first, then read in statements of their own: a locking read would return the
    // rows below a head as they were before the change it waited for (READ COMMITTED).
    if (packages.length > 0) await exec(this.trx, RATE_SQL.lockPackages, [packages]);
    if (rates.length > 0) await exec(this.trx, RATE_SQL.lockRates, [rates]);
    for (const [id, pkg] of await readPackages(this.trx, packages)) this.packages.set(id, pkg);
    for (const [id, rate] of await readRates(this.trx, rates)) this.rates.set(id, rate);
  }

  /** The graph as read; ids asked for and not found are `absent`, so the plan does not ask again. */
  graph(): RateGraph {
    return {
      packages: new Map(this.packages),
      rates: new Map(this.rates),
      absent: {
        packageIds: [...this.askedPackages].filter((id) => !this.packages.has(id)),
        rateIds: [...this.askedRates].filter((id) => !this.rates.has(id)),
      },
    };
  }
}

/** Numbers the change's new rates from their states' rate counters (locked until commit). */
async function numberNewRates(trx: Transaction<Database>, graph: RateGraph, change: GraphChange) {
  const fresh = change.rates.filter((r) => !graph.rates.has(r.id));
  if (fresh.length === 0) return change;
  if (!change.withRateNumbers)
    throw new Error('a graph change that creates rates must number them (withRateNumbers)');
  const byState = new Map<string, Rate[]>();
  for (const r of fresh) byState.set(r.stateCode, [...(byState.get(r.stateCode) ?? []), r]);
  const numbers = new Map<string, number>();
  for (const [state, rates] of [...byState].sort(([a], [b]) => a.localeCompare(b))) {
    const [row] = await exec<{ last_number: number }>(trx, RATE_SQL.counter, [state, rates.length]);
    const first = row!.last_number - rates.length + 1;
    for (const [i, r] of rates.entries()) numbers.set(r.id, first + i);
  }
  return change.withRateNumbers(numbers);
}

async function writeChange(trx: Transaction<Database>, before: RateGraph, change: GraphChange) {
  for (const pkg of change.packages) {
    const read = before.packages.get(pkg.id);
    // Packages are created by createPackage only: a graph change writes packages it read.
    if (!read) throw new Error(`graph change writes package ${pkg.id}, which it did not read`);
    if (read !== pkg) await writePackageChange(trx, read, pkg);
  }
  for (const rate of change.rates) {
    const read = before.rates.get(rate.id);
    if (read !== rate) await writeRateChange(trx, read, rate);
  }
  for (const id of change.deletedPackageIds) {
    if (!before.packages.has(id))
      throw new Error(`graph change deletes package ${id}, which it did not read`);
    await deletePackage(trx, id);
  }
  if (change.deletedRateIds.length > 0) {
    for (const id of change.deletedRateIds)
      if (!before.rates.has(id)) throw new Error(`graph change deletes rate ${id}, which it did not read`);
    await exec(trx, RATE_SQL.deleteRates, [change.deletedRateIds]);
  }
  await insertRows(
    trx,
    'audit_events',
    change.events.map((e) => auditRow({ id: randomUUID(), ...e })),
  );
}

/** Reads, plans (answering the plan's needs) and writes, all in `trx`. */
async function readPlanWrite(trx: Transaction<Database>, read: GraphRead, plan: Plan): Promise<GraphResult> {
  const reader = new GraphReader(trx);
  await reader.read(read);
  let outcome = plan(reader.graph());
  for (let round = 1; isGraphNeeds(outcome); round++) {
    if (round > MAX_GRAPH_ROUNDS)
      throw new DomainError(
        'VALIDATION_FAILED',
        `a rate change may ask for more records at most ${MAX_GRAPH_ROUNDS} times`,
      );
    await reader.read(outcome.needs);
    outcome = plan(reader.graph());
  }
  const before = reader.graph();
  const change = await numberNewRates(trx, before, outcome);
  await writeChange(trx, before, change);
  return {
    before,
    packages: change.packages,
    rates: change.rates,
    deletedPackageIds: change.deletedPackageIds,
    deletedRateIds: change.deletedRateIds,
  };
}

export async function changeGraph(
  inTransaction: <T>(work: (trx: Transaction<Database>) => Promise<T>) => Promise<T>,
  catchUpCounter: (stateCode: string) => Promise<void>,
  read: GraphRead,
  plan: Plan,
): Promise<GraphResult> {
  let lost: unknown;
  for (let attempt = 1; attempt <= MAX_GRAPH_ATTEMPTS; attempt++) {
    try {
      return await inTransaction((trx) => readPlanWrite(trx, read, plan));
    } catch (e) {
      if (e instanceof RateMovedOn) {
        lost = e;
        continue;
      }
      if (!isPgCode(e, UNIQUE_VIOLATION)) throw e;
      const { constraint, detail } = pgError(e);
      if (constraint === 'rates_pkey')
        throw alreadyExists('rate', /\(id\)=\(([^)]+)\)/.exec(detail ?? '')?.[1] ?? '');
      if (constraint !== 'rates_state_number_unique') throw e;
      // Rates imported without their counter hold numbers past it: raise it, plan again.
      const state = /\(state_code, state_rate_number\)=\((\w+),/.exec(detail ?? '')?.[1];
      if (!state) throw e;
      lost = e;
      await catchUpCounter(state);
    }
  }
  throw new StoreError(
    'VERSION_CONFLICT',
    'the rates and packages changed meanwhile; try again',
    {},
    { cause: lost },
  );
}
