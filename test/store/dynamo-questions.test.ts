/**
 * CMS's questions on DynamoDB: one item per question (its response written into it), read with
 * the package in its one Query, written in the change's one transaction with only the item that
 * changed, carried by every import mode, and never rewritten otherwise.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_QA_DOCUMENTS,
  MAX_QA_TEXT_LENGTH,
  MAX_QUESTIONS_PER_PACKAGE,
  type Package,
  planAskQuestion,
  planRespond,
  type QaDocument,
  type Question,
  type State,
  type User,
} from '../../src/domain/index.js';
import { packagePk } from '../../src/store/dynamo/dynamo-keys.js';
import { questionToItem } from '../../src/store/dynamo/dynamo-marshal.js';
import { cmsUser, document, makeState, submitted } from '../conformance/fixtures.js';
import { freshDynamoStore } from '../support/dynamo.js';
import type { DrivenStore } from '../support/store-commands.js';

let store: DrivenStore;
let tableName: string;
let clients: Awaited<ReturnType<typeof freshDynamoStore>>['clients'];
/** Every command sent, with its input (transactions: how many items they hold). */
const sent: { name: string; input: Record<string, unknown> }[] = [];
const others: Awaited<ReturnType<typeof freshDynamoStore>>[] = [];

beforeAll(async () => {
  ({ store, tableName, clients } = await freshDynamoStore('carepack-questions'));
  clients.client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ name: context.commandName ?? '?', input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
});
afterAll(async () => {
  await store.close();
  for (const other of others) await other.store.close();
});

const asker = (division: 'DMCO' | 'OACT' = 'DMCO'): User => {
  const { id, email, givenName, familyName } = cmsUser();
  return { id, email, givenName, familyName, role: 'CMS_USER', division };
};
const stateUser = (state: State): User => ({
  id: randomUUID(),
  email: `analyst-${randomUUID().slice(0, 8)}@state.example.gov`,
  givenName: 'Sam',
  familyName: 'State',
  role: 'STATE_USER',
  stateCode: state.code,
});
function qaDocument(name: string): QaDocument {
  const { category: _c, rateId: _r, ...doc } = document(name);
  return doc;
}
const now = () => new Date().toISOString();

async function ask(pkg: Pick<Package, 'id'>, user = asker(), text = 'Why?') {
  return store.changePackage(pkg.id, (p) =>
    planAskQuestion(p, { user, at: now(), id: randomUUID(), text, documents: [qaDocument('q.pdf')] }),
  );
}
async function respond(pkg: Pick<Package, 'id'>, user: User, questionId: string) {
  return store.changePackage(pkg.id, (p) =>
    planRespond(p, {
      user,
      at: now(),
      id: randomUUID(),
      questionId,
      text: 'Because.',
      documents: [qaDocument('a.pdf'), qaDocument('b.pdf')],
    }),
  );
}

async function sortKeys(table: string, client: typeof clients, id: string): Promise<string[]> {
  const out = await client.doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :q)',
      ExpressionAttributeValues: { ':pk': packagePk(id), ':q': 'QUESTION#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => String(i.SK));
}

/** The items of the transactions sent since `from`. */
const transactionSizes = (from: number) =>
  sent
    .slice(from)
    .filter((c) => c.name === 'TransactWriteItemsCommand')
    .map((c) => (c.input.TransactItems as unknown[]).length);

