/**
 * User administration (administrators only): a CMS user's division and assigned states, the
 * users found by name, role or state, the analysts of each state, and the user-audit trail that
 * records every change.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CmsDivisionSchema, UserAuditEventSchema, UserSchema } from '../../domain/index.js';
import {
  assignmentsByState,
  findUsers,
  setDivision,
  setStateAssignments,
  userAudit,
} from '../../service/user-admin-service.js';
import type { Store } from '../../store/store.js';
import { type CursorSeal, sealPage } from '../cursor-seal.js';
import { COMMON_PROBLEMS } from '../problem.js';
import {
  AssignmentsSchema,
  ListUsersQuery,
  PageQuery,
  pageOf,
  StateAssignmentsBody,
  UserIdParams,
  UserListSchema,
} from '../schemas.js';
import { currentUser } from '../session.js';

const DivisionBody = z.object({
  division: CmsDivisionSchema.nullable().describe(
    'DMCO, DMCP or OACT; null removes the division (the user can still read, but no longer ask questions)',
  ),
});

export const userRoutes: FastifyPluginAsyncZod<{ store: Store; cursors: CursorSeal }> = async (
  app,
  { store, cursors },
) => {
  app.put(
    '/users/:userId/division',
    {
      schema: {
        summary: "Administrators: set or remove a CMS user's division (recorded in the user-audit trail)",
        tags: ['users'],
        params: UserIdParams,
        body: DivisionBody,
        response: { 200: UserSchema, ...COMMON_PROBLEMS },
      },
    },
    async (req) => {
      const admin = currentUser(req);
      const user = await setDivision(store, admin, req.params.userId, req.body.division);
      req.log.info(
        {
          audit: 'SET_DIVISION',
          userId: user.id,
          division: req.body.division,
          by: { id: admin.id, email: admin.email, role: admin.role },
        },
        "an administrator set a user's division",
      );
      return user;
    },
  );

  app.put(
    '/users/:userId/states',
    {
      schema: {
        summary:
          'Administrators: set the states a CMS user is assigned to (recorded in the user-audit trail); assigned users get the state’s notification emails',
        tags: ['users'],
        params: UserIdParams,
        body: StateAssignmentsBody,
        response: { 200: UserSchema, ...COMMON_PROBLEMS },
      },
    },
    async (req) => {
      const admin = currentUser(req);
      const user = await setStateAssignments(store, admin, req.params.userId, req.body.stateCodes);
      req.log.info(
        {
          audit: 'SET_STATE_ASSIGNMENTS',
          userId: user.id,
          stateCodes: user.role === 'CMS_USER' ? (user.stateAssignments ?? []) : [],
          by: { id: admin.id, email: admin.email, role: admin.role },
        },
        "an administrator set a user's states",
      );
      return user;
    },
  );

  app.get(
    '/users',
    {
      schema: {
        summary: 'Administrators: users by email, found by name or email, role and state',
        tags: ['users'],
        querystring: ListUsersQuery,
        response: { 200: UserListSchema, ...COMMON_PROBLEMS },
      },
    },
    async (req) => findUsers(store, currentUser(req), req.query),
  );

  app.get(
    '/admin/assignments',
    {
      schema: {
        summary: 'Administrators: every state with the CMS users assigned to it; states with none flagged',
        tags: ['users'],
        response: { 200: AssignmentsSchema, ...COMMON_PROBLEMS },
      },
    },
    async (req) => {
      const states = (await assignmentsByState(store, currentUser(req))).map((s) => ({
        ...s,
        unassigned: s.analysts.length === 0,
      }));
      return { states, unassignedCount: states.filter((s) => s.unassigned).length };
    },
  );

  app.get(
    '/admin/audit',
    {
      schema: {
        summary:
          'Administrators: the user-audit trail (who changed which user, before and after), newest first',
        tags: ['users'],
        querystring: PageQuery,
        response: { 200: pageOf(UserAuditEventSchema), ...COMMON_PROBLEMS },
      },
    },
    async (req) => {
      const page = { ...req.query, cursor: cursors.open(req.query.cursor) };
      return sealPage(cursors, await userAudit(store, currentUser(req), page));
    },
  );
};
