/** Signing in to a benchmark's API through the development login, as a browser would. */

/** What a signed-in browser sends: its cookies, and the CSRF token for changes. */
export interface Session {
  userId: string;
  cookie: string;
  csrf: string;
}

/** Signs `userId` in at the API at `base`: its session cookie and CSRF token. */
export async function devLogin(base: string, userId: string): Promise<Session> {
  const res = await fetch(`${base}/api/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  if (res.status !== 200)
    throw new Error(`dev login of ${userId} answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = res.headers.get('x-csrf-token');
  if (!cookie || !csrf) throw new Error('dev login gave no session cookie or CSRF token');
  return { userId, cookie, csrf };
}

/** The headers a signed-in browser sends with a change. */
export const sessionHeaders = (s: Session) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });
