/**
 * Checking an API client's access token on each /api request: the token must be genuine and
 * unexpired, and the client as stored now must still hold it — not revoked, not rotated since
 * (same secret generation) — and act as a user who is still a CMS user. The client and the user
 * are read on every request (through the API's short session cache, see session-cache.ts), so
 * a revocation or rotation ends the client's tokens at once on the instance that made it.
 */
import type { FastifyRequest } from 'fastify';
import { type User, unlessNotFound } from '../domain/index.js';
import type { ApiClientService } from '../service/api-client-service.js';
import type { Store } from '../store/store.js';
import type { ClientTokens } from './client-tokens.js';
import { ApiError } from './problem.js';

export interface ClientVerifier {
  isOurs(token: string): boolean;
  /** @throws UNAUTHENTICATED (the token no longer works), FORBIDDEN (its user is no CMS user) */
  verify(token: string): Promise<{ user: User; client: NonNullable<FastifyRequest['apiClient']> }>;
}

const refused = (why: string) =>
  new ApiError('UNAUTHENTICATED', `${why}: ask POST /oauth/token for a new token`);

export function clientVerifier(
  store: Store,
  tokens: ClientTokens,
  clients: ApiClientService,
): ClientVerifier {
  return {
    isOurs: (token) => tokens.isOurs(token),
    async verify(token) {
      const claims = await tokens.verify(token);
      if (!claims) throw refused('the access token is not valid or has expired');
      const client = await unlessNotFound(store.getApiClient(claims.clientId));
      if (!client || client.revoked) throw refused('the API client was revoked');
      if (client.secretGeneration !== claims.secretGeneration)
        throw refused("the API client's secret was rotated since this token was issued");
      const acting = await unlessNotFound(store.getSessionUser(client.userId));
      if (acting?.user.role !== 'CMS_USER')
        throw new ApiError('FORBIDDEN', `the user API client ${client.id} acts as is no longer a CMS user`);
      await clients.markUsed(client);
      // The client's scopes now, never more than the token was issued with.
      const scopes = claims.scopes.filter((s) => client.scopes.includes(s));
      return { user: acting.user, client: { id: client.id, scopes } };
    },
  };
}
