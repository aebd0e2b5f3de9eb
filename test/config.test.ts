import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('defaults to the embedded engines under ./data, with the development login on', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.store).toMatchObject({
      backend: 'dynamodb',
      dynamodb: { mode: 'embedded', dataDir: './data/dynamodb', tableName: 'carepack' },
      postgres: { dataDir: './data/postgres' },
      dual: {
        primary: 'dynamodb',
        shadowReadRate: 0,
        journal: { kind: 'file', path: './data/dual-mirror-failures.jsonl' },
        mirrorTimeoutMs: 2000,
      },
    });
    expect(c.files).toMatchObject({
      mode: 'embedded',
      dataDir: './data/s3',
      bucket: 'carepack-documents',
      maxUploadBytes: 100 * 1024 * 1024,
    });
    expect(c.files.clamav).toBeUndefined();
    expect(c.mail).toMatchObject({
      outboxDir: './data/outbox',
      cmsReviewList: ['mc-review@cms.example.gov'],
      divisionLists: { DMCO: [], DMCP: [], OACT: [] },
    });
    expect(c.mail.smtp).toBeUndefined();
    expect(c.devLogin).toBe(true);
    expect(c.oidc).toBeUndefined();
  });

  it('reads servers, limits and switches from the environment', () => {
    const c = loadConfig({
      CAREPACK_STORE: 'postgres',
      DATABASE_URL: 'postgres://u:p@db:5432/carepack',
      CAREPACK_DYNAMODB_ENDPOINT: 'http://localhost:8000',
      CAREPACK_S3_ENDPOINT: 'http://minio:9000',
      CAREPACK_S3_ACCESS_KEY_ID: 'k',
      CAREPACK_S3_SECRET_ACCESS_KEY: 's',
      CAREPACK_MAX_UPLOAD_MB: '5',
      CAREPACK_CLAMAV: 'clamd.internal:3310',
      CAREPACK_SMTP_URL: 'smtps://mailer:secret@smtp.example.gov',
      CAREPACK_CMS_REVIEW_EMAILS: 'a@cms.gov, b@cms.gov',
      CAREPACK_DMCO_EMAILS: 'dmco@cms.gov',
      CAREPACK_OACT_EMAILS: ' oact1@cms.gov,,oact2@cms.gov ',
      CAREPACK_IN_MEMORY: '1',
    });
    expect(c.store.backend).toBe('postgres');
    expect(c.store.postgres).toEqual({ url: 'postgres://u:p@db:5432/carepack', poolSize: 10 });
    expect(c.store.dynamodb).toMatchObject({ mode: 'endpoint', endpoint: 'http://localhost:8000' });
    expect(c.files).toMatchObject({
      mode: 'endpoint',
      maxUploadBytes: 5 * 1024 * 1024,
      clamav: { host: 'clamd.internal', port: 3310 },
    });
    expect(c.files.credentials).toEqual({ accessKeyId: 'k', secretAccessKey: 's' });
    expect(c.mail.smtp).toEqual({
      host: 'smtp.example.gov',
      port: 465,
      secure: true,
      user: 'mailer',
      pass: 'secret',
    });
    expect(c.mail.cmsReviewList).toEqual(['a@cms.gov', 'b@cms.gov']);
    expect(c.mail.divisionLists).toEqual({
      DMCO: ['dmco@cms.gov'],
      DMCP: [],
      OACT: ['oact1@cms.gov', 'oact2@cms.gov'],
    });
    expect(loadConfig({ CAREPACK_CLAMAV: '/run/clamav/clamd.ctl' }).files.clamav).toEqual({
      socketPath: '/run/clamav/clamd.ctl',
    });
  });

  it('turns the development login off when OIDC is configured', () => {
    const c = loadConfig({
      CAREPACK_OIDC_ISSUER: 'https://idp.example.gov/',
      CAREPACK_OIDC_AUDIENCE: 'carepack',
      CAREPACK_OIDC_JWKS_URL: 'https://idp.example.gov/jwks.json',
    });
    expect(c.devLogin).toBe(false);
    expect(c.oidc).toMatchObject({
      audience: 'carepack',
      roleClaim: 'carepack_role',
      divisionClaim: 'carepack_division',
    });
    const named = loadConfig({
      CAREPACK_OIDC_ISSUER: 'https://idp.example.gov/',
      CAREPACK_OIDC_AUDIENCE: 'carepack',
      CAREPACK_OIDC_JWKS_URL: 'https://idp.example.gov/jwks.json',
      CAREPACK_OIDC_DIVISION_CLAIM: 'cms_division',
    });
    expect(named.oidc?.divisionClaim).toBe('cms_division');
  });

  describe('OIDC browser sign-in', () => {
    const bearer = {
      CAREPACK_OIDC_ISSUER: 'https://idp.example.gov/',
      CAREPACK_OIDC_AUDIENCE: 'carepack-api',
      CAREPACK_OIDC_JWKS_URL: 'https://idp.example.gov/jwks.json',
    };
    const browser = {
      CAREPACK_OIDC_CLIENT_ID: 'carepack-web',
      CAREPACK_OIDC_AUTHORIZATION_URL: 'https://idp.example.gov/authorize',
      CAREPACK_OIDC_TOKEN_URL: 'https://idp.example.gov/token',
    };
    const message = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('expected a ConfigError');
    };

    it('is off with bearer settings only', () => {
      expect(loadConfig(bearer).oidc?.browser).toBeUndefined();
    });

    it('is on with the client id and both endpoints, redirecting back to the public URL', () => {
      const c = loadConfig({ ...bearer, ...browser, CAREPACK_PUBLIC_URL: 'https://carepack.example.gov/' });
      expect(c.devLogin).toBe(false);
      expect(c.oidc?.browser).toEqual({
        clientId: 'carepack-web',
        authorizationUrl: 'https://idp.example.gov/authorize',
        tokenUrl: 'https://idp.example.gov/token',
        redirectUrl: 'https://carepack.example.gov/api/auth/oidc/callback',
        scopes: 'openid email profile',
      });
      expect(loadConfig({ ...bearer, ...browser, PORT: '8080' }).oidc?.browser?.redirectUrl).toBe(
        'http://localhost:8080/api/auth/oidc/callback',
      );
    });

    it('reads the client secret, an explicit redirect URL and scopes', () => {
      const c = loadConfig({
        ...bearer,
        ...browser,
        CAREPACK_OIDC_CLIENT_SECRET: 's3cret',
        CAREPACK_OIDC_REDIRECT_URL: 'https://portal.example.gov/api/auth/oidc/callback',
        CAREPACK_OIDC_SCOPES: ' openid  email groups ',
      });
      expect(c.oidc?.browser).toMatchObject({
        clientSecret: 's3cret',
        redirectUrl: 'https://portal.example.gov/api/auth/oidc/callback',
        scopes: 'openid email groups',
      });
      expect(message({ ...bearer, ...browser, CAREPACK_OIDC_SCOPES: 'email profile' })).toMatch(
        /CAREPACK_OIDC_SCOPES: must include openid/,
      );
      expect(message({ ...bearer, ...browser, CAREPACK_OIDC_TOKEN_URL: 'not a url' })).toMatch(
        /CAREPACK_OIDC_TOKEN_URL/,
      );
    });

    it('names each missing variable when only some are set', () => {
      const onlyClient = message({ ...bearer, CAREPACK_OIDC_CLIENT_ID: 'carepack-web' });
      expect(onlyClient).toMatch(/^ {2}CAREPACK_OIDC_AUTHORIZATION_URL: required for OIDC browser sign-in/m);
      expect(onlyClient).toMatch(/^ {2}CAREPACK_OIDC_TOKEN_URL: required/m);
      expect(onlyClient).not.toMatch(/^ {2}CAREPACK_OIDC_CLIENT_ID:/m);
      expect(onlyClient).not.toMatch(/^ {2}CAREPACK_OIDC_ISSUER:/m);

      const noBearer = message(browser);
      for (const name of ['CAREPACK_OIDC_ISSUER', 'CAREPACK_OIDC_AUDIENCE', 'CAREPACK_OIDC_JWKS_URL'])
        expect(noBearer).toMatch(new RegExp(`^ {2}${name}: required for OIDC browser sign-in too`, 'm'));

      const onlySecret = message({ ...bearer, CAREPACK_OIDC_CLIENT_SECRET: 's3cret' });
      for (const name of Object.keys(browser)) expect(onlySecret).toMatch(new RegExp(`^ {2}${name}:`, 'm'));

      const onlyIssuer = message({ CAREPACK_OIDC_ISSUER: 'https://idp.example.gov/' });
      expect(onlyIssuer).toMatch(/^ {2}CAREPACK_OIDC_AUDIENCE: required for OIDC sign-in/m);
      expect(onlyIssuer).toMatch(/^ {2}CAREPACK_OIDC_JWKS_URL: required/m);
    });
  });

  it('reads the dual-write mirror timeout, refusing one that is not a sensible number of milliseconds', () => {
    expect(loadConfig({ CAREPACK_DUAL_MIRROR_TIMEOUT_MS: '250' }).store.dual.mirrorTimeoutMs).toBe(250);
    for (const bad of ['0', '-5', '1.5', 'soon', '600000']) {
      expect(() => loadConfig({ CAREPACK_DUAL_MIRROR_TIMEOUT_MS: bad }), bad).toThrow(
        /CAREPACK_DUAL_MIRROR_TIMEOUT_MS/,
      );
    }
  });

  it('journals dual-write failures to a file by default, or to S3 objects shared by every instance', () => {
    expect(loadConfig({ CAREPACK_DUAL_JOURNAL: '/var/lib/carepack/j.jsonl' }).store.dual.journal).toEqual({
      kind: 'file',
      path: '/var/lib/carepack/j.jsonl',
    });
    expect(
      loadConfig({
        CAREPACK_DUAL_JOURNAL: 's3://ops-bucket/carepack/journal/',
        CAREPACK_S3_USE_AWS: '1',
        AWS_REGION: 'us-west-2',
      }).store.dual.journal,
    ).toEqual({ kind: 's3', bucket: 'ops-bucket', prefix: 'carepack/journal/', region: 'us-west-2' });
    // The embedded S3 lives in one process: a journal there would be shared with nobody.
    expect(() => loadConfig({ CAREPACK_DUAL_JOURNAL: 's3://ops-bucket/j/' })).toThrow(
      /CAREPACK_DUAL_JOURNAL: an s3:\/\/ journal needs CAREPACK_S3_ENDPOINT or CAREPACK_S3_USE_AWS/,
    );
    expect(() =>
      loadConfig({ CAREPACK_DUAL_JOURNAL: 's3://Bad_Bucket/j/', CAREPACK_S3_USE_AWS: '1' }),
    ).toThrow(/CAREPACK_DUAL_JOURNAL: must be s3:\/\/<bucket>\/<prefix>/);
  });

  it('pins the embedded engines’ ports when asked, and picks free ones otherwise', () => {
    const pinned = loadConfig({ CAREPACK_DYNAMODB_PORT: '8000', CAREPACK_S3_PORT: '4569' });
    expect(pinned.store.dynamodb.port).toBe(8000);
    expect(pinned.files.port).toBe(4569);
    const free = loadConfig({ CAREPACK_DYNAMODB_PORT: '0' });
    expect(free.store.dynamodb.port).toBeUndefined();
    expect(free.files.port).toBeUndefined();
  });

  it('refuses a port pin that cannot hold, naming the variable', () => {
    const refused = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error(`accepted ${JSON.stringify(env)}`);
    };
    expect(refused({ CAREPACK_S3_PORT: 'x' })).toMatch(/^ {2}CAREPACK_S3_PORT:/m);
    expect(refused({ CAREPACK_DYNAMODB_PORT: '70000' })).toMatch(/^ {2}CAREPACK_DYNAMODB_PORT:/m);
    expect(refused({ CAREPACK_S3_PORT: '9000', CAREPACK_S3_ENDPOINT: 'http://minio:9000' })).toMatch(
      /CAREPACK_S3_PORT: pins the embedded S3 only/,
    );
    expect(refused({ CAREPACK_DYNAMODB_PORT: '8000', CAREPACK_DYNAMODB_USE_AWS: '1' })).toMatch(
      /CAREPACK_DYNAMODB_PORT: pins the embedded DynamoDB only/,
    );
    expect(refused({ PORT: '3000', CAREPACK_S3_PORT: '3000' })).toMatch(
      /CAREPACK_S3_PORT: is PORT \(3000\) too/,
    );
    expect(refused({ CAREPACK_DYNAMODB_PORT: '3000' })).toMatch(
      /CAREPACK_DYNAMODB_PORT: is PORT \(3000\) too/,
    );
    expect(refused({ CAREPACK_DYNAMODB_PORT: '8000', CAREPACK_S3_PORT: '8000' })).toMatch(
      /CAREPACK_S3_PORT: is CAREPACK_DYNAMODB_PORT too/,
    );
  });

  it('names every bad variable', () => {
    const bad = () =>
      loadConfig({
        PORT: 'eighty',
        CAREPACK_STORE: 'mongo',
        DATABASE_URL: 'mysql://x',
        CAREPACK_S3_BUCKET: 'No_Such',
      });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (e) {
      const message = (e as Error).message;
      for (const name of ['PORT', 'CAREPACK_STORE', 'DATABASE_URL', 'CAREPACK_S3_BUCKET']) {
        expect(message).toContain(name);
      }
    }
    expect(() => loadConfig({ CAREPACK_OIDC_ISSUER: 'https://idp.example.gov/' })).toThrow(
      /CAREPACK_OIDC_AUDIENCE/,
    );
  });
});
