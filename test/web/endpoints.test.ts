/**
 * The web client's API contract: every operation it calls (web/src/api/endpoints.ts) is an
 * operation of the server's OpenAPI document, with the same method, path and parameters.
 * Request and answer types come from the same zod schemas, so a route renamed, removed or
 * re-shaped on the server fails here rather than in a user's browser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../web/src/api/endpoints.js';
import { type TestApi, testApi } from '../support/api.js';

interface Operation {
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: unknown;
}

let api: TestApi;
let paths: Record<string, Record<string, Operation>>;
beforeAll(async () => {
  api = await testApi();
  await api.app.ready();
  paths = (api.app.swagger() as { paths: typeof paths }).paths;
});
afterAll(() => api.close());

describe('the web client calls only what the API publishes', () => {
  it.each(ENDPOINTS.map((e) => [e]))('%s', (endpoint) => {
    const [method, path] = endpoint.split(' ') as [string, string];
    const operation = paths[path]?.[method.toLowerCase()];
    expect(operation, `${endpoint} is not in /openapi.json`).toBeDefined();
    const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const documented = (operation!.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
    expect(documented.sort()).toEqual(pathParams.sort());
  });

  it('leaves no published operation unused without a reason', () => {
    const published = Object.entries(paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const unused = published.filter(
      (p) => p.includes('/api/') && !(ENDPOINTS as readonly string[]).includes(p),
    );
    const NOT_FETCHED = [
      // The client loads every state once and looks one up in that list.
      'GET /api/states/{code}',
      // An administrator's sign-out of another user; the client does not offer it (yet).
      'POST /api/users/{userId}/sessions/revoke',
      // A download link on the dashboards (list-params.ts packagesCsvHref): the browser navigates to it.
      'GET /api/packages.csv',
      // API clients (issue 14): administered through the API (README's curl walk), no page yet.
      'POST /api/admin/clients',
      'GET /api/admin/clients',
      'POST /api/admin/clients/{id}/rotate',
      'POST /api/admin/clients/{id}/revoke',
    ];
    // The OIDC routes are page navigations (redirects), not fetches.
    expect(unused.filter((p) => !p.includes('/auth/oidc/') && !NOT_FETCHED.includes(p))).toEqual([]);
  });
});
