/**
 * Bringing one package (or the reference data) on a secondary store up to what the primary
 * holds now. Used by dual-write mode after each write, and by `carepack store repair`.
 */
import { isDeepStrictEqual } from 'node:util';
import type { UserAuditEvent } from '../../domain/index.js';
import { type Package, unlessNotFound } from '../../domain/index.js';
import type { AuditEvent, MaintainedStore, Store } from '../store.js';
import { mirrorLinkedRates } from './mirror-rate.js';

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

/**
 * How many writes one mirror may make before it gives up (and is journaled). A round after the
 * first is needed only when the primary went backwards or a package came or went while it was
 * mirrored — a forced restore, a removal, another process's mirror of those — never because
 * users kept changing it (see `mirrorPackage`). Each such event is an operator's, so a second
 * round is rare and five means something keeps fighting over the package: repair takes it.
 */
const MAX_MIRROR_ROUNDS = 5;

/**
 * Copies the package as the primary has it now (or removes it when the primary has none).
 * Two mirrors of one package can overlap — the portal's and a repair's, in two processes —
 * and the older one may write last. So after writing, read the primary again, and write
 * again only when the write may have covered what the primary holds now:
 * - the primary still holds what was written: done;
 * - the primary holds a newer version and the write was a `replace` (version-guarded) one:
 *   done. The write never covered a newer copy, and the change that made the newer version
 *   has its own mirror, which reads the primary after that change and so writes it (or the
 *   newer still). Chasing it here would only race that mirror: a package taking a stream of
 *   changes would keep this one writing until it gave up, and be journaled for nothing;
 * - otherwise (the primary went back to an older version, a package came or went, a forced
 *   write may have covered a newer copy): write what the primary holds now — `replace` when it
 *   is newer than what was written (so this round may stop as above), `force` when it is not.
 * Counters: see `mirrorCounter`.
 */
export async function mirrorPackage(
  primary: Store,
  secondary: MaintainedStore,
  packageId: string,
  /** `force` when the primary itself was forced back to an older version (a forced restore). */
  mode: 'replace' | 'force' = 'replace',
): Promise<void> {
  let current = await packageOrNone(primary, packageId);
  let writeMode = mode;
  for (let round = 1; ; round++) {
    if (current) {
      await mirrorLinkedRates(primary, secondary, current);
      await secondary.maintenance.importPackages([current], { mode: writeMode });
    } else await secondary.maintenance.removePackage(packageId);
    const now = await packageOrNone(primary, packageId);
    if (isDeepStrictEqual(now, current)) break;
    const newer = current !== undefined && now !== undefined && now.version > current.version;
    if (newer && writeMode === 'replace') break;
    if (round === MAX_MIRROR_ROUNDS)
      throw new Error(`package ${packageId} kept changing on the primary while it was mirrored`);
    writeMode = newer ? 'replace' : 'force';
    current = now;
  }
  await mirrorAudit(primary, secondary, packageId);
}

const packageOrNone = (store: Store, packageId: string): Promise<Package | undefined> =>
  unlessNotFound(store.getPackage(packageId));

export async function mirrorAudit(primary: Store, secondary: MaintainedStore, packageId: string) {
  await secondary.maintenance.importAudit(await allAudit(primary, packageId));
}

/** States, users (with their session generations), API clients and package counters. */
export async function mirrorReference(primary: MaintainedStore, secondary: MaintainedStore): Promise<void> {
  await secondary.upsertStates(await primary.listStates());
  await secondary.upsertUsers(await primary.listUsers());
  await secondary.maintenance.raiseSessionGenerations(await primary.maintenance.getSessionGenerations());
  await secondary.maintenance.importApiClients(await primary.listApiClients());
  await secondary.maintenance.raiseCounters(await primary.maintenance.getCounters());
}

/** One API client as the primary has it now (mirrors of one client run one after another). */
export async function mirrorApiClient(primary: Store, secondary: MaintainedStore, id: string): Promise<void> {
  // Clients are never removed: one the primary lacks (touching an unknown id changes nothing there) has nothing to bring.
  const client = await unlessNotFound(primary.getApiClient(id));
  if (client) await secondary.maintenance.importApiClients([client]);
}

export async function mirrorCounter(primary: MaintainedStore, secondary: MaintainedStore, stateCode: string) {
  const counters = await primary.maintenance.getCounters([stateCode]);
  if (counters[stateCode] !== undefined) await secondary.maintenance.raiseCounters(counters);
}

/**
 * An administrator's change of a user: the user as the primary has it now (a newer change's
 * mirror then writes the same or newer), and the change's user-audit event.
 */
export async function mirrorUserChange(
  primary: Store,
  secondary: MaintainedStore,
  userId: string,
  event: UserAuditEvent,
) {
  await secondary.upsertUsers([await primary.getUser(userId)]);
  await secondary.maintenance.importUserAudit([event]);
}

/** Every user-audit event the primary holds (idempotent: the secondary keeps those it has). */
export async function mirrorUserAudit(primary: MaintainedStore, secondary: MaintainedStore) {
  let cursor: string | undefined;
  do {
    const page = await primary.maintenance.scanUserAudit({ partition: 0, partitions: 1, limit: 500, cursor });
    if (page.items.length > 0) await secondary.maintenance.importUserAudit(page.items);
    cursor = page.cursor;
  } while (cursor);
}
