/**
 * PostgreSQL's package writes: creation with its per-state number, every change planned by the
 * domain (one locked read, one transaction), and audit events. The rules are the plan's; this
 * module only writes the difference between before and after.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  type AuditEvent,
  assertStorableText,
  isUuid,
  type NewPackagePlan,
  type Package,
  type PackageChange,
} from '../../domain/index.js';
import { alreadyExists, notFound } from '../errors.js';
import type { ChangeResult, Store } from '../store.js';
import { FOREIGN_KEY_VIOLATION, isPgCode, pgError, UNIQUE_VIOLATION } from './postgres-errors.js';
import { auditRow, packageRow, revisionRows } from './postgres-marshal.js';
import { deletePackage, writePackageChange } from './postgres-package-writer.js';
import { readPackages } from './postgres-rows.js';
import type { Database } from './postgres-schema.js';
import { type Db, execNamed, insertTogether, SQL } from './postgres-statements.js';
import { inTransaction } from './postgres-transaction.js';

/** Number collisions tolerated in one creation; each raises the counter past the numbers in use. */
const MAX_NUMBER_ATTEMPTS = 5;

export type PackageWrites = Pick<Store, 'createPackage' | 'changePackage' | 'appendAudit' | 'getPackage'>;

async function readPackage(q: Db, id: string, forUpdate = false): Promise<Package | undefined> {
  if (!isUuid(id)) return undefined; // no such package, as on every backend
  return (await readPackages(q, [id], forUpdate)).get(id);
}

const insertAudit = (q: Db, event: AuditEvent) => insertTogether(q, [['audit_events', [auditRow(event)]]]);

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
            const rows = revisionRows(pkg, pkg.revisions[0]!);
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
              ['rate_links', rows.links],
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
        if (after) await writePackageChange(trx, before, after);
        else await deletePackage(trx, id);
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
