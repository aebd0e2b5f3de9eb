/**
 * The one-off upgrade of a table written before CMS's review (issue 11): its submitted package
 * heads lack `reviewStatus` and the keys of the review-status indexes. This pass gives them both,
 * derived from the package (`headToItem`), and touches nothing else.
 *
 * A resumable pass (dynamo-upgrade-pass.ts) over heads that need it.
 * - Idempotent and safe beside live writes: each head is set with UpdateItem conditioned on the
 *   version it was derived from and on still lacking `reviewStatus`, so a concurrent change
 *   (which writes the head whole, review keys included) is never overwritten; on a lost race the
 *   head is read again.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './dynamo-errors.js';
import {
  HEAD_SK,
  INDEX_PARTITION_ATTRIBUTE,
  REVIEW_INDEXES,
  REVIEW_STATUS_ATTRIBUTE,
} from './dynamo-keys.js';
import { headToItem, type Item, itemsToPackage } from './dynamo-marshal.js';
import type { DynamoTable } from './dynamo-table.js';
import { markPassDone, runUpgradePass, type UpgradePass } from './dynamo-upgrade-pass.js';

export const REVIEW_BACKFILL = 'review-keys';
const HEAD_ATTEMPTS = 10;

/** The head attributes the pass sets: the review status and the review indexes' partition keys. */
const REVIEW_ATTRIBUTES = [
  REVIEW_STATUS_ATTRIBUTE,
  ...REVIEW_INDEXES.map((i) => INDEX_PARTITION_ATTRIBUTE[i]),
];

export interface BackfillResult {
  /** Heads given the review attributes by this call. */
  heads: number;
  /** False when the pass had already finished before (nothing was scanned). */
  ran: boolean;
}

/** Records that the pass is not needed: a table created in the current layout. */
export const markReviewBackfillDone = (client: DynamoDBClient, tableName: string) =>
  markPassDone(client, tableName, REVIEW_BACKFILL);

const REVIEW_PASS: UpgradePass = {
  name: REVIEW_BACKFILL,
  scan: {
    // Submitted heads (only they have a review status) that lack it.
    FilterExpression: 'SK = :head AND attribute_exists(submittedPK) AND attribute_not_exists(#rs)',
    ExpressionAttributeNames: { '#rs': REVIEW_STATUS_ATTRIBUTE },
    ExpressionAttributeValues: { ':head': HEAD_SK },
    ProjectionExpression: 'id',
  },
  idsOf: (items) => items.map((i) => String(i.id)),
  upgrade: upgradeHead,
  concurrency: 8,
};

/** Runs (or resumes) the pass unless it finished before. */
export async function backfillReviewKeys(
  client: DynamoDBClient,
  tableName: string,
  options: { pageItems?: number } = {},
): Promise<BackfillResult> {
  const { written, ran } = await runUpgradePass(client, tableName, REVIEW_PASS, options);
  return { heads: written, ran };
}

/** Sets one head's review attributes, derived from the package as read; true when it wrote. */
async function upgradeHead(table: DynamoTable, id: string): Promise<boolean> {
  for (let attempt = 1; attempt <= HEAD_ATTEMPTS; attempt++) {
    const items = await table.packageItems(id);
    const head = items.find((i) => i.SK === HEAD_SK);
    const pkg = itemsToPackage(items);
    if (!head || !pkg || head[REVIEW_STATUS_ATTRIBUTE] !== undefined) return false; // gone, or written since
    const full = headToItem(pkg);
    const set = REVIEW_ATTRIBUTES.filter((a) => full[a] !== undefined);
    if (set.length === 0) return false;
    try {
      await table.client.send(
        new UpdateCommand({
          TableName: table.name,
          Key: { PK: head.PK, SK: head.SK },
          UpdateExpression: `SET ${set.map((_, i) => `#a${i} = :a${i}`).join(', ')}`,
          ConditionExpression: 'version = :v AND attribute_not_exists(#rs)',
          ExpressionAttributeNames: {
            '#rs': REVIEW_STATUS_ATTRIBUTE,
            ...Object.fromEntries(set.map((a, i) => [`#a${i}`, a])),
          },
          ExpressionAttributeValues: {
            ':v': head.version,
            ...Object.fromEntries(set.map((a, i) => [`:a${i}`, (full as Item)[a]])),
          },
        }),
      );
      return true;
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e; // changed meanwhile: read it again
    }
  }
  throw new Error(
    `upgrading package ${id}: still changing after ${HEAD_ATTEMPTS} attempts, run the upgrade again`,
  );
}
