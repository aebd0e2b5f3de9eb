/**
 * Rates on PostgreSQL (server and PGlite): records and links written by `changeGraph` read back
 * whole, and the database itself refuses what no plan may write — a dangling link, a link
 * between two states, a submitted revision's unfrozen link (or a draft's frozen one), a rewrite
 * of a submitted rate revision, one rate number twice, a rate's packages disagreeing with the
 * links. The plans here are small hand-made ones (the domain's are tested with the conformance
 * suite); they build what the domain's would.
 */
import { randomUUID } from 'node:crypto';
import { CompiledQuery, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import {
  type Actor,
  type GraphChange,
  type Package,
  type Rate,
  RateFormDataSchema,
  type RateGraph,
  rateSummary,
} from '../../src/domain/index.js';
import { document, draft, freshState, stateActor, stateCodes } from '../conformance/fixtures.js';
import { onEachPostgresBackend } from '../support/postgres-backends.js';

type Q = Pick<Kysely<unknown>, 'executeQuery'>;
const run = async (q: Q, text: string, params: unknown[] = []) =>
  (await q.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, params))).rows;
const inMaintenance = (db: Kysely<unknown>, work: (trx: Q) => Promise<unknown>) =>
  db.transaction().execute(async (trx) => {
    await run(trx, `select set_config('carepack.allow_rewrite', 'on', true)`);
    await work(trx);
  });

const now = () => new Date().toISOString();

/** The change with new rates numbered, as the domain's `withRateNumbers` does. */
function numbered(change: Omit<GraphChange, 'withRateNumbers'>): GraphChange {
  return {
    ...change,
    withRateNumbers: (numbers) => ({
      ...change,
      rates: change.rates.map((r) => ({ ...r, stateRateNumber: numbers.get(r.id) ?? r.stateRateNumber })),
    }),
  };
}

const nothingElse = { deletedPackageIds: [], deletedRateIds: [] };
const bump = <T extends { version: number }>(x: T, at: string): T => ({
  ...x,
  version: x.version + 1,
  updatedAt: at,
});

/** A new child rate on a draft package, linked by its current revision. */
function createRate(graph: RateGraph, packageId: string, rateId: string, actor: Actor): GraphChange {
  const pkg = graph.packages.get(packageId)!;
  const at = now();
  const [current, ...older] = pkg.revisions;
  const rate: Rate = {
    id: rateId,
    stateCode: pkg.stateCode,
    stateRateNumber: 0,
    parentPackageId: pkg.id,
    status: 'DRAFT',
    version: 1,
    createdAt: at,
    updatedAt: at,
    initiallySubmittedAt: null,
    revisions: [
      {
        id: randomUUID(),
        number: 1,
        createdAt: at,
        formData: RateFormDataSchema.parse({
          rateType: 'NEW',
          rateProgramIds: current!.formData.programIds,
          rateDateStart: '2026-01-01',
          certifyingActuaries: [
            { name: 'Ann', title: 'FSA', email: 'ann@example.com', actuarialFirm: 'MERCER' },
          ],
          medicaidPopulations: ['MEDICAID_ONLY'],
        }),
        documents: [{ ...document('certification.pdf', 'RATE'), category: 'RATE' }],
        submitInfo: null,
        unlockInfo: null,
        submittedWith: null,
      },
    ],
    packageIds: [pkg.id],
    withdrawals: [],
  };
  const links = [...current!.rateLinks, { rateId, rateRevision: null }];
  return numbered({
    packages: [{ ...bump(pkg, at), revisions: [{ ...current!, rateLinks: links }, ...older] }],
    rates: [rate],
    ...nothingElse,
    events: [{ packageId, actor, action: 'CREATE_RATE', summary: 'Rate added', at }],
  });
}

