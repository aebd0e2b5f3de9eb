/**
 * The Carepack HTTP API as one Fastify plugin tree. Process concerns (listening, signals,
 * starting engines) live in src/server.ts; tests build this app and use `inject()`.
 */
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { OidcConfig } from '../config.js';
import { apiDownloadLinks, DownloadTokens } from '../files/download-links.js';
import type { FileStore } from '../files/file-store.js';
import { notScanning, type ScannerSetting } from '../files/scanner.js';
import type { Notifier } from '../notify/index.js';
import { ApiClientService } from '../service/api-client-service.js';
import { DocumentService } from '../service/document-service.js';
import { PackageExport } from '../service/package-export.js';
import { PackageService } from '../service/package-service.js';
import { QuestionService } from '../service/question-service.js';
import { RateService } from '../service/rate-service.js';
import { ReferenceData } from '../service/reference-data.js';
import type { Store } from '../store/store.js';
import { withClientActors } from './client-audit.js';
import { clientVerifier } from './client-auth.js';
import { documentSecurity, requireClientScope } from './client-scopes.js';
import { clientTokens } from './client-tokens.js';
import { cursorSeal } from './cursor-seal.js';
import { limitJsonDepth } from './json-depth.js';
import { oidcVerifier } from './oidc.js';
import { errorHandler, problem, sendProblem } from './problem.js';
import { apiClientRoutes } from './routes/api-clients.js';
import { authRoutes } from './routes/auth.js';
import { documentRoutes } from './routes/documents.js';
import { fileRoutes } from './routes/files.js';
import { healthRoutes } from './routes/health.js';
import { oauthRoutes } from './routes/oauth.js';
import { packageExportRoutes } from './routes/package-export.js';
import { packageRoutes } from './routes/packages.js';
import { questionRoutes } from './routes/questions.js';
import { rateRoutes } from './routes/rates.js';
import { sessionRoutes } from './routes/sessions.js';
import { stateRoutes } from './routes/states.js';
import { userRoutes } from './routes/users.js';
import { actingThroughClient, authenticate, requireCsrf } from './session.js';
import { withSessionCache } from './session-cache.js';
import { refuseUnstorableText } from './storable-text.js';
import { registerWebClient, wantsClientPage } from './web-client.js';

