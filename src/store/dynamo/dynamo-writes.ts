/**
 * DynamoDB's package writes: creation with its per-state number, every change planned by the
 * domain (one read, one guarded transaction), and audit events. The rules are the plan's; this
 * module only turns before → after into items under the head's version condition.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AuditEvent,
  assertStorableText,
  type NewAuditEvent,
  type NewPackagePlan,
  type Package,
  type PackageChange,
  type PackageChangeEvent,
  type StateCode,
} from '../../domain/index.js';
import { CHANGE_ATTEMPTS, raceBackoff } from '../change-retry.js';
import { alreadyExists, changedMeanwhile, notFound } from '../errors.js';
import type { ChangeResult, Store, StoreMaintenance } from '../store.js';
import { ConditionFailed } from './dynamo-errors.js';
import {
  claimedNumber,
  counterKey,
  documentKey,
  headKey,
  NUMBER_CLAIM_SK_PREFIX,
  numberClaimKey,
  questionKey,
  reviewActionKey,
  revisionKey,
} from './dynamo-keys.js';
import {
  auditToItem,
  documentToItem,
  headToItem,
  itemsToPackage,
  questionToItem,
  reviewActionToItem,
  revisionToItem,
} from './dynamo-marshal.js';
import type { DynamoTable, TransactItem } from './dynamo-table.js';

/** Number collisions tolerated in one creation; each raises the counter past the claimed numbers. */
const MAX_NUMBER_ATTEMPTS = 5;

export type PackageWrites = Pick<Store, 'createPackage' | 'changePackage' | 'appendAudit' | 'getPackage'>;

