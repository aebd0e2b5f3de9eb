/**
 * `npm start` as a newcomer runs it: a real process on the embedded DynamoDB with a data
 * directory, seeded demo users, the API, a clean shutdown — and data that survives a restart.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../src/seed/seed.js';

const dataDir = mkdtempSync(join(tmpdir(), 'carepack-e2e-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Running {
  url: string;
  child: ChildProcess;
  output: () => string;
}

async function startServer(extraEnv: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, CAREPACK_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 90_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(/Carepack is running at (http:\/\/[^\s]+?) /);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return { url, child, output: () => out };
}

/** Signs in as a demo user the way a browser does: session and CSRF cookies, CSRF token. */
async function login(url: string, userId: string): Promise<Auth> {
  const res = await call(url, '/api/auth/dev-login', { method: 'POST', body: JSON.stringify({ userId }) });
  expect(res.status).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, 'x-csrf-token': res.headers.get('x-csrf-token')! };
}

async function stopServer(s: Running): Promise<number | null> {
  return new Promise((resolve) => {
    s.child.once('exit', (code) => resolve(code));
    s.child.kill('SIGTERM');
  });
}

interface Auth {
  cookie: string;
  'x-csrf-token': string;
}

async function call(url: string, path: string, init: RequestInit & { auth?: Auth } = {}) {
  const res = await fetch(`${url}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.auth ?? {}) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const mnUser = DEMO_USERS.find((u) => u.role === 'STATE_USER' && u.stateCode === 'MN')!;

describe('npm start', () => {
  it('serves the API on the embedded DynamoDB, keeps data across restarts, and runs on PostgreSQL after a copy', async () => {
    const first = await startServer();
    let packageId: string;
    try {
      expect(first.output()).toContain('seeded 51 states and 5 demo users');
      const auth = await login(first.url, mnUser.id);
      const mn = await call(first.url, '/api/states/MN', { auth });
      const pmap = (mn.body.programs as { id: string; name: string }[]).find((p) => p.name === 'PMAP')!.id;
      const created = await call(first.url, '/api/packages', {
        method: 'POST',
        auth,
        body: JSON.stringify({ formData: { submissionType: 'CONTRACT_ONLY', programIds: [pmap] } }),
      });
      expect(created.status).toBe(201);
      expect(created.body.name).toBe('MN-PMAP-0001');
      packageId = created.body.id as string;
      expect((await call(first.url, '/readyz')).body).toEqual({
        ok: true,
        store: 'dynamodb',
        checks: { datastore: 'ok', documents: 'ok' },
      });
    } finally {
      expect(await stopServer(first)).toBe(0);
    }

    const second = await startServer();
    let auth: Auth;
    try {
      expect(second.output()).not.toContain('seeded');
      auth = await login(second.url, mnUser.id);
      const again = await call(second.url, `/api/packages/${packageId}`, { auth });
      expect(again.status).toBe(200);
      expect(again.body.name).toBe('MN-PMAP-0001');
    } finally {
      expect(await stopServer(second)).toBe(0);
    }

    // The cutover: copy the embedded DynamoDB into the embedded PostgreSQL, then run on it.
    const copy = spawnSync(
      process.execPath,
      ['bin/carepack.js', 'store', 'copy', '--from', 'dynamodb', '--to', 'postgres'],
      {
        env: { ...process.env, CAREPACK_DATA_DIR: dataDir },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(copy.status, copy.stderr + copy.stdout).toBe(0);
    expect(copy.stdout).toContain('VERIFIED');

    const onPostgres = await startServer({ CAREPACK_STORE: 'postgres' });
    try {
      expect(onPostgres.output()).toContain('embedded PostgreSQL');
      const again = await call(onPostgres.url, `/api/packages/${packageId}`, { auth });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ name: 'MN-PMAP-0001', status: 'DRAFT', version: 1 });
    } finally {
      expect(await stopServer(onPostgres)).toBe(0);
    }
  }, 240_000);
});
