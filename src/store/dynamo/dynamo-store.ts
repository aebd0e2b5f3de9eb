import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Package, PackageSummary, State, StateCode } from '../../domain/index.js';
import { alreadyExists, notFound, versionConflict } from '../errors.js';
import {
  assertAllowed,
  assertDeletable,
  type ChangeAction,
  newDraftPackage,
  parseCreateInput,
  planChange,
} from '../package-changes.js';
import { decodeCursor, encodeCursor, isStringRecord, listPlan, pageSize } from '../paging.js';
import { assertStorableText } from '../storable-text.js';
import type {
  AuditAction,
  AuditEvent,
  CreateDraftInput,
  ListByStateQuery,
  ListOptions,
  ListSubmittedQuery,
  NewAuditEvent,
  Page,
  PageRequest,
  Store,
  TransitionInput,
  UpdateDraftInput,
} from '../store.js';
import { ConditionFailed } from './dynamo-errors.js';
import {
  AUDIT_SK_PREFIX,
  CMS_FACT_ATTRIBUTES,
  claimedNumber,
  counterKey,
  documentKey,
  headKey,
  INDEX_PARTITION_ATTRIBUTE,
  INDEX_SORT_ATTRIBUTE,
  type IndexName,
  NUMBER_CLAIM_SK_PREFIX,
  numberClaimKey,
  packagePk,
  revisionKey,
  STATES_PK,
  stateKey,
} from './dynamo-keys.js';
import { createDynamoMaintenance } from './dynamo-maintenance.js';
import {
  auditToItem,
  documentToItem,
  headToItem,
  type Item,
  itemsToPackage,
  itemToAudit,
  itemToCmsSummary,
  itemToState,
  itemToSummary,
  revisionToItem,
  stateToItem,
} from './dynamo-marshal.js';
import { DynamoTable, type TransactItem } from './dynamo-table.js';
import { createDynamoUsers } from './dynamo-users.js';

export interface DynamoStoreOptions {
  /** A ready document client; the store does not create clients. */
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Called by `close()`, e.g. to stop an embedded engine the caller started. */
  onClose?: () => Promise<void>;
}

type Action = 'update' | 'submit' | 'resubmit' | 'unlock' | 'delete';

/** How a list reads a head: the attribute its program filter tests, and the summary it shows. */
interface ListView {
  programs: string;
  toSummary: (item: Item) => PackageSummary;
}
/** A state's own lists: the heads as they are, current revision included. */
const STATE_VIEW: ListView = { programs: 'programIds', toSummary: itemToSummary };
/** CMS's lists: the facts of the last submission (an unlocked draft's edits stay private). */
const CMS_VIEW: ListView = { programs: CMS_FACT_ATTRIBUTES.programIds, toSummary: itemToCmsSummary };

/** The most index items one filtered Query reads (before the filter): bounds each request's work. */
const MAX_FILTERED_READ = 500;
/** Number collisions tolerated in one creation; each raises the counter past the claimed numbers. */
const MAX_NUMBER_ATTEMPTS = 5;

