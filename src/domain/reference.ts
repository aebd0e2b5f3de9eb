import { z } from 'zod';
import { storableString } from './text.js';

/** Two-letter state or territory code, e.g. `MN`. */
export const StateCodeSchema = z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter upper-case state code');
export type StateCode = z.infer<typeof StateCodeSchema>;

export const ProgramSchema = z.object({
  id: z.uuid(),
  /** Short name used in package names, e.g. `PMAP`. */
  name: storableString().min(1).max(100),
  fullName: storableString().min(1).max(300),
  /** A program that exists only for rate certifications: it never renames a package. */
  isRateProgram: z.boolean().optional(),
});
export type Program = z.infer<typeof ProgramSchema>;

export const StateSchema = z.object({
  code: StateCodeSchema,
  name: storableString().min(1).max(100),
  programs: z.array(ProgramSchema).max(200),
});
export type State = z.infer<typeof StateSchema>;

export const ROLES = ['STATE_USER', 'CMS_USER', 'ADMIN_USER'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/**
 * The CMS divisions that take part in a review: managed-care operations (DMCO), managed-care
 * policy (DMCP) and the actuaries (OACT). A CMS user asks questions on behalf of one.
 */
export const CMS_DIVISIONS = ['DMCO', 'DMCP', 'OACT'] as const;
export const CmsDivisionSchema = z.enum(CMS_DIVISIONS);
export type CmsDivision = z.infer<typeof CmsDivisionSchema>;

/** More states than exist: a bound on what one CMS user can be assigned. */
export const MAX_STATE_ASSIGNMENTS = 100;

const userBase = {
  id: z.uuid(),
  email: z.email().max(320),
  givenName: storableString().min(1).max(100),
  familyName: storableString().min(1).max(100),
};

/** A state user is bound to exactly one state; CMS and admin users to none. */
export const UserSchema = z.discriminatedUnion('role', [
  z.object({ ...userBase, role: z.literal('STATE_USER'), stateCode: StateCodeSchema }),
  // A CMS user without a division can read but not ask questions (issue 12). The states an
  // administrator assigned the user to (issue 14): sorted, each once, absent when none.
  z.object({
    ...userBase,
    role: z.literal('CMS_USER'),
    division: CmsDivisionSchema.optional(),
    stateAssignments: z.array(StateCodeSchema).min(1).max(MAX_STATE_ASSIGNMENTS).optional(),
  }),
  z.object({ ...userBase, role: z.literal('ADMIN_USER') }),
]);
export type User = z.infer<typeof UserSchema>;
export type StateUser = Extract<User, { role: 'STATE_USER' }>;

/** Who did something: enough to attribute an action without joining to users. */
export const ActorSchema = z.object({
  id: z.uuid(),
  email: z.email().max(320),
  role: RoleSchema,
  /** The API client that acted as this user (package audit events only; see api-clients.ts). */
  clientId: z.uuid().optional(),
});
export type Actor = z.infer<typeof ActorSchema>;

export function actorOf(user: User): Actor {
  return { id: user.id, email: user.email, role: user.role };
}
