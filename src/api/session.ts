/**
 * Sessions: a signed, httpOnly cookie naming the user, its expiry and the user's session
 * generation when it started. The user is reloaded from the store on each request (with its
 * generation, in the same read), so a removed user loses access at once, and signing out —
 * which raises the generation — ends every session of that user on the server: a saved copy
 * of the cookie is refused from then on.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiScope, User } from '../domain/index.js';
import { hasErrorCode } from '../domain/index.js';
import type { SessionUser, Store } from '../store/store.js';
import { actingThrough } from './client-audit.js';
import type { ClientVerifier } from './client-auth.js';
import type { TokenVerifier } from './oidc.js';
import { ApiError } from './problem.js';

export const SESSION_COOKIE = 'carepack_session';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user; set by `authenticate` on every protected route. */
    user: User | null;
    /** How the user proved who they are: a session cookie needs CSRF protection, a bearer token does not. */
    authenticatedBy: 'cookie' | 'bearer' | null;
    /** Set when the bearer token is an API client's (issue 14): `user` is then the CMS user it acts as. */
    apiClient: { id: string; scopes: readonly ApiScope[] } | null;
  }
}

export interface SessionOptions {
  secureCookies: boolean;
}

/** Starts a session of the user at its current session generation (from `Store.getSessionUser`). */
export function startSession(reply: FastifyReply, session: SessionUser, options: SessionOptions) {
  const expires = Date.now() + SESSION_TTL_MS;
  reply.setCookie(SESSION_COOKIE, `${session.user.id}|${expires}|${session.sessionGeneration}`, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secureCookies,
    path: '/',
    expires: new Date(expires),
  });
}

export function endSession(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/**
 * The user a request's cookie names, if the cookie is genuine and unexpired, the user exists
 * and its sessions have not been ended since (the generation matches).
 */
export async function sessionUser(request: FastifyRequest, store: Store): Promise<User | null> {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  const [userId, expires, generation, ...rest] = unsigned.value.split('|');
  if (!userId || !expires || !generation || rest.length > 0 || Number(expires) < Date.now()) return null;
  try {
    const current = await store.getSessionUser(userId);
    return String(current.sessionGeneration) === generation ? current.user : null;
  } catch (e) {
    if (hasErrorCode(e, 'NOT_FOUND')) return null;
    throw e;
  }
}

/**
 * The hook applied to every protected route folder: no user, no entry. A bearer token is an API
 * client's when this server issued it (POST /oauth/token), else verified by the identity
 * provider's keys when OIDC is configured; otherwise the session cookie names the user.
 */
export function authenticate(store: Store, verifyToken?: TokenVerifier, verifyClient?: ClientVerifier) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const token = header.slice('Bearer '.length).trim();
      request.authenticatedBy = 'bearer';
      if (verifyClient?.isOurs(token)) {
        try {
          const { user, client } = await verifyClient.verify(token);
          request.user = user;
          request.apiClient = client;
        } catch (e) {
          // RFC 6750 §3: tell the client to get a new token.
          if (hasErrorCode(e, 'UNAUTHENTICATED'))
            reply.header('www-authenticate', 'Bearer error="invalid_token"');
          throw e;
        }
        return;
      }
      if (!verifyToken)
        throw new ApiError(
          'UNAUTHENTICATED',
          'this bearer token is not one of this server (API clients get theirs from POST /oauth/token)',
        );
      request.user = await verifyToken(token);
      return;
    }
    request.user = await sessionUser(request, store);
    if (!request.user)
      throw new ApiError('UNAUTHENTICATED', 'sign in to use Carepack (or your session expired)');
    request.authenticatedBy = 'cookie';
  };
}

/** For routes open to anyone that act on a session when there is one (sign-out): no user, no error. */
export function identifySession(store: Store) {
  return async (request: FastifyRequest) => {
    request.user = await sessionUser(request, store);
    request.authenticatedBy = request.user ? 'cookie' : null;
  };
}

const CHANGES_STATE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Changes must carry the CSRF token bound to the signed-in user whenever a session cookie comes
 * along. Only a bearer request without any session cookie is exempt: a browser adds cookies to a
 * forged cross-site request by itself, never an Authorization header.
 */
export function requireCsrf(app: FastifyInstance) {
  return (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (!CHANGES_STATE.has(request.method)) return done();
    const cookieless = request.authenticatedBy === 'bearer' && request.cookies[SESSION_COOKIE] === undefined;
    if (request.authenticatedBy === null || cookieless) return done();
    app.csrfProtection(request, reply, done);
  };
}

export function currentUser(request: FastifyRequest): User {
  if (!request.user) throw new ApiError('UNAUTHENTICATED', 'sign in to use Carepack');
  return request.user;
}

/** Runs the rest of an API client's request as the client acting for its user (see client-audit.ts). */
export function actingThroughClient(request: FastifyRequest, _reply: FastifyReply, done: () => void) {
  const client = request.apiClient;
  if (client && request.user) actingThrough(client.id, request.user.id, done);
  else done();
}
