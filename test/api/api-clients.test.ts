/**
 * API clients (issue 14) end to end: administrators create, list, rotate and revoke them; the
 * token endpoint (RFC 6749 §4.4, errors per §5.2); bearer tokens on /api within the client's
 * scopes, acting as its CMS user, audited with the client; revocation and rotation end tokens.
 */
import { randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, FormDataSchema, type Package } from '../../src/domain/index.js';
import { ApiClientService, LAST_USED_INTERVAL_MS } from '../../src/service/api-client-service.js';
import { type AuthHeaders, demo, type TestApi, testApi } from '../support/api.js';
import { basic, clientToken, createClient, type TestClient } from '../support/api-clients.js';
import { contractOnlyReady } from '../support/complete-form.js';

let api: TestApi;
let admin: AuthHeaders;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

beforeAll(async () => {
  api = await testApi();
  admin = await api.login(demo('ADMIN_USER'));
});
afterAll(() => api.close());

let address = 0;
/** Each token request from its own address, so the endpoint's rate limit stays out of the way. */
const token = (payload: string, headers: Record<string, string> = {}) =>
  api.app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { ...FORM, ...headers },
    payload,
    remoteAddress: `10.1.0.${++address % 250}`,
  });

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

async function submittedPackage(): Promise<Package> {
  const mn = await api.store.getState('MN');
  const actor = actorOf(demo('STATE_USER', 'MN'));
  const formData = FormDataSchema.parse(contractOnlyReady([mn.programs[0]!.id]));
  const draft = await api.store.createDraft({
    id: randomUUID(),
    stateCode: 'MN',
    formData,
    documents: [],
    actor,
  });
  return api.store.submit(draft.id, { expectedVersion: draft.version, actor });
}