export function createDynamoStore(options: DynamoStoreOptions): Store {
  const { client, tableName: TableName } = options;
  const knownStates = new Set<StateCode>();

  const table = new DynamoTable(client, TableName);
  const transact = (items: TransactItem[]) => table.transact(items);
  const maintenance = createDynamoMaintenance(table);

  async function readPackage(id: string): Promise<Package | undefined> {
    return itemsToPackage(await table.packageItems(id));
  }

  async function mustRead(id: string): Promise<Package> {
    const pkg = await readPackage(id);
    if (!pkg) throw notFound('package', id);
    return pkg;
  }

  /** After a refused write: say why, from the package as it is now. */
  async function explainRefusal(id: string, action: Action, expectedVersion: number): Promise<never> {
    const now = await mustRead(id);
    assertAllowed(now, action, expectedVersion);
    throw versionConflict(id, expectedVersion, now.version);
  }

  function auditPut(
    packageId: string,
    actor: NewAuditEvent['actor'],
    action: AuditAction,
    summary: string,
    at: string,
  ) {
    const event: AuditEvent = { id: randomUUID(), packageId, at, actor, action, summary };
    return { Put: { TableName, Item: auditToItem(event) } };
  }

  /** The writes that turn `before` into `after`, guarded by the head's version. */
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
    return writes;
  }

  async function change(
    id: string,
    action: ChangeAction,
    input: UpdateDraftInput & TransitionInput,
  ): Promise<Package> {
    const before = await mustRead(id);
    const { after, audit } = planChange(action, before, input);
    try {
      await transact([
        ...changeWrites(before, after),
        auditPut(id, audit.actor, audit.action, audit.summary, after.updatedAt),
      ]);
    } catch (e) {
      if (e instanceof ConditionFailed) return explainRefusal(id, action, input.expectedVersion);
      throw e;
    }
    return after;
  }

  async function ensureState(code: StateCode): Promise<void> {
    if (knownStates.has(code)) return;
    const out = await client.send(
      new GetCommand({ TableName, Key: stateKey(code), ProjectionExpression: 'PK' }),
    );
    if (!out.Item) throw notFound('state', code);
    knownStates.add(code);
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
    if (highest) await maintenance.raiseCounters({ [code]: claimedNumber(String(highest.SK)) });
  }

  async function listIndex(
    index: IndexName,
    partition: string,
    query: ListOptions,
    listTag: string,
    view: ListView,
  ): Promise<Page<PackageSummary>> {
    const { limit, order, programId, tag } = listPlan(listTag, query);
    const pkAttr = INDEX_PARTITION_ATTRIBUTE[index];
    const sortAttr = INDEX_SORT_ATTRIBUTE[index];
    let start = decodeCursor(tag, query.cursor, isStringRecord);
    const items: Item[] = [];
    // Ask for one more than a page: whether it exists decides whether there is a next page.
    // With a program filter, Limit counts items read before the filter: keep reading, in reads that
    // grow while they come back short (bounded per request), until the page is full or the index ends.
    let readSize = 0;
    do {
      const wanted = limit + 1 - items.length;
      readSize = programId ? Math.min(MAX_FILTERED_READ, Math.max(wanted, readSize * 2)) : wanted;
      const out = await client.send(
        new QueryCommand({
          TableName,
          IndexName: index,
          KeyConditionExpression: '#pk = :pk',
          ...(programId
            ? {
                FilterExpression: 'contains(#programs, :program)',
                ExpressionAttributeNames: { '#pk': pkAttr, '#programs': view.programs },
                ExpressionAttributeValues: { ':pk': partition, ':program': programId },
              }
            : {
                ExpressionAttributeNames: { '#pk': pkAttr },
                ExpressionAttributeValues: { ':pk': partition },
              }),
          ScanIndexForward: order === 'oldest',
          Limit: readSize,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((out.Items ?? []) as Item[]));
      start = out.LastEvaluatedKey as Record<string, string> | undefined;
    } while (start && items.length <= limit);
    // A filtered read may bring more than the page and its lookahead: the cursor is always the
    // page's last item, never where the read stopped, so nothing is skipped.
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    const cursor =
      items.length > limit && last
        ? encodeCursor(tag, { PK: last.PK, SK: last.SK, [pkAttr]: last[pkAttr], [sortAttr]: last[sortAttr] })
        : undefined;
    return { items: page.map(view.toSummary), ...(cursor ? { cursor } : {}) };
  }

  const emptyPage: Page<PackageSummary> = { items: [] };

  return {
    backend: 'dynamodb',

    async upsertStates(states: readonly State[]) {
      assertStorableText(states, ['states']);
      await table.batchWrite(states.map((st) => ({ PutRequest: { Item: stateToItem(st) } })));
    },
    async listStates() {
      const items = await table.queryAll({
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': STATES_PK },
      });
      return items.map(itemToState);
    },
    async getState(code) {
      const out = await client.send(new GetCommand({ TableName, Key: stateKey(code) }));
      if (!out.Item) throw notFound('state', code);
      return itemToState(out.Item);
    },
    ...createDynamoUsers(table, ensureState),

    async createDraft(input: CreateDraftInput) {
      const parsed = parseCreateInput(input);
      await ensureState(input.stateCode);
      for (let attempt = 1; ; attempt++) {
        const pkg = newDraftPackage(parsed, await allocateNumber(input.stateCode));
        const rev = pkg.revisions[0]!;
        try {
          await transact([
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
            auditPut(
              pkg.id,
              input.actor,
              'CREATE',
              `Draft created as number ${pkg.stateNumber}`,
              pkg.createdAt,
            ),
          ]);
          return pkg;
        } catch (e) {
          if (!(e instanceof ConditionFailed)) throw e;
          if (e.failedIndexes.includes(1)) throw alreadyExists('package', input.id);
          // The number was already claimed: the counter is behind the claims (packages imported
          // without it). One catch-up settles that, so repeated collisions are a fault.
          if (attempt >= MAX_NUMBER_ATTEMPTS) {
            throw new Error(
              `no free package number in state ${input.stateCode} after ${attempt} attempts: every number the counter gave was taken`,
              { cause: e },
            );
          }
          await catchUpCounter(input.stateCode);
        }
      }
    },

    async getPackage(id) {
      return mustRead(id);
    },

    updateDraft: (id, input) => change(id, 'update', input),
    submit: (id, input) => change(id, 'submit', input),
    resubmit: (id, input) => change(id, 'resubmit', input),
    unlock: (id, input) => change(id, 'unlock', input),

    async deleteDraft(id, input) {
      const pkg = await mustRead(id);
      assertDeletable(pkg, input.expectedVersion);
      const rev = pkg.revisions[0]!;
      try {
        await transact([
          {
            Delete: {
              TableName,
              Key: headKey(id),
              ConditionExpression: 'version = :v',
              ExpressionAttributeValues: { ':v': input.expectedVersion },
            },
          },
          { Delete: { TableName, Key: revisionKey(id, rev.number) } },
          ...rev.documents.map((d) => ({ Delete: { TableName, Key: documentKey(id, rev.number, d.id) } })),
          auditPut(id, input.actor, 'DELETE', 'Draft deleted', new Date().toISOString()),
        ]);
      } catch (e) {
        if (e instanceof ConditionFailed) await explainRefusal(id, 'delete', input.expectedVersion);
        throw e;
      }
    },

    listByState(stateCode, query: ListByStateQuery = {}) {
      if (query.status) {
        return listIndex(
          'byStateStatus',
          `STATE#${stateCode}#${query.status}`,
          query,
          `state:${stateCode}:${query.status}`,
          STATE_VIEW,
        );
      }
      return listIndex('byState', `STATE#${stateCode}`, query, `state:${stateCode}`, STATE_VIEW);
    },

    async listSubmitted(query: ListSubmittedQuery = {}) {
      const { stateCode, status } = query;
      if (status === 'DRAFT') {
        listPlan('cms', query); // still refuses bad options
        return emptyPage;
      }
      if (stateCode && status) {
        return listIndex(
          'submittedByStateStatus',
          `SUBMITTED#STATE#${stateCode}#${status}`,
          query,
          `cms:state:${stateCode}:status:${status}`,
          CMS_VIEW,
        );
      }
      if (stateCode) {
        return listIndex(
          'submittedByState',
          `SUBMITTED#STATE#${stateCode}`,
          query,
          `cms:state:${stateCode}`,
          CMS_VIEW,
        );
      }
      if (status) {
        return listIndex(
          'submittedByStatus',
          `SUBMITTED#STATUS#${status}`,
          query,
          `cms:status:${status}`,
          CMS_VIEW,
        );
      }
      return listIndex('submitted', 'SUBMITTED', query, 'cms', CMS_VIEW);
    },

    async appendAudit(event) {
      assertStorableText(event, ['event']);
      const at = new Date().toISOString();
      const full: AuditEvent = { ...event, id: randomUUID(), at };
      try {
        await transact([
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

    async listAudit(packageId, request: PageRequest = {}) {
      const limit = pageSize(request.limit);
      const tag = `audit:${packageId}`;
      const after = decodeCursor(tag, request.cursor, (p): p is string => typeof p === 'string');
      const pk = packagePk(packageId);
      const out = await client.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :audit)',
          ExpressionAttributeValues: { ':pk': pk, ':audit': AUDIT_SK_PREFIX },
          ExclusiveStartKey: after ? { PK: pk, SK: after } : undefined,
          ConsistentRead: true,
          Limit: limit + 1,
        }),
      );
      const items = (out.Items ?? []) as Item[];
      const page = items.slice(0, limit);
      const cursor = items.length > limit ? encodeCursor(tag, page[page.length - 1]!.SK) : undefined;
      return { items: page.map(itemToAudit), ...(cursor ? { cursor } : {}) };
    },

    ...maintenance,

    async close() {
      await options.onClose?.();
    },
  };
}