/** Submits a draft package with its child rates, freezing every link. */
function submitWithRates(graph: RateGraph, packageId: string, actor: Actor): GraphChange {
  const pkg = graph.packages.get(packageId)!;
  const at = now();
  const [current, ...older] = pkg.revisions;
  const submitInfo = { at, by: actor, reason: 'Initial submission' };
  const rates = current!.rateLinks.map((l) => graph.rates.get(l.rateId)!);
  const after: Rate[] = rates
    .filter((r) => r.parentPackageId === pkg.id)
    .map((r) => {
      const [newest, ...rest] = r.revisions;
      return {
        ...bump(r, at),
        status: 'SUBMITTED',
        initiallySubmittedAt: r.initiallySubmittedAt ?? at,
        revisions: [
          { ...newest!, submitInfo, submittedWith: { packageId, packageRevision: current!.number } },
          ...rest,
        ],
      };
    });
  const frozen = current!.rateLinks.map((l) => {
    const rate = after.find((r) => r.id === l.rateId) ?? graph.rates.get(l.rateId)!;
    return { rateId: l.rateId, rateRevision: rate.revisions.find((r) => r.submitInfo)!.number };
  });
  return numbered({
    packages: [
      {
        ...bump(pkg, at),
        status: 'SUBMITTED',
        initiallySubmittedAt: at,
        reviewStatus: 'UNDER_REVIEW',
        revisions: [{ ...current!, submitInfo, rateLinks: frozen }, ...older],
      },
    ],
    rates: after,
    ...nothingElse,
    events: [{ packageId, actor, action: 'SUBMIT', summary: 'Submitted', at }],
  });
}

/** Links a submitted rate to a draft package: both sides change. */
function linkRate(graph: RateGraph, packageId: string, rateId: string, actor: Actor): GraphChange {
  const pkg = graph.packages.get(packageId)!;
  const rate = graph.rates.get(rateId)!;
  const at = now();
  const [current, ...older] = pkg.revisions;
  return numbered({
    packages: [
      {
        ...bump(pkg, at),
        revisions: [
          { ...current!, rateLinks: [...current!.rateLinks, { rateId, rateRevision: null }] },
          ...older,
        ],
      },
    ],
    rates: [{ ...bump(rate, at), packageIds: [...rate.packageIds, packageId] }],
    ...nothingElse,
    events: [{ packageId, actor, action: 'LINK_RATE', summary: 'Linked', at }],
  });
}

