/**
 * Bringing one rate (issue 13) on a secondary store up to what the primary holds now, and the
 * rates a package links before the package itself. Kept apart from `mirror-rates.ts` (graph
 * changes), which builds on packages' mirrors, so that `mirror.ts` can use it without a cycle.
 */
import { isDeepStrictEqual } from 'node:util';
import { type Package, type Rate, unlessNotFound } from '../../domain/index.js';
import type { MaintainedStore, Store } from '../store.js';

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

const rateOrNone = (store: Store, rateId: string): Promise<Rate | undefined> =>
  unlessNotFound(store.getRate(rateId));

/**
 * Before a package is written to the secondary: every rate it links, with the revision each
 * link is frozen to, is there — mirrored from the primary when it is not. A mirror writes a
 * package as the primary holds it *now*, which may already link a rate that a later change
 * created or moved on, whose own mirror is still queued behind this one (it waits on this
 * package's chain). Without this, the secondary would refuse the package (PostgreSQL's link
 * foreign keys), and a mirror that did nothing wrong would be journaled.
 */
export async function mirrorLinkedRates(
  primary: Store,
  secondary: MaintainedStore,
  pkg: Package,
): Promise<void> {
  /** Per rate, the revisions links name, and whether a submitted package revision froze each. */
  const needed = new Map<string, Map<number, boolean>>();
  for (const revision of pkg.revisions)
    for (const link of revision.rateLinks) {
      const revisions = needed.get(link.rateId) ?? new Map<number, boolean>();
      needed.set(link.rateId, revisions);
      if (link.rateRevision !== null)
        revisions.set(
          link.rateRevision,
          (revisions.get(link.rateRevision) ?? false) || !!revision.submitInfo,
        );
    }
  if (needed.size === 0) return;
  const held = new Map((await secondary.getRates([...needed.keys()])).map((r) => [r.id, r]));
  // A rate is behind when a revision a link names is not there yet, or is there but still a draft
  // where a submitted package revision links it (its submit, which froze both, is queued behind).
  const behind = [...needed].filter(([id, revisions]) => {
    const rate = held.get(id);
    if (!rate) return true;
    return [...revisions].some(([number, frozen]) => {
      const there = rate.revisions.find((r) => r.number === number);
      return !there || (frozen && !there.submitInfo);
    });
  });
  await Promise.all(behind.map(([id]) => mirrorRate(primary, secondary, id)));
}
