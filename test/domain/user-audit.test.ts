/** An administrator sets a CMS user's division: the user after and the user-audit event recording it. */
import { describe, expect, test } from 'vitest';
import {
  planSetDivision,
  planSetStateAssignments,
  type User,
  UserAuditEventSchema,
  UserSchema,
} from '../../src/domain/index.js';
import { adminUser, cmsUser, deepFreeze, stateUser } from './fixtures.js';
import { NOW, refusal } from './plan-builders.js';

const ADMIN = adminUser();
type CmsUser = Extract<User, { role: 'CMS_USER' }>;
const withDivision = (division: 'DMCO' | 'DMCP' | 'OACT'): User => ({ ...(cmsUser() as CmsUser), division });
const divisionOf = (user: User) => (user as CmsUser).division;

describe('planSetDivision', () => {
  test('sets a division on a CMS user without one, recording before and after', () => {
    const before = deepFreeze(cmsUser());
    const { after, event } = planSetDivision(before, { admin: ADMIN, at: NOW, division: 'OACT' });
    expect(after).toEqual({ ...before, division: 'OACT' });
    expect(event).toEqual({
      at: NOW,
      actor: { id: ADMIN.id, email: ADMIN.email, role: 'ADMIN_USER' },
      userId: before.id,
      action: 'SET_DIVISION',
      before,
      after,
      summary: `Division of ${before.email} set from none to OACT`,
    });
    // With an id, the event is what every store keeps.
    expect(UserAuditEventSchema.safeParse({ ...event, id: crypto.randomUUID() }).success).toBe(true);
  });

  test('changes one division to another', () => {
    const before = deepFreeze(withDivision('DMCO'));
    const { after, event } = planSetDivision(before, { admin: ADMIN, at: NOW, division: 'DMCP' });
    expect(divisionOf(after)).toBe('DMCP');
    expect(divisionOf(event.before)).toBe('DMCO');
    expect(event.summary).toMatch(/from DMCO to DMCP$/);
  });

  test('null removes the division: the property is gone, not undefined', () => {
    const before = deepFreeze(withDivision('DMCP'));
    const { after, event } = planSetDivision(before, { admin: ADMIN, at: NOW, division: null });
    expect(after).not.toHaveProperty('division');
    expect(after).toEqual(cmsUser());
    expect(event.summary).toMatch(/from DMCP to none$/);
  });

  test('only an administrator sets a division', () => {
    for (const admin of [cmsUser(101), withDivision('DMCO'), stateUser()]) {
      expect(refusal(() => planSetDivision(cmsUser(), { admin, at: NOW, division: 'DMCO' })).code).toBe(
        'FORBIDDEN',
      );
    }
  });

  test('only CMS users belong to a division', () => {
    for (const user of [stateUser(), adminUser(201)]) {
      const e = refusal(() => planSetDivision(user, { admin: ADMIN, at: NOW, division: 'DMCO' }));
      expect(e.code).toBe('VALIDATION_FAILED');
      expect(e.fields.map((f) => f.path)).toEqual(['division']);
    }
  });

  test('an unknown division is refused', () => {
    expect(() =>
      planSetDivision(cmsUser(), { admin: ADMIN, at: NOW, division: 'DMXX' as unknown as 'DMCO' }),
    ).toThrow();
  });
});

describe('planSetStateAssignments', () => {
  const KNOWN = ['FL', 'MN', 'VA'];
  const assign = (before: User, stateCodes: string[], admin: User = ADMIN) =>
    planSetStateAssignments(before, { admin, at: NOW, stateCodes, knownStates: KNOWN });

  test('assigns states sorted and once each, recording before and after', () => {
    const before = deepFreeze(withDivision('OACT'));
    const { after, event } = assign(before, ['VA', 'MN', 'VA']);
    expect(after).toEqual({ ...before, stateAssignments: ['MN', 'VA'] });
    expect(event).toEqual({
      at: NOW,
      actor: { id: ADMIN.id, email: ADMIN.email, role: 'ADMIN_USER' },
      userId: before.id,
      action: 'SET_STATE_ASSIGNMENTS',
      before,
      after,
      summary: `States of ${before.email} set from none to MN, VA`,
    });
    expect(UserSchema.safeParse(after).success).toBe(true);
    expect(UserAuditEventSchema.safeParse({ ...event, id: crypto.randomUUID() }).success).toBe(true);
  });

  test('replaces the list; an empty one removes the property, keeping the division', () => {
    const before = deepFreeze({ ...withDivision('DMCO'), stateAssignments: ['FL'] } as User);
    expect(assign(before, ['MN']).event.summary).toMatch(/from FL to MN$/);
    const { after, event } = assign(before, []);
    expect(after).not.toHaveProperty('stateAssignments');
    expect(after).toEqual(withDivision('DMCO'));
    expect(event.summary).toMatch(/from FL to none$/);
  });

  test('a division change keeps the states', () => {
    const before = deepFreeze({ ...(cmsUser() as CmsUser), stateAssignments: ['MN'] } as User);
    expect(planSetDivision(before, { admin: ADMIN, at: NOW, division: 'DMCP' }).after).toEqual({
      ...before,
      division: 'DMCP',
    });
  });

  test('refuses unknown states, naming each one by its place', () => {
    const e = refusal(() => assign(cmsUser(), ['MN', 'QQ', 'VA', 'mn']));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.fields.map((f) => f.path)).toEqual(['stateCodes.1', 'stateCodes.3']);
  });

  test('only administrators assign, and only CMS users are assigned', () => {
    for (const admin of [cmsUser(101), stateUser()])
      expect(refusal(() => assign(cmsUser(), ['MN'], admin)).code).toBe('FORBIDDEN');
    for (const user of [stateUser(), adminUser(201)]) {
      const e = refusal(() => assign(user, ['MN']));
      expect(e.code).toBe('VALIDATION_FAILED');
      expect(e.fields.map((f) => f.path)).toEqual(['stateCodes']);
    }
  });
});