export interface AppOptions {
  store: Store;
  sessionSecret: string;
  /** How long this instance trusts a session check (see session-cache.ts); default 1 s, 0 never. */
  sessionCacheMs?: number;
  devLogin: boolean;
  secureCookies?: boolean;
  /** Production sign-in (bearer tokens, and the browser redirect when `oidc.browser` is set); when set, the development login is off. */
  oidc?: OidcConfig;
  /** Where documents live; without it the document routes are absent. */
  files?: FileStore;
  /**
   * Where download links point: `presigned` (the default), the file store's own (S3 presigned
   * URLs); `api`, the API's `GET /api/files?token=` — for a store browsers cannot reach, the
   * embedded S3.
   */
  downloads?: 'presigned' | 'api';
  /** The origin of the links the API hands out (CAREPACK_PUBLIC_URL); without it, each request's own. */
  publicUrl?: string;
  scanner?: ScannerSetting;
  /** Largest accepted upload, in bytes (default 100 MB). */
  maxUploadBytes?: number;
  notifier?: Notifier;
  logger?: FastifyBaseLogger | boolean;
  /** The built web client to serve at `/` (dist/web); without it, the API alone. */
  webRoot?: string;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: typeof options.logger === 'object' ? options.logger : undefined,
    logger: typeof options.logger === 'boolean' ? options.logger : undefined,
    bodyLimit: 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    // Errors the router raises before any route (a bad or over-long address) are problems too.
    frameworkErrors: (error, request, reply) => errorHandler(error, request, reply),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.addHook('preValidation', refuseUnstorableText);
  // The API speaks JSON only; anything else is a 415, not a confusing validation error.
  app.removeContentTypeParser('text/plain');
  limitJsonDepth(app);
  let sendClientPage: ((reply: FastifyReply) => FastifyReply) | undefined;
  app.setNotFoundHandler((req, reply) => {
    if (sendClientPage && wantsClientPage(req, options.webRoot)) return sendClientPage(reply);
    return sendProblem(reply, problem('NOT_FOUND', `no route ${req.method} ${req.url}`, [], req.id));
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Carepack API',
        version: '0.1.0',
        description: 'Managed-care packages from states to CMS',
      },
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'carepack_session',
            description:
              'The signed session cookie of a person signed in; changes also need the x-csrf-token header (GET /api/auth/csrf)',
          },
          identityProvider: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: "The agency identity provider's access token, when OIDC is configured",
          },
          apiClient: {
            type: 'oauth2',
            description:
              'An API client acting as its CMS user (administrators create clients at /api/admin/clients); no CSRF token needed',
            flows: {
              clientCredentials: {
                tokenUrl: '/oauth/token',
                scopes: {
                  'packages:read': 'read packages, their documents and history, and rates, as the CMS user',
                  'review:write': 'unlock, approve, withdraw and ask questions as the CMS user',
                },
              },
            },
          },
          clientBasic: {
            type: 'http',
            scheme: 'basic',
            description: "An API client's id and secret, at the token endpoint only",
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(helmet, { global: true });
  await app.register(rateLimit, { global: false });
  await app.register(cookie, { secret: options.sessionSecret });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: {
      signed: true,
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure: options.secureCookies ?? false,
    },
    // The token is bound to the signed-in user, so one user's token is useless in another's session.
    csrfOpts: { userInfo: true, hmacKey: options.sessionSecret },
    getUserInfo: (req: FastifyRequest) => req.user?.id ?? '',
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  if (options.webRoot) sendClientPage = await registerWebClient(app, options.webRoot);
  app.decorateRequest('user', null);
  app.decorateRequest('authenticatedBy', null);
  app.decorateRequest('apiClient', null);

  // Audit events of a request an API client makes name the client (client-audit.ts).
  const store = withClientActors(withSessionCache(options.store, options.sessionCacheMs));
  const reference = new ReferenceData(store);
  const log = { error: (details: object, message: string) => app.log.error(details, message) };
  const packages = new PackageService(store, reference, {
    ...(options.files ? { files: options.files } : {}),
    ...(options.notifier ? { notifier: options.notifier } : {}),
    log,
  });
  const rates = new RateService(store, reference, packages);
  const maxUploadBytes = options.maxUploadBytes ?? 100 * 1024 * 1024;
  const downloadTokens = options.downloads === 'api' ? new DownloadTokens(options.sessionSecret) : undefined;
  const scanner = options.scanner ?? notScanning;
  const documents = options.files
    ? new DocumentService({
        store,
        files: downloadTokens ? apiDownloadLinks(options.files, downloadTokens) : options.files,
        scanner,
        maxBytes: maxUploadBytes,
        log,
        reference,
      })
    : undefined;
  const questions = options.files
    ? new QuestionService({
        store,
        reference,
        files: options.files,
        scanner,
        maxBytes: maxUploadBytes,
        log,
        notifier: options.notifier,
      })
    : undefined;
  // Uploads stream; the size limit is enforced by the file store, one byte past it here is a backstop.
  await app.register(multipart, {
    limits: { files: 1, fields: 5, fieldSize: 1024, fileSize: maxUploadBytes + 1 },
  });
  const session = { secureCookies: options.secureCookies ?? false };
  const verifyToken = options.oidc ? oidcVerifier(options.oidc, store) : undefined;
  const devLogin = options.devLogin && !options.oidc;
  const apiClients = new ApiClientService(store);
  const tokens = clientTokens(options.sessionSecret);
  const verifyClient = clientVerifier(store, tokens, apiClients);

  await app.register(healthRoutes, { store, ...(options.files ? { files: options.files } : {}) });
  await app.register(oauthRoutes, { store, clients: apiClients, tokens });
  await app.register(
    async (api) => {
      await api.register(authRoutes, {
        store,
        csrfApp: app,
        devLogin,
        ...session,
        ...(options.oidc?.browser && verifyToken
          ? { oidc: { config: { ...options.oidc, browser: options.oidc.browser }, verify: verifyToken } }
          : {}),
      });
      // Downloads through the API need no session: the link's signed token is the authority.
      if (options.files && downloadTokens)
        await api.register(fileRoutes, { files: options.files, tokens: downloadTokens });
      // Everything else under /api needs a signed-in user: one hook, not a check per handler;
      // and a session-cookie user must prove each change is theirs (CSRF token).
      await api.register(async (secured) => {
        // An API client reaches only the routes its scopes open (client-scopes.ts), and what
        // it changes is audited as its user through the client.
        secured.addHook('onRoute', documentSecurity);
        secured.addHook('onRequest', authenticate(store, verifyToken, verifyClient));
        secured.addHook('onRequest', requireCsrf(app));
        secured.addHook('onRequest', requireClientScope);
        secured.addHook('preHandler', actingThroughClient);
        await secured.register(sessionRoutes, { store });
        await secured.register(apiClientRoutes, { clients: apiClients });
        await secured.register(stateRoutes, { reference });
        const cursors = cursorSeal(options.sessionSecret);
        await secured.register(userRoutes, { store, cursors });
        await secured.register(packageRoutes, { packages, cursors });
        await secured.register(packageExportRoutes, { exports: new PackageExport(packages, reference) });
        if (documents)
          await secured.register(documentRoutes, {
            documents,
            ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
          });
        if (questions) await secured.register(questionRoutes, { questions });
        await secured.register(rateRoutes, {
          rates,
          cursors,
          ...(documents ? { documents } : {}),
          ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
        });
      });
    },
    { prefix: '/api' },
  );
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  return app;
}
