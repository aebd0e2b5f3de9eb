/**
 * Rates on DynamoDB, what only this layout decides: how many requests a read costs, that a rate
 * withdrawal from ten packages of 48 documents each fits one transaction (the new revisions name
 * the revision whose documents they copy), that a change too large fails with nothing written,
 * that a stale or history-rewriting write is refused, and that a refusal is confirmed against
 * the records it was read from. Behaviour shared by every backend is the conformance suite's.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  DomainError,
  type GraphChange,
  MAX_DOCUMENTS_PER_REVISION,
  MAX_PACKAGES_PER_RATE,
  type Package,
  type Rate,
  RateFormDataSchema,
  type RateGraph,
  type RateRevision,
  type State,
} from '../../src/domain/index.js';
import { packagePk } from '../../src/store/dynamo/dynamo-keys.js';
import { cmsActor, document, makeState, minimalFormData, stateActor } from '../conformance/fixtures.js';
import { freshDynamoStore } from '../support/dynamo.js';
import type { DrivenStore } from '../support/store-commands.js';

let store: DrivenStore;
let tableName: string;
let clients: Awaited<ReturnType<typeof freshDynamoStore>>['clients'];
const sent: { name: string; input: Record<string, unknown> }[] = [];
/** Runs once before the next TransactWriteItems is sent (to make a record stale under a change). */
let beforeNextTransaction: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ store, tableName, clients } = await freshDynamoStore('carepack-rates'));
  clients.client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '?';
      sent.push({ name, input: args.input as Record<string, unknown> });
      if (name === 'TransactWriteItemsCommand' && beforeNextTransaction) {
        const run = beforeNextTransaction;
        beforeNextTransaction = undefined;
        await run();
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
});
afterAll(() => store.close());

const names = (from: number) => sent.slice(from).map((c) => c.name);
/** How many keys the BatchGetItem requests sent since `from` asked for. */
const batchKeys = (from: number) =>
  sent
    .slice(from)
    .filter((c) => c.name === 'BatchGetItemCommand')
    .reduce((n, c) => {
      const items = c.input.RequestItems as Record<string, { Keys: unknown[] }>;
      return n + Object.values(items).reduce((k, t) => k + t.Keys.length, 0);
    }, 0);
const transactionSizes = (from: number) =>
  sent
    .slice(from)
    .filter((c) => c.name === 'TransactWriteItemsCommand')
    .map((c) => (c.input.TransactItems as unknown[]).length);
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const cms: Actor = cmsActor();

let nextCode = 0;
async function freshState(): Promise<State> {
  const state = makeState(`R${'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[nextCode++]}`);
  await store.upsertStates([state]);
  return state;
}

function rateRevision(state: State, number: number, submitted: boolean, packageId: string): RateRevision {
  return {
    id: randomUUID(),
    number,
    createdAt: at(number),
    formData: RateFormDataSchema.parse({ rateProgramIds: [state.programs[0]!.id] }),
    documents: [{ ...document('rates.pdf', 'RATE'), category: 'RATE' as const }].map(
      ({ rateId: _r, ...d }) => d,
    ),
    submitInfo: submitted ? { at: at(number + 1), by: stateActor(), reason: 'Initial submission' } : null,
    unlockInfo: null,
    submittedWith: submitted ? { packageId, packageRevision: 1 } : null,
  };
}

/** A rate submitted with its parent and carried by `packageIds`. */
function submittedRate(state: State, n: number, packageIds: string[]): Rate {
  return {
    id: randomUUID(),
    stateCode: state.code,
    stateRateNumber: n,
    parentPackageId: packageIds[0]!,
    status: 'SUBMITTED',
    version: 3,
    createdAt: at(0),
    updatedAt: at(2 + n),
    initiallySubmittedAt: at(2),
    revisions: [rateRevision(state, 1, true, packageIds[0]!)],
    packageIds,
    withdrawals: [],
  };
}

/** A submitted package linking `rateIds` (frozen to their revision 1), with `documents` documents. */
function submittedPackage(state: State, n: number, rateIds: string[], documents: number): Package {
  return {
    id: randomUUID(),
    stateCode: state.code,
    stateNumber: n,
    status: 'SUBMITTED',
    version: 2,
    createdAt: at(0),
    updatedAt: at(1),
    initiallySubmittedAt: at(1),
    reviewStatus: 'UNDER_REVIEW',
    reviewActions: [],
    questions: [],
    revisions: [
      {
        id: randomUUID(),
        number: 1,
        createdAt: at(0),
        formData: minimalFormData(state),
        documents: Array.from({ length: documents }, (_, i) => document(`contract-${i}.pdf`)),
        submitInfo: { at: at(1), by: stateActor(), reason: 'Initial submission' },
        unlockInfo: null,
        rateLinks: rateIds.map((rateId) => ({ rateId, rateRevision: 1 })),
      },
    ],
  };
}

/**
 * A rate and the packages carrying it, imported whole (no plans): `count` packages of `documents`
 * documents each.
 */
async function rateOnPackages(state: State, count: number, documents: number) {
  const ids = Array.from({ length: count }, () => randomUUID());
  const rate = submittedRate(state, 1, ids);
  const packages = ids.map((id, i) => ({ ...submittedPackage(state, i + 1, [rate.id], documents), id }));
  await store.maintenance.importRates([rate]);
  await store.maintenance.importPackages(packages);
  return { rate, packages };
}

/**
 * A withdrawal as the domain's plan makes it (written here so this file tests the store alone):
 * each package gets a new submitted revision, a copy of its current one without the link.
 */
function withdraw(graph: RateGraph, rateId: string, newRevisionSubmitted = true): GraphChange {
  const rate = graph.rates.get(rateId)!;
  const reason = 'Withdrawn by CMS';
  const packages = [...graph.packages.values()].map((p): Package => {
    const current = p.revisions[0]!;
    return {
      ...p,
      version: p.version + 1,
      updatedAt: at(30),
      status: newRevisionSubmitted ? 'RESUBMITTED' : 'UNLOCKED',
      revisions: [
        {
          ...current,
          id: randomUUID(),
          number: current.number + 1,
          createdAt: at(30),
          submitInfo: newRevisionSubmitted ? { at: at(30), by: cms, reason } : null,
          rateLinks: current.rateLinks.filter((l) => l.rateId !== rateId),
        },
        ...p.revisions,
      ],
    };
  });
  return {
    packages,
    rates: [
      {
        ...rate,
        version: rate.version + 1,
        status: 'WITHDRAWN',
        updatedAt: at(30),
        packageIds: [],
        withdrawals: [
          { id: randomUUID(), action: 'WITHDRAW', at: at(30), by: cms, reason, packageIds: rate.packageIds },
        ],
      },
    ],
    deletedPackageIds: [],
    deletedRateIds: [],
    events: packages.map((p) => ({
      packageId: p.id,
      actor: cms,
      action: 'WITHDRAW_RATE' as const,
      summary: 'Rate withdrawn',
      at: at(30),
    })),
  };
}

async function itemCount(id: string): Promise<number> {
  const out = await clients.doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND SK >= :head',
      ExpressionAttributeValues: { ':pk': packagePk(id), ':head': 'HEAD' },
      ConsistentRead: true,
      Select: 'COUNT',
    }),
  );
  return out.Count ?? 0;
}

describe('DynamoDB rates', () => {
  it('reads a rate in one Query, and any number of rates of one small revision in one request: a keyed SELECT up to ten, a BatchGetItem beyond', async () => {
    const state = await freshState();
    const rates = Array.from({ length: 10 }, (_, i) => submittedRate(state, i + 1, [randomUUID()]));
    await store.maintenance.importRates(rates);

    let from = sent.length;
    expect(await store.getRate(rates[0]!.id)).toEqual(rates[0]);
    expect(names(from)).toEqual(['QueryCommand']);

    // The head carries its newest revision: nothing else is left to read.
    from = sent.length;
    const one = await store.getRates([rates[0]!.id]);
    expect(names(from)).toEqual(['ExecuteStatementCommand']);
    // Up to ten heads are one SELECT naming every partition (key lookups, never a scan)…
    from = sent.length;
    const missing = randomUUID();
    const nine = await store.getRates([...rates.slice(0, 9).map((r) => r.id), missing]);
    expect(names(from)).toEqual(['ExecuteStatementCommand']);
    expect(sent[from]!.input).toMatchObject({
      Statement: `SELECT * FROM "${tableName}" WHERE PK IN [${Array(10).fill('?').join(', ')}] AND SK = ?`,
      ConsistentRead: true,
    });
    // …more are one BatchGetItem.
    from = sent.length;
    const ten = await store.getRates([...rates.map((r) => r.id).reverse(), missing]);
    expect(names(from)).toEqual(['BatchGetItemCommand']);
    expect(batchKeys(from)).toBe(11);
    expect(one).toEqual([rates[0]]);
    expect(nine).toEqual(rates.slice(0, 9));
    expect(ten).toEqual([...rates].reverse());
  });

  it('reads the items a head does not carry in one more BatchGetItem: older revisions, withdrawals, a large newest revision, heads written without the copy', async () => {
    const state = await freshState();
    const [older, withdrawn, large, plain] = [1, 2, 3, 4].map((n) => submittedRate(state, n, [randomUUID()]));
    const unlocked: Rate = {
      ...older!,
      status: 'UNLOCKED',
      version: 4,
      revisions: [
        {
          ...rateRevision(state, 2, false, older!.parentPackageId),
          unlockInfo: { at: at(9), by: cms, reason: 'Fix the rates' },
        },
        ...older!.revisions,
      ],
    };
    const withdrawal = {
      id: randomUUID(),
      action: 'WITHDRAW' as const,
      at: at(20),
      by: cms,
      reason: 'Withdrawn by CMS',
      packageIds: withdrawn!.packageIds,
    };
    const withdrawnRate: Rate = {
      ...withdrawn!,
      status: 'WITHDRAWN',
      packageIds: [],
      withdrawals: [withdrawal],
    };
    const bigRevision = large!.revisions[0]!;
    const documents = Array.from({ length: 40 }, (_, i) => ({
      ...bigRevision.documents[0]!,
      id: randomUUID(),
      name: `rates-${i}.pdf`,
      key: `uploads/${randomUUID()}/rates-${i}.pdf`,
    }));
    const largeRate: Rate = { ...large!, revisions: [{ ...bigRevision, documents }] };
    const all = [unlocked, withdrawnRate, largeRate, plain!];
    await store.maintenance.importRates(all);
    // A head as written before it carried its newest revision: the revision item is read instead.
    const { Item: head } = await clients.doc.send(
      new GetCommand({ TableName: tableName, Key: { PK: `RATE#${plain!.id}`, SK: 'RATE' } }),
    );
    // Its copies are JSON text (one value each to DynamoDB and the SDK)…
    expect(typeof head?.newestRevision).toBe('string');
    expect(typeof head?.shown).toBe('string');
    expect((await store.getRates([plain!.id]))[0]).toEqual(plain);
    // …and a head written when they were maps reads the same, in a rate and in a list.
    const listed = await store.listRates({ stateCode: plain!.stateCode });
    await clients.doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...head, newestRevision: JSON.parse(head!.newestRevision), shown: JSON.parse(head!.shown) },
      }),
    );
    expect((await store.getRates([plain!.id]))[0]).toEqual(plain);
    expect(await store.listRates({ stateCode: plain!.stateCode })).toEqual(listed);
    const { newestRevision: _n, ...oldHead } = head!;
    await clients.doc.send(new PutCommand({ TableName: tableName, Item: oldHead }));

    const from = sent.length;
    const read = await store.getRates(all.map((r) => r.id));
    expect(names(from)).toEqual(['ExecuteStatementCommand', 'BatchGetItemCommand']);
    // After the heads: revision 1 of the unlocked rate, the withdrawal, the large revision, the old head's revision.
    expect(batchKeys(from)).toBe(4);
    expect(read).toEqual(all);
    for (const rate of all) expect(await store.getRate(rate.id)).toEqual(rate);
    expect((await store.maintenance.scanRates({ partition: 0, partitions: 1, limit: 1000 })).items).toEqual(
      expect.arrayContaining(all),
    );
  });

  it('lists submitted rates by the overloaded submitted indexes, never a package', async () => {
    const state = await freshState();
    const rates = [1, 2, 3].map((n) => submittedRate(state, n, [randomUUID()]));
    await store.maintenance.importRates(rates);
    const from = sent.length;
    const page = await store.listRates({ stateCode: state.code, limit: 2 });
    expect(page.items.map((r) => r.id)).toEqual([rates[2]!.id, rates[1]!.id]);
    expect(page.items[0]).toMatchObject({ revisionCount: 1, shown: { number: 1 } });
    const rest = await store.listRates({ stateCode: state.code, limit: 2, cursor: page.cursor! });
    expect(rest.items.map((r) => r.id)).toEqual([rates[0]!.id]);
    expect(sent.slice(from).map((c) => c.input.IndexName)).toEqual(['submittedByState', 'submittedByState']);
    const byStatus = await store.listRates({ stateCode: state.code, status: 'SUBMITTED' });
    expect(byStatus.items).toHaveLength(3);
    // The packages' own CMS list shares the index and never sees a rate.
    expect((await store.listSubmitted({ stateCode: state.code })).items).toEqual([]);
  });

  it(`withdraws a rate from ${MAX_PACKAGES_PER_RATE} packages of ${MAX_DOCUMENTS_PER_REVISION} documents each in one transaction; a change too large fails with nothing written`, async () => {
    const state = await freshState();
    const { rate, packages } = await rateOnPackages(state, MAX_PACKAGES_PER_RATE, MAX_DOCUMENTS_PER_REVISION);
    // New DRAFT revisions hold their own documents (edited one by one): 10 × 48 of them are too
    // many for one transaction, refused before anything is sent.
    let from = sent.length;
    await expect(
      store.changeGraph({ rateIds: [rate.id], packageIds: rate.packageIds }, (g) =>
        withdraw(g, rate.id, false),
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(transactionSizes(from)).toEqual([]);
    for (const p of packages) expect(await store.getPackage(p.id)).toEqual(p);
    expect(await store.getRate(rate.id)).toEqual(rate);

    from = sent.length;
    const result = await store.changeGraph({ rateIds: [rate.id], packageIds: rate.packageIds }, (g) =>
      withdraw(g, rate.id),
    );
    // 10 × (head + revision) + rate head + withdrawal + 10 events: no document is written again.
    expect(transactionSizes(from)).toEqual([32]);
    for (const p of packages) {
      const read = await store.getPackage(p.id);
      expect(read).toEqual(result.packages.find((a) => a.id === p.id));
      expect(read.revisions.map((r) => r.documents)).toEqual([
        p.revisions[0]!.documents,
        p.revisions[0]!.documents,
      ]);
      expect(read.revisions[0]!.rateLinks).toEqual([]);
      // Head, two revisions, 48 documents: the new revision names revision 1's documents.
      expect(await itemCount(p.id)).toBe(1 + 2 + MAX_DOCUMENTS_PER_REVISION);
    }
    expect(await store.getRate(rate.id)).toMatchObject({ status: 'WITHDRAWN', packageIds: [], version: 4 });

    // Copies carry it: an import of the packages as read writes the same items; removal takes all.
    const [first] = packages;
    const copy = await store.getPackage(first!.id);
    await store.maintenance.importPackages([copy], { mode: 'force' });
    expect(await store.getPackage(first!.id)).toEqual(copy);
    await store.maintenance.removePackage(first!.id);
    expect(await itemCount(first!.id)).toBe(0);
  }, 180_000);

  it('checks the version of every record read but unchanged, and plans again when one moved on', async () => {
    const state = await freshState();
    const { rate, packages } = await rateOnPackages(state, 2, 1);
    const [carrier, other] = packages as [Package, Package];
    let plans = 0;
    // Another writer changes a package the change only read, just before the change's transaction.
    beforeNextTransaction = async () => {
      await store.changeGraph({ packageIds: [other.id] }, (g) => {
        const p = g.packages.get(other.id)!;
        return {
          packages: [{ ...p, version: p.version + 1, updatedAt: at(40) }],
          rates: [],
          deletedPackageIds: [],
          deletedRateIds: [],
          events: [],
        };
      });
    };
    const from = sent.length;
    const result = await store.changeGraph(
      { rateIds: [rate.id], packageIds: [carrier.id, other.id] },
      (g) => {
        plans++;
        const r = g.rates.get(rate.id)!;
        return {
          packages: [],
          rates: [{ ...r, version: r.version + 1, updatedAt: at(41) }],
          deletedPackageIds: [],
          deletedRateIds: [],
          events: [],
        };
      },
    );
    expect(plans).toBe(2);
    // The rate's head and a version check on each package, twice; the other writer's change between.
    expect(transactionSizes(from)).toEqual([3, 1, 3]);
    expect(result.before.packages.get(other.id)!.version).toBe(other.version + 1);
    expect((await store.getRate(rate.id)).version).toBe(rate.version + 1);
  });

  it('a refusal stands only once a transaction of checks finds every record read still as read; else it plans again', async () => {
    const state = await freshState();
    const { rate, packages } = await rateOnPackages(state, 1, 1);
    const [carrier] = packages as [Package];
    const absentId = randomUUID();
    let plans = 0;
    // Another writer changes the rate the refusal was read from, just before the refusal's checks.
    beforeNextTransaction = async () => {
      await store.changeGraph({ rateIds: [rate.id] }, (g) => {
        const r = g.rates.get(rate.id)!;
        return {
          packages: [],
          rates: [{ ...r, version: r.version + 1, updatedAt: at(42) }],
          deletedPackageIds: [],
          deletedRateIds: [],
          events: [],
        };
      });
    };
    const from = sent.length;
    await expect(
      store.changeGraph({ rateIds: [rate.id, absentId], packageIds: [carrier.id] }, () => {
        plans++;
        throw new DomainError('INVALID_TRANSITION', 'refused from what was read');
      }),
    ).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(plans).toBe(2);
    // The checks (package, rate, the id found absent), the other writer's change, the checks again.
    expect(transactionSizes(from)).toEqual([3, 1, 3]);
    expect((await store.getRate(rate.id)).version).toBe(rate.version + 1);
  });

  it('never rewrites a submitted rate revision, and numbers a new rate past every claimed number', async () => {
    const state = await freshState();
    const { rate, packages } = await rateOnPackages(state, 1, 1);
    const [carrier] = packages as [Package];
    await expect(
      store.changeGraph({ rateIds: [rate.id] }, (g) => {
        const r = g.rates.get(rate.id)!;
        const [rev] = r.revisions as [RateRevision];
        return {
          packages: [],
          rates: [
            {
              ...r,
              version: r.version + 1,
              revisions: [{ ...rev, formData: { ...rev.formData, rateType: 'AMENDMENT' } }],
            },
          ],
          deletedPackageIds: [],
          deletedRateIds: [],
          events: [],
        };
      }),
    ).rejects.toThrow(/submitted revision/);
    expect(await store.getRate(rate.id)).toEqual(rate);

    // The rate was imported without its counter: rate number 1 is claimed, the counter says 0.
    expect(await store.maintenance.getRateCounters([state.code])).toEqual({});
    const created = await store.changeGraph({ packageIds: [carrier.id] }, () => {
      const fresh = (n: number): Rate => ({
        ...submittedRate(state, n, [carrier.id]),
        status: 'DRAFT',
        version: 1,
        initiallySubmittedAt: null,
        revisions: [rateRevision(state, 1, false, carrier.id)],
      });
      const change = (n: number): GraphChange => ({
        packages: [],
        rates: [fresh(n)],
        deletedPackageIds: [],
        deletedRateIds: [],
        events: [
          { packageId: carrier.id, actor: cms, action: 'CREATE_RATE', summary: 'Rate created', at: at(50) },
        ],
      });
      const planned = change(0);
      const id = planned.rates[0]!.id;
      return {
        ...planned,
        withRateNumbers: (numbers) => ({
          ...planned,
          rates: [{ ...planned.rates[0]!, stateRateNumber: numbers.get(id)! }],
        }),
      };
    });
    expect(created.rates.map((r) => r.stateRateNumber)).toEqual([2]);
    expect(await store.getRate(created.rates[0]!.id)).toEqual(created.rates[0]);
    expect(await store.maintenance.getRateCounters([state.code])).toEqual({ [state.code]: 2 });

    // Its draft revision (no submitInfo stored) is rewritten freely, under the rate's version.
    const draftRate = created.rates[0]!;
    const edited = await store.changeGraph({ rateIds: [draftRate.id] }, (g) => {
      const r = g.rates.get(draftRate.id)!;
      const [rev] = r.revisions as [RateRevision];
      return {
        packages: [],
        rates: [
          {
            ...r,
            version: r.version + 1,
            revisions: [{ ...rev, formData: { ...rev.formData, rateType: 'NEW' } }],
          },
        ],
        deletedPackageIds: [],
        deletedRateIds: [],
        events: [],
      };
    });
    expect(await store.getRate(draftRate.id)).toEqual(edited.rates[0]);
  });

  it('scans, imports, counts and removes rates', async () => {
    const state = await freshState();
    const rates = [1, 2].map((n) => submittedRate(state, n, [randomUUID()]));
    await store.maintenance.importRates(rates);
    const newer = { ...rates[0]!, version: rates[0]!.version + 1, updatedAt: at(60) };
    await store.maintenance.importRates([newer]);
    await store.maintenance.importRates([rates[0]!]); // replace: an older copy changes nothing
    expect(await store.getRate(newer.id)).toEqual(newer);
    await expect(store.maintenance.importRates([{ ...rates[1]!, id: randomUUID() }])).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });

    const scanned: Rate[] = [];
    for (let partition = 0; partition < 3; partition++) {
      let cursor: string | undefined;
      do {
        const page = await store.maintenance.scanRates({
          partition,
          partitions: 3,
          limit: 5,
          ...(cursor ? { cursor } : {}),
        });
        scanned.push(...page.items);
        cursor = page.cursor;
      } while (cursor);
    }
    expect(
      scanned.filter((r) => r.stateCode === state.code).sort((a, b) => a.stateRateNumber - b.stateRateNumber),
    ).toEqual([newer, rates[1]]);

    await store.maintenance.raiseRateCounters({ [state.code]: 7 });
    await store.maintenance.raiseRateCounters({ [state.code]: 3 });
    expect(await store.maintenance.getRateCounters([state.code])).toEqual({ [state.code]: 7 });
    expect(await store.maintenance.getCounters([state.code])).toEqual({});

    await store.maintenance.removeRate(newer.id);
    await expect(store.getRate(newer.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
