/**
 * DynamoDB's package writes: creation with its per-state number, every change planned by the
 * domain (one read, one guarded transaction), and audit events. The rules are the plan's; this
 * module only turns before → after into items under the head's version condition.
 */
import { randomUUID } from 'node:crypto';
import {
  type AuditEvent,
  assertStorableText,
  type NewPackagePlan,
  type Package,
  type PackageChange,
  type StateCode,
} from '../../domain/index.js';
import { CHANGE_ATTEMPTS, raceBackoff } from '../change-retry.js';
import { alreadyExists, changedMeanwhile, notFound } from '../errors.js';
import type { ChangeResult, Store } from '../store.js';
import { allocateNumbers, catchUpCounter, PACKAGE_NUMBERS } from './dynamo-counters.js';
import { ConditionFailed } from './dynamo-errors.js';
import { headKey, numberClaimKey } from './dynamo-keys.js';
import { auditToItem, documentToItem, headToItem, itemsToPackage, revisionToItem } from './dynamo-marshal.js';
import { auditPut, changeWrites, deleteWrites } from './dynamo-package-writes.js';
import type { DynamoTable } from './dynamo-table.js';

/** Number collisions tolerated in one creation; each raises the counter past the claimed numbers. */
const MAX_NUMBER_ATTEMPTS = 5;

export type PackageWrites = Pick<Store, 'createPackage' | 'changePackage' | 'appendAudit' | 'getPackage'>;

export function createDynamoWrites(
  table: DynamoTable,
  ensureState: (code: StateCode) => Promise<void>,
): PackageWrites {
  const { name: TableName } = table;

  async function mustRead(id: string): Promise<Package> {
    const pkg = itemsToPackage(await table.packageItems(id));
    if (!pkg) throw notFound('package', id);
    return pkg;
  }

  return {
    getPackage: mustRead,

    async createPackage(plan: NewPackagePlan) {
      await ensureState(plan.stateCode);
      for (let attempt = 1; ; attempt++) {
        const [number] = await allocateNumbers(table, PACKAGE_NUMBERS, plan.stateCode);
        const { after: pkg, event } = plan.build(number!);
        const rev = pkg.revisions[0]!;
        try {
          await table.transact([
            {
              Put: {
                TableName,
                Item: { ...numberClaimKey(pkg.stateCode, pkg.stateNumber), packageId: pkg.id },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            { Put: { TableName, Item: headToItem(pkg), ConditionExpression: 'attribute_not_exists(PK)' } },
            { Put: { TableName, Item: revisionToItem(pkg.id, rev) } },
            ...rev.documents.map((d, i) => ({
              Put: { TableName, Item: documentToItem(pkg.id, rev.number, d, i) },
            })),
            auditPut(TableName, pkg.id, event),
          ]);
          return pkg;
        } catch (e) {
          if (!(e instanceof ConditionFailed)) throw e;
          if (e.failedIndexes.includes(1)) throw alreadyExists('package', plan.id);
          // The number was already claimed: the counter is behind the claims (packages imported
          // without it). One catch-up settles that, so repeated collisions are a fault.
          if (attempt >= MAX_NUMBER_ATTEMPTS) {
            throw new Error(
              `no free package number in state ${plan.stateCode} after ${attempt} attempts: every number the counter gave was taken`,
              { cause: e },
            );
          }
          await catchUpCounter(table, PACKAGE_NUMBERS, plan.stateCode);
        }
      }
    },

    async changePackage<C extends PackageChange>(
      id: string,
      plan: (before: Package) => C,
    ): Promise<ChangeResult<C['after']>> {
      for (let attempt = 1; ; attempt++) {
        const before = await mustRead(id);
        const { after, event } = plan(before);
        try {
          await table.transact([
            ...(after ? changeWrites(TableName, before, after) : deleteWrites(TableName, before)),
            auditPut(TableName, id, event),
          ]);
          return { before, after, event };
        } catch (e) {
          if (!(e instanceof ConditionFailed)) throw e;
          if (!e.failedIndexes.includes(0)) {
            throw new Error(
              `refused: the change of package ${id} would rewrite a submitted revision, a review action or a question`,
              {
                cause: e,
              },
            );
          }
          if (attempt >= CHANGE_ATTEMPTS) throw changedMeanwhile(id, before.version);
        }
        await raceBackoff(attempt);
      }
    },

    async appendAudit(event) {
      assertStorableText(event, ['event']);
      const full: AuditEvent = { ...event, id: randomUUID() };
      try {
        await table.transact([
          {
            ConditionCheck: {
              TableName,
              Key: headKey(event.packageId),
              ConditionExpression: 'attribute_exists(PK)',
            },
          },
          { Put: { TableName, Item: auditToItem(full) } },
        ]);
      } catch (e) {
        if (e instanceof ConditionFailed) throw notFound('package', event.packageId);
        throw e;
      }
      return full;
    },
  };
}
