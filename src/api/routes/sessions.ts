import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { endOwnSessions, endUserSessions } from '../../service/session-service.js';
import type { Store } from '../../store/store.js';
import { ProblemSchema } from '../problem.js';
import { UserIdParams } from '../schemas.js';
import { currentUser, endSession } from '../session.js';

/**
 * Ending sessions on the server (registered behind authentication and the CSRF check). Bearer
 * tokens are the identity provider's: these end session cookies, never a token.
 */
export const sessionRoutes: FastifyPluginAsyncZod<{ store: Store }> = async (app, { store }) => {
  app.post(
    '/auth/logout-everywhere',
    {
      schema: {
        summary:
          'Sign out everywhere: ends every session of the signed-in user, in every browser (bearer tokens are not affected)',
        tags: ['auth'],
        response: { 204: z.null(), 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (req, reply) => {
      const user = currentUser(req);
      const sessionGeneration = await endOwnSessions(store, user);
      // Not about a package: the structured log, like sign-ins.
      req.log.info(
        { audit: 'LOGOUT_EVERYWHERE', userId: user.id, email: user.email, sessionGeneration },
        'user signed out everywhere',
      );
      endSession(reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/users/:userId/sessions/revoke',
    {
      schema: {
        summary:
          'Administrators: end every session of a user (e.g. a lost laptop); the user must sign in again',
        tags: ['users'],
        params: UserIdParams,
        response: { 204: z.null(), 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (req, reply) => {
      const admin = currentUser(req);
      const { userId } = req.params;
      const sessionGeneration = await endUserSessions(store, admin, userId);
      req.log.info(
        {
          audit: 'SESSIONS_REVOKED',
          userId,
          sessionGeneration,
          by: { id: admin.id, email: admin.email, role: admin.role },
        },
        "an administrator ended a user's sessions",
      );
      return reply.status(204).send(null);
    },
  );
};
