/** API clients in API tests: one created by an administrator, and a token for it. */
import type { ApiScope } from '../../src/domain/index.js';
import { type AuthHeaders, demo, type TestApi } from './api.js';

export interface TestClient {
  id: string;
  secret: string;
}

/** Creates a client acting as the demo CMS reviewer (or `userId`), as the demo administrator. */
export async function createClient(
  api: TestApi,
  scopes: ApiScope[],
  options: { admin?: AuthHeaders; userId?: string; name?: string } = {},
): Promise<TestClient> {
  const admin = options.admin ?? (await api.login(demo('ADMIN_USER')));
  const res = await api.app.inject({
    method: 'POST',
    url: '/api/admin/clients',
    headers: admin,
    payload: {
      name: options.name ?? `test ${scopes.join(' ')}`,
      scopes,
      userId: options.userId ?? demo('CMS_USER').id,
    },
  });
  if (res.statusCode !== 201) throw new Error(`client creation failed: ${res.body}`);
  const body = res.json() as { client: { id: string }; clientSecret: string };
  return { id: body.client.id, secret: body.clientSecret };
}

export const basic = (client: TestClient) =>
  `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;

/** POST /oauth/token with HTTP Basic; the access token. */
export async function clientToken(api: TestApi, client: TestClient, remoteAddress?: string): Promise<string> {
  const res = await api.app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { authorization: basic(client), 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'grant_type=client_credentials',
    ...(remoteAddress ? { remoteAddress } : {}),
  });
  if (res.statusCode !== 200) throw new Error(`token request failed: ${res.body}`);
  return (res.json() as { access_token: string }).access_token;
}
