/**
 * All configuration, read once from the environment and validated. Nothing else reads
 * process.env. Every variable is documented in the README's configuration table.
 */
import { z } from 'zod';
import type { CmsDivision } from './domain/index.js';

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const ConfigSchema = z
  .object({
    CAREPACK_STORE: z.enum(['dynamodb', 'postgres', 'dual']).default('dynamodb'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string')
      .optional(),
    CAREPACK_PG_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    CAREPACK_DUAL_PRIMARY: z.enum(['dynamodb', 'postgres']).default('dynamodb'),
    CAREPACK_SHADOW_READ_RATE: z.coerce.number().min(0).max(1).default(0),
    CAREPACK_DUAL_JOURNAL: z.string().min(1).optional(),
    CAREPACK_DUAL_MIRROR_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
    CAREPACK_DATA_DIR: z.string().min(1).default('./data'),
    CAREPACK_HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    CAREPACK_DYNAMODB_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    CAREPACK_S3_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    CAREPACK_DYNAMODB_ENDPOINT: z.url().optional(),
    CAREPACK_DYNAMODB_USE_AWS: flag.default(false),
    CAREPACK_DYNAMODB_TABLE: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a valid DynamoDB table name')
      .default('carepack'),
    CAREPACK_IN_MEMORY: flag.default(false),
    AWS_REGION: z.string().min(1).default('us-east-1'),
    CAREPACK_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    CAREPACK_SESSION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    CAREPACK_DEV_LOGIN: flag.default(true),
    CAREPACK_WEB_CLIENT: flag.default(true),
    CAREPACK_SECURE_COOKIES: flag.default(false),
    CAREPACK_S3_ENDPOINT: z.url().optional(),
    CAREPACK_S3_USE_AWS: flag.default(false),
    CAREPACK_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    CAREPACK_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    CAREPACK_S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name')
      .default('carepack-documents'),
    CAREPACK_MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(5000).default(100),
    CAREPACK_CLAMAV: z
      .string()
      .regex(/^(\/.+|[A-Za-z0-9.-]+:\d+)$/, 'must be host:port or the path of clamd’s socket')
      .optional(),
    CAREPACK_SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'must be smtp://[user:pass@]host[:port] or smtps://…')
      .optional(),
    CAREPACK_MAIL_FROM: z.string().min(3).default('Carepack <no-reply@carepack.example.gov>'),
    CAREPACK_CMS_REVIEW_EMAILS: z.string().default('mc-review@cms.example.gov'),
    CAREPACK_DMCO_EMAILS: z.string().default(''),
    CAREPACK_DMCP_EMAILS: z.string().default(''),
    CAREPACK_OACT_EMAILS: z.string().default(''),
    CAREPACK_PUBLIC_URL: z.url().optional(),
    CAREPACK_OIDC_ISSUER: z.url().optional(),
    CAREPACK_OIDC_AUDIENCE: z.string().min(1).optional(),
    CAREPACK_OIDC_JWKS_URL: z.url().optional(),
    CAREPACK_OIDC_ROLE_CLAIM: z.string().min(1).default('carepack_role'),
    CAREPACK_OIDC_STATE_CLAIM: z.string().min(1).default('carepack_state'),
    CAREPACK_OIDC_DIVISION_CLAIM: z.string().min(1).default('carepack_division'),
    CAREPACK_OIDC_CLIENT_ID: z.string().min(1).optional(),
    CAREPACK_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    CAREPACK_OIDC_AUTHORIZATION_URL: z.url().optional(),
    CAREPACK_OIDC_TOKEN_URL: z.url().optional(),
    CAREPACK_OIDC_REDIRECT_URL: z.url().optional(),
    CAREPACK_OIDC_SCOPES: z
      .string()
      .refine((s) => s.split(/\s+/).includes('openid'), 'must include openid (space-separated scopes)')
      .optional(),
    CAREPACK_SEED_DEMO_USERS: flag.default(true),
    CAREPACK_CREATE_TABLES: flag.default(true),
  })
  .superRefine((c, ctx) => {
    // Bearer tokens need all three; each missing one is named on its own.
    const bearer = {
      CAREPACK_OIDC_ISSUER: c.CAREPACK_OIDC_ISSUER,
      CAREPACK_OIDC_AUDIENCE: c.CAREPACK_OIDC_AUDIENCE,
      CAREPACK_OIDC_JWKS_URL: c.CAREPACK_OIDC_JWKS_URL,
    };
    // Browser sign-in (authorization code + PKCE) needs these three on top of the bearer settings.
    const browser = {
      CAREPACK_OIDC_CLIENT_ID: c.CAREPACK_OIDC_CLIENT_ID,
      CAREPACK_OIDC_AUTHORIZATION_URL: c.CAREPACK_OIDC_AUTHORIZATION_URL,
      CAREPACK_OIDC_TOKEN_URL: c.CAREPACK_OIDC_TOKEN_URL,
    };
    const browserOnly = {
      CAREPACK_OIDC_CLIENT_SECRET: c.CAREPACK_OIDC_CLIENT_SECRET,
      CAREPACK_OIDC_REDIRECT_URL: c.CAREPACK_OIDC_REDIRECT_URL,
      CAREPACK_OIDC_SCOPES: c.CAREPACK_OIDC_SCOPES,
    };
    const missing = (group: Record<string, unknown>) =>
      Object.entries(group)
        .filter(([, v]) => !v)
        .map(([k]) => k);
    const anySet = (group: Record<string, unknown>) => Object.values(group).some(Boolean);
    const list = (names: string[]) => `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
    const wantsBrowser = anySet(browser) || anySet(browserOnly);
    if (anySet(bearer) || wantsBrowser) {
      for (const name of missing(bearer)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: wantsBrowser
            ? `required for OIDC browser sign-in too (ID tokens are checked against the issuer, audience and keys): set ${list(Object.keys(bearer))}`
            : `required for OIDC sign-in: set all of ${list(Object.keys(bearer))}, or none`,
        });
      }
    }
    if (wantsBrowser) {
      for (const name of missing(browser)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `required for OIDC browser sign-in: set all of ${list(Object.keys(browser))}, or none (and no other CAREPACK_OIDC_ browser setting)`,
        });
      }
    }
    checkEmbeddedPorts(c, ctx);
    if (c.CAREPACK_DUAL_JOURNAL?.startsWith('s3://')) {
      if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(c.CAREPACK_DUAL_JOURNAL))
        ctx.addIssue({
          code: 'custom',
          path: ['CAREPACK_DUAL_JOURNAL'],
          message: 'must be s3://<bucket>/<prefix> with a valid S3 bucket name, or a file path',
        });
      if (!c.CAREPACK_S3_ENDPOINT && !c.CAREPACK_S3_USE_AWS)
        ctx.addIssue({
          code: 'custom',
          path: ['CAREPACK_DUAL_JOURNAL'],
          message:
            'an s3:// journal needs CAREPACK_S3_ENDPOINT or CAREPACK_S3_USE_AWS: the embedded S3 lives inside one process, so a file journal serves there',
        });
    }
    if (c.CAREPACK_DYNAMODB_USE_AWS && c.CAREPACK_DYNAMODB_ENDPOINT) {
      ctx.addIssue({
        code: 'custom',
        path: ['CAREPACK_DYNAMODB_USE_AWS'],
        message: 'set either CAREPACK_DYNAMODB_USE_AWS or CAREPACK_DYNAMODB_ENDPOINT, not both',
      });
    }
  });

export type RawConfig = z.infer<typeof ConfigSchema>;

/** A pinned port of an embedded engine must be one it will use, and not one taken by another of ours. */
function checkEmbeddedPorts(
  c: Pick<
    RawConfig,
    | 'PORT'
    | 'CAREPACK_DYNAMODB_PORT'
    | 'CAREPACK_S3_PORT'
    | 'CAREPACK_S3_ENDPOINT'
    | 'CAREPACK_S3_USE_AWS'
    | 'CAREPACK_DYNAMODB_ENDPOINT'
    | 'CAREPACK_DYNAMODB_USE_AWS'
  >,
  ctx: z.RefinementCtx,
): void {
  const issue = (name: string, message: string) => ctx.addIssue({ code: 'custom', path: [name], message });
  if (c.CAREPACK_S3_PORT && (c.CAREPACK_S3_ENDPOINT || c.CAREPACK_S3_USE_AWS))
    issue(
      'CAREPACK_S3_PORT',
      'pins the embedded S3 only: unset it, or CAREPACK_S3_ENDPOINT / CAREPACK_S3_USE_AWS',
    );
  if (c.CAREPACK_DYNAMODB_PORT && (c.CAREPACK_DYNAMODB_ENDPOINT || c.CAREPACK_DYNAMODB_USE_AWS))
    issue(
      'CAREPACK_DYNAMODB_PORT',
      'pins the embedded DynamoDB only: unset it, or CAREPACK_DYNAMODB_ENDPOINT / CAREPACK_DYNAMODB_USE_AWS',
    );
  if (c.CAREPACK_DYNAMODB_PORT && c.CAREPACK_DYNAMODB_PORT === c.PORT)
    issue(
      'CAREPACK_DYNAMODB_PORT',
      `is PORT (${c.PORT}) too: the API and the embedded DynamoDB need one each`,
    );
  if (c.CAREPACK_S3_PORT && c.CAREPACK_S3_PORT === c.PORT)
    issue('CAREPACK_S3_PORT', `is PORT (${c.PORT}) too: the API and the embedded S3 need one each`);
  if (c.CAREPACK_S3_PORT && c.CAREPACK_S3_PORT === c.CAREPACK_DYNAMODB_PORT)
    issue('CAREPACK_S3_PORT', 'is CAREPACK_DYNAMODB_PORT too: the embedded engines need one port each');
}

export interface DynamoConfig {
  /** `embedded`: start DynamoDB Local; `endpoint`: a given URL; `aws`: the real service. */
  mode: 'embedded' | 'endpoint' | 'aws';
  endpoint?: string;
  region: string;
  tableName: string;
  /** For the embedded engine: where its database file lives; undefined keeps it in memory. */
  dataDir?: string;
  /** For the embedded engine: its port on 127.0.0.1; undefined picks a free one. */
  port?: number;
  createTables: boolean;
}

export interface PostgresConfig {
  /** A PostgreSQL server; without one, the embedded PGlite. */
  url?: string;
  /** For the embedded PGlite: where its files live; undefined keeps it in memory. */
  dataDir?: string;
  poolSize: number;
}

export type BackendName = 'dynamodb' | 'postgres';

/**
 * Where dual-write mode journals failed mirror writes: a file (one machine), or objects in S3
 * (`s3://bucket/prefix`), which every instance of a scaled-out portal and any repair share.
 */
export type JournalLocation =
  | { kind: 'file'; path: string }
  | {
      kind: 's3';
      bucket: string;
      prefix: string;
      endpoint?: string;
      region: string;
      credentials?: { accessKeyId: string; secretAccessKey: string };
    };

export interface StoreConfig {
  backend: BackendName | 'dual';
  dynamodb: DynamoConfig;
  postgres: PostgresConfig;
  /** For `dual`: which backend serves reads and takes writes first; the other mirrors it. */
  dual: {
    primary: BackendName;
    shadowReadRate: number;
    journal: JournalLocation;
    /** How long a write waits for its mirror before journaling it instead. */
    mirrorTimeoutMs: number;
  };
}

export interface Config {
  dataDir: string;
  host: string;
  port: number;
  logLevel: RawConfig['LOG_LEVEL'];
  store: StoreConfig;
  sessionSecret?: string;
  /** How long an API instance trusts a session check it made (0: read the store on every request). */
  sessionCacheMs: number;
  /** Development login; always off when OIDC is configured. */
  devLogin: boolean;
  /** Serve the web client at `/` (building it first when missing or stale). */
  webClient: boolean;
  secureCookies: boolean;
  /** CAREPACK_PUBLIC_URL when set (no trailing slash): the origin of download links; else each request's own. */
  publicUrl?: string;
  oidc?: OidcConfig;
  files: FilesConfig;
  mail: MailConfig;
  seedDemoUsers: boolean;
}

export interface OidcConfig {
  issuer: string;
  audience: string;
  jwksUrl: string;
  roleClaim: string;
  stateClaim: string;
  /**
   * A CMS user's division (DMCO, DMCP, OACT). When a token carries one, it is the user's; when it
   * carries none, the division an administrator set is kept. Default `carepack_division`.
   */
  divisionClaim?: string;
  /** Browser sign-in (authorization code flow with PKCE); without it, bearer tokens only. */
  browser?: OidcBrowserConfig;
}

export interface OidcBrowserConfig {
  clientId: string;
  /** Confidential clients authenticate at the token endpoint (client_secret_basic); public ones use PKCE only. */
  clientSecret?: string;
  authorizationUrl: string;
  tokenUrl: string;
  /** Where the identity provider sends the browser back: the API's `/api/auth/oidc/callback`. */
  redirectUrl: string;
  scopes: string;
}

export interface FilesConfig {
  /** `embedded`: s3rver in this process; `endpoint`: an S3-compatible URL; `aws`: real S3. */
  mode: 'embedded' | 'endpoint' | 'aws';
  endpoint?: string;
  region: string;
  bucket: string;
  /** For the embedded S3: where objects live; undefined keeps them in a temporary folder. */
  dataDir?: string;
  /** For the embedded S3: its port on 127.0.0.1; undefined picks a free one. */
  port?: number;
  maxUploadBytes: number;
  /** Keys for an S3-compatible endpoint (MinIO and the like); AWS uses its own credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  clamav?: { host: string; port: number } | { socketPath: string };
}

export interface MailConfig {
  smtp?: { host: string; port: number; secure: boolean; user?: string; pass?: string };
  outboxDir: string;
  failedLog: string;
  from: string;
  cmsReviewList: string[];
  /** Each CMS division's own list (CAREPACK_DMCO_EMAILS, …), told of its questions and their responses. */
  divisionLists: Record<CmsDivision, string[]>;
  publicUrl: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const mode = c.CAREPACK_DYNAMODB_ENDPOINT ? 'endpoint' : c.CAREPACK_DYNAMODB_USE_AWS ? 'aws' : 'embedded';
  return {
    dataDir: c.CAREPACK_DATA_DIR,
    host: c.CAREPACK_HOST,
    port: c.PORT,
    logLevel: c.LOG_LEVEL,
    store: {
      backend: c.CAREPACK_STORE,
      dynamodb: {
        mode,
        ...(c.CAREPACK_DYNAMODB_ENDPOINT ? { endpoint: c.CAREPACK_DYNAMODB_ENDPOINT } : {}),
        region: c.AWS_REGION,
        tableName: c.CAREPACK_DYNAMODB_TABLE,
        ...(mode === 'embedded' && !c.CAREPACK_IN_MEMORY
          ? { dataDir: `${c.CAREPACK_DATA_DIR}/dynamodb` }
          : {}),
        ...(mode === 'embedded' && c.CAREPACK_DYNAMODB_PORT ? { port: c.CAREPACK_DYNAMODB_PORT } : {}),
        createTables: c.CAREPACK_CREATE_TABLES,
      },
      postgres: {
        ...(c.DATABASE_URL ? { url: c.DATABASE_URL } : {}),
        ...(!c.DATABASE_URL && !c.CAREPACK_IN_MEMORY ? { dataDir: `${c.CAREPACK_DATA_DIR}/postgres` } : {}),
        poolSize: c.CAREPACK_PG_POOL_SIZE,
      },
      dual: {
        primary: c.CAREPACK_DUAL_PRIMARY,
        shadowReadRate: c.CAREPACK_SHADOW_READ_RATE,
        journal: journalLocation(c),
        mirrorTimeoutMs: c.CAREPACK_DUAL_MIRROR_TIMEOUT_MS,
      },
    },
    ...(c.CAREPACK_SESSION_SECRET ? { sessionSecret: c.CAREPACK_SESSION_SECRET } : {}),
    sessionCacheMs: c.CAREPACK_SESSION_CACHE_MS,
    devLogin: c.CAREPACK_DEV_LOGIN && !c.CAREPACK_OIDC_ISSUER,
    webClient: c.CAREPACK_WEB_CLIENT,
    secureCookies: c.CAREPACK_SECURE_COOKIES,
    ...(c.CAREPACK_PUBLIC_URL ? { publicUrl: publicUrl(c) } : {}),
    files: filesConfig(c),
    mail: mailConfig(c),
    ...(c.CAREPACK_OIDC_ISSUER && c.CAREPACK_OIDC_AUDIENCE && c.CAREPACK_OIDC_JWKS_URL
      ? {
          oidc: {
            issuer: c.CAREPACK_OIDC_ISSUER,
            audience: c.CAREPACK_OIDC_AUDIENCE,
            jwksUrl: c.CAREPACK_OIDC_JWKS_URL,
            roleClaim: c.CAREPACK_OIDC_ROLE_CLAIM,
            stateClaim: c.CAREPACK_OIDC_STATE_CLAIM,
            divisionClaim: c.CAREPACK_OIDC_DIVISION_CLAIM,
            ...(c.CAREPACK_OIDC_CLIENT_ID && c.CAREPACK_OIDC_AUTHORIZATION_URL && c.CAREPACK_OIDC_TOKEN_URL
              ? {
                  browser: {
                    clientId: c.CAREPACK_OIDC_CLIENT_ID,
                    ...(c.CAREPACK_OIDC_CLIENT_SECRET ? { clientSecret: c.CAREPACK_OIDC_CLIENT_SECRET } : {}),
                    authorizationUrl: c.CAREPACK_OIDC_AUTHORIZATION_URL,
                    tokenUrl: c.CAREPACK_OIDC_TOKEN_URL,
                    redirectUrl: c.CAREPACK_OIDC_REDIRECT_URL ?? `${publicUrl(c)}/api/auth/oidc/callback`,
                    scopes: (c.CAREPACK_OIDC_SCOPES ?? 'openid email profile').trim().split(/\s+/).join(' '),
                  },
                }
              : {}),
          },
        }
      : {}),
    seedDemoUsers: c.CAREPACK_SEED_DEMO_USERS,
  };
}

function journalLocation(c: RawConfig): JournalLocation {
  const raw = c.CAREPACK_DUAL_JOURNAL ?? `${c.CAREPACK_DATA_DIR}/dual-mirror-failures.jsonl`;
  if (!raw.startsWith('s3://')) return { kind: 'file', path: raw };
  const rest = raw.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const files = filesConfig(c);
  return {
    kind: 's3',
    bucket: slash < 0 ? rest : rest.slice(0, slash),
    prefix: slash < 0 ? 'dual-journal/' : rest.slice(slash + 1),
    region: files.region,
    ...(files.endpoint ? { endpoint: files.endpoint } : {}),
    ...(files.credentials ? { credentials: files.credentials } : {}),
  };
}

function filesConfig(c: RawConfig): FilesConfig {
  const mode = c.CAREPACK_S3_ENDPOINT ? 'endpoint' : c.CAREPACK_S3_USE_AWS ? 'aws' : 'embedded';
  const clam = c.CAREPACK_CLAMAV;
  return {
    mode,
    ...(c.CAREPACK_S3_ENDPOINT ? { endpoint: c.CAREPACK_S3_ENDPOINT } : {}),
    region: c.AWS_REGION,
    bucket: c.CAREPACK_S3_BUCKET,
    ...(mode === 'embedded' && !c.CAREPACK_IN_MEMORY ? { dataDir: `${c.CAREPACK_DATA_DIR}/s3` } : {}),
    ...(mode === 'embedded' && c.CAREPACK_S3_PORT ? { port: c.CAREPACK_S3_PORT } : {}),
    maxUploadBytes: c.CAREPACK_MAX_UPLOAD_MB * 1024 * 1024,
    ...(c.CAREPACK_S3_ACCESS_KEY_ID && c.CAREPACK_S3_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: c.CAREPACK_S3_ACCESS_KEY_ID,
            secretAccessKey: c.CAREPACK_S3_SECRET_ACCESS_KEY,
          },
        }
      : {}),
    ...(clam
      ? {
          clamav: clam.startsWith('/')
            ? { socketPath: clam }
            : {
                host: clam.slice(0, clam.lastIndexOf(':')),
                port: Number(clam.slice(clam.lastIndexOf(':') + 1)),
              },
        }
      : {}),
  };
}

