/**
 * API clients (administrators only): create one (its secret is in the answer, and never again),
 * list them, rotate a secret (the new one shown once; the old one and its tokens stop working),
 * revoke one for good. Machines then get tokens at POST /oauth/token (routes/oauth.ts).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type ApiClient, ApiClientSchema, ApiScopeSchema, storableString } from '../../domain/index.js';
import type { ApiClientService } from '../../service/api-client-service.js';
import { COMMON_PROBLEMS } from '../problem.js';
import { IdParams } from '../schemas.js';
import { currentUser } from '../session.js';

/** A client as administrators see it: everything but the hash of its secret. */
export const ApiClientViewSchema = ApiClientSchema.omit({ secretHash: true });
const IssuedClientSchema = z.object({
  client: ApiClientViewSchema,
  clientSecret: z.string().describe('shown this once: Carepack keeps only its hash'),
});

const CreateClientBody = z.object({
  name: storableString().min(1).max(100).describe('what the client is, e.g. "Nightly review export"'),
  scopes: z
    .array(ApiScopeSchema)
    .min(1)
    .max(2)
    .describe(
      'packages:read (read packages, documents, history, rates); review:write (unlock, approve, withdraw, ask questions)',
    ),
  userId: z.uuid().describe('the CMS user the client acts as'),
});

const view = ({ secretHash: _hash, ...client }: ApiClient) => client;

export const apiClientRoutes: FastifyPluginAsyncZod<{ clients: ApiClientService }> = async (
  app,
  { clients },
) => {
  const audit = (action: string, client: ApiClient, admin: { id: string; email: string }) => ({
    audit: action,
    clientId: client.id,
    userId: client.userId,
    scopes: client.scopes,
    by: { id: admin.id, email: admin.email },
  });

  app.post(
    '/admin/clients',
    {
      schema: {
        summary:
          'Administrators: create an API client acting as a CMS user; its secret is shown only in this answer',
        tags: ['api clients'],
        body: CreateClientBody,
        response: { 201: IssuedClientSchema, ...COMMON_PROBLEMS },
      },
    },
    async (req, reply) => {
      const admin = currentUser(req);
      const issued = await clients.create(admin, req.body);
      req.log.info(
        audit('API_CLIENT_CREATED', issued.client, admin),
        'an administrator created an API client',
      );
      return reply
        .status(201)
        .header('cache-control', 'no-store')
        .send({ client: view(issued.client), clientSecret: issued.clientSecret });
    },
  );

  app.get(
    '/admin/clients',
    {
      schema: {
        summary: 'Administrators: every API client, revoked ones included, oldest first',
        tags: ['api clients'],
        response: { 200: z.object({ items: z.array(ApiClientViewSchema) }), ...COMMON_PROBLEMS },
      },
    },
    async (req) => ({ items: (await clients.list(currentUser(req))).map(view) }),
  );

  app.post(
    '/admin/clients/:id/rotate',
    {
      schema: {
        summary:
          'Administrators: a new secret for an API client, shown only in this answer; the old secret and every token issued under it stop working',
        tags: ['api clients'],
        params: IdParams,
        response: { 200: IssuedClientSchema, ...COMMON_PROBLEMS },
      },
    },
    async (req, reply) => {
      const admin = currentUser(req);
      const issued = await clients.rotate(admin, req.params.id);
      req.log.info(
        audit('API_CLIENT_ROTATED', issued.client, admin),
        'an administrator rotated an API client secret',
      );
      return reply
        .header('cache-control', 'no-store')
        .send({ client: view(issued.client), clientSecret: issued.clientSecret });
    },
  );

  app.post(
    '/admin/clients/:id/revoke',
    {
      schema: {
        summary: 'Administrators: revoke an API client for good; its tokens stop working at once',
        tags: ['api clients'],
        params: IdParams,
        response: { 200: ApiClientViewSchema, ...COMMON_PROBLEMS },
      },
    },
    async (req) => {
      const admin = currentUser(req);
      const client = await clients.revoke(admin, req.params.id);
      req.log.info(audit('API_CLIENT_REVOKED', client, admin), 'an administrator revoked an API client');
      return view(client);
    },
  );
};
