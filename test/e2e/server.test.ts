/**
 * `npm start` as a newcomer runs it: a real process on the embedded DynamoDB with a data
 * directory, seeded demo users, the API, a clean shutdown — and data that survives a restart.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../src/seed/seed.js';
import { startServer, stopServer } from '../support/server-process.js';
import { readyContractOnlyForm } from './ready-contract-form.js';

const dataDir = mkdtempSync(join(tmpdir(), 'carepack-e2e-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

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
const cmsUser = DEMO_USERS.find((u) => u.role === 'CMS_USER')!;
const flUser = DEMO_USERS.find((u) => u.role === 'STATE_USER' && u.stateCode === 'FL')!;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}

/**
 * As a new user would: a Minnesota analyst uploads a PDF and submits; the email is in the
 * outbox and the snapshot in S3; CMS downloads the PDF and unlocks; Florida sees nothing.
 */
async function documentRoundTrip(url: string, mn: Auth, pmap: string) {
  const formData = readyContractOnlyForm(pmap);
  const pkg = await call(url, '/api/packages', {
    method: 'POST',
    auth: mn,
    body: JSON.stringify({ formData }),
  });
  const id = pkg.body.id as string;
  const form = new FormData();
  form.append('category', 'CONTRACT');
  form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'contract.pdf');
  const uploaded = await fetch(`${url}/api/packages/${id}/documents`, {
    method: 'POST',
    headers: { ...mn },
    body: form,
  });
  expect(uploaded.status).toBe(201);
  const doc = (await uploaded.json()) as { id: string; sha256: string };
  const submitted = await call(url, `/api/packages/${id}/submit`, {
    method: 'POST',
    auth: mn,
    body: JSON.stringify({ expectedVersion: 2 }),
  });
  expect(submitted.status).toBe(200);
  expect(submitted.body.name).toBe('MN-PMAP-0002');

  const deadline = Date.now() + 10_000;
  let mails: string[] = [];
  while (Date.now() < deadline && mails.length < 2) {
    mails = existsSync(join(dataDir, 'outbox')) ? readdirSync(join(dataDir, 'outbox')) : [];
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(mails.length).toBeGreaterThanOrEqual(2);
  expect(
    filesUnder(join(dataDir, 's3')).some((f) => f.includes(`${id}/submissions/revision-0001.json`)),
  ).toBe(true);

  const cms = await login(url, cmsUser.id);
  const link = await call(url, `/api/packages/${id}/documents/${doc.id}/download`, { auth: cms });
  expect(link.status).toBe(200);
  expect(Buffer.from(await (await fetch(link.body.url as string)).arrayBuffer())).toEqual(PDF);
  const unlocked = await call(url, `/api/packages/${id}/unlock`, {
    method: 'POST',
    auth: cms,
    body: JSON.stringify({ expectedVersion: 3, reason: 'Please attach the signed contract' }),
  });
  expect(unlocked.body.status).toBe('UNLOCKED');

  const fl = await login(url, flUser.id);
  expect((await call(url, `/api/packages/${id}`, { auth: fl })).status).toBe(404);
  expect((await call(url, `/api/packages/${id}/documents/${doc.id}/download`, { auth: fl })).status).toBe(
    404,
  );
  const touch = await call(url, `/api/packages/${id}/resubmit`, {
    method: 'POST',
    auth: fl,
    body: JSON.stringify({ expectedVersion: 4, reason: 'x' }),
  });
  expect(touch.status).toBe(404);
}

describe('npm start', () => {
  it('serves the API on the embedded DynamoDB, keeps data across restarts, and runs on PostgreSQL after a copy', async () => {
    const first = await startServer(dataDir);
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
      await documentRoundTrip(first.url, auth, pmap);
      expect((await call(first.url, '/readyz')).body).toEqual({
        ok: true,
        store: 'dynamodb',
        checks: { datastore: 'ok', documents: 'ok' },
      });
    } finally {
      expect(await stopServer(first)).toBe(0);
    }

    const second = await startServer(dataDir);
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
    // Asynchronous, and killed outright at its limit: a synchronous spawn would freeze this
    // worker, timeouts and all, if the copy never ended.
    const copy = await new Promise<{ status: number | null; stdout: string; stderr: string }>((done) =>
      execFile(
        process.execPath,
        ['bin/carepack.js', 'store', 'copy', '--from', 'dynamodb', '--to', 'postgres'],
        { env: { ...process.env, CAREPACK_DATA_DIR: dataDir }, timeout: 120_000, killSignal: 'SIGKILL' },
        (error, stdout, stderr) =>
          done({ status: error ? ((error.code as number | undefined) ?? null) : 0, stdout, stderr }),
      ),
    );
    expect(copy.status, copy.stderr + copy.stdout).toBe(0);
    expect(copy.stdout).toContain('VERIFIED');

    const onPostgres = await startServer(dataDir, { CAREPACK_STORE: 'postgres' });
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
