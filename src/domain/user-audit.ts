import { z } from 'zod';
import { forbidden, invalidField } from './errors.js';
import {
  type Actor,
  ActorSchema,
  type CmsDivision,
  CmsDivisionSchema,
  type User,
  UserSchema,
} from './reference.js';

/**
 * Changes an administrator makes to a user, each recorded as a user-audit event — who, whom,
 * before, after, when — written atomically with the change by every store (`Store.changeUser`),
 * and readable by administrators. Today: a CMS user's division (issue 12); the same record serves
 * later user administration.
 */
export const USER_AUDIT_ACTIONS = ['SET_DIVISION'] as const;
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
