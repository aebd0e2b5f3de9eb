/**
 * CMS's review decisions as pure plans: which statuses each starts from, who may, reasons and
 * release dates, the history they record and the review status it derives.
 */
import { describe, expect, test } from 'vitest';
import {
  AUDIT_SUMMARIES,
  actorOf,
  canDecide,
  deriveReviewStatus,
  discardedFileKeys,
  displayStatus,
  lifecycle,
  type Package,
  planApprove,
  planUndoApproval,
  planUndoUnlock,
  planUndoWithdrawal,
  planWithdraw,
  type ReviewActionKind,
} from '../../src/domain/index.js';
import { adminUser, cmsUser, doc, stateUser } from './fixtures.js';
import {
  counterIds,
  draftPackage,
  NOW,
  PACKAGES_BY_STATUS,
  refusal,
  resubmittedPackage,
  STATUSES,
  submittedPackage,
  unlockedPackage,
} from './plan-builders.js';

const CMS_USER = cmsUser();
const TODAY = NOW.slice(0, 10);
const request = (pkg: Package, extra: { reason?: string; releasedOn?: string } = {}) => ({
  user: CMS_USER,
  at: NOW,
  expectedVersion: pkg.version,
  newId: counterIds(),
  reason: 'because',
  releasedOn: TODAY,
  ...extra,
});

const approved = () => planApprove(submittedPackage(), request(submittedPackage())).after;
const withdrawn = () => planWithdraw(submittedPackage(), request(submittedPackage())).after;
const chipOnly = (pkg: Package): Package => {
  const copy = structuredClone(pkg);
  for (const r of copy.revisions) r.formData.populationCovered = 'CHIP';
  copy.reviewStatus = deriveReviewStatus(copy);
  return copy;
};

const PLANS: Record<ReviewActionKind, (pkg: Package, r: ReturnType<typeof request>) => { after: Package }> = {
  APPROVE: planApprove,
  UNDO_APPROVAL: planUndoApproval,
  WITHDRAW: planWithdraw,
  UNDO_WITHDRAWAL: planUndoWithdrawal,
  UNDO_UNLOCK: planUndoUnlock,
};

describe('review status', () => {
  test('is null for a draft, under review once submitted, not subject to review when CHIP only', () => {
    expect(deriveReviewStatus(draftPackage())).toBeNull();
    expect(deriveReviewStatus(submittedPackage())).toBe('UNDER_REVIEW');
    expect(deriveReviewStatus(chipOnly(submittedPackage()))).toBe('NOT_SUBJECT_TO_REVIEW');
  });

  test('an unlocked draft does not change it: the last submitted revision decides', () => {
    const pkg = structuredClone(unlockedPackage());
    pkg.revisions[0]!.formData.populationCovered = 'CHIP';
    expect(deriveReviewStatus(pkg)).toBe('UNDER_REVIEW');
  });

  test('what users see: a decision outranks SUBMITTED/RESUBMITTED, never DRAFT or UNLOCKED', () => {
    expect(displayStatus('SUBMITTED', 'APPROVED')).toBe('APPROVED');
    expect(displayStatus('RESUBMITTED', 'WITHDRAWN')).toBe('WITHDRAWN');
    expect(displayStatus('RESUBMITTED', 'UNDER_REVIEW')).toBe('RESUBMITTED');
    expect(displayStatus('SUBMITTED', 'NOT_SUBJECT_TO_REVIEW')).toBe('SUBMITTED');
    expect(displayStatus('UNLOCKED', 'UNDER_REVIEW')).toBe('UNLOCKED');
    expect(displayStatus('DRAFT', null)).toBe('DRAFT');
  });
});

