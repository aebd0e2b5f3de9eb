/**
 * The environment the API container (and the migration task) runs with: the variables
 * src/config.ts reads, set for AWS. Plain values here; secrets are named separately and injected
 * by ECS from Secrets Manager (never written into the task definition).
 */
import type { Settings } from './settings.js';

export const API_PORT = 3000;
/** clamd in the same task: awsvpc tasks share one network namespace. */
export const CLAMD_ADDRESS = '127.0.0.1:3310';
/** Writable scratch for the process (mail failure log, outbox when no SMTP is set). */
const DATA_DIR = '/tmp/carepack';

export interface Wiring {
  /** DynamoDB mode: the table. */
  tableName?: string;
  bucketName: string;
  region: string;
  /** PostgreSQL mode: the connection string without its password (PGPASSWORD is a secret). */
  databaseUrl?: string;
}

export function apiEnvironment(settings: Settings, wiring: Wiring): Record<string, string> {
  const https = Boolean(settings.certificateArn);
  const oidc: Record<string, string | undefined> = {
    CAREPACK_OIDC_ISSUER: settings.oidcIssuer,
    CAREPACK_OIDC_AUDIENCE: settings.oidcAudience,
    CAREPACK_OIDC_JWKS_URL: settings.oidcJwksUrl,
    CAREPACK_OIDC_CLIENT_ID: settings.oidcClientId,
    CAREPACK_OIDC_AUTHORIZATION_URL: settings.oidcAuthorizationUrl,
    CAREPACK_OIDC_TOKEN_URL: settings.oidcTokenUrl,
    CAREPACK_MAIL_FROM: settings.mailFrom,
    CAREPACK_CMS_REVIEW_EMAILS: settings.cmsReviewEmails,
  };
  return {
    PORT: String(API_PORT),
    CAREPACK_HOST: '0.0.0.0',
    CAREPACK_DATA_DIR: DATA_DIR,
    AWS_REGION: wiring.region,
    CAREPACK_STORE: settings.store,
    ...(wiring.tableName
      ? {
          CAREPACK_DYNAMODB_USE_AWS: 'true',
          CAREPACK_DYNAMODB_TABLE: wiring.tableName,
          // CloudFormation owns the table; the migration task runs the data steps before a release.
          CAREPACK_CREATE_TABLES: 'false',
        }
      : {}),
    ...(wiring.databaseUrl ? { DATABASE_URL: wiring.databaseUrl } : {}),
    CAREPACK_S3_USE_AWS: 'true',
    CAREPACK_S3_BUCKET: wiring.bucketName,
    CAREPACK_CLAMAV: CLAMD_ADDRESS,
    CAREPACK_SECURE_COOKIES: String(https),
    ...(settings.domainName
      ? { CAREPACK_PUBLIC_URL: `${https ? 'https' : 'http'}://${settings.domainName}` }
      : {}),
    // Never the demo login or demo users on a network: sign-in is the agency's identity provider.
    CAREPACK_DEV_LOGIN: 'false',
    CAREPACK_SEED_DEMO_USERS: 'false',
    CAREPACK_WEB_CLIENT: 'true',
    ...Object.fromEntries(Object.entries(oidc).filter((e): e is [string, string] => Boolean(e[1]))),
  };
}

/** Names of the variables ECS fills from Secrets Manager. */
export const SECRET_VARIABLES = {
  session: 'CAREPACK_SESSION_SECRET',
  smtp: 'CAREPACK_SMTP_URL',
  oidcClient: 'CAREPACK_OIDC_CLIENT_SECRET',
  databasePassword: 'PGPASSWORD',
} as const;
