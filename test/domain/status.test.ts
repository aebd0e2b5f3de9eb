import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Package, PackageAction, PackageStatus } from '../../src/domain/index.js';
import {
  ACTION_FROM,
  canTransition,
  currentRevision,
  deriveStatus,
  lastSubmittedRevision,
  PACKAGE_STATUSES,
  PackageSchema,
  PackageSummarySchema,
  summarize,
} from '../../src/domain/index.js';
import {
  AT,
  contractAndRatesDraft,
  contractOnlyDraft,
  ID_KIND,
  MSHO,
  PMAP,
  revision,
  uid,
} from './fixtures.js';

const submitted = {
  at: AT,
  by: { id: uid(ID_KIND.user, 1), email: 's@mn.example.gov', role: 'STATE_USER' as const },
  reason: 'r',
};

describe('deriveStatus', () => {
  test('one revision, not submitted: DRAFT', () => {
    expect(deriveStatus([{ submitInfo: null }])).toBe('DRAFT');
  });

  test('one revision, submitted: SUBMITTED', () => {
    expect(deriveStatus([{ submitInfo: submitted }])).toBe('SUBMITTED');
  });

  test('several revisions, newest not submitted: UNLOCKED', () => {
    expect(deriveStatus([{ submitInfo: null }, { submitInfo: submitted }])).toBe('UNLOCKED');
    expect(deriveStatus([{ submitInfo: null }, { submitInfo: submitted }, { submitInfo: submitted }])).toBe(
      'UNLOCKED',
    );
  });

  test('several revisions, newest submitted: RESUBMITTED', () => {
    expect(deriveStatus([{ submitInfo: submitted }, { submitInfo: submitted }])).toBe('RESUBMITTED');
    expect(
      deriveStatus([{ submitInfo: submitted }, { submitInfo: submitted }, { submitInfo: submitted }]),
    ).toBe('RESUBMITTED');
  });

  test('the newest revision is the first one (revisions are newest first)', () => {
    const unlocked = [revision(2, false), revision(1, true)];
    expect(deriveStatus(unlocked)).toBe('UNLOCKED');
    // The same revisions read oldest-first would say RESUBMITTED: order matters.
    expect(deriveStatus([...unlocked].reverse())).toBe('RESUBMITTED');
  });

  test('a package without revisions is an error', () => {
    expect(() => deriveStatus([])).toThrow();
  });

  test('property: status follows from the count and the newest revision alone', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }), (flags) => {
        const revisions = flags.map((s) => ({ submitInfo: s ? submitted : null }));
        const expected: PackageStatus =
          flags.length === 1 ? (flags[0] ? 'SUBMITTED' : 'DRAFT') : flags[0] ? 'RESUBMITTED' : 'UNLOCKED';
        expect(deriveStatus(revisions)).toBe(expected);
      }),
    );
  });
});

describe('canTransition / ACTION_FROM', () => {
  const table: Record<PackageAction, Record<PackageStatus, boolean>> = {
    update: { DRAFT: true, SUBMITTED: false, UNLOCKED: true, RESUBMITTED: false },
    delete: { DRAFT: true, SUBMITTED: false, UNLOCKED: false, RESUBMITTED: false },
    submit: { DRAFT: true, SUBMITTED: false, UNLOCKED: false, RESUBMITTED: false },
    resubmit: { DRAFT: false, SUBMITTED: false, UNLOCKED: true, RESUBMITTED: false },
    unlock: { DRAFT: false, SUBMITTED: true, UNLOCKED: false, RESUBMITTED: true },
  };
  const cases = Object.entries(table).flatMap(([action, row]) =>
    PACKAGE_STATUSES.map((status) => [action as PackageAction, status, row[status]] as const),
  );

  test.each(cases)('%s from %s: %s', (action, status, allowed) => {
    expect(canTransition(action, status)).toBe(allowed);
    expect(ACTION_FROM[action].includes(status)).toBe(allowed);
  });

  test('ACTION_FROM names exactly the five actions', () => {
    expect(Object.keys(ACTION_FROM).sort()).toEqual(['delete', 'resubmit', 'submit', 'unlock', 'update']);
  });

  test('a submitted package can never be edited or deleted', () => {
    for (const status of ['SUBMITTED', 'RESUBMITTED'] as const) {
      expect(canTransition('update', status)).toBe(false);
      expect(canTransition('delete', status)).toBe(false);
      expect(canTransition('submit', status)).toBe(false);
      expect(canTransition('resubmit', status)).toBe(false);
    }
  });

  test('only a never-submitted draft can be deleted', () => {
    expect(PACKAGE_STATUSES.filter((s) => canTransition('delete', s))).toEqual(['DRAFT']);
  });
});

