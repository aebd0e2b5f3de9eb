/**
 * `npm start` with the embedded engines on pinned ports (CAREPACK_DYNAMODB_PORT,
 * CAREPACK_S3_PORT), and downloads that reach a browser on another machine: the link names the
 * address the browser used for the API, never the embedded S3's own port on 127.0.0.1.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../src/files/s3-client.js';
import { DEMO_USERS } from '../../src/seed/seed.js';
import { freePort, LOCAL_CREDENTIALS } from '../../src/store/dynamo/dynamo-local.js';
import { MINIMAL_PDF } from '../support/api.js';
import { startServer, stopServer } from '../support/server-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'carepack-ports-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const mnUser = DEMO_USERS.find((u) => u.role === 'STATE_USER' && u.stateCode === 'MN')!;

/** A GET as a browser elsewhere sends it: to this machine, naming the API by `host`. */
function getAs(url: string, path: string, host: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${url}${path}`, { headers: { ...headers, host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('npm start with pinned engine ports', () => {
  it('runs DynamoDB Local and the S3 on the ports asked for, and serves downloads through the API', async () => {
    const dynamoPort = await freePort();
    let s3Port = await freePort();
    while (s3Port === dynamoPort) s3Port = await freePort();
    const env = {
      CAREPACK_DYNAMODB_PORT: String(dynamoPort),
      CAREPACK_S3_PORT: String(s3Port),
      CAREPACK_IN_MEMORY: '1',
      CAREPACK_WEB_CLIENT: '0',
    };
    const server = await startServer(dataDir, env);
    try {
      expect(server.output()).toContain(`embedded DynamoDB Local at http://127.0.0.1:${dynamoPort}`);
      expect(server.output()).toContain(`embedded S3 at http://127.0.0.1:${s3Port}`);
      // The engines answer there, as a tool pointed at the pinned ports would find them.
      const dynamo = new DynamoDBClient({
        endpoint: `http://127.0.0.1:${dynamoPort}`,
        region: 'us-east-1',
        credentials: LOCAL_CREDENTIALS,
      });
      const s3 = createS3Client({ endpoint: `http://127.0.0.1:${s3Port}`, region: 'us-east-1' });
      try {
        expect((await dynamo.send(new ListTablesCommand({}))).TableNames).toContain('carepack');
        await s3.send(new HeadBucketCommand({ Bucket: 'carepack-documents' }));
      } finally {
        dynamo.destroy();
        s3.destroy();
      }

      // Sign in, create a draft, upload a PDF.
      const login = await fetch(`${server.url}/api/auth/dev-login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: mnUser.id }),
      });
      const auth = {
        cookie: login.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; '),
        'x-csrf-token': login.headers.get('x-csrf-token')!,
      };
      const state = (await (await fetch(`${server.url}/api/states/MN`, { headers: auth })).json()) as {
        programs: { id: string; name: string }[];
      };
      const pmap = state.programs.find((p) => p.name === 'PMAP')!.id;
      const created = await fetch(`${server.url}/api/packages`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ formData: { submissionType: 'CONTRACT_ONLY', programIds: [pmap] } }),
      });
      const { id } = (await created.json()) as { id: string };
      const form = new FormData();
      form.append('category', 'CONTRACT');
      form.append('file', new Blob([MINIMAL_PDF], { type: 'application/pdf' }), 'contract.pdf');
      const uploaded = await fetch(`${server.url}/api/packages/${id}/documents`, {
        method: 'POST',
        headers: auth,
        body: form,
      });
      expect(uploaded.status).toBe(201);
      const doc = (await uploaded.json()) as { id: string };

      // A browser on another machine knows this one as carepack.lan: its link must say so.
      const apiPort = new URL(server.url).port;
      const answer = await getAs(
        server.url,
        `/api/packages/${id}/documents/${doc.id}/download`,
        `carepack.lan:${apiPort}`,
        auth,
      );
      expect(answer.status).toBe(200);
      const link = new URL((JSON.parse(answer.body) as { url: string }).url);
      expect(link.origin).toBe(`http://carepack.lan:${apiPort}`);
      expect(link.href).not.toContain(String(s3Port));

      // Followed (here via this machine's address for carepack.lan), with no session: the exact bytes.
      const file = await fetch(`${server.url}${link.pathname}${link.search}`);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-disposition')).toBe('attachment; filename="contract.pdf"');
      expect(Buffer.from(await file.arrayBuffer())).toEqual(MINIMAL_PDF);

      // A second server asking for the same DynamoDB port stops with a message naming it.
      await expect(startServer(dataDir, { ...env, CAREPACK_S3_PORT: '0' })).rejects.toThrow(
        `the embedded DynamoDB cannot listen on port ${dynamoPort}: another program uses it`,
      );
    } finally {
      expect(await stopServer(server)).toBe(0);
    }
  }, 180_000);
});
