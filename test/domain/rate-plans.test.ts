/**
 * The rate plans (rate-plans.ts) through their public signatures, run by a `World` that plays the
 * store: after every change both sides of every link agree and each record is one version on.
 */
import { describe, expect, it } from 'vitest';
import {
  AUDIT_SUMMARIES,
  type GraphChange,
  isGraphNeeds,
  MAX_PACKAGES_PER_RATE,
  MAX_RATE_CERTIFICATIONS,
  planApprove,
  planCreateRate,
  planDeletePackage,
  planLinkRate,
  planSubmitPackage,
  planUndoPackageWithdrawal,
  planUndoRateWithdrawal,
  planUndoUnlockPackage,
  planUnlinkRate,
  planUnlockPackage,
  planUpdateRate,
  planWithdrawPackage,
  planWithdrawRate,
  type RateGraph,
  type User,
} from '../../src/domain/index.js';
import { cmsUser, deepFreeze, MN, stateUser } from './fixtures.js';
import { pathsOf, refusal } from './plan-builders.js';
import { pkgId, rateDoc, rateForm, rateId, ratesDraft, World } from './rate-builders.js';

const MN_USER = stateUser('MN');
const TX_USER = stateUser('TX', 2);
const CMS_USER = cmsUser();
const programs = MN.programs;
const A = rateId(1);
const B = rateId(2);

let second = 0;
/** A clock that moves on with every step, so "submitted first" is well defined. */
const tick = () => new Date(Date.UTC(2026, 1, 1, 12, 0, second++)).toISOString();

const create = (w: World, n: number, id: string, user: User = MN_USER, formData: unknown = rateForm()) =>
  planCreateRate(w.graph(), {
    user,
    at: tick(),
    packageId: pkgId(n),
    expectedVersion: w.pkg(n).version,
    rateId: id,
    formData,
  });

/** Package `n` gets a complete child rate `id` (form and documents). */
function addRate(w: World, n: number, id: string) {
  w.run(() => create(w, n, id));
  w.run((g) =>
    planUpdateRate(g, {
      user: MN_USER,
      at: tick(),
      rateId: id,
      expectedVersion: w.rate(id).version,
      documents: [rateDoc(30), rateDoc(31, 'RATE_SUPPORTING')],
    }),
  );
}
const submit = (g: RateGraph, w: World, n: number, reason?: string) =>
  planSubmitPackage(g, {
    user: MN_USER,
    at: tick(),
    packageId: pkgId(n),
    expectedVersion: w.pkg(n).version,
    programs,
    reason,
  });
const unlock = (g: RateGraph, w: World, n: number, user: User = CMS_USER) =>
  planUnlockPackage(g, {
    user,
    at: tick(),
    packageId: pkgId(n),
    expectedVersion: w.pkg(n).version,
    reason: 'Fix the rates',
  });
const link = (g: RateGraph, w: World, n: number, id: string, user: User = MN_USER) =>
  planLinkRate(g, { user, at: tick(), packageId: pkgId(n), expectedVersion: w.pkg(n).version, rateId: id });
const unlink = (g: RateGraph, w: World, n: number, id: string) =>
  planUnlinkRate(g, {
    user: MN_USER,
    at: tick(),
    packageId: pkgId(n),
    expectedVersion: w.pkg(n).version,
    rateId: id,
  });
const withdrawRate = (
  g: RateGraph,
  w: World,
  id: string,
  user: User = CMS_USER,
  reason: string | undefined = 'Wrong rates',
) => planWithdrawRate(g, { user, at: tick(), rateId: id, expectedVersion: w.rate(id).version, reason });
const undoRateWithdrawal = (g: RateGraph, w: World, id: string) =>
  planUndoRateWithdrawal(g, {
    user: CMS_USER,
    at: tick(),
    rateId: id,
    expectedVersion: w.rate(id).version,
    reason: 'Oops',
  });
const withdrawPackage = (g: RateGraph, w: World, n: number) =>
  planWithdrawPackage(g, {
    user: CMS_USER,
    at: tick(),
    packageId: pkgId(n),
    expectedVersion: w.pkg(n).version,
    reason: 'Gone',
  });

