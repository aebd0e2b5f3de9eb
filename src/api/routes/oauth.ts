/**
 * The OAuth 2.0 token endpoint for API clients: the client-credentials grant (RFC 6749 §4.4).
 * The client authenticates with HTTP Basic or with `client_id` and `client_secret` in the
 * form-urlencoded body (§2.3.1), and gets a short-lived bearer token (client-tokens.ts) for
 * /api. Errors are OAuth's own JSON (§5.2), not problems: OAuth client libraries read these.
 * A wrong secret, an unknown client and a revoked one get the very same 401 `invalid_client`.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type ApiScope, ApiScopeSchema, hasErrorCode, unlessNotFound } from '../../domain/index.js';
import type { ApiClientService } from '../../service/api-client-service.js';
import type { Store } from '../../store/store.js';
import type { ClientTokens } from '../client-tokens.js';
import { errorHandler } from '../problem.js';

const TOKEN_RATE_LIMIT = { rateLimit: { max: 30, timeWindow: '1 minute' } };
const FORM = 'application/x-www-form-urlencoded';

const OAuthErrorSchema = z.object({
  error: z.enum([
    'invalid_request',
    'invalid_client',
    'unauthorized_client',
    'unsupported_grant_type',
    'invalid_scope',
    'too_many_requests',
  ]),
  error_description: z.string(),
});
type OAuthErrorCode = z.infer<typeof OAuthErrorSchema>['error'];

class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

const TokenBody = z.object({
  grant_type: z.string().max(100).optional().describe('client_credentials'),
  client_id: z.string().max(200).optional().describe('when not sent with HTTP Basic'),
  client_secret: z.string().max(200).optional().describe('when not sent with HTTP Basic'),
  scope: z
    .string()
    .max(200)
    .optional()
    .describe('space-separated: some of the client’s scopes (default: all of them)'),
});

const TokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  scope: z.string(),
});

/** `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1), if sent. */
function basicCredentials(request: FastifyRequest): { id: string; secret: string } | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, value, ...rest] = header.split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !value || rest.length > 0)
    throw new OAuthError('invalid_client', 'client authentication failed', 401);
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client', 'client authentication failed', 401);
  try {
    const part = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: part(decoded.slice(0, colon)), secret: part(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuthError('invalid_client', 'client authentication failed', 401);
  }
}

/** A form body whose parameters each appear once (§3.2: a repeated one is an invalid request). */
function parseForm(body: string): Record<string, string> {
  const params = new URLSearchParams(body);
  const form: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in form) throw new OAuthError('invalid_request', `${key} is sent more than once`);
    form[key] = value;
  }
  return form;
}

function requestedScopes(scope: string | undefined, granted: readonly ApiScope[]): ApiScope[] {
  if (scope === undefined || scope.trim() === '') return [...granted];
  const asked = scope.split(' ').filter(Boolean);
  const known = asked.filter((s): s is ApiScope => ApiScopeSchema.safeParse(s).success);
  if (known.length !== asked.length || !known.every((s) => granted.includes(s)))
    throw new OAuthError('invalid_scope', `this client may ask for: ${granted.join(' ')}`);
  return [...new Set(known)];
}

function sendOAuthError(reply: FastifyReply, e: OAuthError) {
  // §5.2: a failed client authentication answers 401 with the scheme to use.
  if (e.status === 401) reply.header('www-authenticate', 'Basic realm="carepack", charset="UTF-8"');
  return reply
    .status(e.status)
    .header('cache-control', 'no-store')
    .type('application/json')
    .send({ error: e.error, error_description: e.description });
}

export const oauthRoutes: FastifyPluginAsyncZod<{
  store: Store;
  clients: ApiClientService;
  tokens: ClientTokens;
}> = async (app, { store, clients, tokens }) => {
  // Form bodies only (§4.4.2), here only; JSON is refused like any other type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 8 * 1024 }, (_req, body, done) => {
    try {
      done(null, parseForm(body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof OAuthError) return sendOAuthError(reply, error);
    if (error.statusCode === 429)
      return sendOAuthError(
        reply,
        new OAuthError('too_many_requests', 'too many token requests; wait a minute', 429),
      );
    if (error.statusCode === 415)
      return sendOAuthError(reply, new OAuthError('invalid_request', `send the parameters as ${FORM}`));
    if ((error.statusCode ?? 500) < 500 || hasErrorCode(error, 'VALIDATION_FAILED'))
      return sendOAuthError(reply, new OAuthError('invalid_request', error.message));
    return errorHandler(error, request, reply);
  });

  app.post(
    '/oauth/token',
    {
      config: TOKEN_RATE_LIMIT,
      schema: {
        summary:
          'OAuth 2.0 client credentials (RFC 6749 §4.4): an API client gets a short-lived bearer token',
        description:
          `Send ${FORM} with grant_type=client_credentials; authenticate with HTTP Basic ` +
          '(client id and secret) or with client_id and client_secret in the body. The token goes in ' +
          '`Authorization: Bearer …` on /api, for as long as expires_in says and the client is neither revoked nor rotated.',
        tags: ['oauth'],
        consumes: [FORM],
        body: TokenBody,
        security: [{ clientBasic: [] }, {}],
        response: { 200: TokenResponse, 400: OAuthErrorSchema, 401: OAuthErrorSchema, 429: OAuthErrorSchema },
      },
    },
    async (req, reply) => {
      const body = req.body ?? {};
      const basic = basicCredentials(req);
      const inBody = body.client_id !== undefined || body.client_secret !== undefined;
      if (basic && inBody)
        throw new OAuthError('invalid_request', 'authenticate with HTTP Basic or in the body, not both');
      if (body.grant_type === undefined) throw new OAuthError('invalid_request', 'grant_type is missing');
      if (body.grant_type !== 'client_credentials')
        throw new OAuthError('unsupported_grant_type', 'only grant_type=client_credentials is supported');
      const credentials = basic ?? { id: body.client_id ?? '', secret: body.client_secret ?? '' };
      const client = await clients.authenticate(credentials.id, credentials.secret);
      if (!client) {
        req.log.info({ audit: 'CLIENT_TOKEN_REFUSED' }, 'an API client failed to authenticate');
        throw new OAuthError('invalid_client', 'client authentication failed', 401);
      }
      const scopes = requestedScopes(body.scope, client.scopes);
      const acting = await unlessNotFound(store.getSessionUser(client.userId));
      if (acting?.user.role !== 'CMS_USER')
        throw new OAuthError('unauthorized_client', 'the user this client acts as is no longer a CMS user');
      const { token, expiresIn } = await tokens.issue({ ...client, scopes });
      await clients.markUsed(client);
      req.log.info({ audit: 'CLIENT_TOKEN', clientId: client.id, scopes }, 'an API client got a token');
      return reply
        .header('cache-control', 'no-store')
        .header('pragma', 'no-cache')
        .send({
          access_token: token,
          token_type: 'Bearer' as const,
          expires_in: expiresIn,
          scope: scopes.join(' '),
        });
    },
  );
};
