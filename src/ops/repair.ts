/**
 * `carepack store repair`: brings the secondary up to the primary for every package and rate
 * whose mirror write failed in dual-write mode, after re-copying reference data and counters
 * (rate counters too); when a user change's mirror failed, the user-audit trail too. The rates
 * of a failed graph change go before its packages (a package never links a rate the secondary
 * lacks).
 * It works on a claim of the journal: failures journaled while it runs stay in the journal
 * for the next run, what it could not fix goes back into it, and a repair that stops
 * half-way leaves its claim for the next run to take over.
 */
import { mirrorPackage, mirrorReference, mirrorUserAudit } from '../store/dual/mirror.js';
import type { MirrorFailure, MirrorJournal } from '../store/dual/mirror-journal.js';
import { mirrorRate } from '../store/dual/mirror-rate.js';
import { mirrorRateCounters } from '../store/dual/mirror-rates.js';
import type { MaintainedStore } from '../store/store.js';

export interface RepairResult {
  /** Packages and rates brought up to the primary. */
  repaired: number;
  remaining: number;
  errors: string[];
}

export async function repairMirror(
  primary: MaintainedStore,
  secondary: MaintainedStore,
  journal: MirrorJournal,
): Promise<RepairResult> {
  const claim = await journal.claim();
  const pending = claim.entries;
  const packageIds = [
    ...new Set(pending.flatMap((f) => [...(f.packageId ? [f.packageId] : []), ...(f.packageIds ?? [])])),
  ];
  const rateIds = [...new Set(pending.flatMap((f) => f.rateIds ?? []))];
  const touches = (f: MirrorFailure, id: string) => f.packageId === id || !!f.packageIds?.includes(id);
  const isReference = (f: MirrorFailure) => !f.packageId && !f.packageIds?.length && !f.rateIds?.length;
  const stillFailing: MirrorFailure[] = [];
  const errors: string[] = [...claim.problems];
  let repaired = 0;
  try {
    // First, and always right: states, users and counters as the primary has them now
    // (packages refer to their state).
    await mirrorReference(primary, secondary);
    await mirrorRateCounters(primary, secondary);
  } catch (e) {
    errors.push(`reference data: ${(e as Error).message}`);
    stillFailing.push(...pending.filter(isReference));
  }
  const userAudit = pending.filter((f) => f.kind === 'user-audit');
  // The users came with the reference data; their events are few: copy the whole trail (idempotent).
  if (userAudit.length > 0 && !stillFailing.includes(userAudit[0]!)) {
    try {
      await mirrorUserAudit(primary, secondary);
    } catch (e) {
      errors.push(`user audit: ${(e as Error).message}`);
      stillFailing.push(...userAudit);
    }
  }
  // Rates before packages; a rate the primary no longer has is removed (mirrorRate).
  const keep = (f: MirrorFailure) => {
    if (!stillFailing.includes(f)) stillFailing.push(f);
  };
  for (const id of rateIds) {
    try {
      await mirrorRate(primary, secondary, id);
      repaired++;
    } catch (e) {
      errors.push(`rate ${id}: ${(e as Error).message}`);
      pending.filter((f) => f.rateIds?.includes(id)).forEach(keep);
    }
  }
  for (const id of packageIds) {
    try {
      await mirrorPackage(primary, secondary, id);
      repaired++;
    } catch (e) {
      errors.push(`package ${id}: ${(e as Error).message}`);
      pending.filter((f) => touches(f, id)).forEach(keep);
    }
  }
  await claim.settle(stillFailing);
  return { repaired, remaining: stillFailing.length, errors };
}