/** Package 1 submitted with its child rate A; package 2 a draft of the same state. */
function submittedWithRate(): World {
  const w = new World(ratesDraft(1), ratesDraft(2));
  addRate(w, 1, A);
  w.run((g) => submit(g, w, 1));
  return w;
}
/** As above, and package 2 submitted linking A. */
function sharedRate(): World {
  const w = submittedWithRate();
  w.run((g) => link(g, w, 2, A));
  w.run((g) => submit(g, w, 2));
  return w;
}
const links = (w: World, n: number, revision = 0) => w.pkg(n).revisions[revision]!.rateLinks;
const actions = (c: GraphChange) =>
  c.events.map((e) => `${e.action}@${e.packageId === pkgId(1) ? 1 : e.packageId === pkgId(2) ? 2 : 3}`);

describe('creating a child rate', () => {
  it('makes a DRAFT rate, version 1, linked by the draft both ways, numbered by the store', () => {
    const w = new World(ratesDraft(1));
    const planned = create(w, 1, A);
    if (isGraphNeeds(planned)) throw new Error('no needs');
    expect(planned.rates[0]).toMatchObject({
      id: A,
      stateRateNumber: 0,
      version: 1,
      status: 'DRAFT',
      packageIds: [pkgId(1)],
      parentPackageId: pkgId(1),
    });
    const change = planned.withRateNumbers!(new Map([[A, 5]]));
    expect(change.rates[0]!.stateRateNumber).toBe(5);
    expect(change.events).toMatchObject([
      { action: 'CREATE_RATE', summary: AUDIT_SUMMARIES.createRate('MN-RATE-0005') },
    ]);
    w.run(() => planned);
    expect(links(w, 1)).toEqual([{ rateId: A, rateRevision: null }]);
    expect(w.pkg(1).version).toBe(2);
  });

  it('refuses who may not author: another state and CMS see nothing, CMS on a submitted package is forbidden', () => {
    const w = new World(ratesDraft(1));
    expect(refusal(() => create(w, 1, A, TX_USER)).code).toBe('NOT_FOUND');
    expect(refusal(() => create(w, 1, A, CMS_USER)).code).toBe('NOT_FOUND');
    const s = submittedWithRate();
    expect(refusal(() => create(s, 1, B, CMS_USER)).code).toBe('FORBIDDEN');
    expect(refusal(() => create(s, 1, B)).code).toBe('INVALID_TRANSITION');
  });

  it('refuses a bad form (naming formData.*), a stale version, a repeated id, and a 21st rate', () => {
    const w = new World(ratesDraft(1));
    expect(pathsOf(refusal(() => create(w, 1, A, MN_USER, { rateType: 'X' })))).toEqual([
      'formData.rateType',
    ]);
    expect(
      refusal(() =>
        planCreateRate(w.graph(), {
          user: MN_USER,
          at: tick(),
          packageId: pkgId(1),
          expectedVersion: 9,
          rateId: A,
          formData: {},
        }),
      ).code,
    ).toBe('VERSION_CONFLICT');
    w.run(() => create(w, 1, A));
    expect(refusal(() => create(w, 1, A)).code).toBe('ALREADY_EXISTS');
    for (let i = 10; i < 10 + MAX_RATE_CERTIFICATIONS - 1; i++) w.run(() => create(w, 1, rateId(i)));
    expect(pathsOf(refusal(() => create(w, 1, rateId(99))))).toEqual(['rateLinks']);
  });
});