describe('DynamoDB questions', () => {
  it('keeps one item per question, reads them with the package in one Query, and shows the open count in the lists', async () => {
    const state = makeState('QA');
    await store.upsertStates([state]);
    const pkg = await submitted(store, state);

    let from = sent.length;
    const asked = await ask(pkg);
    // Head (version-guarded), the new question item, the audit event: one transaction of three.
    expect(transactionSizes(from)).toEqual([3]);
    const [first] = asked.after.questions as [Question];
    expect(await sortKeys(tableName, clients, pkg.id)).toEqual(['QUESTION#0001']);
    const summaries = async () => [
      (await store.listByState(state.code)).items.find((s) => s.id === pkg.id)!.openQuestions,
      (await store.listSubmitted({ stateCode: state.code })).items.find((s) => s.id === pkg.id)!
        .openQuestions,
    ];
    expect(await summaries()).toEqual([1, 1]);

    from = sent.length;
    const responded = await respond(pkg, stateUser(state), first.id);
    // The response rewrites its question's item only: nothing else of the package is written again.
    expect(transactionSizes(from)).toEqual([3]);
    expect(await summaries()).toEqual([0, 0]);

    const second = await ask(pkg, asker('OACT'), 'And this?');
    expect(await sortKeys(tableName, clients, pkg.id)).toEqual(['QUESTION#0001', 'QUESTION#0002']);

    from = sent.length;
    const read = await store.getPackage(pkg.id);
    expect(sent.slice(from).map((c) => c.name)).toEqual(['QueryCommand']);
    expect(read).toEqual(second.after);
    expect(read.questions.map((q) => [q.division, q.round, q.text, q.response?.text ?? null])).toEqual([
      ['OACT', 1, 'And this?', null],
      ['DMCO', 1, 'Why?', 'Because.'],
    ]);
    expect(read.questions[1]).toEqual(responded.after.questions[0]);
    expect(read.questions[1]!.response!.documents.map((d) => d.name)).toEqual(['a.pdf', 'b.pdf']);
  });

  it('lets exactly one of two CMS users asking at once succeed', async () => {
    const state = makeState('QC');
    await store.upsertStates([state]);
    const pkg = await submitted(store, state);
    const results = await Promise.allSettled([ask(pkg), ask(pkg, asker('OACT'))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { code: 'INVALID_TRANSITION' },
    });
    expect(await sortKeys(tableName, clients, pkg.id)).toEqual(['QUESTION#0001']);
  });

  it('never rewrites a question: a change that alters or drops one is refused, nothing written', async () => {
    const state = makeState('QH');
    await store.upsertStates([state]);
    const pkg = await submitted(store, state);
    const { after } = await respond(pkg, stateUser(state), (await ask(pkg)).after.questions[0]!.id);
    const rewrite = (questions: Question[]) =>
      store.changePackage(pkg.id, (p) => ({
        after: { ...p, version: p.version + 1, questions },
        event: { actor: after.questions[0]!.by, action: 'ASK_QUESTION', summary: 's', at: now() },
      }));
    const [recorded] = after.questions as [Question];
    await expect(rewrite([{ ...recorded, text: 'changed' }])).rejects.toThrow(/questions/);
    await expect(rewrite([{ ...recorded, response: null }])).rejects.toThrow(/questions/);
    await expect(rewrite([])).rejects.toThrow(/questions/);
    expect(await store.getPackage(pkg.id)).toEqual(after);
  });

  it('is carried by every import mode; a forced older copy drops the question items it lacks', async () => {
    const state = makeState('QI');
    await store.upsertStates([state]);
    const pkg = await submitted(store, state);
    const first = (await ask(pkg)).after.questions[0]!;
    const oneAnswered = (await respond(pkg, stateUser(state), first.id)).after;
    const twoQuestions = (await ask(pkg, asker('OACT'))).after;

    for (const mode of ['overwrite', 'replace', 'force'] as const) {
      const target = await freshDynamoStore('carepack-questions-copy');
      others.push(target);
      await target.store.upsertStates([state]);
      await target.store.maintenance.importPackages([twoQuestions], { mode });
      expect(await target.store.getPackage(pkg.id)).toEqual(twoQuestions);
      const scanned = await target.store.maintenance.scanPackages({ partition: 0, partitions: 1 });
      expect(scanned.items).toEqual([twoQuestions]);
      expect((await target.store.listSubmitted()).items[0]!.openQuestions).toBe(1);

      // replace never moves back; force does, and the newer question's item goes.
      await target.store.maintenance.importPackages([oneAnswered], { mode: 'replace' });
      expect(await target.store.getPackage(pkg.id)).toEqual(twoQuestions);
      await target.store.maintenance.importPackages([oneAnswered], { mode: 'force' });
      expect(await target.store.getPackage(pkg.id)).toEqual(oneAnswered);
      expect(await sortKeys(target.tableName, target.clients, pkg.id)).toEqual(['QUESTION#0001']);
      expect((await target.store.listSubmitted()).items[0]!.openQuestions).toBe(0);

      await target.store.maintenance.removePackage(pkg.id);
      expect(await sortKeys(target.tableName, target.clients, pkg.id)).toEqual([]);
    }
  }, 60_000);

  it('imports a package whose questions weigh more than one transaction holds (4 MB), in every mode', async () => {
    const state = makeState('QB');
    await store.upsertStates([state]);
    const pkg = await submitted(store, state);
    const heavy = (n: number): Question => {
      const at = new Date(Date.parse(pkg.updatedAt) + n * 1000).toISOString();
      const documents = Array.from({ length: MAX_QA_DOCUMENTS }, (_, i) => ({
        ...qaDocument(`${'n'.repeat(200)}${i}`),
        key: 'k'.repeat(1000),
      }));
      const by = asker('DMCO');
      return {
        id: randomUUID(),
        division: 'DMCO',
        round: n,
        at,
        by: { id: by.id, email: by.email, role: 'CMS_USER' },
        text: '\u{1F600}'.repeat(MAX_QA_TEXT_LENGTH),
        documents,
        response: {
          id: randomUUID(),
          at,
          by: { ...by, role: 'STATE_USER' },
          text: '\u{1F600}'.repeat(MAX_QA_TEXT_LENGTH),
          documents,
        },
      };
    };
    const questions = Array.from({ length: MAX_QUESTIONS_PER_PACKAGE }, (_, i) => heavy(i + 1)).reverse();
    const big: Package = { ...pkg, version: pkg.version + 1, questions };
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(4_500_000);
    for (const mode of ['force', 'overwrite'] as const) {
      const target = await freshDynamoStore('carepack-questions-big');
      others.push(target);
      await target.store.upsertStates([state]);
      await target.store.maintenance.importPackages([big], { mode });
      expect(await target.store.getPackage(pkg.id)).toEqual(big);
    }
    // replace, over the package as it was: the new question items come in chunks, then the head.
    await store.maintenance.importPackages([big]);
    expect(await store.getPackage(pkg.id)).toEqual(big);
  }, 60_000);

  it('keeps the largest possible question item far below the 400 KB item limit', () => {
    const longText = '\u{1F600}'.repeat(MAX_QA_TEXT_LENGTH); // 4 bytes each in UTF-8
    const documents = Array.from({ length: MAX_QA_DOCUMENTS }, (_, i) => ({
      ...qaDocument(`${'n'.repeat(250)}${i}`),
      key: 'k'.repeat(1024),
    }));
    const by = { id: randomUUID(), email: `${'x'.repeat(300)}@cms.example.gov`, role: 'CMS_USER' as const };
    const question: Question = {
      id: randomUUID(),
      division: 'OACT',
      round: 50,
      at: now(),
      by,
      text: longText,
      rateId: randomUUID(),
      documents,
      response: { id: randomUUID(), at: now(), by, text: longText, documents },
    };
    const bytes = Buffer.byteLength(JSON.stringify(marshall(questionToItem(randomUUID(), question, 50))));
    expect(bytes).toBeLessThan(150_000);
  });
});