describe('which package each decision starts from', () => {
  const starts: Record<string, () => Package> = {
    ...PACKAGES_BY_STATUS,
    APPROVED: approved,
    WITHDRAWN: withdrawn,
    chipOnly: () => chipOnly(submittedPackage()),
  };
  const allowed: Record<ReviewActionKind, string[]> = {
    APPROVE: ['SUBMITTED', 'RESUBMITTED'],
    UNDO_APPROVAL: ['APPROVED'],
    WITHDRAW: ['SUBMITTED', 'RESUBMITTED', 'chipOnly'],
    UNDO_WITHDRAWAL: ['WITHDRAWN'],
    UNDO_UNLOCK: ['UNLOCKED'],
  };
  for (const [kind, from] of Object.entries(allowed) as [ReviewActionKind, string[]][]) {
    for (const start of Object.keys(starts)) {
      const ok = from.includes(start);
      test(`${kind} ${ok ? 'runs' : 'is refused'} on ${start}`, () => {
        const pkg = starts[start]!();
        expect(canDecide(pkg, kind)).toBe(ok);
        if (ok) {
          const { after } = PLANS[kind](pkg, request(pkg));
          expect(after.version).toBe(pkg.version + 1);
          expect(after.reviewActions[0]!.action).toBe(kind);
        } else if (start === 'DRAFT') {
          // CMS never sees a never-submitted draft.
          expect(refusal(() => PLANS[kind](pkg, request(pkg))).code).toBe('NOT_FOUND');
        } else {
          expect(refusal(() => PLANS[kind](pkg, request(pkg))).code).toBe('INVALID_TRANSITION');
        }
      });
    }
  }

  test('unlock is refused while approved or withdrawn', () => {
    for (const pkg of [approved(), withdrawn()]) {
      const e = refusal(() =>
        lifecycle.unlock(pkg, {
          actor: actorOf(CMS_USER),
          at: NOW,
          expectedVersion: pkg.version,
          reason: 'x',
        }),
      );
      expect(e.code).toBe('INVALID_TRANSITION');
      expect(e.message).toContain(pkg.reviewStatus!);
    }
  });

  test('STATUSES of the builders are all covered', () => {
    expect(STATUSES).toEqual(['DRAFT', 'SUBMITTED', 'UNLOCKED', 'RESUBMITTED']);
  });
});

describe('approve', () => {
  test('records who, when, the release date and the reason; the audit event says it', () => {
    const pkg = resubmittedPackage();
    const { after, event } = planApprove(
      pkg,
      request(pkg, { reason: '  looks right ', releasedOn: '2026-01-20' }),
    );
    expect(after).toEqual({
      ...pkg,
      version: pkg.version + 1,
      updatedAt: NOW,
      reviewStatus: 'APPROVED',
      reviewActions: [
        {
          id: expect.any(String),
          action: 'APPROVE',
          at: NOW,
          by: actorOf(CMS_USER),
          reason: 'looks right',
          releasedOn: '2026-01-20',
        },
      ],
    });
    expect(event).toEqual({
      actor: actorOf(CMS_USER),
      action: 'APPROVE',
      summary: AUDIT_SUMMARIES.approve('2026-01-20', 'looks right'),
      at: NOW,
    });
  });

  test('a CMS reviewer may leave the reason out; an admin may not', () => {
    const pkg = submittedPackage();
    expect(planApprove(pkg, request(pkg, { reason: '' })).after.reviewActions[0]!.reason).toBe('');
    const e = refusal(() => planApprove(pkg, { ...request(pkg, { reason: ' ' }), user: adminUser() }));
    expect(e.fields.map((f) => f.path)).toEqual(['reason']);
    expect(planApprove(pkg, { ...request(pkg), user: adminUser() }).after.reviewStatus).toBe('APPROVED');
  });

  test.each([
    [undefined, 'give the date'],
    ['', 'give the date'],
    ['2026-02-30', 'real calendar date'],
    ['01/02/2026', 'YYYY-MM-DD'],
    ['2026-02-02', 'cannot be in the future'],
  ])('refuses release date %s on releasedOn', (releasedOn, message) => {
    const pkg = submittedPackage();
    const e = refusal(() => planApprove(pkg, { ...request(pkg), releasedOn: releasedOn as string }));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.fields).toEqual([{ path: 'releasedOn', message: expect.stringContaining(message) }]);
  });

  test('today is not the future', () => {
    const pkg = submittedPackage();
    expect(planApprove(pkg, request(pkg, { releasedOn: TODAY })).after.reviewActions[0]!.releasedOn).toBe(
      TODAY,
    );
  });
});

