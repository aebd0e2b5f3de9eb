/**
 * Writes one package's change as the difference between before and after: the one package
 * writer `changePackage` and `changeGraph` share. The caller holds the package's row lock.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Transaction } from 'kysely';
import type { Package, Revision } from '../../domain/index.js';
import { packageRow, reviewActionRows, revisionRows } from './postgres-marshal.js';
import { persistQuestions } from './postgres-questions.js';
import { insertRevisionRows } from './postgres-rows.js';
import type { Database } from './postgres-schema.js';
import { type Db, exec, execNamed, insertRows, SQL } from './postgres-statements.js';

/** The rate links of `prev` (a draft) and `rev` name the same rates in the same order. */
function sameRates(prev: Revision['rateLinks'], rev: Revision['rateLinks']): boolean {
  return prev.length === rev.length && prev.every((l, i) => l.rateId === rev[i]!.rateId);
}

/**
 * True when `rev` is the draft `prev` submitted and nothing else: only `submitInfo` is new and
 * the links are the same rates, frozen. A submission spreads the draft into the frozen revision,
 * so the other fields are the same objects and this is a cheap check; anything else falls back
 * to the deep comparison.
 */
function submittedOnly(prev: Revision, rev: Revision): boolean {
  if (prev.submitInfo || !rev.submitInfo || !sameRates(prev.rateLinks, rev.rateLinks)) return false;
  const keys = Object.keys(rev) as (keyof Revision)[];
  if (keys.length !== Object.keys(prev).length) return false;
  const skip = (k: keyof Revision) => k === 'submitInfo' || k === 'rateLinks';
  if (keys.every((k) => skip(k) || prev[k] === rev[k])) return true;
  return isDeepStrictEqual({ ...prev, submitInfo: rev.submitInfo, rateLinks: rev.rateLinks }, rev);
}

/**
 * Freezes a draft revision as submitted: its links first (while it is a draft, which the
 * immutability trigger allows), then its submit columns. The links' deferred check sees both.
 */
async function freeze(q: Db, rev: Revision) {
  const frozen = rev.rateLinks.filter((l) => l.rateRevision !== null);
  if (frozen.length > 0)
    await exec(q, SQL.freezeLinks, [rev.id, frozen.map((l) => l.rateId), frozen.map((l) => l.rateRevision)]);
  const { at, by, reason } = rev.submitInfo!;
  await execNamed(q, SQL.freeze, {
    id: rev.id,
    submitted_at: at,
    submitted_by_id: by.id,
    submitted_by_email: by.email,
    submitted_by_role: by.role,
    submit_reason: reason,
  });
}

/**
 * Inserts a revision with everything under it. A submitted one (a rate withdrawal's new
 * revision) goes in as a draft and is then frozen: the triggers refuse rows under a revision
 * that is submitted already.
 */
async function insertRevision(q: Db, pkg: Package, rev: Revision) {
  const rows = revisionRows(pkg, rev);
  if (!rev.submitInfo) return insertRevisionRows(q, [rows]);
  const draft = {
    ...rows.revision,
    submitted_at: null,
    submitted_by_id: null,
    submitted_by_email: null,
    submitted_by_role: null,
    submit_reason: null,
  };
  await insertRevisionRows(q, [{ ...rows, revision: draft }]);
  await freeze(q, rev);
}

/** Writes what changed between `before` and `after`; the caller holds the package row lock. */
export async function writePackageChange(q: Transaction<Database>, before: Package, after: Package) {
  await execNamed(q, SQL.updateHead, packageRow(after));
  // A revision the change dropped (undo unlock: the unlocked draft); the database refuses this for a submitted one.
  const kept = new Set(after.revisions.map((r) => r.id));
  for (const prev of before.revisions) if (!kept.has(prev.id)) await exec(q, SQL.deleteRevision, [prev.id]);
  // A review decision (at most one per change): only the new action rows; the old ones are history.
  if (after.reviewActions !== before.reviewActions) {
    const added = reviewActionRows(after, new Set(before.reviewActions.map((a) => a.id)));
    if (added.length > 0) await insertRows(q, 'review_actions', added);
  }
  if (after.questions !== before.questions) await persistQuestions(q, before, after);
  const old = new Map(before.revisions.map((r) => [r.number, r]));
  for (const rev of after.revisions) {
    const prev = old.get(rev.number);
    if (prev === rev) continue;
    if (!prev) {
      await insertRevision(q, after, rev);
    } else if (submittedOnly(prev, rev)) {
      // A submission only freezes the revision: its links' rate revisions and its submit columns.
      await freeze(q, rev);
    } else if (!isDeepStrictEqual(prev, rev)) {
      // A draft edit rewrites the draft revision (the database refuses this for a submitted one).
      await exec(q, SQL.deleteRevision, [prev.id]);
      await insertRevision(q, after, rev);
    }
  }
}

/** Deletes a package (a never-submitted draft on request paths; the triggers refuse a submitted one). */
export async function deletePackage(q: Db, id: string) {
  await exec(q, SQL.deletePackage, [id]);
}
