/**
 * Browser sign-in with OpenID Connect: the authorization code flow with PKCE (RFC 7636, S256).
 *
 * `GET /api/auth/oidc/login` sends the browser to the identity provider with a fresh state, nonce
 * and code challenge; the state, nonce, code verifier and the path to return to stay in a
 * short-lived, signed, httpOnly cookie scoped to `/api/auth/oidc`. The provider sends the browser
 * back to `GET /api/auth/oidc/callback` with a code, which is exchanged (with the verifier, and the
 * client secret when there is one) at the token endpoint.
 *
 * What is verified is the **ID token**, not the access token: the ID token is the one OIDC defines
 * for the client (the access token may be opaque and carries no nonce). It is checked by the same
 * `jose` verifier as bearer tokens (signature against the JWKS, issuer, expiry, role and state
 * claims), with audience = the client id (or the configured API audience) and the nonce of this
 * sign-in. Its user is upserted and the ordinary session cookie started, exactly as the development
 * login does.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { OidcBrowserConfig, OidcConfig } from '../config.js';
import type { User } from '../domain/index.js';
import type { TokenVerifier } from './oidc.js';
import { ApiError } from './problem.js';

export const FLOW_COOKIE = 'carepack_oidc';
/** Only the login and callback routes see the flow cookie. */
export const FLOW_COOKIE_PATH = '/api/auth/oidc';
/** How long a browser may take at the identity provider. */
export const FLOW_TTL_MS = 10 * 60 * 1000;
/** Where a failed sign-in lands, with `?error=<SignInErrorCode>`; the web client shows a message. */
export const SIGNIN_PAGE = '/signin';

export interface OidcSignIn {
  config: OidcConfig & { browser: OidcBrowserConfig };
  verify: TokenVerifier;
}

/** One browser's sign-in in progress, as kept in the flow cookie. */
export interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
  /** Epoch ms after which the callback refuses it (the cookie's own expiry is up to the browser). */
  expires: number;
}

/**
 * Why a browser sign-in failed, as the `error` parameter of the sign-in page:
 * - `expired`: no sign-in in progress (flow cookie missing, expired or not genuine);
 * - `state`: the state does not match this browser's sign-in (a forged or replayed callback);
 * - `idp`: the identity provider answered with an error (the user cancelled, was refused, …);
 * - `token`: the code could not be exchanged (token endpoint unreachable or refusing it);
 * - `invalid_token`: the ID token failed verification (signature, issuer, audience, expiry, nonce);
 * - `claims`: the token is genuine but lacks a usable role or state for Carepack;
 * - `server`: something failed on our side (the datastore, say).
 */
export type SignInErrorCode = 'expired' | 'state' | 'idp' | 'token' | 'invalid_token' | 'claims' | 'server';

export class SignInError extends Error {
  override readonly name = 'SignInError';
  constructor(
    readonly code: SignInErrorCode,
    reason: string,
  ) {
    super(reason);
  }
}

const random = () => randomBytes(32).toString('base64url');

/** The S256 code challenge of a PKCE verifier. */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export function newFlow(returnTo: string | undefined, now = Date.now()): Flow {
  return {
    state: random(),
    nonce: random(),
    verifier: random(),
    returnTo: safeReturnTo(returnTo),
    expires: now + FLOW_TTL_MS,
  };
}

/**
 * Where to go after signing in: a path on this site, that is a relative path starting with
 * exactly one `/` (so not `//evil.com`, `/\evil.com` or `https://evil.com`); anything else is `/`.
 */
export function safeReturnTo(value: string | undefined): string {
  if (!value || value.length > 2000) return '/';
  // Browsers treat `\` like `/` and drop tabs and newlines, so `/\evil.com` and `/\t/evil.com` are `//`.
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\') || hasControl(value))
    return '/';
  const base = 'http://carepack.invalid';
  try {
    const url = new URL(value, base);
    if (url.origin !== base) return '/';
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return '/';
  }
}

const hasControl = (s: string) => [...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);

