/**
 * Sessions: a signed, httpOnly cookie naming the user and its expiry. The user is reloaded
 * from the store on each request, so a removed user loses access at once.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../domain/index.js';
import { ServiceError } from '../service/service-error.js';
import { isStoreError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import type { TokenVerifier } from './oidc.js';

export const SESSION_COOKIE = 'carepack_session';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user; set by `authenticate` on every protected route. */
    user: User | null;
    /** How the user proved who they are: a session cookie needs CSRF protection, a bearer token does not. */
    authenticatedBy: 'cookie' | 'bearer' | null;
  }
}

export interface SessionOptions {
  secureCookies: boolean;
}

export function startSession(reply: FastifyReply, user: User, options: SessionOptions) {
  const expires = Date.now() + SESSION_TTL_MS;
  reply.setCookie(SESSION_COOKIE, `${user.id}|${expires}`, {
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

/** The user a request's cookie names, if the cookie is genuine, unexpired and the user exists. */
export async function sessionUser(request: FastifyRequest, store: Store): Promise<User | null> {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  const [userId, expires] = unsigned.value.split('|');
  if (!userId || !expires || Number(expires) < Date.now()) return null;
  try {
    return await store.getUser(userId);
  } catch (e) {
    if (isStoreError(e, 'NotFound')) return null;
    throw e;
  }
}

/**
 * The hook applied to every protected route folder: no user, no entry. A bearer token is
 * verified by the identity provider's keys when OIDC is configured; otherwise the session
 * cookie names the user.
 */
export function authenticate(store: Store, verifyToken?: TokenVerifier) {
  return async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      if (!verifyToken)
        throw new ServiceError('UNAUTHENTICATED', 'bearer tokens are accepted only when OIDC is configured');
      request.user = await verifyToken(header.slice('Bearer '.length).trim());
      request.authenticatedBy = 'bearer';
      return;
    }
    request.user = await sessionUser(request, store);
    if (!request.user)
      throw new ServiceError('UNAUTHENTICATED', 'sign in to use Carepack (or your session expired)');
    request.authenticatedBy = 'cookie';
  };
}

const CHANGES_STATE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Cookie-authenticated changes must carry the CSRF token bound to the session's user. */
export function requireCsrf(app: FastifyInstance) {
  return (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (!CHANGES_STATE.has(request.method) || request.authenticatedBy !== 'cookie') return done();
    app.csrfProtection(request, reply, done);
  };
}

export function currentUser(request: FastifyRequest): User {
  if (!request.user) throw new ServiceError('UNAUTHENTICATED', 'sign in to use Carepack');
  return request.user;
}
