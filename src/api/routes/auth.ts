import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasErrorCode } from '../../domain/index.js';
import { endOwnSessions } from '../../service/session-service.js';
import type { Store } from '../../store/store.js';
import {
  authorizationUrl,
  completeSignIn,
  decodeFlow,
  encodeFlow,
  FLOW_COOKIE,
  FLOW_COOKIE_PATH,
  FLOW_TTL_MS,
  newFlow,
  type OidcSignIn,
  SIGNIN_PAGE,
  SignInError,
} from '../oidc-flow.js';
import { ApiError, ProblemSchema } from '../problem.js';
import { DevLoginBody, UserSchema } from '../schemas.js';
import {
  endSession,
  identifySession,
  requireCsrf,
  type SessionOptions,
  sessionUser,
  startSession,
} from '../session.js';

export interface AuthRouteOptions extends SessionOptions {
  store: Store;
  /** The root app, whose CSRF protection sign-out uses. */
  csrfApp: FastifyInstance;
  devLogin: boolean;
  /** Browser sign-in at the identity provider; without it, its routes are absent. */
  oidc?: OidcSignIn;
}

const AuthConfigSchema = z.object({
  devLogin: z.boolean().describe('the development login (GET /api/auth/dev-users, POST /api/auth/dev-login)'),
  oidc: z.boolean().describe('browser sign-in at the identity provider (GET /api/auth/oidc/login)'),
});

const LOGIN_RATE_LIMIT = { rateLimit: { max: 30, timeWindow: '1 minute' } };

/**
 * Sign-in and sign-out. The development login exists only while it is enabled in configuration;
 * the OIDC browser sign-in only when the identity provider's client settings are configured.
 */
export const authRoutes: FastifyPluginAsyncZod<AuthRouteOptions> = async (app, options) => {
  const { store } = options;

  app.get(
    '/auth/config',
    {
      schema: {
        summary: 'How one signs in here (public): the sign-in page shows the ways that are on',
        tags: ['auth'],
        response: { 200: AuthConfigSchema },
      },
    },
    async () => ({ devLogin: options.devLogin, oidc: Boolean(options.oidc) }),
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
      if (!user) throw new ApiError('UNAUTHENTICATED', 'not signed in');
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
      if (!user) throw new ApiError('UNAUTHENTICATED', 'not signed in');
      return { token: reply.generateCsrf({ userInfo: user.id }) };
    },
  );

  app.post(
    '/auth/logout',
    {
      // Open to anyone (a dead session can always be cleared), but a live session cookie must
      // come with its CSRF token, so another site cannot sign the user out.
      onRequest: [identifySession(store), requireCsrf(options.csrfApp)],
      schema: {
        summary:
          'Sign out: ends the signed-in user’s sessions on the server (a saved cookie no longer works) and clears the cookie; needs the x-csrf-token header while signed in',
        tags: ['auth'],
        response: { 204: z.null(), 403: ProblemSchema },
      },
    },
    async (req, reply) => {
      if (req.user) {
        const sessionGeneration = await endOwnSessions(store, req.user);
        req.log.info(
          { audit: 'LOGOUT', userId: req.user.id, email: req.user.email, sessionGeneration },
          'user signed out',
        );
      }
      endSession(reply);
      return reply.status(204).send(null);
    },
  );

  if (options.oidc) registerOidcSignIn(app, options, options.oidc);
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
      config: LOGIN_RATE_LIMIT,
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
        const session = await store.getSessionUser(req.body.userId);
        const { user } = session;
        startSession(reply, session, options);
        // Sign-ins are not about a package, so they go to the structured log, not a package's trail.
        req.log.info(
          { audit: 'LOGIN', userId: user.id, email: user.email, role: user.role },
          'user signed in',
        );
        reply.header('x-csrf-token', reply.generateCsrf({ userInfo: user.id }));
        return user;
      } catch (e) {
        if (hasErrorCode(e, 'NOT_FOUND')) throw new ApiError('NOT_FOUND', 'no such user');
        throw e;
      }
    },
  );
};

