/**
 * A typed fetch over `Endpoints`: the path template, its parameters, query and body are
 * checked at compile time. Changes carry the session's CSRF token; errors arrive as
 * `ApiError` with the server's problem details and field errors.
 */
import type { Endpoints } from './endpoints.js';
import type { FieldError, Problem } from './types.js';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: FieldError[];
  readonly requestId: string | undefined;

  constructor(status: number, problem: Partial<Problem>) {
    super(problem.detail || problem.title || `the request failed (HTTP ${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code ?? 'UNKNOWN';
    this.fieldErrors = problem.errors ?? [];
    this.requestId = problem.requestId;
  }
}

export const isApiError = (e: unknown, status?: number): e is ApiError =>
  e instanceof ApiError && (status === undefined || e.status === status);

type Key = keyof Endpoints;
type PathParams<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParams<Rest>
  : never;
type ParamsOption<K extends Key> = [PathParams<K>] extends [never]
  ? { params?: never }
  : { params: Record<PathParams<K>, string> };
type QueryOption<K extends Key> = Endpoints[K] extends { query: infer Q } ? { query?: Q } : { query?: never };
type BodyOption<K extends Key> = Endpoints[K] extends { body: infer B } ? { body: B } : { body?: never };
export type CallOptions<K extends Key> = ParamsOption<K> & QueryOption<K> & BodyOption<K>;
export type Response<K extends Key> = Endpoints[K]['response'];

let csrfToken: string | undefined;
/** Sessions start with a token (dev-login answers with one); forget it on sign-out. */
export function setCsrfToken(token: string | undefined) {
  csrfToken = token;
}

async function csrf(): Promise<string> {
  if (!csrfToken) csrfToken = (await call('GET /api/auth/csrf', {})).token;
  return csrfToken;
}

/** The URL of an endpoint with its parameters and query filled in. */
export function urlOf(path: string, params?: Record<string, string>, query?: object): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') search.set(k, String(v));
  const qs = search.toString();
  return qs ? `${filled}?${qs}` : filled;
}

export async function problemOf(res: globalThis.Response): Promise<ApiError> {
  let problem: Partial<Problem> = {};
  try {
    problem = (await res.json()) as Partial<Problem>;
  } catch {
    // Not JSON (a proxy's error page): the status alone has to do.
  }
  return new ApiError(res.status, problem);
}

export async function call<K extends Key>(
  key: K,
  options: CallOptions<K>,
  retried = false,
): Promise<Response<K>> {
  const [method, path] = key.split(' ') as [string, string];
  const headers: Record<string, string> = { accept: 'application/json' };
  // Every change carries the session's CSRF token; signing in starts the session that has one.
  if (method !== 'GET' && key !== 'POST /api/auth/dev-login') headers['x-csrf-token'] = await csrf();
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(urlOf(path, options.params, options.query as object | undefined), {
    method,
    headers,
    credentials: 'same-origin',
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  if (res.ok) {
    if (key === 'POST /api/auth/dev-login') setCsrfToken(res.headers.get('x-csrf-token') ?? undefined);
    if (res.status === 204) return null as Response<K>;
    return (await res.json()) as Response<K>;
  }
  const error = await problemOf(res);
  // A token from before a restart or another sign-in: fetch a fresh one, once.
  if (error.code === 'CSRF_FAILED' && !retried) {
    setCsrfToken(undefined);
    return call(key, options, true);
  }
  if (error.status === 401) notifySignedOut();
  throw error;
}

export { csrf as csrfToken };

const signedOutListeners = new Set<() => void>();
/** Called when the server says the session is gone (expired, signed out elsewhere). */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}
function notifySignedOut() {
  setCsrfToken(undefined);
  for (const l of signedOutListeners) l();
}
