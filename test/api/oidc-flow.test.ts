/**
 * OIDC browser sign-in (authorization code flow with PKCE) against a real local identity
 * provider: the API is driven with inject() like a browser would (cookies kept), the provider
 * over real HTTP. The sign-in must end in the same session cookie and CSRF token as the
 * development login.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { userIdFor } from '../../src/api/oidc.js';
import { safeReturnTo } from '../../src/api/oidc-flow.js';
import type { OidcBrowserConfig, OidcConfig } from '../../src/config.js';
import { seedStore } from '../../src/seed/seed.js';
import { demo } from '../support/api.js';
import { freshDynamoStore } from '../support/dynamo.js';
import { type FakeIdp, startFakeIdp } from '../support/fake-idp.js';
import type { DrivenStore } from '../support/store-commands.js';

const REDIRECT = 'http://carepack.test/api/auth/oidc/callback';
const SECRET = 'confidential: client/secret';
const mnAnalyst = {
  sub: 'mn-analyst-7',
  email: 'analyst7@mn.example.gov',
  given_name: 'Mona',
  family_name: 'Lake',
  carepack_role: 'STATE_USER',
  carepack_state: 'MN',
};

let idp: FakeIdp;
let store: DrivenStore;
const apps: FastifyInstance[] = [];
const logLines: Record<string, unknown>[] = [];

function oidcConfig(browser?: Partial<OidcBrowserConfig> | false): OidcConfig {
  return {
    issuer: idp.issuer,
    audience: 'carepack-api',
    jwksUrl: idp.jwksUrl,
    roleClaim: 'carepack_role',
    stateClaim: 'carepack_state',
    ...(browser === false
      ? {}
      : {
          browser: {
            clientId: 'carepack-web',
            clientSecret: SECRET,
            authorizationUrl: idp.authorizationUrl,
            tokenUrl: idp.tokenUrl,
            redirectUrl: REDIRECT,
            scopes: 'openid email profile',
            ...browser,
          },
        }),
  };
}

async function app(
  oidc: OidcConfig | undefined,
  options: { devLogin?: boolean; store?: DrivenStore } = {},
): Promise<FastifyInstance> {
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line)) });
  const built = await buildApp({
    store: options.store ?? store,
    sessionSecret: 'oidc-test-secret-oidc-test-secret-0123456',
    devLogin: options.devLogin ?? true,
    ...(oidc ? { oidc } : {}),
    logger,
  });
  apps.push(built);
  return built;
}

/** A browser: keeps the API's cookies between requests. */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(readonly api: FastifyInstance) {}

  async request(
    url: string,
    options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; payload?: object } = {},
  ) {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await this.api.inject({
      method: options.method ?? 'GET',
      url,
      headers: { ...(cookie ? { cookie } : {}), ...options.headers },
      ...(options.payload ? { payload: options.payload } : {}),
    });
    for (const c of res.cookies) {
      const expired = c.expires !== undefined && new Date(c.expires).getTime() < Date.now();
      if (!c.value || expired || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }
}

interface SignIn {
  login: LightMyRequestResponse;
  authorize: URL;
  callback: URL;
  done: LightMyRequestResponse;
  /** Where the API finally sent the browser. */
  location: string;
}

/** Login → provider (which "signs in" at once) → callback, optionally changing the callback on the way. */
async function signIn(
  browser: Browser,
  options: { returnTo?: string; tamper?: (callback: URL) => void } = {},
): Promise<SignIn> {
  const { login, authorize, callback } = await startSignIn(browser, options.returnTo);
  options.tamper?.(callback);
  const done = await browser.request(`${callback.pathname}${callback.search}`);
  expect(done.statusCode).toBe(302);
  return { login, authorize, callback, done, location: String(done.headers.location) };
}

async function startSignIn(browser: Browser, returnTo?: string) {
  const query = returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`;
  const login = await browser.request(`/api/auth/oidc/login${query}`);
  expect(login.statusCode).toBe(302);
  const authorize = new URL(String(login.headers.location));
  const atProvider = await fetch(authorize, { redirect: 'manual' });
  expect(atProvider.status).toBe(302);
  const callback = new URL(atProvider.headers.get('location')!);
  expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
  return { login, authorize, callback };
}

const failures = () => logLines.filter((l) => l.msg === 'OIDC sign-in failed');

beforeAll(async () => {
  idp = await startFakeIdp({
    'carepack-web': { secret: SECRET, redirectUri: REDIRECT },
    'carepack-spa': { redirectUri: REDIRECT },
  });
  ({ store } = await freshDynamoStore('carepack-oidc-flow'));
  await seedStore(store, { demoUsers: false });
});
afterAll(async () => {
  for (const a of apps) await a.close();
  await store?.close();
  await idp?.close();
});
beforeEach(() => {
  idp.claims = { ...mnAnalyst };
  idp.nonceOverride = undefined;
  idp.nextError = undefined;
  logLines.length = 0;
});

describe('OIDC browser sign-in', () => {
  let api: FastifyInstance;
  beforeAll(async () => {
    api = await app(oidcConfig());
  });

  it('signs in through the provider and ends in a session that works like the development login', async () => {
    const browser = new Browser(api);
    const s = await signIn(browser, { returnTo: '/packages?status=DRAFT#top' });

    // The authorization request: code flow, PKCE S256, state and nonce.
    const q = s.authorize.searchParams;
    expect(`${s.authorize.origin}${s.authorize.pathname}`).toBe(idp.authorizationUrl);
    expect(Object.fromEntries(q)).toMatchObject({
      response_type: 'code',
      client_id: 'carepack-web',
      redirect_uri: REDIRECT,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).not.toBe(q.get('nonce'));
    const flowCookie = s.login.cookies.find((c) => c.name === 'carepack_oidc')!;
    expect(flowCookie).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
      path: '/api/auth/oidc',
      maxAge: 600,
    });
    expect(s.login.headers['cache-control']).toBe('no-store');

    // Back at the callback: the session starts, the flow cookie is spent, the browser goes where it asked.
    expect(s.location).toBe('/packages?status=DRAFT#top');
    const session = s.done.cookies.find((c) => c.name === 'carepack_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(browser.cookies.has('carepack_oidc')).toBe(false);

    // The confidential client authenticated with client_secret_basic and sent the verifier.
    const tokenRequest = idp.tokenRequests.at(-1)!;
    expect(tokenRequest.authorization).toMatch(/^Basic /);
    expect(tokenRequest.form.get('client_id')).toBeNull();
    expect(tokenRequest.form.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const me = await browser.request('/api/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      id: userIdFor(idp.issuer, 'mn-analyst-7'),
      email: 'analyst7@mn.example.gov',
      givenName: 'Mona',
      role: 'STATE_USER',
      stateCode: 'MN',
    });
    const { token } = (await browser.request('/api/auth/csrf')).json() as { token: string };
    const bare = await browser.request('/api/packages', {
      method: 'POST',
      payload: { formData: { submissionType: 'CONTRACT_ONLY' } },
    });
    expect(bare.statusCode).toBe(403);
    const made = await browser.request('/api/packages', {
      method: 'POST',
      headers: { 'x-csrf-token': token },
      payload: { formData: { submissionType: 'CONTRACT_ONLY' } },
    });
    expect(made.statusCode).toBe(201);
    expect(made.json().stateCode).toBe('MN');

    // The sign-in is audited like the development login's, and no secret reaches the log.
    expect(logLines).toContainEqual(
      expect.objectContaining({ audit: 'LOGIN', via: 'oidc', email: 'analyst7@mn.example.gov' }),
    );
    const logged = JSON.stringify(logLines);
    expect(logged).not.toContain(s.callback.searchParams.get('code'));
    expect(logged).not.toContain(tokenRequest.form.get('code_verifier'));
  });

  it('lands on / without a returnTo, and keeps a plain path', async () => {
    expect((await signIn(new Browser(api))).location).toBe('/');
    expect((await signIn(new Browser(api), { returnTo: '/packages/42' })).location).toBe('/packages/42');
  });

  it('never returns to another site', async () => {
    const attempts = [
      '//evil.com',
      'https://evil.com',
      '/\\evil.com',
      '/\t/evil.com',
      'javascript:alert(1)',
      'evil.com/packages',
    ];
    for (const returnTo of attempts) {
      const s = await signIn(new Browser(api), { returnTo });
      expect(s.location, returnTo).toBe('/');
      expect(s.done.cookies.some((c) => c.name === 'carepack_session')).toBe(true);
    }
    for (const bad of [...attempts, '', undefined, `/${'a'.repeat(2001)}`])
      expect(safeReturnTo(bad)).toBe('/');
    expect(safeReturnTo('/packages/1?tab=docs#x')).toBe('/packages/1?tab=docs#x');
    expect(safeReturnTo('/%2F%2Fevil.com')).toBe('/%2F%2Fevil.com');
  });

  it('refuses a callback whose state is not this browser’s, and spends the flow either way', async () => {
    const browser = new Browser(api);
    const { callback } = await startSignIn(browser);
    const tampered = new URL(callback);
    tampered.searchParams.set('state', `${callback.searchParams.get('state')}x`);
    const res = await browser.request(`${tampered.pathname}${tampered.search}`);
    expect(res.headers.location).toBe('/signin?error=state');
    expect(res.cookies.some((c) => c.name === 'carepack_session')).toBe(false);
    expect(failures()).toContainEqual(expect.objectContaining({ signInError: 'state' }));
    // The genuine callback afterwards finds no sign-in in progress.
    const genuine = await browser.request(`${callback.pathname}${callback.search}`);
    expect(genuine.headers.location).toBe('/signin?error=expired');
    expect((await browser.request('/api/auth/me')).statusCode).toBe(401);
  });

  it('refuses a callback in a browser that did not start the sign-in, or with a forged flow cookie', async () => {
    const { callback } = await startSignIn(new Browser(api));
    const stranger = new Browser(api);
    const res = await stranger.request(`${callback.pathname}${callback.search}`);
    expect(res.headers.location).toBe('/signin?error=expired');
    const forged = { state: callback.searchParams.get('state'), nonce: 'n', verifier: 'v', returnTo: '/' };
    stranger.cookies.set(
      'carepack_oidc',
      Buffer.from(JSON.stringify({ ...forged, expires: Date.now() + 60_000 })).toString('base64url'),
    );
    const withForged = await stranger.request(`${callback.pathname}${callback.search}`);
    expect(withForged.headers.location).toBe('/signin?error=expired');
  });

  it('refuses an ID token whose nonce is not this sign-in’s', async () => {
    idp.nonceOverride = 'someone-elses-nonce';
    const s = await signIn(new Browser(api));
    expect(s.location).toBe('/signin?error=invalid_token');
    expect(failures()).toContainEqual(expect.objectContaining({ reason: expect.stringMatching(/nonce/) }));
  });

  it('cannot be completed with a code issued to another sign-in (PKCE)', async () => {
    // The attacker's code (its challenge is not this browser's) injected into the victim's callback.
    const attacker = await startSignIn(new Browser(api));
    const victim = new Browser(api);
    const s = await signIn(victim, {
      tamper: (callback) => callback.searchParams.set('code', attacker.callback.searchParams.get('code')!),
    });
    expect(s.location).toBe('/signin?error=token');
    expect(failures()).toContainEqual(
      expect.objectContaining({
        signInError: 'token',
        reason: expect.stringMatching(/PKCE verification failed/),
      }),
    );
    expect(s.done.cookies.some((c) => c.name === 'carepack_session')).toBe(false);
  });

  it('sends the browser to the sign-in page when the provider refuses, or the person has no Carepack role', async () => {
    idp.nextError = 'access_denied';
    expect((await signIn(new Browser(api))).location).toBe('/signin?error=idp');
    expect(failures()).toContainEqual(
      expect.objectContaining({ signInError: 'idp', reason: expect.stringMatching(/access_denied/) }),
    );
    idp.claims = { sub: 'no-role', email: 'nobody@example.gov' };
    expect((await signIn(new Browser(api))).location).toBe('/signin?error=claims');
  });

  it('reports a token endpoint that fails', async () => {
    const broken = await app(oidcConfig({ tokenUrl: `${idp.issuer}no-token-endpoint` }));
    expect((await signIn(new Browser(broken))).location).toBe('/signin?error=token');
    const wrongSecret = await app(oidcConfig({ clientSecret: 'not-the-secret' }));
    expect((await signIn(new Browser(wrongSecret))).location).toBe('/signin?error=token');
    expect(failures()).toContainEqual(
      expect.objectContaining({ reason: expect.stringMatching(/invalid_client/) }),
    );
  });

  it('sends the browser to the sign-in page when the datastore fails, and logs it as an error', async () => {
    const failing = Object.create(store) as DrivenStore;
    failing.upsertUsers = () => Promise.reject(new Error('datastore unreachable'));
    const down = await app(oidcConfig(), { store: failing });
    expect((await signIn(new Browser(down))).location).toBe('/signin?error=server');
    expect(failures()).toContainEqual(expect.objectContaining({ level: 50, signInError: 'server' }));
  });

  it('signs in a public client with PKCE alone', async () => {
    const spa = await app(oidcConfig({ clientId: 'carepack-spa', clientSecret: undefined }));
    const browser = new Browser(spa);
    expect((await signIn(browser)).location).toBe('/');
    const tokenRequest = idp.tokenRequests.at(-1)!;
    expect(tokenRequest.authorization).toBeUndefined();
    expect(tokenRequest.form.get('client_id')).toBe('carepack-spa');
    expect((await browser.request('/api/auth/me')).statusCode).toBe(200);
  });

  it('keeps bearer tokens for the API audience working; an ID token is no bearer token', async () => {
    const bearer = await idp.sign(mnAnalyst, 'carepack-api');
    const ok = await api.inject({ url: '/api/packages', headers: { authorization: `Bearer ${bearer}` } });
    expect(ok.statusCode).toBe(200);
    const idToken = await idp.sign({ ...mnAnalyst, nonce: 'n' }, 'carepack-web');
    const refused = await api.inject({
      url: '/api/packages',
      headers: { authorization: `Bearer ${idToken}` },
    });
    expect(refused.statusCode).toBe(401);
  });

  it('ends the signed-in session on sign-out, and leaves bearer tokens working', async () => {
    const browser = new Browser(api);
    await signIn(browser);
    const saved = `carepack_session=${browser.cookies.get('carepack_session')}`;
    const bearer = { authorization: `Bearer ${await idp.sign(mnAnalyst, 'carepack-api')}` };
    const { token } = (await browser.request('/api/auth/csrf')).json() as { token: string };
    const out = await browser.request('/api/auth/logout', {
      method: 'POST',
      headers: { 'x-csrf-token': token },
    });
    expect(out.statusCode).toBe(204);
    expect((await api.inject({ url: '/api/auth/me', headers: { cookie: saved } })).statusCode).toBe(401);
    // A bearer token is the identity provider's: sign-out (even everywhere) leaves it valid.
    const everywhere = await api.inject({
      method: 'POST',
      url: '/api/auth/logout-everywhere',
      headers: bearer,
    });
    expect(everywhere.statusCode).toBe(204);
    expect((await api.inject({ url: '/api/packages', headers: bearer })).statusCode).toBe(200);
  });

  it('limits sign-in attempts', async () => {
    const limited = await app(oidcConfig());
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++)
      statuses.push((await limited.inject({ url: '/api/auth/oidc/login' })).statusCode);
    expect(statuses.filter((s) => s === 302)).toHaveLength(30);
    expect(statuses.at(-1)).toBe(429);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await api.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, { get?: { parameters?: { name: string }[] } }>;
    };
    expect(doc.paths['/api/auth/config']).toBeDefined();
    expect(doc.paths['/api/auth/oidc/login']?.get?.parameters?.map((p) => p.name)).toEqual(['returnTo']);
    expect(doc.paths['/api/auth/oidc/callback']?.get?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['code', 'state', 'error']),
    );
  });
});

describe("a CMS user's division from the identity provider", () => {
  let api: FastifyInstance;
  beforeAll(async () => {
    api = await app(oidcConfig());
  });
  const reviewer = (sub: string, extra: Record<string, unknown> = {}) => ({
    sub,
    email: `${sub}@cms.example.gov`,
    carepack_role: 'CMS_USER',
    ...extra,
  });
  /** Signs in through the browser flow with these claims; the user the session sees. */
  async function signedInAs(claims: Record<string, unknown>, on = api) {
    idp.claims = claims;
    const browser = new Browser(on);
    expect((await signIn(browser)).location).toBe('/');
    const me = await browser.request('/api/auth/me');
    expect(me.statusCode, me.body).toBe(200);
    return me.json() as { id: string; division?: string };
  }

  it('takes the division the token names (and a newer one replaces it)', async () => {
    expect(await signedInAs(reviewer('oact-1', { carepack_division: 'OACT' }))).toMatchObject({
      division: 'OACT',
    });
    const id = userIdFor(idp.issuer, 'oact-1');
    expect(await store.getUser(id)).toMatchObject({ division: 'OACT' });
    expect(await signedInAs(reviewer('oact-1', { carepack_division: 'DMCP' }))).toMatchObject({
      division: 'DMCP',
    });
    expect(await store.getUser(id)).toMatchObject({ division: 'DMCP' });
  });

  it('keeps the division an administrator set when the token names none', async () => {
    const first = await signedInAs(reviewer('set-by-admin'));
    expect(first).not.toHaveProperty('division');
    // As an administrator's change leaves it in the store.
    const stored = await store.getUser(first.id);
    await store.upsertUsers([{ ...stored, division: 'DMCO' } as typeof stored]);
    expect(await signedInAs(reviewer('set-by-admin'))).toMatchObject({ division: 'DMCO' });
    const bearer = await idp.sign(reviewer('set-by-admin'), 'carepack-api');
    expect(
      (await api.inject({ url: '/api/packages', headers: { authorization: `Bearer ${bearer}` } })).statusCode,
    ).toBe(200);
    expect(await store.getUser(first.id)).toMatchObject({ division: 'DMCO' });
  });

  it('keeps the states an administrator assigned, whatever the token says of the division', async () => {
    const first = await signedInAs(reviewer('assigned-by-admin'));
    const stored = await store.getUser(first.id);
    await store.upsertUsers([{ ...stored, stateAssignments: ['MN', 'VA'] } as typeof stored]);
    expect(await signedInAs(reviewer('assigned-by-admin', { carepack_division: 'OACT' }))).toMatchObject({
      division: 'OACT',
      stateAssignments: ['MN', 'VA'],
    });
    expect(await store.getUser(first.id)).toMatchObject({ division: 'OACT', stateAssignments: ['MN', 'VA'] });
  });

  it('refuses a token whose division is not one of CMS’s, like a bad role', async () => {
    idp.claims = reviewer('bad-division', { carepack_division: 'FINANCE' });
    expect((await signIn(new Browser(api))).location).toBe('/signin?error=claims');
    const bearer = await idp.sign(reviewer('bad-division', { carepack_division: 'FINANCE' }), 'carepack-api');
    const res = await api.inject({ url: '/api/packages', headers: { authorization: `Bearer ${bearer}` } });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toContain('carepack_division');
  });

  it('reads the claim the configuration names, and only for CMS users', async () => {
    const custom = await app({ ...oidcConfig(), divisionClaim: 'https://cms.example.gov/division' });
    const user = await signedInAs(
      reviewer('custom-claim', { 'https://cms.example.gov/division': 'OACT', carepack_division: 'DMCO' }),
      custom,
    );
    expect(user).toMatchObject({ division: 'OACT' });
    const state = await signedInAs({ ...mnAnalyst, sub: 'mn-with-division', carepack_division: 'OACT' });
    expect(state).not.toHaveProperty('division');
  });
});

describe('GET /api/auth/config', () => {
  it('tells the sign-in page which ways to sign in are on', async () => {
    const browserOidc = await app(oidcConfig());
    expect((await browserOidc.inject({ url: '/api/auth/config' })).json()).toEqual({
      devLogin: false,
      oidc: true,
    });
    // Bearer tokens only: no browser sign-in, and no development login either.
    const bearerOnly = await app(oidcConfig(false));
    expect((await bearerOnly.inject({ url: '/api/auth/config' })).json()).toEqual({
      devLogin: false,
      oidc: false,
    });
    expect((await bearerOnly.inject({ url: '/api/auth/oidc/login' })).statusCode).toBe(404);
    expect((await bearerOnly.inject({ url: '/api/auth/oidc/callback?code=x&state=y' })).statusCode).toBe(404);
    const development = await app(undefined);
    expect((await development.inject({ url: '/api/auth/config' })).json()).toEqual({
      devLogin: true,
      oidc: false,
    });
    expect((await development.inject({ url: '/api/auth/oidc/login' })).statusCode).toBe(404);
  });

  it('offers no development login while OIDC is configured', async () => {
    const browserOidc = await app(oidcConfig(), { devLogin: true });
    expect((await browserOidc.inject({ url: '/api/auth/dev-users' })).statusCode).toBe(404);
    const res = await browserOidc.inject({
      method: 'POST',
      url: '/api/auth/dev-login',
      payload: { userId: demo('CMS_USER').id },
    });
    expect(res.statusCode).toBe(404);
  });
});
