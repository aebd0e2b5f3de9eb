/**
 * What an API client may call, by scope: the one table of the routes machines may use. A route
 * absent here is refused to every API client (403 INSUFFICIENT_SCOPE), whatever its scopes — a
 * new route is closed to machines until it is listed. Within a route the client is its CMS user:
 * the services apply that user's rules as for a person.
 */
import type { FastifyRequest, RouteOptions } from 'fastify';
import type { ApiScope } from '../domain/index.js';
import { ApiError } from './problem.js';

export const CLIENT_ROUTE_SCOPES: Readonly<Record<string, ApiScope>> = {
  'GET /api/states': 'packages:read',
  'GET /api/states/:code': 'packages:read',
  'GET /api/packages': 'packages:read',
  'GET /api/packages.csv': 'packages:read',
  'GET /api/packages/:id': 'packages:read',
  'GET /api/packages/:id/history': 'packages:read',
  'GET /api/packages/:id/documents/:documentId/download': 'packages:read',
  'GET /api/packages/:id/revisions/:n/documents.zip': 'packages:read',
  'GET /api/rates': 'packages:read',
  'GET /api/rates/:id': 'packages:read',
  'GET /api/rates/:id/documents/:documentId': 'packages:read',
  'POST /api/packages/:id/unlock': 'review:write',
  'POST /api/packages/:id/undo-unlock': 'review:write',
  'POST /api/packages/:id/approve': 'review:write',
  'POST /api/packages/:id/undo-approval': 'review:write',
  'POST /api/packages/:id/withdraw': 'review:write',
  'POST /api/packages/:id/undo-withdrawal': 'review:write',
  'POST /api/packages/:id/questions': 'review:write',
  'POST /api/rates/:id/withdraw': 'review:write',
  'POST /api/rates/:id/undo-withdrawal': 'review:write',
};

const scopeOf = (method: string, url: string | undefined) =>
  CLIENT_ROUTE_SCOPES[`${method === 'HEAD' ? 'GET' : method} ${url ?? ''}`];

/** The hook of the signed-in routes: an API client passes only where its scopes allow. */
export async function requireClientScope(request: FastifyRequest) {
  const client = request.apiClient;
  if (!client) return;
  const route = `${request.method} ${request.routeOptions.url ?? ''}`;
  const needed = scopeOf(request.method, request.routeOptions.url);
  if (!needed)
    throw new ApiError('INSUFFICIENT_SCOPE', `API clients may not use ${route}: sign in as a person`);
  if (!client.scopes.includes(needed))
    throw new ApiError(
      'INSUFFICIENT_SCOPE',
      `${route} needs the scope ${needed}; this client has ${client.scopes.join(', ')}`,
    );
}

/**
 * /openapi.json: how each signed-in route may be called — a session cookie, the identity
 * provider's bearer token, and an API client's token with the scope that opens it, if any.
 */
export function documentSecurity(route: RouteOptions) {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const needed = methods.map((m) => scopeOf(m, route.url)).find(Boolean);
  const schema = (route.schema ?? {}) as { security?: unknown; description?: string };
  schema.security = [{ session: [] }, { identityProvider: [] }, ...(needed ? [{ apiClient: [needed] }] : [])];
  route.schema = schema as RouteOptions['schema'];
}
