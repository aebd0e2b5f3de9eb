/**
 * Production sign-in: the agency's identity provider issues JWTs; each request carries one
 * as `Authorization: Bearer …`. Signature (JWKS), issuer, audience and expiry are checked
 * with `jose`; configurable claims give the role, the state and a CMS user's division. A user
 * is upserted into the store the first time it is seen (and whenever its claims change); a CMS
 * user's token without a division keeps the division an administrator set in Carepack, and every
 * CMS user keeps the states an administrator assigned (issue 14). The
 * browser sign-in (src/api/oidc-flow.ts) checks its ID tokens here too, adding the nonce.
 */
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { OidcConfig } from '../config.js';
import { hasErrorCode, type User, UserSchema } from '../domain/index.js';
import type { Store } from '../store/store.js';
import { ApiError } from './problem.js';

/** What an ID token from the browser sign-in (src/api/oidc-flow.ts) must show besides a valid signature. */
export interface IdTokenCheck {
  /** Accepted audiences: the client id (as OIDC requires), or the configured API audience. */
  audience: string[];
  clientId: string;
  /** The nonce sent with this browser's authorization request. */
  nonce: string;
}

/**
 * Checks a token and returns its user (upserted). Without `idToken`, a bearer token for the API's
 * audience; with it, an ID token from the browser sign-in, bound to that sign-in by its nonce.
 */
export type TokenVerifier = (token: string, idToken?: IdTokenCheck) => Promise<User>;

/** A stable UUID for an identity-provider subject, so the same person is the same user. */
export function userIdFor(issuer: string, subject: string): string {
  const h = createHash('sha256').update(`${issuer}\n${subject}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const DEFAULT_DIVISION_CLAIM = 'carepack_division';

function userFromClaims(config: OidcConfig, claims: JWTPayload): User {
  const c = claims as Record<string, unknown>;
  const divisionClaim = config.divisionClaim ?? DEFAULT_DIVISION_CLAIM;
  const role = c[config.roleClaim];
  // Only a CMS user belongs to a division; other users' tokens may carry the attribute anyway.
  const division = role === 'CMS_USER' ? c[divisionClaim] : undefined;
  const parsed = UserSchema.safeParse({
    id: userIdFor(config.issuer, String(claims.sub ?? '')),
    email: c.email,
    givenName: c.given_name ?? c.email,
    familyName: c.family_name ?? '-',
    role,
    ...(role === 'STATE_USER' ? { stateCode: c[config.stateClaim] } : {}),
    ...(division !== undefined && division !== null ? { division } : {}),
  });
  if (!claims.sub || !parsed.success) {
    throw new ApiError(
      'FORBIDDEN',
      `the identity token lacks a usable sub, email, ${config.roleClaim} (STATE_USER, CMS_USER or ADMIN_USER) or, for state users, ${config.stateClaim}; or its ${divisionClaim} is not DMCO, DMCP or OACT`,
    );
  }
  return parsed.data;
}

/**
 * What an administrator set on a CMS user survives a sign-in: the division, when the token names
 * none, and always the assigned states (no token carries them). Read uncached on purpose: a
 * cached (up to 1 s old) user, upserted at sign-in, could erase a change an administrator had
 * just made on another instance.
 */
async function withStoredAdministration(store: Store, user: User): Promise<User> {
  if (user.role !== 'CMS_USER') return user;
  try {
    const stored = await store.getUser(user.id);
    if (stored.role !== 'CMS_USER') return user;
    const division = user.division ?? stored.division;
    return {
      ...user,
      ...(division ? { division } : {}),
      ...(stored.stateAssignments ? { stateAssignments: stored.stateAssignments } : {}),
    };
  } catch (e) {
    if (hasErrorCode(e, 'NOT_FOUND')) return user;
    throw e;
  }
}

export function oidcVerifier(config: OidcConfig, store: Store): TokenVerifier {
  const jwks = createRemoteJWKSet(new URL(config.jwksUrl));
  const known = new Map<string, string>();
  return async (token, idToken) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: config.issuer,
        audience: idToken ? idToken.audience : config.audience,
      }));
    } catch (e) {
      throw new ApiError('UNAUTHENTICATED', `the identity token is not valid: ${(e as Error).message}`);
    }
    if (idToken) {
      if (typeof payload.nonce !== 'string' || payload.nonce !== idToken.nonce)
        throw new ApiError('UNAUTHENTICATED', 'the ID token’s nonce does not match this sign-in');
      // OIDC Core 3.1.3.7: an authorized party, when named, must be this client.
      if (payload.azp !== undefined && payload.azp !== idToken.clientId)
        throw new ApiError('UNAUTHENTICATED', 'the ID token was issued to another client (azp)');
    }
    // Read before upserting, so signing in never erases what an administrator set.
    const user = await withStoredAdministration(store, userFromClaims(config, payload));
    const fingerprint = JSON.stringify(user);
    if (known.get(user.id) !== fingerprint) {
      await store.upsertUsers([user]);
      known.set(user.id, fingerprint);
    }
    return user;
  };
}
