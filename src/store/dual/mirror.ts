/**
 * Bringing one package (or the reference data) on a secondary store up to what the primary
 * holds now. Used by dual-write mode after each write, and by `carepack store repair`.
 */
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

/** Copies the package as the primary has it now (or removes it when the primary has none). Counters: see `mirrorCounter`. */
export async function mirrorPackage(primary: Store, secondary: Store, packageId: string): Promise<void> {
  try {
    const pkg = await primary.getPackage(packageId);
    await secondary.importPackages([pkg], { mode: 'replace' });
  } catch (e) {
    if (!isStoreError(e, 'NotFound')) throw e;
    await secondary.removePackage(packageId);
  }
  await mirrorAudit(primary, secondary, packageId);
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
