/**
 * The baseline: the very DynamoDB requests the store makes for each operation, written by hand
 * with the document client, with no validation, mapping or domain logic. Keep it in step with
 * src/store/dynamo/dynamo-store.ts; `checkSameItems` in store.ts fails the bench if it drifts.
 */
import { randomUUID } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../src/domain/index.js';
import type { RawCreateInput } from './lib/store-vs-raw.js';

type Item = Record<string, unknown>;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function auditItem(packageId: string, actor: Actor, action: string, summary: string, at: string): Item {
  const id = randomUUID();
  return {
    PK: `PKG#${packageId}`,
    SK: `AUDIT#${at}#${id}`,
    kind: 'audit',
    id,
    packageId,
    at,
    actor,
    action,
    summary,
  };
}

export function rawOps(client: DynamoDBDocumentClient, TableName: string) {
  const readPackage = async (id: string): Promise<Item[]> => {
    const out = await client.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'PK = :pk AND SK >= :head',
        ExpressionAttributeValues: { ':pk': `PKG#${id}`, ':head': 'HEAD' },
        ConsistentRead: true,
      }),
    );
    return out.Items ?? [];
  };

  return {
    /** UpdateItem ADD on the state's counter, then one transaction: claim, head, revision, documents, audit. */
    async create(input: RawCreateInput): Promise<void> {
      const { id, stateCode, formData, documents, actor } = input;
      const counter = await client.send(
        new UpdateCommand({
          TableName,
          Key: { PK: `STATE#${stateCode}`, SK: 'COUNTER' },
          UpdateExpression: 'ADD #last :one',
          ExpressionAttributeNames: { '#last': 'last' },
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const n = counter.Attributes?.last as number;
      const at = new Date().toISOString();
      const pk = `PKG#${id}`;
      const head: Item = {
        PK: pk,
        SK: 'HEAD',
        kind: 'head',
        id,
        stateCode,
        stateNumber: n,
        status: 'DRAFT',
        version: 1,
        createdAt: at,
        updatedAt: at,
        revisionCount: 1,
        currentRevisionNumber: 1,
        submissionType: formData.submissionType,
        programIds: formData.programIds,
        // The lists' badge of open questions: none on a new draft.
        openQuestions: 0,
        listKey: `${at}#${id}`,
        byStatePK: `STATE#${stateCode}`,
        byStateStatusPK: `STATE#${stateCode}#DRAFT`,
      };
      const revision: Item = {
        PK: pk,
        SK: 'REV#000001',
        kind: 'revision',
        id: randomUUID(),
        number: 1,
        createdAt: at,
        formData,
      };
      const docs = documents.map((d, position) => ({
        Put: {
          TableName,
          Item: { PK: pk, SK: `REV#000001#DOC#${d.id}`, kind: 'document', revisionNumber: 1, position, ...d },
        },
      }));
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName,
                Item: { PK: `STATE#${stateCode}`, SK: `NUMBER#${pad(n, 10)}`, packageId: id },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            { Put: { TableName, Item: head, ConditionExpression: 'attribute_not_exists(PK)' } },
            { Put: { TableName, Item: revision } },
            ...docs,
            { Put: { TableName, Item: auditItem(id, actor, 'CREATE', `Draft created as number ${n}`, at) } },
          ],
        }),
      );
    },

    /** The one consistent Query that reads head, revisions and documents; items are not mapped. */
    get: readPackage,

    /** One page of the byState index, newest first, one item more than the page to detect a next page. */
    async listByState(stateCode: string, pageSize = 25): Promise<Item[]> {
      const out = await client.send(
        new QueryCommand({
          TableName,
          IndexName: 'byState',
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'byStatePK' },
          ExpressionAttributeValues: { ':pk': `STATE#${stateCode}` },
          ScanIndexForward: false,
          Limit: pageSize + 1,
        }),
      );
      return out.Items ?? [];
    },

    /** Read the package, then one transaction: head (version-guarded), frozen revision, audit. */
    async submit(id: string, actor: Actor): Promise<void> {
      const items = await readPackage(id);
      const head = items.find((i) => i.SK === 'HEAD')!;
      const current = items.find((i) => i.kind === 'revision' && i.number === head.currentRevisionNumber)!;
      const at = new Date().toISOString();
      const stateCode = head.stateCode as string;
      const nextHead: Item = {
        ...head,
        status: 'SUBMITTED',
        version: (head.version as number) + 1,
        updatedAt: at,
        initiallySubmittedAt: at,
        cmsUpdatedAt: at,
        cmsRevisionCount: 1,
        cmsSubmissionType: head.submissionType,
        cmsProgramIds: head.programIds,
        listKey: `${at}#${id}`,
        byStateStatusPK: `STATE#${stateCode}#SUBMITTED`,
        cmsListKey: `${at}#${id}`,
        submittedPK: 'SUBMITTED',
        submittedByStatePK: `SUBMITTED#STATE#${stateCode}`,
        submittedByStatusPK: 'SUBMITTED#STATUS#SUBMITTED',
        submittedByStateStatusPK: `SUBMITTED#STATE#${stateCode}#SUBMITTED`,
        // The bench's forms cover Medicaid, so a first submission is under review.
        reviewStatus: 'UNDER_REVIEW',
        byStateReviewPK: `STATE#${stateCode}#REVIEW#UNDER_REVIEW`,
        submittedByReviewPK: 'SUBMITTED#REVIEW#UNDER_REVIEW',
        submittedByStateReviewPK: `SUBMITTED#STATE#${stateCode}#REVIEW#UNDER_REVIEW`,
      };
      const frozen: Item = { ...current, submitInfo: { at, by: actor, reason: 'Initial submission' } };
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName,
                Item: nextHead,
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': head.version },
              },
            },
            { Put: { TableName, Item: frozen, ConditionExpression: 'attribute_not_exists(submitInfo)' } },
            { Put: { TableName, Item: auditItem(id, actor, 'SUBMIT', 'Submitted to CMS', at) } },
          ],
        }),
      );
    },
  };
}

export type RawOps = ReturnType<typeof rawOps>;