function mailConfig(c: RawConfig): MailConfig {
  let smtp: MailConfig['smtp'];
  if (c.CAREPACK_SMTP_URL) {
    const u = new URL(c.CAREPACK_SMTP_URL);
    const secure = u.protocol === 'smtps:';
    smtp = {
      host: u.hostname,
      port: u.port ? Number(u.port) : secure ? 465 : 587,
      secure,
      ...(u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : {}),
    };
  }
  return {
    ...(smtp ? { smtp } : {}),
    outboxDir: `${c.CAREPACK_DATA_DIR}/outbox`,
    failedLog: `${c.CAREPACK_DATA_DIR}/mail-failures.jsonl`,
    from: c.CAREPACK_MAIL_FROM,
    cmsReviewList: emailList(c.CAREPACK_CMS_REVIEW_EMAILS),
    divisionLists: {
      DMCO: emailList(c.CAREPACK_DMCO_EMAILS),
      DMCP: emailList(c.CAREPACK_DMCP_EMAILS),
      OACT: emailList(c.CAREPACK_OACT_EMAILS),
    },
    publicUrl: c.CAREPACK_PUBLIC_URL ?? `http://localhost:${c.PORT}`,
  };
}

/** A comma-separated list of addresses, blanks dropped. */
const emailList = (value: string) =>
  value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);

/** Where users reach Carepack, without a trailing slash. */
function publicUrl(c: RawConfig): string {
  return (c.CAREPACK_PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, '');
}
