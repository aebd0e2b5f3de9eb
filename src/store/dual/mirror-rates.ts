/**
 * Bringing rates (issue 13) on a secondary store up to what the primary holds now: one rate,
 * the rate counters, and everything a graph change wrote (one rate: `mirror-rate.ts`). Used by dual-write mode after each
 * rate write, and by `carepack store repair`. Kept apart from `mirror.ts` (packages), whose
 * rounds it follows.
 */
import { MAX_GRAPH_RATES } from '../../domain/index.js';
import type { MaintainedStore } from '../store.js';
import { mirrorPackage } from './mirror.js';
import { mirrorRate } from './mirror-rate.js';

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