describe('currentRevision / lastSubmittedRevision', () => {
  const pkg = (revisions: Package['revisions']) => ({ revisions });

  test('current is the newest revision', () => {
    const r2 = revision(2, false);
    expect(currentRevision(pkg([r2, revision(1, true)]))).toBe(r2);
  });

  test('last submitted skips an unlocked draft', () => {
    const r1 = revision(1, true);
    expect(lastSubmittedRevision(pkg([revision(2, false), r1]))).toBe(r1);
    const r3 = revision(3, true);
    expect(lastSubmittedRevision(pkg([r3, revision(2, true), r1]))).toBe(r3);
  });

  test('a never-submitted draft has no submitted revision', () => {
    expect(lastSubmittedRevision(pkg([revision(1, false)]))).toBeUndefined();
  });
});

describe('summarize', () => {
  /** The package's head record: everything but its revisions. */
  const HEAD = {
    id: uid(ID_KIND.package, 1),
    stateCode: 'MN',
    stateNumber: 3,
    status: 'UNLOCKED',
    version: 4,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-02-01T00:00:00.000Z',
    initiallySubmittedAt: '2025-01-10T00:00:00.000Z',
    reviewStatus: 'UNDER_REVIEW',
  } as const;

  function unlockedPackage(): Package {
    // Revision 1 (submitted) was contract-only with PMAP; the unlocked revision 2 moved to
    // contract-and-rates with two programs.
    const r1 = revision(1, true, contractOnlyDraft().formData);
    const r2 = revision(2, false, contractAndRatesDraft().formData);
    return PackageSchema.parse({ ...HEAD, revisions: [r2, r1] });
  }

  test('is the head record without revisions, plus what a list shows', () => {
    const p = unlockedPackage();
    const s = summarize(p);
    expect(s).toEqual({
      ...HEAD,
      revisionCount: 2,
      openQuestions: 0,
      submissionType: 'CONTRACT_AND_RATES',
      programIds: [PMAP.id, MSHO.id],
    });
    expect(s).not.toHaveProperty('revisions');
    expect(s).not.toHaveProperty('questions');
    expect(PackageSummarySchema.parse(s)).toEqual(s);
  });

  test('takes submission type and programs from the newest revision, not the submitted one', () => {
    const p = unlockedPackage();
    const s = summarize(p);
    expect(s.submissionType).toBe(p.revisions[0]!.formData.submissionType);
    expect(s.programIds).toEqual(p.revisions[0]!.formData.programIds);
    expect(s.submissionType).not.toBe(p.revisions[1]!.formData.submissionType);
  });

  test('counts every revision', () => {
    const p = unlockedPackage();
    const three = { ...p, status: 'RESUBMITTED' as const, revisions: [revision(3, true), ...p.revisions] };
    expect(summarize(three).revisionCount).toBe(3);
    expect(summarize({ ...p, status: 'DRAFT', revisions: [revision(1, false)] }).revisionCount).toBe(1);
  });

  test('does not change the package', () => {
    const p = unlockedPackage();
    const before = structuredClone(p);
    summarize(p);
    expect(p).toEqual(before);
  });
});
