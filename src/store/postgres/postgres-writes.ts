/**
 * PostgreSQL's package writes: creation with its per-state number, every change planned by the
 * domain (one locked read, one transaction), and audit events. The rules are the plan's; this
 * module only writes the difference between before and after.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Kysely, Transaction } from 'kysely';
import {
  type AuditEvent,
  assertStorableText,
  isUuid,
  type NewPackagePlan,
  type Package,
  type PackageChange,
  type Revision,
} from '../../domain/index.js';
import { alreadyExists, notFound } from '../errors.js';
import type { ChangeResult, Store } from '../store.js';
import { FOREIGN_KEY_VIOLATION, isPgCode, pgError, UNIQUE_VIOLATION } from './postgres-errors.js';
import { auditRow, packageRow, reviewActionRows, revisionRows } from './postgres-marshal.js';
import { persistQuestions } from './postgres-questions.js';
import { insertRevisionRows, readPackages } from './postgres-rows.js';
import type { Database } from './postgres-schema.js';
import { type Db, exec, execNamed, insertRows, insertTogether, SQL } from './postgres-statements.js';
import { inTransaction } from './postgres-transaction.js';

/** Number collisions tolerated in one creation; each raises the counter past the numbers in use. */
const MAX_NUMBER_ATTEMPTS = 5;

export type PackageWrites = Pick<Store, 'createPackage' | 'changePackage' | 'appendAudit' | 'getPackage'>;

/**
 * True when two revisions are the same apart from `submitInfo`. A submission spreads the draft
 * into the frozen revision, so the fields are the same objects and this is a cheap check;
 * anything else falls back to the deep comparison.
 */
function onlySubmitInfoDiffers(prev: Revision, rev: Revision): boolean {
  const keys = Object.keys(rev) as (keyof Revision)[];
  if (keys.length !== Object.keys(prev).length) return false;
  if (keys.every((k) => k === 'submitInfo' || prev[k] === rev[k])) return true;
  return isDeepStrictEqual({ ...prev, submitInfo: rev.submitInfo }, rev);
}

async function readPackage(q: Db, id: string, forUpdate = false): Promise<Package | undefined> {
  if (!isUuid(id)) return undefined; // no such package, as on every backend
  return (await readPackages(q, [id], forUpdate)).get(id);
}

const insertAudit = (q: Db, event: AuditEvent) => insertTogether(q, [['audit_events', [auditRow(event)]]]);

/** Writes what changed between `before` and `after`; the caller holds the package row lock. */
async function persistChange(trx: Transaction<Database>, before: Package, after: Package) {
  await execNamed(trx, SQL.updateHead, packageRow(after));
  // A revision the change dropped (undo unlock: the unlocked draft); the database refuses this for a submitted one.
  const kept = new Set(after.revisions.map((r) => r.id));
  for (const prev of before.revisions) if (!kept.has(prev.id)) await exec(trx, SQL.deleteRevision, [prev.id]);
  // A review decision (at most one per change): only the new action rows; the old ones are history.
  if (after.reviewActions !== before.reviewActions) {
    const added = reviewActionRows(after, new Set(before.reviewActions.map((a) => a.id)));
    if (added.length > 0) await insertRows(trx, 'review_actions', added);
  }
  if (after.questions !== before.questions) await persistQuestions(trx, before, after);
  const old = new Map(before.revisions.map((r) => [r.number, r]));
  for (const rev of after.revisions) {
    const prev = old.get(rev.number);
    if (prev === rev) continue;
    if (!prev) {
      await insertRevisionRows(trx, [revisionRows(after.id, rev)]);
    } else if (!prev.submitInfo && rev.submitInfo && onlySubmitInfoDiffers(prev, rev)) {
      // A submission only freezes the revision: set its submit columns, nothing else.
      const { at, by, reason } = rev.submitInfo;
      await execNamed(trx, SQL.freeze, {
        id: rev.id,
        submitted_at: at,
        submitted_by_id: by.id,
        submitted_by_email: by.email,
        submitted_by_role: by.role,
        submit_reason: reason,
      });
    } else if (!isDeepStrictEqual(prev, rev)) {
      // A draft edit rewrites the draft revision (the database refuses this for a submitted one).
      await exec(trx, SQL.deleteRevision, [rev.id]);
      await insertRevisionRows(trx, [revisionRows(after.id, rev)]);
    }
  }
}

export function createPostgresWrites(db: Kysely<Database>): PackageWrites {
  return {
    async getPackage(id) {
      const pkg = await readPackage(db, id);
      if (!pkg) throw notFound('package', id);
      return pkg;
    },

    async createPackage(plan: NewPackagePlan) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await inTransaction(db, async (trx) => {
            // The counter row stays locked until commit, so numbers of a state are handed out one at a time.
            const [counter] = await execNamed(trx, SQL.counter, {
              state_code: plan.stateCode,
            });
            const { after: pkg, event } = plan.build(counter!.last_number);
            const rows = revisionRows(pkg.id, pkg.revisions[0]!);
            // The package, its first revision with everything under it, and its audit event: one statement.
            await insertTogether(trx, [
              ['packages', [packageRow(pkg)]],
              ['revisions', [rows.revision]],
              ['revision_programs', rows.programs],
              ['state_contacts', rows.contacts],
              ['rate_certifications', rows.rates],
              ['rate_programs', rows.ratePrograms],
              ['certifying_actuaries', rows.actuaries],
              ['documents', rows.documents],
              ['audit_events', [auditRow({ id: randomUUID(), packageId: pkg.id, ...event })]],
            ]);
            return pkg;
          });
        } catch (e) {
          if (isPgCode(e, FOREIGN_KEY_VIOLATION)) throw notFound('state', plan.stateCode);
          if (!isPgCode(e, UNIQUE_VIOLATION)) throw e;
          if (pgError(e).constraint !== 'packages_state_number_unique')
            throw alreadyExists('package', plan.id);
          // Only packages written without their counter (imported, restored from an old backup)
          // hold numbers past it; one catch-up settles that, so repeated collisions are a fault.
          if (attempt >= MAX_NUMBER_ATTEMPTS) {
            throw new Error(
              `no free package number in state ${plan.stateCode} after ${attempt} attempts: every number the counter gave was taken`,
              { cause: e },
            );
          }
          // The counter is behind the numbers in use, or missing (its insert was rolled back with
          // the failed creation): raise or create it at the highest number in use, try again.
          await execNamed(db, SQL.catchUpCounter, { state_code: plan.stateCode });
        }
      }
    },

    /** The row lock serialises changes of one package: no lost race to retry. */
    async changePackage<C extends PackageChange>(
      id: string,
      plan: (before: Package) => C,
    ): Promise<ChangeResult<C['after']>> {
      return inTransaction(db, async (trx) => {
        const before = await readPackage(trx, id, true);
        if (!before) throw notFound('package', id);
        const { after, event } = plan(before);
        if (after) await persistChange(trx, before, after);
        else await trx.deleteFrom('packages').where('id', '=', id).execute();
        await insertAudit(trx, { id: randomUUID(), packageId: id, ...event });
        return { before, after, event };
      });
    },

    async appendAudit(event) {
      assertStorableText(event, ['event']);
      return inTransaction(db, async (trx) => {
        const exists =
          isUuid(event.packageId) &&
          (await trx
            .selectFrom('packages')
            .select('id')
            .where('id', '=', event.packageId)
            .forShare()
            .executeTakeFirst());
        if (!exists) throw notFound('package', event.packageId);
        const full: AuditEvent = { ...event, id: randomUUID() };
        await insertAudit(trx, full);
        return full;
      });
    },
  };
}