type AuthApp = Parameters<FastifyPluginAsyncZod<AuthRouteOptions>>[0];

/** The authorization code flow with PKCE (src/api/oidc-flow.ts), ending in the ordinary session cookie. */
function registerOidcSignIn(app: AuthApp, options: AuthRouteOptions, signIn: OidcSignIn) {
  const flowCookie = {
    signed: true,
    httpOnly: true,
    // Lax, not Strict: the callback is a top-level navigation coming from the identity provider.
    sameSite: 'lax',
    secure: options.secureCookies,
    path: FLOW_COOKIE_PATH,
  } as const;

  app.get(
    '/auth/oidc/login',
    {
      config: LOGIN_RATE_LIMIT,
      schema: {
        summary:
          'Browser sign-in: redirects to the identity provider (authorization code flow with PKCE); it returns to /api/auth/oidc/callback',
        tags: ['auth'],
        querystring: z.object({
          returnTo: z
            .string()
            .optional()
            .describe('the path to land on after signing in; anything but a path on this site means /'),
        }),
        response: {
          302: z.null().describe('to the identity provider’s authorization endpoint'),
          400: ProblemSchema,
          429: ProblemSchema,
        },
      },
    },
    async (req, reply) => {
      const flow = newFlow(req.query.returnTo);
      reply.setCookie(FLOW_COOKIE, encodeFlow(flow), { ...flowCookie, maxAge: FLOW_TTL_MS / 1000 });
      reply.header('cache-control', 'no-store');
      return reply.redirect(authorizationUrl(signIn.config.browser, flow), 302);
    },
  );

  app.get(
    '/auth/oidc/callback',
    {
      config: LOGIN_RATE_LIMIT,
      // The code is a credential (short-lived and PKCE-bound, still): the request log keeps the path only.
      logSerializers: {
        req: (req: FastifyRequest) => ({
          method: req.method,
          url: req.url.replace(/\?.*$/, '?[redacted]'),
          host: req.host,
          remoteAddress: req.ip,
        }),
      },
      schema: {
        summary:
          'Browser sign-in: where the identity provider returns; starts the session and redirects to the returnTo path, or to /signin?error=<code>',
        tags: ['auth'],
        querystring: z.object({
          code: z.string().optional(),
          state: z.string().optional(),
          error: z.string().optional(),
          error_description: z.string().optional(),
          iss: z.string().optional(),
        }),
        response: {
          302: z
            .null()
            .describe(
              'signed in: to the returnTo path, with the session cookie (then GET /api/auth/csrf); failed: to /signin?error=expired|state|idp|token|invalid_token|claims|server',
            ),
          400: ProblemSchema,
          429: ProblemSchema,
        },
      },
    },
    async (req, reply) => {
      const raw = req.cookies[FLOW_COOKIE];
      const unsigned = raw ? req.unsignCookie(raw) : null;
      const flow = decodeFlow(unsigned?.valid ? unsigned.value : null);
      // One use only, whatever happens next.
      reply.clearCookie(FLOW_COOKIE, flowCookie);
      reply.header('cache-control', 'no-store');
      try {
        const { user, returnTo } = await completeSignIn(signIn, flow, req.query);
        startSession(reply, await options.store.getSessionUser(user.id), options);
        // Sign-ins are not about a package, so they go to the structured log, not a package's trail.
        req.log.info(
          { audit: 'LOGIN', userId: user.id, email: user.email, role: user.role, via: 'oidc' },
          'user signed in',
        );
        return reply.redirect(returnTo, 302);
      } catch (e) {
        const failure =
          e instanceof SignInError ? e : new SignInError('server', `sign-in failed: ${(e as Error).message}`);
        if (failure.code === 'server')
          req.log.error({ signInError: 'server', err: e }, 'OIDC sign-in failed');
        else req.log.warn({ signInError: failure.code, reason: failure.message }, 'OIDC sign-in failed');
        return reply.redirect(`${SIGNIN_PAGE}?error=${failure.code}`, 302);
      }
    },
  );
}
