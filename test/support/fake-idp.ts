/**
 * A small but real OpenID Connect provider on 127.0.0.1 for the browser sign-in tests: an
 * authorization endpoint that skips its own UI and sends the browser straight back with a code,
 * a token endpoint that checks the code, the PKCE verifier, the redirect URI and the client's
 * authentication, and a JWKS. ID tokens are signed with `jose`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface FakeClient {
  /** Confidential clients authenticate with client_secret_basic; public ones send client_id only. */
  secret?: string;
  redirectUri: string;
}

interface Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string;
  claims: Record<string, unknown>;
  used: boolean;
}

export interface FakeIdp {
  issuer: string;
  authorizationUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  /** Claims of the person who "signs in" at the next authorization request. */
  claims: Record<string, unknown>;
  /** Makes the next authorization answer with this error instead of a code. */
  nextError?: string;
  /** Makes ID tokens carry this nonce instead of the requested one. */
  nonceOverride?: string;
  /** Every token request, for assertions on client authentication. */
  tokenRequests: { authorization?: string; form: URLSearchParams }[];
  /** A token as this provider would issue it, for any audience (bearer tokens for the API, say). */
  sign(claims: Record<string, unknown>, audience: string): Promise<string>;
  close(): Promise<void>;
}

const b64url = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

export async function startFakeIdp(clients: Record<string, FakeClient>): Promise<FakeIdp> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
  const grants = new Map<string, Grant>();

  const idp: FakeIdp = {
    issuer: '',
    authorizationUrl: '',
    tokenUrl: '',
    jwksUrl: '',
    claims: {},
    tokenRequests: [],
    sign: (claims, audience) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
        .setIssuer(idp.issuer)
        .setAudience(audience)
        .setSubject(String(claims.sub))
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey),
    close: () => new Promise((r) => server.close(() => r())),
  };

  const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', idp.issuer);
    if (req.method === 'GET' && url.pathname === '/jwks') return json(res, 200, { keys: [jwk] });

    if (req.method === 'GET' && url.pathname === '/authorize') {
      const q = url.searchParams;
      const client = clients[q.get('client_id') ?? ''];
      const redirectUri = q.get('redirect_uri') ?? '';
      // A provider never redirects to an unregistered URI.
      if (!client || client.redirectUri !== redirectUri) return json(res, 400, { error: 'invalid_client' });
      const back = new URL(redirectUri);
      back.searchParams.set('state', q.get('state') ?? '');
      back.searchParams.set('iss', idp.issuer);
      const problems = [
        q.get('response_type') !== 'code' && 'response_type',
        q.get('code_challenge_method') !== 'S256' && 'code_challenge_method',
        !q.get('code_challenge') && 'code_challenge',
        !q.get('nonce') && 'nonce',
        !(q.get('scope') ?? '').split(' ').includes('openid') && 'scope',
      ].filter(Boolean);
      if (idp.nextError || problems.length) {
        back.searchParams.set('error', idp.nextError ?? 'invalid_request');
        back.searchParams.set('error_description', problems.join(', ') || 'refused');
        idp.nextError = undefined;
      } else {
        const code = randomBytes(16).toString('hex');
        grants.set(code, {
          clientId: q.get('client_id')!,
          redirectUri,
          challenge: q.get('code_challenge')!,
          nonce: q.get('nonce')!,
          claims: { ...idp.claims },
          used: false,
        });
        back.searchParams.set('code', code);
      }
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }

    if (req.method === 'POST' && url.pathname === '/token') {
      const form = new URLSearchParams(await readBody(req));
      const authorization = req.headers.authorization;
      idp.tokenRequests.push({ ...(authorization ? { authorization } : {}), form });
      // Client authentication: Basic for confidential clients, client_id in the body for public ones.
      let clientId = form.get('client_id') ?? '';
      if (authorization?.startsWith('Basic ')) {
        const [id, secret] = Buffer.from(authorization.slice(6), 'base64')
          .toString()
          .split(':')
          .map((s) => decodeURIComponent(s.replace(/\+/g, ' ')));
        if (!id || clients[id]?.secret !== secret) return json(res, 401, { error: 'invalid_client' });
        clientId = id;
      } else if (clients[clientId]?.secret) {
        return json(res, 401, {
          error: 'invalid_client',
          error_description: 'client authentication required',
        });
      }
      const grant = grants.get(form.get('code') ?? '');
      if (
        form.get('grant_type') !== 'authorization_code' ||
        !grant ||
        grant.used ||
        grant.clientId !== clientId
      )
        return json(res, 400, { error: 'invalid_grant' });
      if (grant.redirectUri !== form.get('redirect_uri'))
        return json(res, 400, { error: 'invalid_grant', error_description: 'redirect_uri mismatch' });
      if (b64url(form.get('code_verifier') ?? '') !== grant.challenge)
        return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
      grant.used = true;
      const idToken = await idp.sign({ ...grant.claims, nonce: idp.nonceOverride ?? grant.nonce }, clientId);
      return json(res, 200, {
        access_token: randomBytes(16).toString('hex'),
        token_type: 'Bearer',
        expires_in: 300,
        id_token: idToken,
      });
    }
    json(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  idp.issuer = `${base}/`;
  idp.authorizationUrl = `${base}/authorize`;
  idp.tokenUrl = `${base}/token`;
  idp.jwksUrl = `${base}/jwks`;
  return idp;
}