export function authorizationUrl(browser: OidcBrowserConfig, flow: Flow): string {
  const url = new URL(browser.authorizationUrl);
  const params = {
    response_type: 'code',
    client_id: browser.clientId,
    redirect_uri: browser.redirectUrl,
    scope: browser.scopes,
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: codeChallenge(flow.verifier),
    code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

export const encodeFlow = (flow: Flow) => Buffer.from(JSON.stringify(flow)).toString('base64url');

/** The flow in an already-unsigned cookie value, if it is whole and unexpired. */
export function decodeFlow(value: string | null | undefined, now = Date.now()): Flow | null {
  if (!value) return null;
  try {
    const f = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<Flow>;
    const strings = [f.state, f.nonce, f.verifier, f.returnTo];
    if (!strings.every((s) => typeof s === 'string' && s) || typeof f.expires !== 'number') return null;
    if (f.expires < now) return null;
    return f as Flow;
  } catch {
    return null;
  }
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface CallbackQuery {
  code?: string | undefined;
  state?: string | undefined;
  error?: string | undefined;
  error_description?: string | undefined;
  iss?: string | undefined;
}

/** Completes a sign-in from the identity provider's answer: the user, or a SignInError saying why not. */
export async function completeSignIn(
  signIn: OidcSignIn,
  flow: Flow | null,
  query: CallbackQuery,
): Promise<{ user: User; returnTo: string }> {
  const { config } = signIn;
  if (!flow)
    throw new SignInError('expired', 'no sign-in in progress: the flow cookie is missing or expired');
  if (!query.state || !sameString(query.state, flow.state))
    throw new SignInError('state', 'the state parameter does not match this browser’s sign-in');
  // RFC 9207: when the provider names itself, it must be ours (mix-up defence).
  if (query.iss !== undefined && query.iss !== config.issuer)
    throw new SignInError('idp', `the authorization response came from issuer ${query.iss}`);
  if (query.error)
    throw new SignInError(
      'idp',
      `the identity provider answered ${clip(query.error)}${query.error_description ? `: ${clip(query.error_description)}` : ''}`,
    );
  if (!query.code) throw new SignInError('idp', 'the identity provider sent no code');
  const idToken = await exchangeCode(config.browser, query.code, flow.verifier);
  try {
    const user = await signIn.verify(idToken, {
      audience: [...new Set([config.browser.clientId, config.audience])],
      clientId: config.browser.clientId,
      nonce: flow.nonce,
    });
    return { user, returnTo: flow.returnTo };
  } catch (e) {
    if (e instanceof ApiError && e.code === 'UNAUTHENTICATED')
      throw new SignInError('invalid_token', e.message);
    if (e instanceof ApiError && e.code === 'FORBIDDEN') throw new SignInError('claims', e.message);
    throw e;
  }
}

/** Trades the code (and the PKCE verifier) for tokens at the token endpoint; returns the ID token. */
export async function exchangeCode(
  browser: OidcBrowserConfig,
  code: string,
  verifier: string,
): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: browser.redirectUrl,
    code_verifier: verifier,
  });
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (browser.clientSecret) {
    // client_secret_basic (RFC 6749 §2.3.1): both parts form-encoded, then Basic.
    const credentials = `${formEncode(browser.clientId)}:${formEncode(browser.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  } else {
    // A public client: PKCE is its only proof; it names itself in the body.
    body.set('client_id', browser.clientId);
  }
  let res: Response;
  try {
    res = await fetch(browser.tokenUrl, {
      method: 'POST',
      headers,
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    throw new SignInError('token', `the token endpoint is unreachable: ${(e as Error).message}`);
  }
  const text = await res.text().catch(() => '');
  let answer: Record<string, unknown> = {};
  try {
    answer = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Reported below; the body itself is not logged (it could hold tokens).
  }
  if (!res.ok) {
    const error = typeof answer.error === 'string' ? clip(answer.error) : 'no error code';
    const description =
      typeof answer.error_description === 'string' ? `: ${clip(answer.error_description)}` : '';
    throw new SignInError('token', `the token endpoint answered ${res.status} (${error}${description})`);
  }
  if (typeof answer.id_token !== 'string' || !answer.id_token)
    throw new SignInError('token', 'the token endpoint sent no id_token (is the openid scope granted?)');
  return answer.id_token;
}

const formEncode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
/** Provider-supplied text goes to the log; keep it short. */
const clip = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}…` : s);
