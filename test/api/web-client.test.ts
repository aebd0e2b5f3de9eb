/**
 * The API and the web client on one port: page addresses get the client's index.html (the
 * client routes in the browser), assets are served with long caching, and API, docs and health
 * addresses never fall through to the client.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/api.js';

const webRoot = mkdtempSync(join(tmpdir(), 'carepack-web-root-'));
const INDEX =
  '<!doctype html><title>Carepack</title><script type="module" src="/assets/index-abc123.js"></script>';
let api: TestApi;

beforeAll(async () => {
  mkdirSync(join(webRoot, 'assets'));
  writeFileSync(join(webRoot, 'index.html'), INDEX);
  writeFileSync(join(webRoot, 'assets', 'index-abc123.js'), 'console.log("carepack")');
  api = await testApi({ webRoot });
});
afterAll(async () => {
  await api.close();
  rmSync(webRoot, { recursive: true, force: true });
});

const page = (url: string, accept = 'text/html,application/xhtml+xml') =>
  api.app.inject({ method: 'GET', url, headers: { accept } });

describe('serving the web client', () => {
  it.each([
    '/',
    '/packages/new',
    '/packages/5b1c1e52-3b5a-4a8e-9d7e-0c1a2b3c4d01/edit/contract',
    '/signin?expired=1',
  ])('answers the page address %s with index.html, never cached', async (url) => {
    const res = await page(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toBe(INDEX);
  });

  it('answers a page address asked for with */* (curl) with the page too', async () => {
    const res = await page('/', '*/*');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(INDEX);
  });

  it('serves hashed assets with long-lived caching', async () => {
    const res = await page('/assets/index-abc123.js', '*/*');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('console.log("carepack")');
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it.each(['/api/nothing-here', '/api/packages/not-a-uuid/x', '/docs/nothing', '/openapi.json/x'])(
    'keeps %s an API 404 even for a browser',
    async (url) => {
      const res = await page(url);
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    },
  );

  it('answers a missing asset with a 404, not the page', async () => {
    const res = await page('/assets/gone.js', '*/*');
    expect(res.statusCode).toBe(404);
  });

  it('still answers the API beside the client', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/api/auth/config' });
    expect(res.json()).toEqual({ devLogin: true, oidc: false });
  });
});
