/**
 * `carepack store repair`: brings the secondary up to the primary for every package whose
 * mirror write failed in dual-write mode, after re-copying reference data and counters; when
 * a user change's mirror failed, the user-audit trail too.
 * It works on a claim of the journal: failures journaled while it runs stay in the journal
 * for the next run, what it could not fix goes back into it, and a repair that stops
 * half-way leaves its claim for the next run to take over.
 */
import { mirrorPackage, mirrorReference, mirrorUserAudit } from '../store/dual/mirror.js';
import type { MirrorFailure, MirrorJournal } from '../store/dual/mirror-journal.js';
import type { MaintainedStore } from '../store/store.js';

export interface RepairResult {
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
  const packageIds = [...new Set(pending.flatMap((f) => (f.packageId ? [f.packageId] : [])))];
  const stillFailing: MirrorFailure[] = [];
  const errors: string[] = [...claim.problems];
  let repaired = 0;
  try {
    // First, and always right: states, users and counters as the primary has them now
    // (packages refer to their state).
    await mirrorReference(primary, secondary);
  } catch (e) {
    errors.push(`reference data: ${(e as Error).message}`);
    stillFailing.push(...pending.filter((f) => !f.packageId));
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
  for (const id of packageIds) {
    try {
      await mirrorPackage(primary, secondary, id);
      repaired++;
    } catch (e) {
      errors.push(`package ${id}: ${(e as Error).message}`);
      stillFailing.push(...pending.filter((f) => f.packageId === id));
    }
  }
  await claim.settle(stillFailing);
  return { repaired, remaining: stillFailing.length, errors };
}
