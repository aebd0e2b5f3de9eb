/** Sign-in and request hardening: CSRF, security headers, login rate limit, OIDC bearer tokens. */
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { userIdFor } from '../../src/api/oidc.js';
import { seedStore } from '../../src/seed/seed.js';
import { demo, type TestApi, testApi } from '../support/api.js';
import { freshDynamoStore } from '../support/dynamo.js';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());

const newDraft = { formData: { submissionType: 'CONTRACT_ONLY' } };

describe('CSRF protection', () => {
  it('refuses a cookie-authenticated change without the token, or with another user’s token', async () => {
    const mn = await api.login(demo('STATE_USER', 'MN'));
    const fl = await api.login(demo('STATE_USER', 'FL'));
    const bare = await api.app.inject({
      method: 'POST',
      url: '/api/packages',
      headers: { cookie: mn.cookie },
      payload: newDraft,
    });
    expect(bare.statusCode).toBe(403);
    expect(bare.json().code).toBe('CSRF_FAILED');
    const foreign = await api.app.inject({
      method: 'POST',
      url: '/api/packages',
      headers: { cookie: mn.cookie, 'x-csrf-token': fl['x-csrf-token'] },
      payload: newDraft,
    });
    expect(foreign.statusCode).toBe(403);
    expect(
      (await api.app.inject({ method: 'POST', url: '/api/packages', headers: mn, payload: newDraft }))
        .statusCode,
    ).toBe(201);
    // Reads need no token.
    expect((await api.app.inject({ url: '/api/packages', headers: { cookie: mn.cookie } })).statusCode).toBe(
      200,
    );
  });

  it('hands out a fresh token for the session at GET /api/auth/csrf', async () => {
    const mn = await api.login(demo('STATE_USER', 'MN'));
    const res = await api.app.inject({ url: '/api/auth/csrf', headers: { cookie: mn.cookie } });
    expect(res.statusCode).toBe(200);
    const { token } = res.json() as { token: string };
    const made = await api.app.inject({
      method: 'POST',
      url: '/api/packages',
      headers: { cookie: mn.cookie, 'x-csrf-token': token },
      payload: newDraft,
    });
    expect(made.statusCode).toBe(201);
    expect((await api.app.inject({ url: '/api/auth/csrf' })).statusCode).toBe(401);
  });
});

describe('HTTP hardening', () => {
  it('sends security headers and keeps session cookies httpOnly and SameSite', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/auth/dev-login',
      payload: { userId: demo('CMS_USER').id },
    });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toBeDefined();
    const session = res.cookies.find((c) => c.name === 'carepack_session')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Lax');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('limits login attempts', async () => {
    const limited = await testApi();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 35; i++) {
        const res = await limited.app.inject({
          method: 'POST',
          url: '/api/auth/dev-login',
          payload: { userId: demo('CMS_USER').id },
        });
        statuses.push(res.statusCode);
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(30);
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('serves the OpenAPI document and its browsable docs', async () => {
    const doc = (await api.app.inject({ url: '/openapi.json' })).json() as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/api/packages/{id}/submit');
    const docs = await api.app.inject({ url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});

describe('OIDC bearer tokens', () => {
  const issuer = 'https://idp.example.gov/';
  const audience = 'carepack';
  let jwksServer: Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;
  let otherKey: CryptoKey;
  let oidcApi: Awaited<ReturnType<typeof buildApp>>;
  let store: Awaited<ReturnType<typeof freshDynamoStore>>['store'];

  const token = (
    claims: Record<string, unknown>,
    options: { key?: CryptoKey; aud?: string; exp?: string } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(issuer)
      .setAudience(options.aud ?? audience)
      .setSubject(String(claims.sub ?? 'subject-1'))
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '5m')
      .sign(options.key ?? privateKey);

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwksServer = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as { port: number }).port}/jwks.json`;
    ({ store } = await freshDynamoStore('carepack-oidc'));
    await seedStore(store, { demoUsers: false });
    oidcApi = await buildApp({
      store,
      sessionSecret: 's'.repeat(40),
      devLogin: true,
      oidc: { issuer, audience, jwksUrl, roleClaim: 'carepack_role', stateClaim: 'carepack_state' },
      logger: false,
    });
  });
  afterAll(async () => {
    await oidcApi?.close();
    await store?.close();
    await new Promise((r) => jwksServer?.close(r));
  });

  const mnClaims = {
    sub: 'mn-analyst-1',
    email: 'analyst@mn.example.gov',
    given_name: 'Mo',
    family_name: 'Nord',
    carepack_role: 'STATE_USER',
    carepack_state: 'MN',
  };

  it('accepts a valid token, upserts the user, and needs no CSRF token', async () => {
    const bearer = { authorization: `Bearer ${await token(mnClaims)}` };
    const me = await oidcApi.inject({ url: '/api/packages', headers: bearer });
    expect(me.statusCode).toBe(200);
    const user = await store.getUser(userIdFor(issuer, 'mn-analyst-1'));
    expect(user).toMatchObject({ email: 'analyst@mn.example.gov', role: 'STATE_USER', stateCode: 'MN' });
    const made = await oidcApi.inject({
      method: 'POST',
      url: '/api/packages',
      headers: bearer,
      payload: newDraft,
    });
    expect(made.statusCode).toBe(201);
    expect(made.json().stateCode).toBe('MN');
  });

  it('refuses expired, foreign-audience and wrongly signed tokens, and tokens without a role', async () => {
    const cases = [
      await token(mnClaims, { exp: '-1m' }),
      await token(mnClaims, { aud: 'someone-else' }),
      await token(mnClaims, { key: otherKey }),
      'not.a.jwt',
    ];
    for (const t of cases) {
      const res = await oidcApi.inject({ url: '/api/packages', headers: { authorization: `Bearer ${t}` } });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('UNAUTHENTICATED');
    }
    const noRole = await token({ sub: 'x', email: 'x@example.gov' });
    expect(
      (await oidcApi.inject({ url: '/api/packages', headers: { authorization: `Bearer ${noRole}` } }))
        .statusCode,
    ).toBe(403);
  });

  it('turns the development login off', async () => {
    expect((await oidcApi.inject({ url: '/api/auth/dev-users' })).statusCode).toBe(404);
    expect(
      (
        await oidcApi.inject({
          method: 'POST',
          url: '/api/auth/dev-login',
          payload: { userId: demo('CMS_USER').id },
        })
      ).statusCode,
    ).toBe(404);
  });
});