describe('editing a rate', () => {
  it('changes the unsubmitted revision, recorded UPDATE_RATE on the parent', () => {
    const w = new World(ratesDraft(1));
    w.run(() => create(w, 1, A));
    const change = w.run((g) =>
      planUpdateRate(g, {
        user: MN_USER,
        at: tick(),
        rateId: A,
        expectedVersion: 1,
        formData: { ...rateForm(), rateType: 'AMENDMENT' },
      }),
    );
    expect(w.rate(A).revisions[0]!.formData.rateType).toBe('AMENDMENT');
    expect(change.events[0]).toMatchObject({ action: 'UPDATE_RATE', packageId: pkgId(1) });
    expect(change.packages).toEqual([]);
  });

  it('refuses a submitted rate, a stale version, bad documents, CMS, another state; asks for the parent', () => {
    const w = submittedWithRate();
    const edit =
      (user: User, expectedVersion = w.rate(A).version, documents?: unknown) =>
      () =>
        planUpdateRate(w.graph(), {
          user,
          at: tick(),
          rateId: A,
          expectedVersion,
          ...(documents ? { documents } : {}),
        });
    expect(refusal(edit(MN_USER)).code).toBe('INVALID_TRANSITION');
    expect(refusal(edit(CMS_USER)).code).toBe('FORBIDDEN');
    expect(refusal(edit(TX_USER)).code).toBe('NOT_FOUND');
    const d = new World(ratesDraft(1));
    d.run(() => create(d, 1, A));
    expect(
      refusal(() => planUpdateRate(d.graph(), { user: MN_USER, at: tick(), rateId: A, expectedVersion: 7 }))
        .code,
    ).toBe('VERSION_CONFLICT');
    expect(
      pathsOf(
        refusal(() =>
          planUpdateRate(d.graph(), {
            user: MN_USER,
            at: tick(),
            rateId: A,
            expectedVersion: 1,
            documents: [{ ...rateDoc(1), category: 'CONTRACT' }],
          }),
        ),
      ),
    ).toEqual(['documents.0.category']);
    const noParent = { packages: new Map(), rates: d.graph().rates };
    expect(planUpdateRate(noParent, { user: MN_USER, at: tick(), rateId: A, expectedVersion: 1 })).toEqual({
      needs: { packageIds: [pkgId(1)] },
    });
  });
});

describe('linking and unlinking', () => {
  it('links a submitted rate of the same state both ways; unlinking drops both sides', () => {
    const w = submittedWithRate();
    const change = w.run((g) => link(g, w, 2, A));
    expect(actions(change)).toEqual(['LINK_RATE@2']);
    expect(w.rate(A).packageIds).toEqual([pkgId(1), pkgId(2)]);
    w.run((g) => unlink(g, w, 2, A));
    expect(w.rate(A).packageIds).toEqual([pkgId(1)]);
    expect(links(w, 2)).toEqual([]);
  });

  it('refuses another state (NOT_FOUND), a never-submitted or withdrawn rate, a second link, its own child, an 11th package', () => {
    const w = submittedWithRate();
    const tx = new World(ratesDraft(1), ratesDraft(3, 'TX'));
    tx.rates.set(A, { ...w.rate(A) });
    expect(
      refusal(() =>
        planLinkRate(tx.graph(), {
          user: TX_USER,
          at: tick(),
          packageId: pkgId(3),
          expectedVersion: 1,
          rateId: A,
        }),
      ).code,
    ).toBe('NOT_FOUND');
    w.run((g) => link(g, w, 2, A));
    expect(refusal(() => link(w.graph(), w, 2, A)).code).toBe('INVALID_TRANSITION');
    const d = new World(ratesDraft(1), ratesDraft(2));
    d.run(() => create(d, 1, B));
    expect(refusal(() => link(d.graph(), d, 2, B)).code).toBe('INVALID_TRANSITION');
    const full = submittedWithRate();
    full.rates.set(A, {
      ...full.rate(A),
      packageIds: Array.from({ length: MAX_PACKAGES_PER_RATE }, (_, i) => pkgId(50 + i)),
    });
    expect(pathsOf(refusal(() => link(full.graph(), full, 2, A)))).toEqual(['rateId']);
    const gone = sharedRate();
    gone.run((g) => withdrawRate(g, gone, A));
    expect(refusal(() => link(gone.graph(), gone, 2, A)).code).toBe('INVALID_TRANSITION');
    const own = submittedWithRate();
    own.run((g) => unlock(g, own, 1));
    expect(refusal(() => link(own.graph(), own, 1, A)).code).toBe('INVALID_TRANSITION');
    expect(refusal(() => unlink(own.graph(), own, 1, B)).code).toBe('INVALID_TRANSITION');
  });

  it('removing a never-submitted child deletes it; a submitted child cannot leave its parent', () => {
    const w = new World(ratesDraft(1));
    w.run(() => create(w, 1, A));
    const change = w.run((g) => unlink(g, w, 1, A));
    expect(change.deletedRateIds).toEqual([A]);
    expect(actions(change)).toEqual(['REMOVE_RATE@1']);
    const s = submittedWithRate();
    s.run((g) => unlock(g, s, 1));
    expect(refusal(() => unlink(s.graph(), s, 1, A)).code).toBe('INVALID_TRANSITION');
  });

  it('an unlocked package unlinking a rate its last submission carried still carries it until resubmitted', () => {
    const w = sharedRate();
    w.run((g) => unlock(g, w, 2));
    w.run((g) => unlink(g, w, 2, A));
    expect(w.rate(A).packageIds).toContain(pkgId(2));
    addRate(w, 2, B);
    w.run((g) => submit(g, w, 2, 'Dropped the shared rate'));
    expect(w.rate(A).packageIds).toEqual([pkgId(1)]);
  });
});

