/**
 * The items a change of a package writes, shared by `changePackage` (dynamo-writes) and
 * `changeGraph` (dynamo-rate-graph): only what differs between before and after, every write
 * guarded (the head by its version, submitted revisions, review actions and questions against
 * any rewrite).
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { AuditEvent, NewAuditEvent, Package, PackageChangeEvent } from '../../domain/index.js';
import { documentKey, headKey, questionKey, reviewActionKey, revisionKey } from './dynamo-keys.js';
import {
  auditToItem,
  documentsLender,
  documentToItem,
  headToItem,
  questionToItem,
  reviewActionToItem,
  revisionToItem,
} from './dynamo-marshal.js';
import type { TransactItem } from './dynamo-table.js';

export function auditPut(
  TableName: string,
  packageId: string,
  event: PackageChangeEvent | NewAuditEvent,
): TransactItem {
  const full: AuditEvent = { id: randomUUID(), packageId, ...event };
  return { Put: { TableName, Item: auditToItem(full) } };
}

/** The writes that turn `before` into `after`, guarded by the head's version (index 0). */
export function changeWrites(TableName: string, before: Package, after: Package): TransactItem[] {
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
    // A new revision submitted at once (a rate's withdrawal gives up to ten packages one each)
    // names the stored revision whose documents it copies instead of writing them again.
    const lender = prev ? undefined : documentsLender(before.revisions, rev);
    if (!prev || !isDeepStrictEqual({ ...prev, documents: [] }, { ...rev, documents: [] })) {
      writes.push({
        Put: {
          TableName,
          Item: revisionToItem(after.id, rev, lender),
          // A submitted revision is frozen forever; only a new or still-draft revision is written.
          ConditionExpression: 'attribute_not_exists(submitInfo)',
        },
      });
    }
    if (lender !== undefined) continue;
    if (prev?.submitInfo && !isDeepStrictEqual(prev.documents, rev.documents)) {
      // Frozen, and its documents may be another revision's (`documentsOf`): never rewritten.
      throw new Error(
        `refused: the change of package ${after.id} would rewrite revision ${rev.number}'s documents`,
      );
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
  writes.push(...reviewActionWrites(TableName, before, after), ...questionWrites(TableName, before, after));
  return writes;
}

/**
 * The review action a change adds, as a new item: the history is never rewritten, so a change
 * that alters or drops a recorded action, or adds more than one, is refused before any write.
 */
function reviewActionWrites(TableName: string, before: Package, after: Package): TransactItem[] {
  const added = after.reviewActions.length - before.reviewActions.length;
  if (added < 0 || added > 1 || !isDeepStrictEqual(after.reviewActions.slice(added), before.reviewActions)) {
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
function questionWrites(TableName: string, before: Package, after: Package): TransactItem[] {
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
export function deleteWrites(TableName: string, before: Package): TransactItem[] {
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
