/**
 * Bringing one package (or the reference data) on a secondary store up to what the primary
 * holds now. Used by dual-write mode after each write, and by `carepack store repair`.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Package } from '../../domain/index.js';
import { isStoreError } from '../errors.js';
import type { AuditEvent, Store } from '../store.js';

async function allAudit(store: Store, packageId: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listAudit(packageId, { limit: 100, cursor });
    events.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return events;
}

/** How often a package may change on the primary during one mirror before the mirror gives up (and is journaled). */
const MAX_MIRROR_ROUNDS = 5;

/**
 * Copies the package as the primary has it now (or removes it when the primary has none).
 * Two mirrors of one package can overlap — the portal's and a repair's, in two processes —
 * and the older one may write last. So after writing, read the primary again: the write
 * stands only when the primary still holds what was written; otherwise write again. A change
 * after that re-read has its own mirror, which writes after this one. Counters: see `mirrorCounter`.
 */
export async function mirrorPackage(
  primary: Store,
  secondary: Store,
  packageId: string,
  /** `force` when the primary itself was forced back to an older version (a forced restore). */
  mode: 'replace' | 'force' = 'replace',
): Promise<void> {
  let current = await packageOrNone(primary, packageId);
  for (let round = 1; ; round++) {
    if (current) await secondary.importPackages([current], { mode });
    else await secondary.removePackage(packageId);
    const now = await packageOrNone(primary, packageId);
    if (isDeepStrictEqual(now, current)) break;
    if (round === MAX_MIRROR_ROUNDS)
      throw new Error(`package ${packageId} kept changing on the primary while it was mirrored`);
    current = now;
  }
  await mirrorAudit(primary, secondary, packageId);
}

async function packageOrNone(store: Store, packageId: string): Promise<Package | undefined> {
  try {
    return await store.getPackage(packageId);
  } catch (e) {
    if (isStoreError(e, 'NotFound')) return undefined;
    throw e;
  }
}

export async function mirrorAudit(primary: Store, secondary: Store, packageId: string): Promise<void> {
  await secondary.importAudit(await allAudit(primary, packageId));
}

/** States, users (with their session generations) and package counters. */
export async function mirrorReference(primary: Store, secondary: Store): Promise<void> {
  await secondary.upsertStates(await primary.listStates());
  await secondary.upsertUsers(await primary.listUsers());
  await secondary.raiseSessionGenerations(await primary.getSessionGenerations());
  await secondary.raiseCounters(await primary.getCounters());
}

export async function mirrorCounter(primary: Store, secondary: Store, stateCode: string): Promise<void> {
  const counters = await primary.getCounters([stateCode]);
  if (counters[stateCode] !== undefined) await secondary.raiseCounters(counters);
}