describe('submitting with rates', () => {
  it('submits the child rate with the package and freezes the link to it', () => {
    const w = submittedWithRate();
    expect(w.rate(A)).toMatchObject({
      status: 'SUBMITTED',
      initiallySubmittedAt: w.pkg(1).initiallySubmittedAt,
    });
    expect(w.rate(A).revisions[0]!.submittedWith).toEqual({ packageId: pkgId(1), packageRevision: 1 });
    expect(links(w, 1)).toEqual([{ rateId: A, rateRevision: 1 }]);
    expect(w.pkg(1).status).toBe('SUBMITTED');
  });

  it('refuses an incomplete child rate with rates.<id>.<field> paths, beside the package gaps', () => {
    const w = new World(ratesDraft(1));
    w.run(() => create(w, 1, A, MN_USER, { ...rateForm(), rateType: undefined }));
    const e = refusal(() => submit(w.graph(), w, 1));
    expect(e.code).toBe('SUBMISSION_INCOMPLETE');
    expect(pathsOf(e)).toEqual([`rates.${A}.rateType`, `rates.${A}.documents`]);
  });

  it('counts linked rates as rate certifications; a package with none is refused', () => {
    const w = submittedWithRate();
    expect(pathsOf(refusal(() => submit(w.graph(), w, 2)))).toEqual(['formData.rateCertifications']);
    w.run((g) => link(g, w, 2, A));
    w.run((g) => submit(g, w, 2));
    expect(links(w, 2)).toEqual([{ rateId: A, rateRevision: 1 }]);
  });

  it('sends a linked rate as last submitted while its own parent has it unlocked', () => {
    const w = submittedWithRate();
    w.run((g) => unlock(g, w, 1));
    expect(w.rate(A).status).toBe('UNLOCKED');
    w.run((g) => link(g, w, 2, A));
    w.run((g) => submit(g, w, 2));
    expect(links(w, 2)).toEqual([{ rateId: A, rateRevision: 1 }]);
  });

  it('refuses a link to a withdrawn rate (VALIDATION_FAILED on rateLinks.i)', () => {
    const w = submittedWithRate();
    w.run((g) => link(g, w, 2, A));
    w.rates.set(A, {
      ...w.rate(A),
      status: 'WITHDRAWN',
      withdrawals: [
        {
          id: rateId(90),
          action: 'WITHDRAW',
          at: tick(),
          by: { id: CMS_USER.id, email: CMS_USER.email, role: 'CMS_USER' },
          reason: 'x',
          packageIds: [],
        },
      ],
    });
    const e = refusal(() => submit(w.graph(), w, 2));
    expect([e.code, pathsOf(e)]).toEqual(['VALIDATION_FAILED', ['rateLinks.0']]);
  });

  it('asks for the rates it lacks', () => {
    const w = submittedWithRate();
    w.run((g) => link(g, w, 2, A));
    const g = { packages: w.graph().packages, rates: new Map() };
    expect(submit(g, w, 2)).toEqual({ needs: { rateIds: [A] } });
  });
});

