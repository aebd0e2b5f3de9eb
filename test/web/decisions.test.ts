/**
 * The package page offers CMS exactly the decisions the API would accept on the package as
 * shown, and nothing to a state user.
 */
import { describe, expect, it } from 'vitest';
import type { PackageView } from '../../web/src/api/types.js';
import { availableDecisions } from '../../web/src/components/decisions.js';
import { todayIso } from '../../web/src/components/format.js';

type Shown = Pick<PackageView, 'status' | 'reviewStatus'>;
const cms = { role: 'CMS_USER' } as const;
const admin = { role: 'ADMIN_USER' } as const;
const state = { role: 'STATE_USER' } as const;

describe('the decisions a package page offers', () => {
  it.each<[Shown, string[]]>([
    [{ status: 'SUBMITTED', reviewStatus: 'UNDER_REVIEW' }, ['APPROVE', 'UNLOCK', 'WITHDRAW']],
    [{ status: 'RESUBMITTED', reviewStatus: 'UNDER_REVIEW' }, ['APPROVE', 'UNLOCK', 'WITHDRAW']],
    // Not subject to review (CHIP only): nothing to approve, but it can be withdrawn or unlocked.
    [{ status: 'SUBMITTED', reviewStatus: 'NOT_SUBJECT_TO_REVIEW' }, ['UNLOCK', 'WITHDRAW']],
    // Decided: only the undoing, and no unlock until it is undone.
    [{ status: 'RESUBMITTED', reviewStatus: 'APPROVED' }, ['UNDO_APPROVAL']],
    [{ status: 'SUBMITTED', reviewStatus: 'WITHDRAWN' }, ['UNDO_WITHDRAWAL']],
    [{ status: 'UNLOCKED', reviewStatus: 'UNDER_REVIEW' }, ['UNDO_UNLOCK']],
  ])('CMS on %o: %o', (pkg, expected) => {
    expect(availableDecisions(pkg, cms)).toEqual(expected);
    expect(availableDecisions(pkg, admin)).toEqual(expected);
  });

  it('offers a state user none, whatever the status', () => {
    for (const pkg of [
      { status: 'SUBMITTED', reviewStatus: 'UNDER_REVIEW' },
      { status: 'SUBMITTED', reviewStatus: 'APPROVED' },
      { status: 'UNLOCKED', reviewStatus: 'UNDER_REVIEW' },
      { status: 'DRAFT', reviewStatus: null },
    ] as Shown[])
      expect(availableDecisions(pkg, state)).toEqual([]);
  });
});

describe('the default release date', () => {
  it('is the user\'s date, but never after the UTC date the server counts "today" by', () => {
    const tz = process.env.TZ;
    try {
      // Auckland is ahead of UTC: at noon UTC it is already tomorrow there.
      process.env.TZ = 'Pacific/Auckland';
      expect(todayIso(new Date('2026-12-01T12:00:00Z'))).toBe('2026-12-01');
      // Los Angeles is behind: late in the UTC day it is still the day before there.
      process.env.TZ = 'America/Los_Angeles';
      expect(todayIso(new Date('2026-12-01T03:00:00Z'))).toBe('2026-11-30');
      expect(todayIso(new Date('2026-12-01T20:00:00Z'))).toBe('2026-12-01');
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});
