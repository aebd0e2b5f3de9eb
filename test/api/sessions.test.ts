/**
 * Sign-out ends sessions on the server: a copy of the cookie saved before it is refused after.
 * Sign-out needs the CSRF token; "sign out everywhere" ends the user's other sessions; an
 * administrator can end any user's sessions, audited in the structured log.
 */
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AuthHeaders, demo, type TestApi, testApi } from '../support/api.js';

let api: TestApi;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line)) });
  api = await testApi({ logger });
});
afterAll(() => api.close());
beforeEach(() => {
  logLines.length = 0;
});

const mina = demo('STATE_USER', 'MN');
const felix = demo('STATE_USER', 'FL');
const cora = demo('CMS_USER');
const adam = demo('ADMIN_USER');

const get = (url: string, headers?: AuthHeaders) => api.app.inject({ url, ...(headers ? { headers } : {}) });
const post = (url: string, headers?: Partial<AuthHeaders>) =>
  api.app.inject({ method: 'POST', url, ...(headers ? { headers } : {}) });
/** The same browser without its CSRF token: only the cookies. */
const cookiesOnly = (h: AuthHeaders) => ({ cookie: h.cookie });

describe('sign-out', () => {
  it('ends the session on the server: the saved cookie gets 401 afterwards', async () => {
    const session = await api.login(mina);
    expect((await get('/api/packages', session)).statusCode).toBe(200);
    const out = await post('/api/auth/logout', session);
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'carepack_session')?.value).toBe('');
    for (const url of ['/api/packages', '/api/auth/me', '/api/auth/csrf']) {
      const replay = await get(url, session);
      expect(replay.statusCode, url).toBe(401);
      expect(replay.json().code).toBe('UNAUTHENTICATED');
    }
    expect(logLines).toContainEqual(expect.objectContaining({ audit: 'LOGOUT', userId: mina.id }));
    // Signing in again starts a session that works.
    expect((await get('/api/packages', await api.login(mina))).statusCode).toBe(200);
  });

  it('needs the CSRF token, and without it ends nothing', async () => {
    const session = await api.login(mina);
    const out = await post('/api/auth/logout', cookiesOnly(session));
    expect(out.statusCode).toBe(403);
    expect(out.json().code).toBe('CSRF_FAILED');
    expect((await get('/api/packages', session)).statusCode).toBe(200);
  });

  it('without a session only clears the cookie', async () => {
    const out = await post('/api/auth/logout');
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'carepack_session')?.value).toBe('');
  });
});

describe('sign out everywhere', () => {
  it("ends the user's other sessions too, and only that user's", async () => {
    const laptop = await api.login(felix);
    const phone = await api.login(felix);
    const someoneElse = await api.login(cora);
    const out = await post('/api/auth/logout-everywhere', laptop);
    expect(out.statusCode).toBe(204);
    expect((await get('/api/packages', phone)).statusCode).toBe(401);
    expect((await get('/api/packages', laptop)).statusCode).toBe(401);
    expect((await get('/api/packages', someoneElse)).statusCode).toBe(200);
    expect(logLines).toContainEqual(
      expect.objectContaining({ audit: 'LOGOUT_EVERYWHERE', userId: felix.id }),
    );
  });

  it('needs a session and the CSRF token', async () => {
    expect((await post('/api/auth/logout-everywhere')).statusCode).toBe(401);
    const session = await api.login(felix);
    const out = await post('/api/auth/logout-everywhere', cookiesOnly(session));
    expect(out.statusCode).toBe(403);
    expect((await get('/api/packages', session)).statusCode).toBe(200);
  });
});

describe("an administrator ends a user's sessions", () => {
  const revoke = (userId: string) => `/api/users/${userId}/sessions/revoke`;

  it('ends every session of the user, and says so in the audit log', async () => {
    const user = await api.login(cora);
    const admin = await api.login(adam);
    const out = await post(revoke(cora.id), admin);
    expect(out.statusCode).toBe(204);
    expect((await get('/api/packages', user)).statusCode).toBe(401);
    expect((await get('/api/packages', admin)).statusCode).toBe(200);
    expect(logLines).toContainEqual(
      expect.objectContaining({
        audit: 'SESSIONS_REVOKED',
        userId: cora.id,
        by: { id: adam.id, email: adam.email, role: 'ADMIN_USER' },
      }),
    );
  });

  it('is refused to everyone else, and ends nothing', async () => {
    const target = await api.login(mina);
    for (const who of [cora, felix, mina]) {
      const out = await post(revoke(mina.id), await api.login(who));
      expect(out.statusCode, who.email).toBe(403);
      expect(out.json().code).toBe('FORBIDDEN');
    }
    expect((await post(revoke(mina.id))).statusCode).toBe(401);
    expect((await post(revoke(mina.id), cookiesOnly(await api.login(adam)))).statusCode).toBe(403);
    expect((await get('/api/packages', target)).statusCode).toBe(200);
    expect(logLines.filter((l) => l.audit === 'SESSIONS_REVOKED')).toEqual([]);
  });

  it('answers 404 for an unknown user and 400 for a malformed id', async () => {
    const admin = await api.login(adam);
    const unknown = await post(revoke('0b6a4d0e-7f0c-4d8e-9a55-3c2f1e0d9b71'), admin);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().detail).toBe('user 0b6a4d0e-7f0c-4d8e-9a55-3c2f1e0d9b71 was not found');
    expect((await post(revoke('not-a-uuid'), admin)).statusCode).toBe(400);
  });
});

describe('several API instances', () => {
  it('another instance honours a sign-out within its session cache time, and at once without a cache', async () => {
    const { buildApp } = await import('../../src/api/app.js');
    const { TEST_SESSION_SECRET } = await import('../support/api.js');
    const other = (sessionCacheMs: number) =>
      buildApp({
        store: api.store,
        sessionSecret: TEST_SESSION_SECRET,
        devLogin: true,
        logger: false,
        sessionCacheMs,
      });
    const [cached, uncached] = await Promise.all([other(400), other(0)]);
    try {
      const session = await api.login(mina);
      const status = async (app: typeof cached) =>
        (await app.inject({ url: '/api/packages', headers: session })).statusCode;
      const reads = vi.spyOn(api.store, 'getSessionUser');
      for (let i = 0; i < 3; i++) expect(await status(cached)).toBe(200);
      expect(reads, 'one store read for requests within the cache time').toHaveBeenCalledTimes(1);
      expect(await status(uncached)).toBe(200);
      expect(reads).toHaveBeenCalledTimes(2);
      reads.mockRestore();
      const ended = Date.now();
      expect((await post('/api/auth/logout', session)).statusCode).toBe(204);
      expect(await status(uncached)).toBe(401);
      // The bound: the other instance's cached check lasts at most its cache time.
      while ((await status(cached)) === 200) {
        expect(Date.now() - ended).toBeLessThan(400 + 200);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await status(cached)).toBe(401);
    } finally {
      await Promise.all([cached.close(), uncached.close()]);
    }
  });
});