describe('unlocking and resubmitting', () => {
  it('unlocks child rates (a copy with the unlock info), not linked ones; resubmit sends revision 2', () => {
    const w = sharedRate();
    expect(refusal(() => unlock(w.graph(), w, 1, MN_USER)).code).toBe('FORBIDDEN');
    w.run((g) => unlock(g, w, 1));
    const [reopened, first] = w.rate(A).revisions;
    expect(w.rate(A).status).toBe('UNLOCKED');
    expect(reopened).toMatchObject({
      number: 2,
      submitInfo: null,
      unlockInfo: { reason: 'Fix the rates' },
      formData: first!.formData,
    });
    expect(links(w, 1)).toEqual([{ rateId: A, rateRevision: null }]);
    w.run((g) =>
      planUpdateRate(g, {
        user: MN_USER,
        at: tick(),
        rateId: A,
        expectedVersion: w.rate(A).version,
        formData: { ...rateForm(), rateDateCertified: '2025-11-01' },
      }),
    );
    expect(refusal(() => submit(w.graph(), w, 1)).fields[0]!.path).toBe('reason');
    w.run((g) => submit(g, w, 1, 'New certification date'));
    expect(w.rate(A)).toMatchObject({ status: 'RESUBMITTED' });
    expect(w.rate(A).revisions[0]!.submittedWith).toEqual({ packageId: pkgId(1), packageRevision: 2 });
    expect(links(w, 1)).toEqual([{ rateId: A, rateRevision: 2 }]);
    // Package 2 still shows what it was submitted with.
    expect(links(w, 2)).toEqual([{ rateId: A, rateRevision: 1 }]);
  });

  it('undoing the unlock drops the rates’ unlocked revisions, rates made in the draft and links added to it', () => {
    const w = sharedRate();
    const other = rateId(3);
    w.packages.set(pkgId(3), deepFreeze({ ...ratesDraft(3) }));
    addRate(w, 3, other);
    w.run((g) => submit(g, w, 3));
    w.run((g) => unlock(g, w, 1));
    addRate(w, 1, B);
    w.run((g) => link(g, w, 1, other));
    const change = w.run((g) =>
      planUndoUnlockPackage(g, {
        user: CMS_USER,
        at: tick(),
        packageId: pkgId(1),
        expectedVersion: w.pkg(1).version,
        reason: 'Never mind',
      }),
    );
    expect(change.deletedRateIds).toEqual([B]);
    expect(w.rate(A).revisions).toHaveLength(1);
    expect(w.rate(A).status).toBe('SUBMITTED');
    expect(w.rate(other).packageIds).toEqual([pkgId(3)]);
  });
});

describe('deleting a draft with rates', () => {
  it('deletes its never-submitted child rates; linked rates lose it', () => {
    const w = submittedWithRate();
    w.run((g) => link(g, w, 2, A));
    w.run(() => create(w, 2, B));
    const change = w.run((g) =>
      planDeletePackage(g, {
        user: MN_USER,
        at: tick(),
        packageId: pkgId(2),
        expectedVersion: w.pkg(2).version,
      }),
    );
    expect(change.deletedPackageIds).toEqual([pkgId(2)]);
    expect(change.deletedRateIds).toEqual([B]);
    expect(actions(change)).toEqual(['REMOVE_RATE@2', 'DELETE@2']);
    expect(w.rate(A).packageIds).toEqual([pkgId(1)]);
  });
});

