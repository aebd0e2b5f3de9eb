import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ServiceError } from '../../service/service-error.js';
import { isStoreError } from '../../store/errors.js';
import type { Store } from '../../store/store.js';
import { ProblemSchema } from '../problem.js';
import { DevLoginBody, UserSchema } from '../schemas.js';
import { endSession, type SessionOptions, sessionUser, startSession } from '../session.js';

export interface AuthRouteOptions extends SessionOptions {
  store: Store;
  devLogin: boolean;
}

/** Sign-in and sign-out. The development login exists only while it is enabled in configuration. */
export const authRoutes: FastifyPluginAsyncZod<AuthRouteOptions> = async (app, options) => {
  const { store } = options;

  app.get(
    '/auth/config',
    {
      schema: {
        summary: 'How to sign in here: the development login, the identity provider, or both',
        tags: ['auth'],
        response: { 200: z.object({ devLogin: z.boolean(), oidc: z.boolean() }) },
      },
    },
    () => ({ devLogin: options.devLogin, oidc: false }),
  );

  app.get(
    '/auth/me',
    {
      schema: {
        summary: 'The signed-in user',
        tags: ['auth'],
        response: { 200: UserSchema, 401: ProblemSchema },
      },
    },
    async (req) => {
      const user = await sessionUser(req, store);
      if (!user) throw new ServiceError('UNAUTHENTICATED', 'not signed in');
      return user;
    },
  );

  app.get(
    '/auth/csrf',
    {
      schema: {
        summary: 'A CSRF token for the signed-in session: send it as the x-csrf-token header on every change',
        tags: ['auth'],
        response: { 200: z.object({ token: z.string() }), 401: ProblemSchema },
      },
    },
    async (req, reply) => {
      const user = await sessionUser(req, store);
      if (!user) throw new ServiceError('UNAUTHENTICATED', 'not signed in');
      return { token: reply.generateCsrf({ userInfo: user.id }) };
    },
  );

  app.post(
    '/auth/logout',
    { schema: { summary: 'Sign out', tags: ['auth'], response: { 204: z.null() } } },
    async (_req, reply) => {
      endSession(reply);
      return reply.status(204).send(null);
    },
  );

  if (!options.devLogin) return;

  app.get(
    '/auth/dev-users',
    {
      schema: {
        summary: 'Development login: the users one may sign in as',
        tags: ['auth'],
        response: { 200: z.array(UserSchema) },
      },
    },
    async () =>
      (await store.listUsers()).sort(
        (a, b) => a.role.localeCompare(b.role) || a.email.localeCompare(b.email),
      ),
  );

  app.post(
    '/auth/dev-login',
    {
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        summary:
          'Development login: sign in as a seeded user (disabled in production). The x-csrf-token response header carries the CSRF token.',
        tags: ['auth'],
        body: DevLoginBody,
        response: { 200: UserSchema, 400: ProblemSchema, 404: ProblemSchema, 429: ProblemSchema },
      },
    },
    async (req, reply) => {
      try {
        const user = await store.getUser(req.body.userId);
        startSession(reply, user, options);
        // Sign-ins are not about a package, so they go to the structured log, not a package's trail.
        req.log.info(
          { audit: 'LOGIN', userId: user.id, email: user.email, role: user.role },
          'user signed in',
        );
        reply.header('x-csrf-token', reply.generateCsrf({ userInfo: user.id }));
        return user;
      } catch (e) {
        if (isStoreError(e, 'NotFound')) throw new ServiceError('NOT_FOUND', 'no such user');
        throw e;
      }
    },
  );
};