describe('who decides', () => {
  test('a state user may not decide anything, even on its own state', () => {
    for (const kind of Object.keys(PLANS) as ReviewActionKind[]) {
      const pkg = kind === 'UNDO_UNLOCK' ? unlockedPackage() : submittedPackage();
      const e = refusal(() => PLANS[kind](pkg, { ...request(pkg), user: stateUser('MN') }));
      expect(e.code).toBe('FORBIDDEN');
    }
  });

  test('another state user does not learn the package exists', () => {
    const pkg = submittedPackage();
    expect(refusal(() => planWithdraw(pkg, { ...request(pkg), user: stateUser('TX') })).code).toBe(
      'NOT_FOUND',
    );
  });
});

describe('reasons and versions', () => {
  for (const kind of ['UNDO_APPROVAL', 'WITHDRAW', 'UNDO_WITHDRAWAL', 'UNDO_UNLOCK'] as const) {
    test(`${kind} needs a reason, checked before the status`, () => {
      const pkg = draftPackage();
      const e = refusal(() => PLANS[kind](pkg, request(pkg, { reason: '   ' })));
      expect(e.fields.map((f) => f.path)).toEqual(['reason']);
    });
  }

  test('a stale version is refused after the status', () => {
    const pkg = submittedPackage();
    const e = refusal(() => planWithdraw(pkg, { ...request(pkg), expectedVersion: pkg.version - 1 }));
    expect(e.code).toBe('VERSION_CONFLICT');
    const wrong = refusal(() => planUndoApproval(pkg, { ...request(pkg), expectedVersion: pkg.version - 1 }));
    expect(wrong.code).toBe('INVALID_TRANSITION');
  });
});

describe('undoing', () => {
  test('undo approval and undo withdrawal re-determine the status from the last submission', () => {
    const a = approved();
    expect(planUndoApproval(a, request(a)).after.reviewStatus).toBe('UNDER_REVIEW');
    const w = planWithdraw(chipOnly(submittedPackage()), request(submittedPackage())).after;
    expect(w.reviewStatus).toBe('WITHDRAWN');
    const back = planUndoWithdrawal(w, request(w)).after;
    expect(back.reviewStatus).toBe('NOT_SUBJECT_TO_REVIEW');
    expect(back.reviewActions.map((r) => r.action)).toEqual(['UNDO_WITHDRAWAL', 'WITHDRAW']);
  });

  test('undo unlock drops the draft revision, keeps every submitted one, and names the files to delete', () => {
    const shared = doc(1, 'CONTRACT');
    const mine = doc(2, 'CONTRACT');
    const pkg = structuredClone(unlockedPackage());
    pkg.revisions[1]!.documents = [shared];
    pkg.revisions[0]!.documents = [shared, mine];
    const { after, event } = planUndoUnlock(pkg, request(pkg, { reason: 'wrong package' }));
    expect(after.revisions).toEqual(pkg.revisions.slice(1));
    expect(after).toMatchObject({
      status: 'SUBMITTED',
      reviewStatus: 'UNDER_REVIEW',
      version: pkg.version + 1,
    });
    expect(after.reviewActions[0]).toMatchObject({ action: 'UNDO_UNLOCK', reason: 'wrong package' });
    expect(event.action).toBe('UNDO_UNLOCK');
    expect(discardedFileKeys(pkg, after)).toEqual([mine.key]);
  });

  test('undo unlock is no decision: an earlier decision still counts after it', () => {
    const a = approved();
    const undone = planUndoApproval(a, request(a)).after;
    expect(
      deriveReviewStatus({
        ...undone,
        reviewActions: [{ ...undone.reviewActions[0]!, action: 'UNDO_UNLOCK' }, ...a.reviewActions],
      }),
    ).toBe('APPROVED');
  });

  test('a plan never changes the package it read', () => {
    const pkg = Object.freeze(submittedPackage());
    planApprove(pkg, request(pkg));
    expect(pkg.reviewActions).toEqual([]);
  });
});