onEachPostgresBackend('rates on PostgreSQL', (backend) => {
  const nextCode = stateCodes();

  /** A state with a submitted package carrying one child rate, and a draft linking that rate. */
  async function sharedRate() {
    const { store } = backend();
    const state = await freshState(store, nextCode);
    const actor = stateActor();
    const parent = await draft(store, state, actor);
    const rateId = randomUUID();
    await store.changeGraph({ packageIds: [parent.id], rateIds: [rateId] }, (g) =>
      createRate(g, parent.id, rateId, actor),
    );
    await store.changeGraph({ packageIds: [parent.id], rateIds: [rateId] }, (g) =>
      submitWithRates(g, parent.id, actor),
    );
    const linker = await draft(store, state, actor);
    const linked = await store.changeGraph({ packageIds: [linker.id], rateIds: [rateId] }, (g) =>
      linkRate(g, linker.id, rateId, actor),
    );
    return { state, actor, parentId: parent.id, linkerId: linker.id, rateId, linked };
  }

  it('writes rates and links through changeGraph and reads them back whole, numbered per state', async () => {
    const { store } = backend();
    const state = await freshState(store, nextCode);
    const actor = stateActor();
    const pkg = await draft(store, state, actor);
    const [first, second] = [randomUUID(), randomUUID()];
    const created = await store.changeGraph({ packageIds: [pkg.id], rateIds: [first] }, (g) =>
      createRate(g, pkg.id, first, actor),
    );
    expect(created.rates[0]!.stateRateNumber).toBe(1);
    expect(await store.getRate(first)).toEqual(created.rates[0]);
    expect((await store.getPackage(pkg.id)).revisions[0]!.rateLinks).toEqual([
      { rateId: first, rateRevision: null },
    ]);
    await store.changeGraph({ packageIds: [pkg.id], rateIds: [second] }, (g) =>
      createRate(g, pkg.id, second, actor),
    );
    // A draft's rates are the parent's business: not listed until submitted.
    expect((await store.listRates({ stateCode: state.code })).items).toEqual([]);

    const sent = await store.changeGraph({ packageIds: [pkg.id], rateIds: [first, second] }, (g) =>
      submitWithRates(g, pkg.id, actor),
    );
    const pkgAfter = await store.getPackage(pkg.id);
    expect(pkgAfter).toEqual(sent.packages[0]);
    expect(pkgAfter.revisions[0]!.rateLinks).toEqual([
      { rateId: first, rateRevision: 1 },
      { rateId: second, rateRevision: 1 },
    ]);
    expect(await store.getRates([second, randomUUID(), first])).toEqual([sent.rates[1], sent.rates[0]]);
    expect((await store.getRate(second)).stateRateNumber).toBe(2);
    expect(await store.maintenance.getRateCounters([state.code])).toEqual({ [state.code]: 2 });

    // Submitted together (one updatedAt): one page each, both listed once.
    const listed = await store.listRates({ stateCode: state.code, limit: 1 });
    const rest = await store.listRates({ stateCode: state.code, limit: 1, cursor: listed.cursor! });
    expect([...listed.items, ...rest.items].map((r) => r.id).sort()).toEqual([first, second].sort());
    expect(listed.items[0]).toEqual(rateSummary(sent.rates.find((r) => r.id === listed.items[0]!.id)!));
    expect(rest.cursor).toBeUndefined();
    expect(
      (await store.listRates({ stateCode: state.code, programId: state.programs[0]!.id })).items,
    ).toHaveLength(2);
    expect((await store.listRates({ stateCode: state.code, programId: randomUUID() })).items).toEqual([]);
    expect((await store.listRates({ stateCode: state.code, status: 'UNLOCKED' })).items).toEqual([]);
    await expect(store.listRates({ status: 'LOST' as 'DRAFT' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const events = (await store.listAudit(pkg.id)).items.map((e) => e.action);
    expect(events).toEqual(['CREATE', 'CREATE_RATE', 'CREATE_RATE', 'SUBMIT']);
  });

  it('links a rate to a second package: both sides read back, the rate lists its packages', async () => {
    const { store } = backend();
    const { parentId, linkerId, rateId, linked } = await sharedRate();
    expect(await store.getRate(rateId)).toEqual(linked.rates[0]);
    expect((await store.getRate(rateId)).packageIds).toEqual([parentId, linkerId]);
    expect(await store.getPackage(linkerId)).toEqual(linked.packages[0]);
  });

  it('serialises graph changes on the records they read: the second plan sees the first one written', async () => {
    const { store } = backend();
    const { rateId, linked } = await sharedRate();
    const read = linked.rates[0]!;
    const edit = (g: RateGraph) => {
      const rate = g.rates.get(rateId)!;
      if (rate.version !== read.version)
        throw Object.assign(new Error('moved on'), { code: 'VERSION_CONFLICT' });
      return numbered({ packages: [], rates: [bump(rate, now())], ...nothingElse, events: [] });
    };
    const outcomes = await Promise.allSettled(
      [1, 2, 3].map(() => store.changeGraph({ rateIds: [rateId] }, edit)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect((await store.getRate(rateId)).version).toBe(read.version + 1);
  });

  it('answers a plan that needs more records, within the bounds', async () => {
    const { store } = backend();
    const { parentId, linkerId, rateId } = await sharedRate();
    let rounds = 0;
    const result = await store.changeGraph({ rateIds: [rateId] }, (g) => {
      rounds++;
      const rate = g.rates.get(rateId)!;
      const missing = rate.packageIds.filter((id) => !g.packages.has(id));
      if (missing.length > 0) return { needs: { packageIds: missing } };
      return numbered({ packages: [], rates: [], ...nothingElse, events: [] });
    });
    expect(rounds).toBe(2);
    expect([...result.before.packages.keys()].sort()).toEqual([parentId, linkerId].sort());
    await expect(store.changeGraph({}, () => ({ needs: { rateIds: [randomUUID()] } }))).rejects.toMatchObject(
      { code: 'VALIDATION_FAILED' },
    );
    await expect(
      store.changeGraph({ packageIds: Array.from({ length: 26 }, () => randomUUID()) }, () => {
        throw new Error('never planned');
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('refuses in SQL a dangling link, a link across states, an unfrozen or early-frozen link, a rate number twice', async () => {
    const { store, handle } = backend();
    const db = handle.db as unknown as Kysely<unknown>;
    const { state, actor, parentId, linkerId, rateId } = await sharedRate();
    const other = await sharedRate();
    const draftRevision = (await store.getPackage(linkerId)).revisions[0]!.id;
    const submittedRevision = (await store.getPackage(parentId)).revisions[0]!.id;
    const link = (
      q: Q,
      revision: string,
      pkg: string,
      code: string,
      rate: string,
      n: number | null,
      position = 9,
    ) =>
      run(
        q,
        `insert into rate_links (revision_id, package_id, state_code, position, rate_id, rate_revision)
          values ($1, $2, $3, $4, $5, $6)`,
        [revision, pkg, code, position, rate, n],
      );

    // A link to no rate: the deferred key refuses it at commit.
    await expect(link(db, draftRevision, linkerId, state.code, randomUUID(), null)).rejects.toThrow(
      /rate_links_rate_state/,
    );
    // Another state's rate: with either state code, one of the composite keys refuses it.
    await expect(link(db, draftRevision, linkerId, state.code, other.rateId, null)).rejects.toThrow(
      /rate_links_rate_state/,
    );
    await expect(link(db, draftRevision, linkerId, other.state.code, other.rateId, null)).rejects.toThrow(
      /rate_links_package_state/,
    );
    // A link of a revision under another package.
    await expect(link(db, draftRevision, parentId, state.code, randomUUID(), null)).rejects.toThrow(
      /rate_links_revision/,
    );
    // A frozen link to a rate revision that does not exist.
    await expect(
      db.transaction().execute(async (trx) => {
        // Checked at once, so the key and not the frozen-link check (also at commit) speaks.
        await run(trx, 'set constraints rate_links_rate_revision immediate');
        await run(trx, 'update rate_links set rate_revision = 7 where revision_id = $1', [draftRevision]);
      }),
    ).rejects.toThrow(/rate_links_rate_revision/);
    // A draft's link frozen, or a submitted revision's not: the deferred check refuses at commit
    // (the submitted revision's rows need the maintenance switch even to be touched).
    await expect(
      run(db, 'update rate_links set rate_revision = 1 where revision_id = $1', [draftRevision]),
    ).rejects.toThrow(/rate_links_frozen_when_submitted/);
    await expect(link(db, submittedRevision, parentId, state.code, rateId, null, 5)).rejects.toThrow(
      /was submitted and cannot change/,
    );
    await expect(
      inMaintenance(db, (trx) =>
        run(trx, 'update rate_links set rate_revision = null where revision_id = $1', [submittedRevision]),
      ),
    ).rejects.toThrow(/rate_links_frozen_when_submitted/);

    // The rate's packages must agree with the links (request paths).
    await expect(
      run(db, 'delete from rate_packages where rate_id = $1 and package_id = $2', [rateId, linkerId]),
    ).rejects.toThrow(/rate_packages_agree_with_links/);
    await expect(run(db, 'delete from rate_links where revision_id = $1', [draftRevision])).rejects.toThrow(
      /rate_packages_agree_with_links/,
    );

    // A submitted rate revision and its rows are never rewritten, nor deleted with their rate.
    await expect(
      run(db, `update rate_revisions set rate_type = 'AMENDMENT' where rate_id = $1`, [rateId]),
    ).rejects.toThrow(/was submitted and cannot change/);
    await expect(
      run(
        db,
        `update rate_documents set name = 'x.pdf' where rate_revision_id in (select id from rate_revisions where rate_id = $1)`,
        [rateId],
      ),
    ).rejects.toThrow(/was submitted and cannot change/);
    await expect(run(db, 'delete from rates where id = $1', [rateId])).rejects.toThrow(
      /was submitted and cannot change/,
    );

    // One rate number per state.
    const number = (await store.getRate(rateId)).stateRateNumber;
    const second = randomUUID();
    await store.changeGraph({ packageIds: [linkerId], rateIds: [second] }, (g) =>
      createRate(g, linkerId, second, actor),
    );
    await expect(
      run(db, 'update rates set state_rate_number = $2 where id = $1', [second, number]),
    ).rejects.toThrow(/rates_state_number_unique/);
    // Nothing of it landed.
    expect((await store.getPackage(linkerId)).revisions[0]!.rateLinks.map((l) => l.rateId)).toEqual([
      rateId,
      second,
    ]);
    expect((await store.getRate(rateId)).packageIds).toEqual([parentId, linkerId]);
  });

  it('scans, imports in every mode, keeps counters and removes rates', async () => {
    const { store } = backend();
    const { state, linkerId, rateId } = await sharedRate();
    const rate = await store.getRate(rateId);
    const scanned: Rate[] = [];
    for (let partition = 0; partition < 2; partition++) {
      let cursor: string | undefined;
      do {
        const page = await store.maintenance.scanRates({
          partition,
          partitions: 2,
          limit: 50,
          ...(cursor ? { cursor } : {}),
        });
        scanned.push(...page.items);
        cursor = page.cursor;
      } while (cursor);
    }
    expect(scanned.find((r) => r.id === rateId)).toEqual(rate);

    // replace: an older or equal copy changes nothing; a newer one replaces it (history included).
    await store.maintenance.importRates([{ ...rate, updatedAt: now() }]);
    expect(await store.getRate(rateId)).toEqual(rate);
    const withdrawn: Rate = {
      ...rate,
      version: rate.version + 1,
      status: 'WITHDRAWN',
      withdrawals: [
        { id: randomUUID(), action: 'WITHDRAW', at: now(), by: stateActor(), reason: 'gone', packageIds: [] },
      ],
    };
    await store.maintenance.importRates([withdrawn]);
    expect(await store.getRate(rateId)).toEqual(withdrawn);
    await store.maintenance.importRates([rate], { mode: 'force' });
    expect(await store.getRate(rateId)).toEqual(rate);

    // A number held by another rate of the state is refused, naming both.
    const clash: Rate = {
      ...rate,
      id: randomUUID(),
      revisions: rate.revisions.map((r) => ({ ...r, id: randomUUID() })),
    };
    await expect(store.maintenance.importRates([clash])).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });

    await store.maintenance.raiseRateCounters({ [state.code]: 40 });
    await store.maintenance.raiseRateCounters({ [state.code]: 3 });
    expect(await store.maintenance.getRateCounters([state.code])).toEqual({ [state.code]: 40 });

    await store.maintenance.removeRate(rateId);
    await expect(store.getRate(rateId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await store.getPackage(linkerId)).revisions[0]!.rateLinks).toEqual([]);
  });

  it('keeps a package without rates as it was, and deletes a draft with its never-submitted rate', async () => {
    const { store } = backend();
    const state = await freshState(store, nextCode);
    const actor = stateActor();
    const pkg: Package = await draft(store, state, actor);
    const rateId = randomUUID();
    await store.changeGraph({ packageIds: [pkg.id], rateIds: [rateId] }, (g) =>
      createRate(g, pkg.id, rateId, actor),
    );
    await store.changeGraph({ packageIds: [pkg.id], rateIds: [rateId] }, () =>
      numbered({
        packages: [],
        rates: [],
        deletedPackageIds: [pkg.id],
        deletedRateIds: [rateId],
        events: [{ packageId: pkg.id, actor, action: 'DELETE', summary: 'Draft deleted', at: now() }],
      }),
    );
    await expect(store.getPackage(pkg.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.getRate(rateId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The number is not reused.
    const next = randomUUID();
    const other = await draft(store, state, actor);
    const made = await store.changeGraph({ packageIds: [other.id], rateIds: [next] }, (g) =>
      createRate(g, other.id, next, actor),
    );
    expect(made.rates[0]!.stateRateNumber).toBe(2);
  });
});
