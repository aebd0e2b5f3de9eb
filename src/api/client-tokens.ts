/**
 * The access tokens the token endpoint (routes/oauth.ts) issues to API clients: short-lived JWTs
 * (RFC 9068 shape: `typ: at+jwt`), HS256-signed with a key derived from the session secret — the
 * same server secret that signs cookies, download links and cursors, each under its own derived
 * key, so no new secret needs configuring and one kind of token can never pass for another. Only
 * this server checks them, so a shared-key MAC suffices (no key to publish).
 *
 * A token names its client and the client's secret generation; every request reads the client
 * again (cached briefly, see session-cache.ts), so revoking or rotating ends its tokens at once.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { decodeJwt, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { ApiClient, ApiScope } from '../domain/index.js';
import { API_SCOPES } from '../domain/index.js';

export const CLIENT_TOKEN_ISSUER = 'carepack';
const AUDIENCE = 'carepack-api';
const TYPE = 'at+jwt';
/** Fifteen minutes: a client asks again (one request) rather than holding a long-lived credential. */
export const CLIENT_TOKEN_TTL_SECONDS = 900;

export interface ClientTokenClaims {
  clientId: string;
  secretGeneration: number;
  scopes: ApiScope[];
}

export interface ClientTokens {
  issue(client: ApiClient): Promise<{ token: string; expiresIn: number }>;
  /** The claims of a genuine, unexpired token of this server; null for anything else. */
  verify(token: string): Promise<ClientTokenClaims | null>;
  /** Whether the token claims to be one of this server's (so the identity provider's verifier is not asked). */
  isOurs(token: string): boolean;
}

export function clientTokens(sessionSecret: string, ttlSeconds = CLIENT_TOKEN_TTL_SECONDS): ClientTokens {
  const key = createHmac('sha256', sessionSecret).update('carepack api-client access token v1').digest();
  return {
    async issue(client) {
      const token = await new SignJWT({ scope: client.scopes.join(' '), gen: client.secretGeneration })
        .setProtectedHeader({ alg: 'HS256', typ: TYPE })
        .setIssuer(CLIENT_TOKEN_ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(client.id)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
      return { token, expiresIn: ttlSeconds };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: CLIENT_TOKEN_ISSUER,
          audience: AUDIENCE,
          typ: TYPE,
          requiredClaims: ['sub', 'exp', 'gen', 'scope'],
        });
        const scopes = String(payload.scope).split(' ');
        const known = (s: string): s is ApiScope => (API_SCOPES as readonly string[]).includes(s);
        if (typeof payload.gen !== 'number' || !scopes.every(known)) return null;
        return { clientId: payload.sub!, secretGeneration: payload.gen, scopes: scopes.filter(known) };
      } catch (e) {
        if (e instanceof joseErrors.JOSEError) return null;
        throw e;
      }
    },
    isOurs(token) {
      try {
        return decodeJwt(token).iss === CLIENT_TOKEN_ISSUER;
      } catch {
        return false;
      }
    },
  };
}