describe('administering API clients', () => {
  it('creates a client with its secret shown once, stored only as a hash, and lists it without', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/admin/clients',
      headers: admin,
      payload: {
        name: 'Review robot',
        scopes: ['packages:read', 'review:write'],
        userId: demo('CMS_USER').id,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const { client, clientSecret } = res.json();
    expect(clientSecret).toMatch(/^cps_[A-Za-z0-9_-]{43}$/);
    expect(client).toMatchObject({
      name: 'Review robot',
      scopes: ['packages:read', 'review:write'],
      userId: demo('CMS_USER').id,
      createdBy: demo('ADMIN_USER').id,
      secretGeneration: 0,
      revoked: false,
    });
    expect(client).not.toHaveProperty('secretHash');
    const stored = await api.store.getApiClient(client.id);
    expect(JSON.stringify(stored)).not.toContain(clientSecret);
    expect(stored.secretHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const list = await api.app.inject({ url: '/api/admin/clients', headers: admin });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((c: { id: string }) => c.id)).toContain(client.id);
    expect(list.body).not.toContain('sha256:');
    expect(list.body).not.toContain(clientSecret);
  });

  it('refuses a client acting as anyone but a CMS user, naming the field', async () => {
    for (const userId of [demo('STATE_USER', 'MN').id, demo('ADMIN_USER').id, randomUUID()]) {
      const res = await api.app.inject({
        method: 'POST',
        url: '/api/admin/clients',
        headers: admin,
        payload: { name: 'x', scopes: ['packages:read'], userId },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ path: 'userId', message: 'must name a CMS user' }]);
    }
    const bad = await api.app.inject({
      method: 'POST',
      url: '/api/admin/clients',
      headers: admin,
      payload: { name: 'x', scopes: ['packages:write'], userId: demo('CMS_USER').id },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('body.scopes.0');
  });

  it('lets only administrators near them', async () => {
    const cms = await api.login(demo('CMS_USER'));
    for (const [method, url] of [
      ['GET', '/api/admin/clients'],
      ['POST', `/api/admin/clients/${randomUUID()}/rotate`],
      ['POST', `/api/admin/clients/${randomUUID()}/revoke`],
    ] as const) {
      expect((await api.app.inject({ method, url, headers: cms })).statusCode).toBe(403);
    }
    expect(
      (
        await api.app.inject({
          method: 'POST',
          url: `/api/admin/clients/${randomUUID()}/revoke`,
          headers: admin,
        })
      ).statusCode,
    ).toBe(404);
  });
});

describe('POST /oauth/token', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await createClient(api, ['packages:read'], { admin });
  });

  it('issues a short-lived signed JWT for HTTP Basic or body credentials', async () => {
    for (const res of [
      await token('grant_type=client_credentials', { authorization: basic(client) }),
      await token(
        `grant_type=client_credentials&client_id=${client.id}&client_secret=${encodeURIComponent(client.secret)}`,
      ),
    ]) {
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const body = res.json();
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'packages:read' });
      expect(decodeProtectedHeader(body.access_token)).toMatchObject({ alg: 'HS256', typ: 'at+jwt' });
      const claims = decodeJwt(body.access_token);
      expect(claims).toMatchObject({ sub: client.id, iss: 'carepack', scope: 'packages:read' });
      expect(claims.exp! - claims.iat!).toBe(900);
    }
  });

  it('answers a wrong secret exactly like an unknown client: 401 invalid_client', async () => {
    const wrong = await token('grant_type=client_credentials', {
      authorization: basic({ ...client, secret: `${client.secret.slice(0, -1)}x` }),
    });
    const unknown = await token('grant_type=client_credentials', {
      authorization: basic({ id: randomUUID(), secret: client.secret }),
    });
    const inBody = await token(`grant_type=client_credentials&client_id=${client.id}&client_secret=nope`);
    const noCredentials = await token('grant_type=client_credentials');
    for (const res of [wrong, unknown, inBody, noCredentials]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="carepack", charset="UTF-8"');
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.json()).toEqual({
        error: 'invalid_client',
        error_description: 'client authentication failed',
      });
    }
  });

  it('answers malformed requests with RFC 6749 §5.2 errors', async () => {
    const auth = { authorization: basic(client) };
    const cases: [Awaited<ReturnType<typeof token>>, number, string][] = [
      [await token('', auth), 400, 'invalid_request'],
      [await token('grant_type=password', auth), 400, 'unsupported_grant_type'],
      [
        await token('grant_type=client_credentials&grant_type=client_credentials', auth),
        400,
        'invalid_request',
      ],
      [await token(`grant_type=client_credentials&client_id=${client.id}`, auth), 400, 'invalid_request'],
      [await token('grant_type=client_credentials&scope=review:write', auth), 400, 'invalid_scope'],
      [await token('grant_type=client_credentials&scope=everything', auth), 400, 'invalid_scope'],
      [await token('grant_type=client_credentials', { authorization: 'Bearer abc' }), 401, 'invalid_client'],
      [await token('grant_type=client_credentials\u0000', auth), 400, 'invalid_request'],
    ];
    const json = await api.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: { grant_type: 'client_credentials' },
    });
    cases.push([json, 400, 'invalid_request']);
    for (const [res, status, error] of cases) {
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().error).toBe(error);
      expect(typeof res.json().error_description).toBe('string');
    }
  });

  it('is rate-limited per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) {
      const res = await api.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: FORM,
        payload: 'grant_type=client_credentials',
        remoteAddress: '10.9.9.9',
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) expect(res.json().error).toBe('too_many_requests');
    }
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
  });
});