export function createDynamoWrites(
  table: DynamoTable,
  ensureState: (code: StateCode) => Promise<void>,
  raiseCounters: StoreMaintenance['raiseCounters'],
): PackageWrites {
  const { client, name: TableName } = table;

  async function mustRead(id: string): Promise<Package> {
    const pkg = itemsToPackage(await table.packageItems(id));
    if (!pkg) throw notFound('package', id);
    return pkg;
  }

  function auditPut(packageId: string, event: PackageChangeEvent | NewAuditEvent): TransactItem {
    const full: AuditEvent = { id: randomUUID(), packageId, ...event };
    return { Put: { TableName, Item: auditToItem(full) } };
  }

  /** The writes that turn `before` into `after`, guarded by the head's version (index 0). */
  function changeWrites(before: Package, after: Package): TransactItem[] {
    const writes: TransactItem[] = [
      {
        Put: {
          TableName,
          Item: headToItem(after),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': before.version },
        },
      },
    ];
    const old = new Map(before.revisions.map((r) => [r.number, r]));
    for (const rev of after.revisions) {
      const prev = old.get(rev.number);
      if (!prev || !isDeepStrictEqual({ ...prev, documents: [] }, { ...rev, documents: [] })) {
        writes.push({
          Put: {
            TableName,
            Item: revisionToItem(after.id, rev),
            // A submitted revision is frozen forever; only a new or still-draft revision is written.
            ConditionExpression: 'attribute_not_exists(submitInfo)',
          },
        });
      }
      const prevDocs = new Map((prev?.documents ?? []).map((d, i) => [d.id, [i, d] as const]));
      rev.documents.forEach((d, i) => {
        if (!isDeepStrictEqual(prevDocs.get(d.id), [i, d])) {
          writes.push({ Put: { TableName, Item: documentToItem(after.id, rev.number, d, i) } });
        }
        prevDocs.delete(d.id);
      });
      for (const goneId of prevDocs.keys()) {
        writes.push({ Delete: { TableName, Key: documentKey(after.id, rev.number, goneId) } });
      }
    }
    // A revision the change drops (undo unlock: the unlocked draft) goes with its documents; a
    // submitted one never can.
    const kept = new Set(after.revisions.map((r) => r.number));
    for (const rev of before.revisions) {
      if (kept.has(rev.number)) continue;
      writes.push(
        {
          Delete: {
            TableName,
            Key: revisionKey(after.id, rev.number),
            ConditionExpression: 'attribute_not_exists(submitInfo)',
          },
        },
        ...rev.documents.map((d) => ({
          Delete: { TableName, Key: documentKey(after.id, rev.number, d.id) },
        })),
      );
    }
    writes.push(...reviewActionWrites(before, after), ...questionWrites(before, after));
    return writes;
  }

  /**
   * The review action a change adds, as a new item: the history is never rewritten, so a change
   * that alters or drops a recorded action, or adds more than one, is refused before any write.
   */
  function reviewActionWrites(before: Package, after: Package): TransactItem[] {
    const added = after.reviewActions.length - before.reviewActions.length;
    if (
      added < 0 ||
      added > 1 ||
      !isDeepStrictEqual(after.reviewActions.slice(added), before.reviewActions)
    ) {
      throw new Error(`refused: the change of package ${after.id} would rewrite its review history`);
    }
    if (added === 0) return [];
    const n = after.reviewActions.length;
    return [
      {
        Put: {
          TableName,
          Item: reviewActionToItem(after.id, after.reviewActions[0]!, n),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
  }

  /**
   * The question a change adds, or the response it gives, as the one item written: a new question
   * is a new item (`attribute_not_exists`), a response rewrites its question's item only while
   * that has none. A change that drops or alters a question otherwise is refused before any write.
   */
  function questionWrites(before: Package, after: Package): TransactItem[] {
    const added = after.questions.length - before.questions.length;
    const kept = after.questions.slice(added);
    const rewritesHistory =
      added < 0 ||
      added > 1 ||
      kept.some((q, i) => {
        const was = before.questions[i]!;
        // Gaining its one response is the only change a question may see.
        return !isDeepStrictEqual(was.response === null ? { ...q, response: null } : q, was);
      });
    if (rewritesHistory) {
      throw new Error(`refused: the change of package ${after.id} would rewrite its questions`);
    }
    const writes: TransactItem[] = [];
    const n = after.questions.length;
    if (added === 1) {
      writes.push({
        Put: {
          TableName,
          Item: questionToItem(after.id, after.questions[0]!, n),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      });
    }
    kept.forEach((q, i) => {
      if (q.response === null || before.questions[i]!.response !== null) return;
      writes.push({
        Put: {
          TableName,
          Item: questionToItem(after.id, q, n - added - i),
          ConditionExpression: 'attribute_type(#response, :null)',
          ExpressionAttributeNames: { '#response': 'response' },
          ExpressionAttributeValues: { ':null': 'NULL' },
        },
      });
    });
    return writes;
  }

  /** The writes that delete `before` (a draft: its head, revisions and documents), guarded by its version. */
  function deleteWrites(before: Package): TransactItem[] {
    return [
      {
        Delete: {
          TableName,
          Key: headKey(before.id),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': before.version },
        },
      },
      ...before.revisions.flatMap((rev) => [
        { Delete: { TableName, Key: revisionKey(before.id, rev.number) } },
        ...rev.documents.map((d) => ({
          Delete: { TableName, Key: documentKey(before.id, rev.number, d.id) },
        })),
      ]),
      ...before.reviewActions.map((_, i) => ({
        Delete: { TableName, Key: reviewActionKey(before.id, i + 1) },
      })),
      ...before.questions.map((_, i) => ({
        Delete: { TableName, Key: questionKey(before.id, i + 1) },
      })),
    ];
  }

  async function allocateNumber(code: StateCode): Promise<number> {
    const out = await client.send(
      new UpdateCommand({
        TableName,
        Key: counterKey(code),
        UpdateExpression: 'ADD #last :one',
        ExpressionAttributeNames: { '#last': 'last' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return out.Attributes?.last as number;
  }

  /**
   * Raises the state's counter to its highest claimed number. Claims past the counter come only
   * from packages written without their counter (imported, restored from an old backup).
   */
  async function catchUpCounter(code: StateCode): Promise<void> {
    const out = await client.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :claim)',
        ExpressionAttributeValues: { ':pk': numberClaimKey(code, 0).PK, ':claim': NUMBER_CLAIM_SK_PREFIX },
        ProjectionExpression: 'SK',
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const highest = out.Items?.[0];
    if (highest) await raiseCounters({ [code]: claimedNumber(String(highest.SK)) });
  }

  return {
    getPackage: mustRead,

    async createPackage(plan: NewPackagePlan) {
      await ensureState(plan.stateCode);
      for (let attempt = 1; ; attempt++) {
        const { after: pkg, event } = plan.build(await allocateNumber(plan.stateCode));
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
            auditPut(pkg.id, event),
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
          await catchUpCounter(plan.stateCode);
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
            ...(after ? changeWrites(before, after) : deleteWrites(before)),
            auditPut(id, event),
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
