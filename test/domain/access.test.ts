import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { PackageAccessFacts, PackageStatus, User } from '../../src/domain/index.js';
import { canAuthor, canUnlock, canView, isCmsLike, PACKAGE_STATUSES } from '../../src/domain/index.js';
import { AT, adminUser, cmsUser, stateUser } from './fixtures.js';

/** Head facts consistent with a status: only a never-submitted draft lacks a first submission time. */
const facts = (stateCode: string, status: PackageStatus): PackageAccessFacts => ({
  stateCode,
  status,
  initiallySubmittedAt: status === 'DRAFT' ? null : AT,
});

const mnUser = stateUser('MN');
const wiUser = stateUser('WI', 2);
const cms = cmsUser();
const admin = adminUser();

describe('a state user', () => {
  test.each(PACKAGE_STATUSES)("sees its own state's %s package (drafts included)", (status) => {
    expect(canView(mnUser, facts('MN', status))).toBe(true);
  });

  test.each(PACKAGE_STATUSES)("never sees another state's %s package", (status) => {
    expect(canView(wiUser, facts('MN', status))).toBe(false);
    expect(canView(mnUser, facts('WI', status))).toBe(false);
  });

  test('authors packages of its own state only', () => {
    expect(canAuthor(mnUser, 'MN')).toBe(true);
    expect(canAuthor(mnUser, 'WI')).toBe(false);
    expect(canAuthor(wiUser, 'MN')).toBe(false);
    expect(canAuthor(wiUser, 'WI')).toBe(true);
  });

  test('cannot unlock, not even its own package', () => {
    expect(canUnlock(mnUser)).toBe(false);
    expect(isCmsLike(mnUser)).toBe(false);
  });
});

describe.each([
  ['a CMS user', cms],
  ['an admin', admin],
])('%s', (_who, user) => {
  test('does not see a never-submitted draft, of any state', () => {
    expect(canView(user, facts('MN', 'DRAFT'))).toBe(false);
    expect(canView(user, facts('WI', 'DRAFT'))).toBe(false);
  });

  test.each(['SUBMITTED', 'UNLOCKED', 'RESUBMITTED'] as const)('sees a %s package of any state', (status) => {
    expect(canView(user, facts('MN', status))).toBe(true);
    expect(canView(user, facts('WI', status))).toBe(true);
  });

  test('an unlocked package stays visible: it was submitted once', () => {
    expect(canView(user, { stateCode: 'MN', status: 'UNLOCKED', initiallySubmittedAt: AT })).toBe(true);
  });

  test('authors nothing', () => {
    expect(canAuthor(user, 'MN')).toBe(false);
    expect(canAuthor(user, 'WI')).toBe(false);
  });

  test('may unlock', () => {
    expect(canUnlock(user)).toBe(true);
    expect(isCmsLike(user)).toBe(true);
  });
});

// ---------------------------------------------------------------- properties

const arbStateCode = fc.constantFrom('MN', 'WI', 'AZ', 'TX');
const arbUser: fc.Arbitrary<User> = fc.oneof(
  arbStateCode.map((code) => stateUser(code)),
  fc.constant(cms),
  fc.constant(admin),
);
const arbFacts = fc.tuple(arbStateCode, fc.constantFrom(...PACKAGE_STATUSES)).map(([s, st]) => facts(s, st));

describe('access: properties', () => {
  test('a state user sees a package exactly when it is of its state; CMS exactly when it was ever submitted', () => {
    fc.assert(
      fc.property(arbUser, arbFacts, (user, pkg) => {
        const expected =
          user.role === 'STATE_USER' ? user.stateCode === pkg.stateCode : pkg.status !== 'DRAFT';
        expect(canView(user, pkg)).toBe(expected);
      }),
    );
  });

  test('whoever may author a package may also see it', () => {
    fc.assert(
      fc.property(arbUser, arbFacts, (user, pkg) => {
        if (canAuthor(user, pkg.stateCode)) expect(canView(user, pkg)).toBe(true);
      }),
    );
  });

  test('nobody both authors and unlocks', () => {
    fc.assert(
      fc.property(arbUser, arbStateCode, (user, state) => {
        expect(canAuthor(user, state) && canUnlock(user)).toBe(false);
      }),
    );
  });
});