describe('bearer tokens on /api', () => {
  it('reads as the CMS user with packages:read, and nothing else', async () => {
    const pkg = await submittedPackage();
    const t = await clientToken(api, await createClient(api, ['packages:read'], { admin }), '10.2.0.1');
    const read = await api.app.inject({ url: `/api/packages/${pkg.id}`, headers: bearer(t) });
    expect(read.statusCode).toBe(200);
    expect(
      (await api.app.inject({ url: `/api/packages/${pkg.id}/history`, headers: bearer(t) })).statusCode,
    ).toBe(200);
    const unlock = await api.app.inject({
      method: 'POST',
      url: `/api/packages/${pkg.id}/unlock`,
      headers: bearer(t),
      payload: { expectedVersion: pkg.version, reason: 'Please fix' },
    });
    expect(unlock.statusCode).toBe(403);
    expect(unlock.json()).toMatchObject({
      code: 'INSUFFICIENT_SCOPE',
      detail: 'POST /api/packages/:id/unlock needs the scope review:write; this client has packages:read',
    });
    const adminRoute = await api.app.inject({ url: '/api/admin/clients', headers: bearer(t) });
    expect(adminRoute.statusCode).toBe(403);
    expect(adminRoute.json().detail).toBe(
      'API clients may not use GET /api/admin/clients: sign in as a person',
    );
    expect((await api.app.inject({ url: `/api/packages/${pkg.id}` })).statusCode).toBe(401);
  });

  it('approves with review:write, without a CSRF token, and the history names the client', async () => {
    const pkg = await submittedPackage();
    const client = await createClient(api, ['review:write'], { admin });
    const t = await clientToken(api, client, '10.2.0.2');
    const res = await api.app.inject({
      method: 'POST',
      url: `/api/packages/${pkg.id}/approve`,
      headers: bearer(t),
      payload: { expectedVersion: pkg.version, releasedOn: new Date().toISOString().slice(0, 10) },
    });
    expect(res.statusCode, res.body).toBe(200);
    const trail = (await api.store.listAudit(pkg.id)).items;
    const approval = trail.find((e) => e.action === 'APPROVE')!;
    expect(approval.actor).toEqual({ ...actorOf(demo('CMS_USER')), clientId: client.id });
    // The decision itself names the user, as any decision does.
    const after = await api.store.getPackage(pkg.id);
    expect(after.reviewActions?.at(-1)?.by).toEqual(actorOf(demo('CMS_USER')));
    const history = await api.app.inject({ url: `/api/packages/${pkg.id}/history`, headers: bearer(t) });
    expect(history.statusCode).toBe(403); // review:write alone does not read
    const cms = await api.login(demo('CMS_USER'));
    const shown = (await api.app.inject({ url: `/api/packages/${pkg.id}/history`, headers: cms })).json();
    expect(shown.items.find((e: { action: string }) => e.action === 'APPROVE').actor.clientId).toBe(
      client.id,
    );
    // The same change through a session names no client.
    expect(trail.find((e) => e.action === 'SUBMIT')!.actor).not.toHaveProperty('clientId');
  });

  it('needs the CSRF token when a session cookie comes along with the bearer token', async () => {
    const pkg = await submittedPackage();
    const t = await clientToken(api, await createClient(api, ['review:write'], { admin }), '10.2.0.3');
    const cms = await api.login(demo('CMS_USER'));
    const res = await api.app.inject({
      method: 'POST',
      url: `/api/packages/${pkg.id}/withdraw`,
      headers: { ...bearer(t), cookie: cms.cookie },
      payload: { expectedVersion: pkg.version, reason: 'State asked' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('CSRF_FAILED');
  });

  it('stops working once the client is rotated or revoked', async () => {
    const client = await createClient(api, ['packages:read'], { admin });
    const old = await clientToken(api, client, '10.2.0.4');
    const rotated = await api.app.inject({
      method: 'POST',
      url: `/api/admin/clients/${client.id}/rotate`,
      headers: admin,
    });
    expect(rotated.statusCode).toBe(200);
    const { clientSecret, client: after } = rotated.json();
    expect(after.secretGeneration).toBe(1);
    expect(clientSecret).not.toBe(client.secret);
    const refused = await api.app.inject({ url: '/api/packages', headers: bearer(old) });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(refused.json().detail).toContain('rotated');
    expect((await token('grant_type=client_credentials', { authorization: basic(client) })).statusCode).toBe(
      401,
    );
    const fresh = await clientToken(api, { id: client.id, secret: clientSecret }, '10.2.0.5');
    expect((await api.app.inject({ url: '/api/packages', headers: bearer(fresh) })).statusCode).toBe(200);

    const revoked = await api.app.inject({
      method: 'POST',
      url: `/api/admin/clients/${client.id}/revoke`,
      headers: admin,
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ revoked: true });
    const gone = await api.app.inject({ url: '/api/packages', headers: bearer(fresh) });
    expect(gone.statusCode).toBe(401);
    expect(gone.json().detail).toContain('revoked');
    const again = await token('grant_type=client_credentials', {
      authorization: basic({ id: client.id, secret: clientSecret }),
    });
    expect(again.json()).toEqual({
      error: 'invalid_client',
      error_description: 'client authentication failed',
    });
    const rotateRevoked = await api.app.inject({
      method: 'POST',
      url: `/api/admin/clients/${client.id}/rotate`,
      headers: admin,
    });
    expect(rotateRevoked.statusCode).toBe(409);
  });

  it('stops acting for a user who is no longer a CMS user', async () => {
    const id = randomUUID();
    const user = {
      id,
      email: `${id.slice(0, 8)}@cms.example.gov`,
      givenName: 'Temp',
      familyName: 'Reviewer',
    };
    await api.store.upsertUsers([{ ...user, role: 'CMS_USER' }]);
    const client = await createClient(api, ['packages:read'], { admin, userId: id });
    const t = await clientToken(api, client, '10.2.0.7');
    await api.store.upsertUsers([{ ...user, role: 'STATE_USER', stateCode: 'MN' }]);
    // Past the session cache: the user is read again.
    await new Promise((r) => setTimeout(r, 1100));
    const res = await api.app.inject({ url: '/api/packages', headers: bearer(t) });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
    const again = await token('grant_type=client_credentials', { authorization: basic(client) });
    expect(again.statusCode).toBe(400);
    expect(again.json().error).toBe('unauthorized_client');
  });

  it('refuses forged and tampered tokens', async () => {
    const t = await clientToken(api, await createClient(api, ['packages:read'], { admin }), '10.2.0.6');
    const [h, p, s] = t.split('.');
    const payload = Buffer.from(
      JSON.stringify({ ...decodeJwt(t), scope: 'packages:read review:write' }),
    ).toString('base64url');
    for (const forged of [`${h}.${payload}.${s}`, `${h}.${p}.${s!.slice(0, -2)}AA`, 'not.a.jwt']) {
      const res = await api.app.inject({ url: '/api/packages', headers: bearer(forged) });
      expect(res.statusCode).toBe(401);
    }
  });
});

describe('last used', () => {
  it('is recorded when a client is used, at most once a minute', async () => {
    let now = Date.parse('2030-01-01T00:00:00.000Z');
    let touches = 0;
    const counting = new Proxy(api.store, {
      get(target, prop, receiver) {
        if (prop === 'touchApiClient')
          return (id: string, at: string) => {
            touches++;
            return target.touchApiClient(id, at);
          };
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const service = new ApiClientService(counting, () => new Date(now));
    const { client } = await service.create(demo('ADMIN_USER'), {
      name: 'x',
      scopes: ['packages:read'],
      userId: demo('CMS_USER').id,
    });
    await service.markUsed(client);
    await service.markUsed(await api.store.getApiClient(client.id));
    now += LAST_USED_INTERVAL_MS - 1;
    await service.markUsed(client);
    expect(touches).toBe(1);
    now += 1;
    await service.markUsed(client);
    expect(touches).toBe(2);
    expect((await api.store.getApiClient(client.id)).lastUsedAt).toBe(new Date(now).toISOString());
  });
});

describe('/openapi.json', () => {
  it('documents the session cookie and the client-credentials flow, and each route’s scope', async () => {
    const doc = (await api.app.inject({ url: '/openapi.json' })).json();
    expect(doc.components.securitySchemes.apiClient.flows.clientCredentials).toMatchObject({
      tokenUrl: '/oauth/token',
      scopes: { 'packages:read': expect.any(String), 'review:write': expect.any(String) },
    });
    expect(doc.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie' });
    expect(doc.paths['/api/packages/{id}/approve'].post.security).toContainEqual({
      apiClient: ['review:write'],
    });
    expect(doc.paths['/api/packages/{id}'].get.security).toContainEqual({ apiClient: ['packages:read'] });
    expect(doc.paths['/api/packages'].post.security).toEqual([{ session: [] }, { identityProvider: [] }]);
    expect(doc.paths['/oauth/token'].post).toBeDefined();
  });
});