describe('CMS withdrawing a rate', () => {
  it('gives every package carrying it a new submitted revision without it, at once', () => {
    const w = sharedRate();
    w.packages.set(pkgId(3), ratesDraft(3));
    w.run((g) => link(g, w, 3, A));
    const change = w.run((g) => withdrawRate(g, w, A));
    expect(actions(change)).toEqual(['WITHDRAW_RATE@1', 'WITHDRAW_RATE@2', 'WITHDRAW_RATE@3']);
    expect(w.rate(A)).toMatchObject({ status: 'WITHDRAWN', packageIds: [] });
    expect(w.rate(A).withdrawals[0]).toMatchObject({
      action: 'WITHDRAW',
      reason: 'Wrong rates',
      packageIds: [pkgId(1), pkgId(2)],
    });
    for (const n of [1, 2]) {
      const [resent, before] = w.pkg(n).revisions;
      expect(resent).toMatchObject({
        number: 2,
        rateLinks: [],
        submitInfo: { by: { role: 'CMS_USER' }, reason: 'Wrong rates' },
        documents: before!.documents,
      });
      expect(before!.rateLinks).toEqual([{ rateId: A, rateRevision: 1 }]);
    }
    expect(links(w, 3)).toEqual([]);
    expect(w.pkg(3).status).toBe('DRAFT');
  });

  it('refuses a state user, another state, no reason, an approved or unlocked carrier, a rate not submitted, a stale version', () => {
    const w = sharedRate();
    expect(refusal(() => withdrawRate(w.graph(), w, A, MN_USER)).code).toBe('FORBIDDEN');
    expect(refusal(() => withdrawRate(w.graph(), w, A, TX_USER)).code).toBe('NOT_FOUND');
    expect(pathsOf(refusal(() => withdrawRate(w.graph(), w, A, CMS_USER, ' ')))).toEqual(['reason']);
    expect(
      refusal(() =>
        planWithdrawRate(w.graph(), {
          user: CMS_USER,
          at: tick(),
          rateId: A,
          expectedVersion: 1,
          reason: 'x',
        }),
      ).code,
    ).toBe('VERSION_CONFLICT');
    const approved = planApprove(w.pkg(2), {
      user: CMS_USER,
      at: tick(),
      expectedVersion: w.pkg(2).version,
      releasedOn: '2026-01-01',
    });
    const a = sharedRate();
    a.packages.set(pkgId(2), deepFreeze(approved.after));
    expect(refusal(() => withdrawRate(a.graph(), a, A)).code).toBe('INVALID_TRANSITION');
    w.run((g) => unlock(g, w, 2));
    expect(refusal(() => withdrawRate(w.graph(), w, A)).code).toBe('INVALID_TRANSITION');
    const d = new World(ratesDraft(1));
    d.run(() => create(d, 1, A));
    expect(refusal(() => withdrawRate(d.graph(), d, A)).code).toBe('NOT_FOUND');
  });

  it('undo gives it back to the packages it left, frozen to its last submitted revision; an unlocked one refuses', () => {
    const w = sharedRate();
    w.run((g) => withdrawRate(g, w, A));
    const change = w.run((g) => undoRateWithdrawal(g, w, A));
    expect(actions(change)).toEqual(['UNDO_RATE_WITHDRAWAL@1', 'UNDO_RATE_WITHDRAWAL@2']);
    expect(w.rate(A)).toMatchObject({ status: 'SUBMITTED', packageIds: [pkgId(1), pkgId(2)] });
    expect(links(w, 2)).toEqual([{ rateId: A, rateRevision: 1 }]);
    expect(w.pkg(2).revisions).toHaveLength(3);
    expect(refusal(() => undoRateWithdrawal(w.graph(), w, A)).code).toBe('INVALID_TRANSITION');
    w.run((g) => withdrawRate(g, w, A));
    w.run((g) => unlock(g, w, 2));
    expect(refusal(() => undoRateWithdrawal(w.graph(), w, A)).code).toBe('INVALID_TRANSITION');
  });

  it('asks for the packages carrying it', () => {
    const w = sharedRate();
    const g = { packages: new Map(), rates: w.graph().rates };
    expect(withdrawRate(g, w, A)).toEqual({ needs: { packageIds: [pkgId(1), pkgId(2)] } });
  });
});

describe('CMS withdrawing a package that has rates', () => {
  it('re-parents a child rate another package carries to it', () => {
    const w = sharedRate();
    const change = w.run((g) => withdrawPackage(g, w, 1));
    expect(actions(change)).toEqual(['WITHDRAW@1', 'REPARENT_RATE@2']);
    expect(change.events[1]!.summary).toBe(AUDIT_SUMMARIES.reparentRate('MN-RATE-0001', 'package 0001'));
    expect(w.rate(A)).toMatchObject({ parentPackageId: pkgId(2), status: 'SUBMITTED' });
    expect(w.pkg(1).reviewStatus).toBe('WITHDRAWN');
  });

  it('withdraws a child rate no one else carries with it, and its undo brings it back', () => {
    const w = submittedWithRate();
    w.run((g) => link(g, w, 2, A));
    const change = w.run((g) => withdrawPackage(g, w, 1));
    expect(actions(change)).toEqual(['WITHDRAW@1', 'WITHDRAW_RATE@2', 'WITHDRAW_RATE@1']);
    expect(w.rate(A)).toMatchObject({ status: 'WITHDRAWN', packageIds: [pkgId(1)] });
    expect(links(w, 2)).toEqual([]);
    const undo = w.run((g) =>
      planUndoPackageWithdrawal(g, {
        user: CMS_USER,
        at: tick(),
        packageId: pkgId(1),
        expectedVersion: w.pkg(1).version,
        reason: 'Back',
      }),
    );
    expect(actions(undo)).toEqual(['UNDO_WITHDRAWAL@1', 'UNDO_RATE_WITHDRAWAL@1']);
    expect(w.rate(A).status).toBe('SUBMITTED');
  });
});
