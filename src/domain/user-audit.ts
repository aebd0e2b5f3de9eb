import { z } from 'zod';
import { forbidden, invalidField, invalidFields } from './errors.js';
import {
  type Actor,
  ActorSchema,
  type CmsDivision,
  CmsDivisionSchema,
  MAX_STATE_ASSIGNMENTS,
  type StateCode,
  type User,
  UserSchema,
} from './reference.js';

/**
 * Changes an administrator makes to a user, each recorded as a user-audit event — who, whom,
 * before, after, when — written atomically with the change by every store (`Store.changeUser`),
 * and readable by administrators: a CMS user's division (issue 12) and the states the user is
 * assigned to (issue 14).
 */
export const USER_AUDIT_ACTIONS = ['SET_DIVISION', 'SET_STATE_ASSIGNMENTS'] as const;
export type UserAuditAction = (typeof USER_AUDIT_ACTIONS)[number];

export const UserAuditEventSchema = z.object({
  id: z.uuid(),
  /** Set by the server's clock. */
  at: z.iso.datetime(),
  /** Who made the change. */
  actor: ActorSchema,
  /** Whom it changed. */
  userId: z.uuid(),
  action: z.enum(USER_AUDIT_ACTIONS),
  before: UserSchema,
  after: UserSchema,
  summary: z.string().min(1).max(500),
});
export type UserAuditEvent = z.infer<typeof UserAuditEventSchema>;
export type NewUserAuditEvent = Omit<UserAuditEvent, 'id'>;

/** What a user plan returns: the user after and the event recording it. */
export interface UserChange {
  after: User;
  event: NewUserAuditEvent;
}

export interface SetDivisionRequest {
  admin: User;
  at: string;
  /** null removes the division: the user can still read, but no longer ask. */
  division: CmsDivision | null;
}

/** An administrator sets (or clears) a CMS user's division. */
export function planSetDivision(before: User, request: SetDivisionRequest): UserChange {
  const { admin, at } = request;
  if (admin.role !== 'ADMIN_USER') throw forbidden('only administrators set a CMS user’s division');
  if (before.role !== 'CMS_USER') throw invalidField('division', 'only CMS users belong to a division');
  const division = request.division === null ? null : CmsDivisionSchema.parse(request.division);
  const { division: _old, ...rest } = before;
  const after: User = division === null ? rest : { ...rest, division };
  const actor: Actor = { id: admin.id, email: admin.email, role: admin.role };
  const was = before.division ?? 'none';
  return {
    after,
    event: {
      at,
      actor,
      userId: before.id,
      action: 'SET_DIVISION',
      before,
      after,
      summary: `Division of ${before.email} set from ${was} to ${division ?? 'none'}`,
    },
  };
}

export interface SetStateAssignmentsRequest {
  admin: User;
  at: string;
  /** The states to assign, replacing the user's list; empty removes every assignment. */
  stateCodes: readonly string[];
  /** Every state code the portal knows (the store's reference data). */
  knownStates: readonly StateCode[];
}

/**
 * An administrator sets the states a CMS user is assigned to (the user then hears of those
 * states' packages). The list is kept sorted and each state once, so before and after compare.
 */
export function planSetStateAssignments(before: User, request: SetStateAssignmentsRequest): UserChange {
  const { admin, at } = request;
  if (admin.role !== 'ADMIN_USER') throw forbidden('only administrators assign CMS users to states');
  if (before.role !== 'CMS_USER') throw invalidField('stateCodes', 'only CMS users are assigned to states');
  const known = new Set(request.knownStates);
  const unknown = request.stateCodes.flatMap((code, i) =>
    known.has(code) ? [] : [{ path: `stateCodes.${i}`, message: `${code} is not a state Carepack knows` }],
  );
  if (unknown.length > 0) throw invalidFields('unknown state codes', unknown);
  const codes = [...new Set(request.stateCodes)].sort();
  if (codes.length > MAX_STATE_ASSIGNMENTS)
    throw invalidField('stateCodes', `at most ${MAX_STATE_ASSIGNMENTS} states`);
  const { stateAssignments: old, ...rest } = before;
  const after: User = codes.length === 0 ? rest : { ...rest, stateAssignments: codes };
  const actor: Actor = { id: admin.id, email: admin.email, role: admin.role };
  const list = (c: readonly string[] | undefined) => (c?.length ? c.join(', ') : 'none');
  return {
    after,
    event: {
      at,
      actor,
      userId: before.id,
      action: 'SET_STATE_ASSIGNMENTS',
      before,
      after,
      summary: `States of ${before.email} set from ${list(old)} to ${list(codes)}`.slice(0, 500),
    },
  };
}
