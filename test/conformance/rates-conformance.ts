/**
 * Rates as records shared between a state's packages (issue 13), on every store: the reads
 * (getRate, getRates, listRates), the graph change (atomic, version-guarded, numbered), the rules
 * of rate-plans.ts as they land in storage (both sides of every link, frozen links, withdrawal
 * across packages, re-parenting), races, and the rates' maintenance. Talks to the store only
 * through `Store` and the domain's plans (test/support/rate-commands.ts).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  errorCode,
  type GraphChange,
  type GraphNeeds,
  type GraphRead,
  hasErrorCode,
  isGraphNeeds,
  linkedRateIds,
  MAX_GRAPH_RATES,
  MAX_PACKAGES_PER_RATE,
  type Package,
  planDeletePackage,
  planSubmitPackage,
  planWithdrawRate,
  type Rate,
  RateFormDataSchema,
  type RateGraph,
  rateSummary,
} from '../../src/domain/index.js';
import { rateCommands, rateFormOf } from '../support/rate-commands.js';
import { type DrivenStore, steadyClock } from '../support/store-commands.js';
import {
  cmsUser,
  completeRateForm,
  freshState,
  minimalRateForm,
  rateDocument,
  rateRecord,
  stateUser,
} from './fixtures.js';
import { frozenSnapshot, rateInvariantProblems, readRateWorld } from './rate-invariants.js';
import { collect, expectStoreError, suiteStore } from './suite-helpers.js';

export function runRatesConformance(getStore: () => DrivenStore, nextCode: () => string) {
  const store = suiteStore(getStore);
  const rc = rateCommands(store, steadyClock());

  /** A fresh state with its users and shortcuts to build packages carrying rates. */
  async function world() {
    const state = await freshState(store, nextCode);
    const user = stateUser(state.code);
    const cms = cmsUser();
    const pkg = (id: string) => store.getPackage(id);
    const rate = (id: string) => store.getRate(id);
    const w = {
      state,
      user,
      cms,
      pkg,
      rate,
      draft: () => rc.createPackage(state, user),
      /** Attaches the rate certification document a submit needs to the rate's unsubmitted revision. */
      async attachDocument(rateId: string) {
        await rc.updateRate(await rate(rateId), user, { documents: [rateDocument('rates.pdf')] });
        return rate(rateId);
      },
      /** A draft with one child rate (complete form and its document); both re-read. */
      async draftWithRate(form: unknown = rateFormOf(state)) {
        const p = await w.draft();
        const result = await rc.createRate(p, user, { formData: form });
        await w.attachDocument(result.rates[0]!.id);
        return { pkg: await pkg(p.id), rate: await rate(result.rates[0]!.id) };
      },
      /** A submitted package with one child rate. */
      async submittedWithRate() {
        const made = await w.draftWithRate();
        await rc.submit(made.pkg, user, state);
        return { pkg: await pkg(made.pkg.id), rate: await rate(made.rate.id) };
      },
      /** A new package linking `rateId`, submitted. */
      async submittedLinking(rateId: string) {
        const p = await w.draft();
        await rc.link(p, user, rateId);
        await rc.submit(await pkg(p.id), user, state);
        return pkg(p.id);
      },
      async unlock(id: string) {
        await rc.unlock(await pkg(id), cms);
        return pkg(id);
      },
      async resubmit(id: string) {
        await rc.submit(await pkg(id), user, state);
        return pkg(id);
      },
      /** Every invariant of rate-invariants.ts over these packages (and the rates they link). */
      async expectConsistent(packageIds: string[], rateIds: string[] = []) {
        const { packages, rates } = await readRateWorld(store, packageIds, rateIds);
        expect(rateInvariantProblems(packages, rates)).toEqual([]);
        return { packages, rates };
      },
    };
    return w;
  }

  const versions = async (ids: { packages: string[]; rates: string[] }) => ({
    packages: await Promise.all(ids.packages.map(async (id) => (await store.getPackage(id)).version)),
    rates: await Promise.all(ids.rates.map(async (id) => (await store.getRate(id)).version)),
  });
  const actions = async (packageId: string) =>
    (await collect((cursor) => store.listAudit(packageId, { limit: 100, cursor }))).items.map(
      (e) => e.action,
    );

  describe('rates: reads', () => {
    it('getRate of an unknown id is NOT_FOUND; getRates keeps the order asked and leaves out missing ids', async () => {
      const w = await world();
      await expectStoreError(store.getRate(randomUUID()), 'NOT_FOUND');
      const a = await w.draftWithRate();
      const b = await w.draftWithRate();
      const got = await store.getRates([b.rate.id, randomUUID(), a.rate.id]);
      expect(got.map((r) => r.id)).toEqual([b.rate.id, a.rate.id]);
      expect(got[1]).toEqual(a.rate);
      expect(await store.getRates([])).toEqual([]);
    });

    it(`getRates refuses more than ${MAX_GRAPH_RATES} ids`, async () => {
      const ids = Array.from({ length: MAX_GRAPH_RATES + 1 }, () => randomUUID());
      await expectStoreError(store.getRates(ids), 'VALIDATION_FAILED');
      expect(await store.getRates(ids.slice(0, MAX_GRAPH_RATES))).toEqual([]);
    });

    it('listRates shows only rates submitted at least once, newest updatedAt first, and filters by state, status and program', async () => {
      const w = await world();
      const other = await world();
      const hidden = await w.draftWithRate();
      const first = await w.submittedWithRate();
      const second = await w.submittedWithRate();
      const unlocked = await w.submittedWithRate();
      await w.unlock(unlocked.pkg.id);
      await other.submittedWithRate();

      const listed = await collect((cursor) =>
        store.listRates({ stateCode: w.state.code, limit: 2, cursor }),
      );
      expect(listed.items.map((r) => r.id)).toEqual([unlocked.rate.id, second.rate.id, first.rate.id]);
      expect(listed.sizes).toEqual([2, 1]);
      expect(listed.items.map((r) => r.id)).not.toContain(hidden.rate.id);
      const summary = listed.items[2]!;
      expect(summary).toMatchObject({
        id: first.rate.id,
        stateCode: w.state.code,
        stateRateNumber: first.rate.stateRateNumber,
        status: 'SUBMITTED',
        revisionCount: 1,
        shown: { number: 1, formData: first.rate.revisions[0]!.formData },
      });
      expect(listed.items[0]).toMatchObject({ status: 'UNLOCKED', revisionCount: 2, shown: { number: 1 } });

      const oldest = await collect((cursor) =>
        store.listRates({ stateCode: w.state.code, order: 'oldest', limit: 100, cursor }),
      );
      expect(oldest.items.map((r) => r.id)).toEqual([first.rate.id, second.rate.id, unlocked.rate.id]);
      const byStatus = await store.listRates({ stateCode: w.state.code, status: 'UNLOCKED' });
      expect(byStatus.items.map((r) => r.id)).toEqual([unlocked.rate.id]);
      const program = w.state.programs[0]!.id;
      const byProgram = await collect((cursor) =>
        store.listRates({ stateCode: w.state.code, programId: program, limit: 1, cursor }),
      );
      expect(byProgram.items).toHaveLength(3);
      expect(
        (await store.listRates({ stateCode: w.state.code, programId: w.state.programs[1]!.id })).items,
      ).toEqual([]);
      const everywhere = await collect((cursor) => store.listRates({ limit: 100, cursor }));
      const ids = everywhere.items.map((r) => r.id);
      expect(ids).toEqual(expect.arrayContaining([first.rate.id, second.rate.id, unlocked.rate.id]));
      expect(ids).not.toContain(hidden.rate.id);
      const order = everywhere.items.map((r) => r.updatedAt);
      expect(order).toEqual([...order].sort().reverse());
    });

    it('listRates refuses a bad limit, status, order or programId, and a cursor of other options', async () => {
      const w = await world();
      await w.submittedWithRate();
      await w.submittedWithRate();
      await expectStoreError(store.listRates({ limit: 0 }), 'VALIDATION_FAILED');
      await expectStoreError(store.listRates({ limit: 101 }), 'VALIDATION_FAILED');
      await expectStoreError(store.listRates({ status: 'NOPE' as never }), 'VALIDATION_FAILED');
      await expectStoreError(store.listRates({ order: 'sideways' as never }), 'VALIDATION_FAILED');
      await expectStoreError(store.listRates({ programId: 'not-a-uuid' }), 'VALIDATION_FAILED');
      const page = await store.listRates({ stateCode: w.state.code, limit: 1 });
      expect(page.cursor).toBeDefined();
      await expectStoreError(
        store.listRates({ stateCode: w.state.code, limit: 1, status: 'SUBMITTED', cursor: page.cursor! }),
        'INVALID_CURSOR',
      );
      await expectStoreError(store.listRates({ limit: 1, cursor: 'garbage' }), 'INVALID_CURSOR');
    });
  });

  describe('rates: creating and numbering', () => {
    it('a child rate: DRAFT, numbered 1 in its own sequence, parent and packageIds the package, linked unfrozen, CREATE_RATE', async () => {
      const w = await world();
      const pkg = await w.draft();
      const rateId = randomUUID();
      const result = await rc.createRate(pkg, w.user, { rateId, formData: rateFormOf(w.state) });
      expect(result.rates.map((r) => r.id)).toEqual([rateId]);
      const rate = await w.rate(rateId);
      expect(result.rates[0]).toEqual(rate);
      expect(rate).toMatchObject({
        id: rateId,
        stateCode: w.state.code,
        stateRateNumber: 1,
        parentPackageId: pkg.id,
        status: 'DRAFT',
        version: 1,
        initiallySubmittedAt: null,
        packageIds: [pkg.id],
        withdrawals: [],
      });
      expect(rate.revisions).toHaveLength(1);
      expect(rate.revisions[0]).toMatchObject({ number: 1, submitInfo: null, submittedWith: null });
      expect(rate.revisions[0]!.formData).toEqual(RateFormDataSchema.parse(rateFormOf(w.state)));
      const after = await w.pkg(pkg.id);
      expect(after.version).toBe(pkg.version + 1);
      expect(after.stateNumber).toBe(1);
      expect(after.revisions[0]!.rateLinks).toEqual([{ rateId, rateRevision: null }]);
      expect(await actions(pkg.id)).toEqual(['CREATE', 'CREATE_RATE']);
    });

    it('complete and minimal rate forms read back as parsed', async () => {
      const w = await world();
      const complete = completeRateForm(w.state.programs.map((p) => p.id));
      const a = await w.draftWithRate(complete);
      const b = await w.draftWithRate(minimalRateForm());
      expect(a.rate.revisions[0]!.formData).toEqual(RateFormDataSchema.parse(complete));
      expect(b.rate.revisions[0]!.formData).toEqual(RateFormDataSchema.parse(minimalRateForm()));
    });

    it('a rate id already taken is ALREADY_EXISTS, and nothing of the change is written (not the package either)', async () => {
      const w = await world();
      const first = await w.draftWithRate();
      const other = await w.draft();
      await expectStoreError(rc.createRate(other, w.user, { rateId: first.rate.id }), 'ALREADY_EXISTS');
      const after = await w.pkg(other.id);
      expect(after.version).toBe(other.version);
      expect(after.revisions[0]!.rateLinks).toEqual([]);
      expect(await w.rate(first.rate.id)).toEqual(first.rate);
      expect(await actions(other.id)).toEqual(['CREATE']);
    });

    it('a stale expected version is VERSION_CONFLICT and writes nothing', async () => {
      const w = await world();
      const pkg = await w.draft();
      await rc.createRate(pkg, w.user);
      const rateId = randomUUID();
      await expectStoreError(rc.createRate(pkg, w.user, { rateId }), 'VERSION_CONFLICT');
      await expectStoreError(w.rate(rateId), 'NOT_FOUND');
      expect((await w.pkg(pkg.id)).revisions[0]!.rateLinks).toHaveLength(1);
    });

    it("another state's user gets NOT_FOUND and nothing is written", async () => {
      const w = await world();
      const pkg = await w.draft();
      const stranger = stateUser(nextCode());
      await expectStoreError(rc.createRate(pkg, stranger), 'NOT_FOUND');
      expect((await w.pkg(pkg.id)).version).toBe(pkg.version);
    });

    it('rate numbers are per state, their own sequence beside package numbers, and never reused after a deletion', async () => {
      const w = await world();
      const other = await world();
      const a = await w.draftWithRate();
      expect([a.pkg.stateNumber, a.rate.stateRateNumber]).toEqual([1, 1]);
      const b = await other.draftWithRate();
      expect(b.rate.stateRateNumber).toBe(1);
      // A never-submitted child rate removed from its draft is deleted; its number stays used.
      const second = await rc.createRate(a.pkg, w.user);
      expect(second.rates[0]!.stateRateNumber).toBe(2);
      await rc.unlink(await w.pkg(a.pkg.id), w.user, second.rates[0]!.id);
      await expectStoreError(w.rate(second.rates[0]!.id), 'NOT_FOUND');
      const third = await rc.createRate(await w.pkg(a.pkg.id), w.user);
      expect(third.rates[0]!.stateRateNumber).toBe(3);
      expect((await w.draft()).stateNumber).toBe(2);
      expect(await store.maintenance.getRateCounters([w.state.code, other.state.code])).toEqual({
        [w.state.code]: 3,
        [other.state.code]: 1,
      });
    });

    it('12 rates created at once on 12 packages get the numbers 1..12, each once', async () => {
      const w = await world();
      const drafts = await Promise.all(Array.from({ length: 12 }, () => w.draft()));
      const results = await Promise.all(drafts.map((p) => rc.createRate(p, w.user)));
      const numbers = results.map((r) => r.rates[0]!.stateRateNumber).sort((x, y) => x - y);
      expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      const stored = await store.getRates(results.map((r) => r.rates[0]!.id));
      expect(new Set(stored.map((r) => r.stateRateNumber)).size).toBe(12);
      expect((await store.maintenance.getRateCounters([w.state.code]))[w.state.code]).toBe(12);
    });
  });

  describe('rates: editing, linking and unlinking', () => {
    it("the parent's state edits a draft rate under the rate's version; a submitted one is refused", async () => {
      const w = await world();
      const { pkg, rate } = await w.draftWithRate(minimalRateForm());
      const form = rateFormOf(w.state);
      await rc.updateRate(rate, w.user, { formData: form });
      const edited = await w.rate(rate.id);
      expect(edited.version).toBe(rate.version + 1);
      expect(edited.revisions[0]!.formData).toEqual(RateFormDataSchema.parse(form));
      expect(await actions(pkg.id)).toContain('UPDATE_RATE');
      await expectStoreError(rc.updateRate(rate, w.user, { formData: form }), 'VERSION_CONFLICT');
      await expectStoreError(rc.updateRate(edited, stateUser(nextCode()), { formData: form }), 'NOT_FOUND');
      await rc.submit(await w.pkg(pkg.id), w.user, w.state);
      const submitted = await w.rate(rate.id);
      await expectStoreError(rc.updateRate(submitted, w.user, { formData: form }), 'INVALID_TRANSITION');
      expect(await w.rate(rate.id)).toEqual(submitted);
    });

    it('submitting freezes: the child rate is SUBMITTED with the package revision, and the link names its revision', async () => {
      const w = await world();
      const { pkg, rate } = await w.draftWithRate();
      const result = await rc.submit(pkg, w.user, w.state);
      const after = await w.pkg(pkg.id);
      const submitted = await w.rate(rate.id);
      expect(result.packages.find((p) => p.id === pkg.id)).toEqual(after);
      expect(after.status).toBe('SUBMITTED');
      expect(after.revisions[0]!.rateLinks).toEqual([{ rateId: rate.id, rateRevision: 1 }]);
      expect(submitted).toMatchObject({
        status: 'SUBMITTED',
        version: rate.version + 1,
        packageIds: [pkg.id],
      });
      expect(submitted.initiallySubmittedAt).not.toBeNull();
      expect(submitted.revisions[0]!.submittedWith).toEqual({ packageId: pkg.id, packageRevision: 1 });
      expect(submitted.revisions[0]!.submitInfo).not.toBeNull();
      await w.expectConsistent([pkg.id]);
    });

    it('a submitted rate of the same state links to a draft: both sides change, LINK_RATE, the frozen link follows on submit', async () => {
      const w = await world();
      const { pkg: parent, rate } = await w.submittedWithRate();
      const linker = await w.draft();
      await rc.link(linker, w.user, rate.id);
      const linked = await w.pkg(linker.id);
      const after = await w.rate(rate.id);
      expect(linked.version).toBe(linker.version + 1);
      expect(linked.revisions[0]!.rateLinks).toEqual([{ rateId: rate.id, rateRevision: null }]);
      expect(after.version).toBe(rate.version + 1);
      expect(new Set(after.packageIds)).toEqual(new Set([parent.id, linker.id]));
      expect(after.parentPackageId).toBe(parent.id);
      expect(await actions(linker.id)).toEqual(['CREATE', 'LINK_RATE']);
      await rc.submit(linked, w.user, w.state);
      expect((await w.pkg(linker.id)).revisions[0]!.rateLinks).toEqual([
        { rateId: rate.id, rateRevision: 1 },
      ]);
      expect((await w.rate(rate.id)).revisions).toEqual(after.revisions);
      await w.expectConsistent([parent.id, linker.id]);
    });

    it('links refused, nothing written: another state (NOT_FOUND), never submitted, twice, stale version', async () => {
      const w = await world();
      const other = await world();
      const foreign = await other.submittedWithRate();
      const draftRate = await w.draftWithRate();
      const own = await w.submittedWithRate();
      const linker = await w.draft();
      await expectStoreError(rc.link(linker, w.user, foreign.rate.id), 'NOT_FOUND');
      await expectStoreError(rc.link(linker, w.user, randomUUID()), 'NOT_FOUND');
      await expectStoreError(rc.link(linker, w.user, draftRate.rate.id), 'INVALID_TRANSITION');
      expect(await versions({ packages: [linker.id], rates: [foreign.rate.id, draftRate.rate.id] })).toEqual({
        packages: [linker.version],
        rates: [foreign.rate.version, draftRate.rate.version],
      });
      const own2 = await w.submittedWithRate();
      await rc.link(linker, w.user, own.rate.id);
      const linked = await w.pkg(linker.id);
      await expectStoreError(rc.link(linked, w.user, own.rate.id), 'INVALID_TRANSITION');
      await expectStoreError(rc.link(linker, w.user, own2.rate.id), 'VERSION_CONFLICT');
      expect((await w.rate(own2.rate.id)).packageIds).toEqual([own2.pkg.id]);
      expect((await w.pkg(linker.id)).version).toBe(linked.version);
      await expectStoreError(rc.link(linked, w.user, draftRate.rate.id), 'INVALID_TRANSITION');
      await w.expectConsistent([linker.id, own.pkg.id, draftRate.pkg.id, foreign.pkg.id]);
    });

    it('a submitted package cannot link (only DRAFT or UNLOCKED)', async () => {
      const w = await world();
      const own = await w.submittedWithRate();
      const { pkg } = await w.submittedWithRate();
      await expectStoreError(rc.link(pkg, w.user, own.rate.id), 'INVALID_TRANSITION');
      expect((await w.rate(own.rate.id)).packageIds).toEqual([own.pkg.id]);
    });

    it(`a rate is carried by at most ${MAX_PACKAGES_PER_RATE} packages`, async () => {
      const w = await world();
      const { pkg: parent, rate } = await w.submittedWithRate();
      const linkers: Package[] = [];
      for (let i = 1; i < MAX_PACKAGES_PER_RATE; i++) {
        const p = await w.draft();
        await rc.link(p, w.user, rate.id);
        linkers.push(p);
      }
      expect((await w.rate(rate.id)).packageIds).toHaveLength(MAX_PACKAGES_PER_RATE);
      const extra = await w.draft();
      await expectStoreError(rc.link(extra, w.user, rate.id), 'VALIDATION_FAILED');
      expect((await w.pkg(extra.id)).version).toBe(extra.version);
      await w.expectConsistent([parent.id, extra.id, ...linkers.map((p) => p.id)]);
    });

    it('unlinking: a linked rate loses the package, a never-submitted child is deleted, a submitted child stays (409)', async () => {
      const w = await world();
      const { pkg: parent, rate } = await w.submittedWithRate();
      const { pkg, rate: child } = await w.draftWithRate();
      await rc.link(pkg, w.user, rate.id);
      let current = await w.pkg(pkg.id);
      await rc.unlink(current, w.user, rate.id);
      current = await w.pkg(pkg.id);
      expect(current.revisions[0]!.rateLinks.map((l) => l.rateId)).toEqual([child.id]);
      expect((await w.rate(rate.id)).packageIds).toEqual([parent.id]);
      expect(await actions(pkg.id)).toContain('UNLINK_RATE');
      await rc.unlink(current, w.user, child.id);
      await expectStoreError(w.rate(child.id), 'NOT_FOUND');
      expect((await w.pkg(pkg.id)).revisions[0]!.rateLinks).toEqual([]);
      expect(await actions(pkg.id)).toContain('REMOVE_RATE');

      const unlocked = await w.unlock(parent.id);
      await expectStoreError(rc.unlink(unlocked, w.user, rate.id), 'INVALID_TRANSITION');
      expect((await w.pkg(parent.id)).version).toBe(unlocked.version);
      await w.expectConsistent([parent.id, pkg.id]);
    });

    it('unlinking from an unlocked package keeps the package in packageIds while its last submission carries the rate', async () => {
      const w = await world();
      const { rate } = await w.submittedWithRate();
      const linker = await w.submittedLinking(rate.id);
      const unlocked = await w.unlock(linker.id);
      await rc.unlink(unlocked, w.user, rate.id);
      const after = await w.pkg(linker.id);
      expect(after.revisions[0]!.rateLinks).toEqual([]);
      expect(after.revisions[1]!.rateLinks).toEqual([{ rateId: rate.id, rateRevision: 1 }]);
      expect((await w.rate(rate.id)).packageIds).toContain(linker.id);
      // Resubmitted without it (with a rate of its own instead), the package no longer carries it.
      const own = await rc.createRate(after, w.user, { formData: rateFormOf(w.state) });
      await w.attachDocument(own.rates[0]!.id);
      await w.resubmit(linker.id);
      expect((await w.rate(rate.id)).packageIds).not.toContain(linker.id);
      await w.expectConsistent([linker.id], [rate.id]);
    });
  });

  describe('rates: unlock, resubmit and frozen links', () => {
    it('unlocking the parent unlocks its child rate; linking packages keep the revision they were submitted with until their own resubmit', async () => {
      const w = await world();
      const { pkg: parent, rate } = await w.submittedWithRate();
      const linker = await w.submittedLinking(rate.id);
      const before = await readRateWorld(store, [parent.id, linker.id], [rate.id]);
      const frozen = frozenSnapshot(before.packages, before.rates);

      await w.unlock(parent.id);
      const unlockedRate = await w.rate(rate.id);
      expect(unlockedRate.status).toBe('UNLOCKED');
      expect(unlockedRate.revisions.map((r) => r.number)).toEqual([2, 1]);
      expect(unlockedRate.revisions[0]).toMatchObject({ submitInfo: null, submittedWith: null });
      expect(unlockedRate.revisions[0]!.unlockInfo).not.toBeNull();
      expect(unlockedRate.revisions[0]!.formData).toEqual(unlockedRate.revisions[1]!.formData);
      expect((await w.pkg(parent.id)).revisions[0]!.rateLinks).toEqual([
        { rateId: rate.id, rateRevision: null },
      ]);

      const newForm = { ...rateFormOf(w.state), rateDateCertified: '2026-09-01' };
      await rc.updateRate(unlockedRate, w.user, { formData: newForm });
      await w.resubmit(parent.id);
      const resubmitted = await w.rate(rate.id);
      expect(resubmitted.status).toBe('RESUBMITTED');
      expect(resubmitted.revisions[0]!.submittedWith).toEqual({ packageId: parent.id, packageRevision: 2 });
      expect((await w.pkg(parent.id)).revisions[0]!.rateLinks).toEqual([
        { rateId: rate.id, rateRevision: 2 },
      ]);
      expect((await w.pkg(linker.id)).revisions[0]!.rateLinks).toEqual([
        { rateId: rate.id, rateRevision: 1 },
      ]);

      await w.unlock(linker.id);
      expect((await w.rate(rate.id)).revisions).toEqual(resubmitted.revisions); // linked: untouched
      await w.resubmit(linker.id);
      const relinked = await w.pkg(linker.id);
      expect(relinked.revisions.map((r) => r.rateLinks)).toEqual([
        [{ rateId: rate.id, rateRevision: 2 }],
        [{ rateId: rate.id, rateRevision: 1 }],
      ]);
      const after = await w.expectConsistent([parent.id, linker.id], [rate.id]);
      const now = frozenSnapshot(after.packages, after.rates);
      for (const [key, value] of frozen) expect(now.get(key), key).toEqual(value);
    });

    it("a package submitted while the linked rate's parent is unlocked freezes the rate's last submitted revision", async () => {
      const w = await world();
      const { pkg: parent, rate } = await w.submittedWithRate();
      await w.unlock(parent.id);
      const linker = await w.submittedLinking(rate.id);
      expect(linker.revisions[0]!.rateLinks).toEqual([{ rateId: rate.id, rateRevision: 1 }]);
      await w.expectConsistent([parent.id, linker.id]);
    });

    it("undoing an unlock drops the package's draft and the child rate's unlocked revision", async () => {
      const w = await world();
      const { pkg: parent, rate } = await w.submittedWithRate();
      const unlocked = await w.unlock(parent.id);
      await rc.undoUnlock(unlocked, w.cms);
      const after = await w.rate(rate.id);
      expect(after.status).toBe('SUBMITTED');
      expect(after.revisions.map((r) => r.number)).toEqual([1]);
      expect(after.revisions[0]).toEqual(rate.revisions[0]);
      expect((await w.pkg(parent.id)).status).toBe('SUBMITTED');
      await w.expectConsistent([parent.id]);
    });
  });

  describe('rates: withdrawing', () => {
    /** A rate whose parent and two linking packages are submitted. */
    async function sharedRate() {
      const w = await world();
      const { pkg: parent, rate } = await w.submittedWithRate();
      const b = await w.submittedLinking(rate.id);
      const c = await w.submittedLinking(rate.id);
      return { w, parent, b, c, rate: await w.rate(rate.id), ids: [parent.id, b.id, c.id] };
    }

    it('CMS withdraws a rate from every package at once: a new submitted revision each, without it; undo brings it back', async () => {
      const { w, rate, ids } = await sharedRate();
      const before = await readRateWorld(store, ids, [rate.id]);
      const frozen = frozenSnapshot(before.packages, before.rates);
      await rc.withdrawRate(rate, w.cms);
      const withdrawn = await w.rate(rate.id);
      expect(withdrawn.status).toBe('WITHDRAWN');
      expect(withdrawn.version).toBe(rate.version + 1);
      expect(withdrawn.packageIds).toEqual([]);
      expect(withdrawn.withdrawals[0]).toMatchObject({ action: 'WITHDRAW', by: { id: w.cms.id } });
      expect(new Set(withdrawn.withdrawals[0]!.packageIds)).toEqual(new Set(ids));
      for (const [i, id] of ids.entries()) {
        const pkg = await w.pkg(id);
        const was = before.packages[i]!;
        expect(pkg.revisions).toHaveLength(was.revisions.length + 1);
        expect(pkg.revisions[0]!.submitInfo).not.toBeNull();
        expect(pkg.revisions[0]!.rateLinks).toEqual([]);
        expect(pkg.revisions[0]!.documents).toEqual(was.revisions[0]!.documents);
        expect(pkg.revisions[1]).toEqual(was.revisions[0]);
        expect(linkedRateIds(pkg).has(rate.id)).toBe(false);
        expect(await actions(id)).toContain('WITHDRAW_RATE');
      }
      const linker = await w.draft();
      await expectStoreError(rc.link(linker, w.user, rate.id), 'INVALID_TRANSITION');
      await expectStoreError(rc.withdrawRate(withdrawn, w.cms), 'INVALID_TRANSITION');

      await rc.undoRateWithdrawal(withdrawn, w.cms);
      const back = await w.rate(rate.id);
      expect(back.status).toBe('SUBMITTED');
      expect(back.withdrawals.map((x) => x.action)).toEqual(['UNDO_WITHDRAWAL', 'WITHDRAW']);
      expect(new Set(back.packageIds)).toEqual(new Set(ids));
      for (const id of ids) {
        const pkg = await w.pkg(id);
        expect(pkg.revisions[0]!.submitInfo).not.toBeNull();
        expect(pkg.revisions[0]!.rateLinks).toEqual([{ rateId: rate.id, rateRevision: 1 }]);
        expect(await actions(id)).toContain('UNDO_RATE_WITHDRAWAL');
      }
      const after = await w.expectConsistent(ids, [rate.id]);
      const now = frozenSnapshot(after.packages, after.rates);
      for (const [key, value] of frozen) expect(now.get(key), key).toEqual(value);
    });

    it('a draft linking the rate simply loses the link when it is withdrawn', async () => {
      const w = await world();
      const { pkg: parent, rate } = await w.submittedWithRate();
      const linker = await w.draft();
      await rc.link(linker, w.user, rate.id);
      await rc.withdrawRate(await w.rate(rate.id), w.cms);
      const after = await w.pkg(linker.id);
      expect(after.status).toBe('DRAFT');
      expect(after.revisions).toHaveLength(1);
      expect(after.revisions[0]!.rateLinks).toEqual([]);
      await w.expectConsistent([parent.id, linker.id], [rate.id]);
    });

    for (const blocker of ['approved', 'unlocked'] as const) {
      it(`withdrawing is refused (409) when one package is ${blocker}, and NOTHING is written`, async () => {
        const { w, rate, c, ids } = await sharedRate();
        if (blocker === 'approved')
          await store.approve(c.id, {
            expectedVersion: c.version,
            user: w.cms,
            releasedOn: new Date().toISOString().slice(0, 10),
          });
        else await w.unlock(c.id);
        const before = await readRateWorld(store, ids, [rate.id]);
        const audit = await Promise.all(ids.map(actions));
        await expectStoreError(rc.withdrawRate(await w.rate(rate.id), w.cms), 'INVALID_TRANSITION');
        const after = await readRateWorld(store, ids, [rate.id]);
        expect(after).toEqual(before);
        expect(await Promise.all(ids.map(actions))).toEqual(audit);
      });
    }

    it('withdrawing a package re-parents its rate another package carries, withdraws the one nobody else carries; undo restores that one only', async () => {
      const w = await world();
      const { pkg: parent, rate: shared } = await w.submittedWithRate();
      const second = await rc.createRate(await w.unlock(parent.id), w.user, {
        formData: rateFormOf(w.state),
      });
      const lonely = second.rates[0]!;
      await w.attachDocument(lonely.id);
      await w.resubmit(parent.id);
      const linker = await w.submittedLinking(shared.id);
      const withdrawnPkg = await w.pkg(parent.id);
      await rc.withdrawPackage(withdrawnPkg, w.cms);
      expect((await w.pkg(parent.id)).reviewStatus).toBe('WITHDRAWN');
      const reparented = await w.rate(shared.id);
      expect(reparented.parentPackageId).toBe(linker.id);
      expect(reparented.status).not.toBe('WITHDRAWN');
      expect(await actions(linker.id)).toContain('REPARENT_RATE');
      const gone = await w.rate(lonely.id);
      expect(gone.status).toBe('WITHDRAWN');
      expect(gone.withdrawals[0]).toMatchObject({ action: 'WITHDRAW', packageIds: [parent.id] });

      await rc.undoPackageWithdrawal(await w.pkg(parent.id), w.cms);
      expect((await w.rate(lonely.id)).status).not.toBe('WITHDRAWN');
      expect((await w.rate(shared.id)).parentPackageId).toBe(linker.id);
      await w.expectConsistent([parent.id, linker.id], [shared.id, lonely.id]);
    });
  });

  describe('rates: deleting a draft', () => {
    it('deleting a draft removes its never-submitted child rates; linked rates lose it; its number and audit stay', async () => {
      const w = await world();
      const { pkg: parent, rate: shared } = await w.submittedWithRate();
      const { pkg, rate: child } = await w.draftWithRate();
      await rc.link(pkg, w.user, shared.id);
      await rc.deletePackage(await w.pkg(pkg.id), w.user);
      await expectStoreError(w.pkg(pkg.id), 'NOT_FOUND');
      await expectStoreError(w.rate(child.id), 'NOT_FOUND');
      expect((await w.rate(shared.id)).packageIds).toEqual([parent.id]);
      expect(await actions(pkg.id)).toContain('DELETE');
      expect((await w.draft()).stateNumber).toBe(pkg.stateNumber + 1);
      expect((await w.draftWithRate()).rate.stateRateNumber).toBe(child.stateRateNumber + 1);
    });

    it('a submitted package cannot be deleted', async () => {
      const w = await world();
      const { pkg, rate } = await w.submittedWithRate();
      await expectStoreError(rc.deletePackage(pkg, w.user), 'INVALID_TRANSITION');
      expect(await w.rate(rate.id)).toEqual(rate);
    });
  });

  describe('rates: races', () => {
    it('linking racing a withdrawal never leaves a link to a withdrawn rate', async () => {
      const w = await world();
      for (let round = 0; round < 4; round++) {
        const { pkg: parent, rate } = await w.submittedWithRate();
        const linker = await w.draft();
        const [linked, withdrawn] = await Promise.allSettled([
          rc.link(linker, w.user, rate.id),
          rc.withdrawRate(rate, w.cms),
        ]);
        expect(linked.status === 'fulfilled' || withdrawn.status === 'fulfilled').toBe(true);
        for (const outcome of [linked, withdrawn])
          if (outcome.status === 'rejected')
            expect(hasErrorCode(outcome.reason), String(outcome.reason)).toBe(true);
        const after = await w.rate(rate.id);
        const pkg = await w.pkg(linker.id);
        if (after.status === 'WITHDRAWN') expect(linkedRateIds(pkg).has(rate.id)).toBe(false);
        else expect(linkedRateIds(pkg).has(rate.id)).toBe(linked.status === 'fulfilled');
        await w.expectConsistent([parent.id, linker.id], [rate.id]);
      }
    });

    it(`two links racing for the last of ${MAX_PACKAGES_PER_RATE} places: exactly one wins`, async () => {
      const w = await world();
      const { pkg: parent, rate } = await w.submittedWithRate();
      const linkers: string[] = [];
      for (let i = 2; i < MAX_PACKAGES_PER_RATE; i++) {
        const p = await w.draft();
        await rc.link(p, w.user, rate.id);
        linkers.push(p.id);
      }
      const racers = [await w.draft(), await w.draft()];
      const outcomes = await Promise.allSettled(racers.map((p) => rc.link(p, w.user, rate.id)));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect((lost.reason as { code?: string }).code).toBe('VALIDATION_FAILED');
      expect((await w.rate(rate.id)).packageIds).toHaveLength(MAX_PACKAGES_PER_RATE);
      await w.expectConsistent([parent.id, ...linkers, ...racers.map((p) => p.id)], [rate.id]);
    });

    it('many drafts linking one rate at once: every one lands on both sides', async () => {
      const w = await world();
      const { pkg: parent, rate } = await w.submittedWithRate();
      const drafts = await Promise.all(Array.from({ length: 5 }, () => w.draft()));
      await Promise.all(drafts.map((p) => rc.link(p, w.user, rate.id)));
      const after = await w.rate(rate.id);
      expect(after.packageIds).toHaveLength(6);
      expect(after.version).toBe(rate.version + 5);
      await w.expectConsistent([parent.id, ...drafts.map((p) => p.id)], [rate.id]);
    });

    /**
     * Runs `plan` through changeGraph and starts `racer` the moment that change has read all it
     * needs and is about to write: the racer's reads then straddle the write, the race most likely
     * to show a store answering from records read at different moments. Both outcomes, as
     * `done` or the refusal's code.
     */
    async function racingItsWrite(
      read: GraphRead,
      plan: (g: RateGraph) => GraphChange | GraphNeeds,
      racer: () => Promise<unknown>,
    ): Promise<[string, string]> {
      const outcome = async (p: Promise<unknown> | undefined) => {
        try {
          await p;
          return 'done';
        } catch (e) {
          return errorCode(e) ?? String(e);
        }
      };
      // The racer's outcome is taken at once: a refusal it meets before the change ends is never unhandled.
      let racing: Promise<string> | undefined;
      const changing = store.changeGraph(read, (g) => {
        const out = plan(g);
        if (!isGraphNeeds(out)) racing ??= outcome(racer());
        return out;
      });
      const changed = await outcome(changing);
      return [changed, await (racing ?? outcome(undefined))];
    }

    it('a submit racing the deletion of its draft ends as one of them after the other would', {
      timeout: 120_000,
    }, async () => {
      const w = await world();
      for (let round = 0; round < 4; round++) {
        const { pkg } = await w.draftWithRate();
        const at = new Date().toISOString();
        const outcomes = await racingItsWrite(
          { packageIds: [pkg.id] },
          (g) => planDeletePackage(g, { user: w.user, at, packageId: pkg.id, expectedVersion: pkg.version }),
          () => rc.submit(pkg, w.user, w.state),
        );
        // Deleted first: the submit finds no package. Submitted first: a submitted package is not deleted.
        expect([
          ['done', 'NOT_FOUND'],
          ['INVALID_TRANSITION', 'done'],
        ]).toContainEqual(outcomes);
      }
    });

    it('a submit racing the withdrawal of the rate it links ends as one of them after the other would', {
      timeout: 120_000,
    }, async () => {
      const w = await world();
      for (let round = 0; round < 4; round++) {
        const { pkg: parent, rate } = await w.submittedWithRate();
        const linker = await w.draft();
        await rc.link(linker, w.user, rate.id);
        const outcomes = await racingItsWrite(
          { rateIds: [rate.id] },
          (g) =>
            planWithdrawRate(g, {
              user: w.cms,
              at: new Date().toISOString(),
              rateId: rate.id,
              expectedVersion: g.rates.get(rate.id)?.version ?? 1,
              reason: 'Conformance: a reason',
            }),
          // Blind (at the version it reads), so a submit after the withdrawal meets its rules, not a stale version.
          () =>
            store.changeGraph({ packageIds: [linker.id] }, (g) =>
              planSubmitPackage(g, {
                user: w.user,
                at: new Date().toISOString(),
                packageId: linker.id,
                expectedVersion: g.packages.get(linker.id)?.version ?? 1,
                programs: w.state.programs,
              }),
            ),
        );
        // Withdrawn first: the draft lost its only rate, so it is incomplete. Submitted first: both land.
        expect([
          ['done', 'SUBMISSION_INCOMPLETE'],
          ['done', 'done'],
        ]).toContainEqual(outcomes);
        await w.expectConsistent([parent.id, linker.id], [rate.id]);
      }
    });

    it('a change whose plan keeps asking for more records than allowed is VALIDATION_FAILED', async () => {
      const tooMany = Array.from({ length: MAX_GRAPH_RATES + 1 }, () => randomUUID());
      await expectStoreError(
        store.changeGraph({}, () => ({ needs: { rateIds: tooMany } })),
        'VALIDATION_FAILED',
      );
    });
  });

  describe('rates: maintenance', () => {
    /** Three rates imported into a fresh state (numbers 1..3; the second never submitted), oldest first. */
    async function someRates() {
      const state = await freshState(store, nextCode);
      const base = Date.now() - 60_000;
      const rates = [1, 2, 3].map((n) =>
        rateRecord(state, {
          stateRateNumber: n,
          submitted: n !== 2,
          updatedAt: new Date(base + n * 1000).toISOString(),
        }),
      );
      await store.maintenance.importRates(rates);
      // As a copy does: the state's rate counter covers the numbers imported.
      await store.maintenance.raiseRateCounters({ [state.code]: 3 });
      return { state, rates };
    }

    it('imported rates read back whole; listRates shows the submitted ones as rateSummary does, newest first', async () => {
      const { state, rates } = await someRates();
      for (const rate of rates) expect(await store.getRate(rate.id)).toEqual(rate);
      expect(await store.getRates(rates.map((r) => r.id).reverse())).toEqual([...rates].reverse());
      const listed = await collect((cursor) => store.listRates({ stateCode: state.code, limit: 1, cursor }));
      expect(listed.items).toEqual([rates[2], rates[0]].map((r) => rateSummary(r!)));
      expect(listed.sizes).toEqual([1, 1]);
      const submitted = await store.listRates({
        stateCode: state.code,
        status: 'SUBMITTED',
        order: 'oldest',
      });
      expect(submitted.items.map((r) => r.id)).toEqual([rates[0]!.id, rates[2]!.id]);
    });

    it('scanRates partitions cover every rate exactly once, whole', async () => {
      const { rates } = await someRates();
      for (const partitions of [1, 3]) {
        const seen: Rate[] = [];
        for (let partition = 0; partition < partitions; partition++) {
          const page = await collect(async (cursor) =>
            store.maintenance.scanRates({ partition, partitions, limit: 2, ...(cursor ? { cursor } : {}) }),
          );
          seen.push(...page.items);
        }
        const ids = seen.map((r) => r.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const rate of rates) expect(seen.find((r) => r.id === rate.id)).toEqual(rate);
      }
    });

    it('importRates: replace keeps a newer copy, force puts an older one back; a number held by another rate is refused', async () => {
      const { state, rates } = await someRates();
      const [first, second, third] = rates as [Rate, Rate, Rate];
      const newer = {
        ...structuredClone(first),
        version: first.version + 1,
        updatedAt: new Date().toISOString(),
      };
      await store.maintenance.importRates([newer]);
      expect(await store.getRate(first.id)).toEqual(newer);
      await store.maintenance.importRates([first]);
      expect(await store.getRate(first.id)).toEqual(newer);
      await store.maintenance.importRates([first], { mode: 'force' });
      expect(await store.getRate(first.id)).toEqual(first);
      // A replacement that has fewer revisions leaves nothing of the longer one behind.
      const longer = {
        ...structuredClone(second),
        version: second.version + 1,
        revisions: [
          { ...structuredClone(second.revisions[0]!), id: randomUUID(), number: 2 },
          ...second.revisions,
        ],
      };
      await store.maintenance.importRates([longer]);
      expect(await store.getRate(second.id)).toEqual(longer);
      await store.maintenance.importRates([second], { mode: 'force' });
      expect(await store.getRate(second.id)).toEqual(second);
      for (const mode of ['replace', 'force'] as const) {
        const clash = { ...structuredClone(third), id: randomUUID() };
        await expectStoreError(store.maintenance.importRates([clash], { mode }), 'ALREADY_EXISTS');
        await expectStoreError(store.getRate(clash.id), 'NOT_FOUND');
      }
      // Two rates of one import with one number: refused before anything is written.
      const twins = [0, 1].map(() => rateRecord(state, { stateRateNumber: 99 }));
      await expectStoreError(store.maintenance.importRates(twins), 'ALREADY_EXISTS');
      expect(await store.getRates(twins.map((r) => r.id))).toEqual([]);
    });

    it('overwrite imports into an empty state as given', async () => {
      const state = await freshState(store, nextCode);
      const rates = [1, 2, 3, 4].map((n) => rateRecord(state, { stateRateNumber: n }));
      await store.maintenance.importRates(rates, { mode: 'overwrite' });
      await store.maintenance.raiseRateCounters({ [state.code]: 4 });
      expect(await store.getRates(rates.map((r) => r.id))).toEqual(rates);
    });

    it('rate counters: reported per state, raised never lowered, beside the package counters', async () => {
      const state = await freshState(store, nextCode);
      const maintenance = store.maintenance;
      expect((await maintenance.getRateCounters([state.code]))[state.code] ?? 0).toBe(0);
      await maintenance.raiseRateCounters({ [state.code]: 7 });
      await maintenance.raiseRateCounters({ [state.code]: 3 });
      expect(await maintenance.getRateCounters([state.code])).toEqual({ [state.code]: 7 });
      expect((await maintenance.getRateCounters())[state.code]).toBe(7);
      expect((await maintenance.getCounters([state.code]))[state.code] ?? 0).toBe(0);
    });

    it('a raised rate counter: the next rate takes the number after it', async () => {
      const w = await world();
      await w.draftWithRate();
      await store.maintenance.raiseRateCounters({ [w.state.code]: 7 });
      expect((await w.draftWithRate()).rate.stateRateNumber).toBe(8);
      expect((await store.maintenance.getCounters([w.state.code]))[w.state.code]).toBe(2);
    });

    it('removeRate removes a rate whatever its status; repeating it is harmless', async () => {
      const { state, rates } = await someRates();
      for (const rate of rates) await store.maintenance.removeRate(rate.id);
      await expectStoreError(store.getRate(rates[0]!.id), 'NOT_FOUND');
      await store.maintenance.removeRate(rates[0]!.id);
      expect(await store.getRates(rates.map((r) => r.id))).toEqual([]);
      expect((await store.listRates({ stateCode: state.code })).items).toEqual([]);
    });
  });
}
