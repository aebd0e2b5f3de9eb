/**
 * Bringing rates (issue 13) on a secondary store up to what the primary holds now: one rate,
 * the rate counters, and everything a graph change wrote. Used by dual-write mode after each
 * rate write, and by `carepack store repair`. Kept apart from `mirror.ts` (packages), whose
 * rounds it follows.
 */
import { isDeepStrictEqual } from 'node:util';
import { hasErrorCode, MAX_GRAPH_RATES, type Rate } from '../../domain/index.js';
import type { MaintainedStore, Store } from '../store.js';
import { mirrorPackage } from './mirror.js';

/** As `MAX_MIRROR_ROUNDS` of packages: more means something keeps fighting over the rate. */
const MAX_RATE_MIRROR_ROUNDS = 5;

/**
 * Copies the rate as the primary has it now (or removes it when the primary has none), with
 * the rounds of `mirrorPackage`: after writing, read the primary again; a newer version after a
 * version-guarded write is done (its own mirror writes it); a rate that went back, came or went
 * is written again (`force` when not newer).
 */
export async function mirrorRate(
  primary: Store,
  secondary: MaintainedStore,
  rateId: string,
  mode: 'replace' | 'force' = 'replace',
): Promise<void> {
  let current = await rateOrNone(primary, rateId);
  let writeMode = mode;
  for (let round = 1; ; round++) {
    if (current) await secondary.maintenance.importRates([current], { mode: writeMode });
    else await secondary.maintenance.removeRate(rateId);
    const now = await rateOrNone(primary, rateId);
    if (isDeepStrictEqual(now, current)) return;
    const newer = current !== undefined && now !== undefined && now.version > current.version;
    if (newer && writeMode === 'replace') return;
    if (round === MAX_RATE_MIRROR_ROUNDS)
      throw new Error(`rate ${rateId} kept changing on the primary while it was mirrored`);
    writeMode = newer ? 'replace' : 'force';
    current = now;
  }
}

async function rateOrNone(store: Store, rateId: string): Promise<Rate | undefined> {
  try {
    return await store.getRate(rateId);
  } catch (e) {
    if (hasErrorCode(e, 'NOT_FOUND')) return undefined;
    throw e;
  }
}

/** Every state's rate counter (or only these states'), raised on the secondary to the primary's. */
export async function mirrorRateCounters(
  primary: MaintainedStore,
  secondary: MaintainedStore,
  states?: readonly string[],
): Promise<void> {
  const counters = await primary.maintenance.getRateCounters(states);
  if (Object.keys(counters).length > 0) await secondary.maintenance.raiseRateCounters(counters);
}

/** What a graph change wrote, by id: the records to bring over. */
export interface GraphWrite {
  packageIds: readonly string[];
  rateIds: readonly string[];
  /** States whose rate counters the change may have moved (it created rates). */
  rateCounterStates: readonly string[];
}

/**
 * A graph change on the secondary: rate counters, then rates, then packages (so a package never
 * links a rate the secondary lacks), each as the primary has it now — a deleted one removed,
 * after the packages, so no package there still links a rate being removed.
 */
export async function mirrorGraph(
  primary: MaintainedStore,
  secondary: MaintainedStore,
  write: GraphWrite,
): Promise<void> {
  if (write.rateCounterStates.length > 0)
    await mirrorRateCounters(primary, secondary, write.rateCounterStates);
  const present = new Set<string>();
  for (let i = 0; i < write.rateIds.length; i += MAX_GRAPH_RATES) {
    for (const r of await primary.getRates(write.rateIds.slice(i, i + MAX_GRAPH_RATES))) present.add(r.id);
  }
  const kept = write.rateIds.filter((id) => present.has(id));
  const gone = write.rateIds.filter((id) => !present.has(id));
  // Within a group, at once: a write waits at most the mirror timeout, and a graph holds up to 75 records.
  await Promise.all(kept.map((id) => mirrorRate(primary, secondary, id)));
  await Promise.all(write.packageIds.map((id) => mirrorPackage(primary, secondary, id)));
  await Promise.all(gone.map((id) => mirrorRate(primary, secondary, id)));
}
