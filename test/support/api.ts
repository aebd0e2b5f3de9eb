import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { FastifyBaseLogger, FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { SESSION_COOKIE } from '../../src/api/session.js';
import type { User } from '../../src/domain/index.js';
import { createS3FileStore, type FileStore } from '../../src/files/file-store.js';
import { createS3Client } from '../../src/files/s3-client.js';
import { startEmbeddedS3 } from '../../src/files/s3-embedded.js';
import { notScanning, type ScannerSetting } from '../../src/files/scanner.js';
import { createNotifier, type Notifier, outboxTransport } from '../../src/notify/index.js';
import { DEMO_USERS, seedStore } from '../../src/seed/seed.js';
import { freshDynamoStore } from './dynamo.js';
import type { DrivenStore } from './store-commands.js';

export const demo = (role: User['role'], stateCode?: string): User => {
  const user = DEMO_USERS.find(
    (u) => u.role === role && (!stateCode || ('stateCode' in u && u.stateCode === stateCode)),
  );
  if (!user) throw new Error(`no demo user ${role} ${stateCode ?? ''}`);
  return user;
};

/** What an authenticated browser sends: its cookies and the CSRF token. */
export type AuthHeaders = { cookie: string; 'x-csrf-token': string };

/** The session secret of every test API (download tokens are signed with it too). */
export const TEST_SESSION_SECRET = 'test-secret-test-secret-test-secret-0123';

export interface TestApi {
  app: FastifyInstance;
  store: DrivenStore;
  files: FileStore;
  /** Where the emails are written. */
  outbox: string;
  /** Uploads `file` to package `id` as the signed-in `headers` (multipart: `fields` first, then the file). */
  upload(
    id: string,
    headers: AuthHeaders,
    file: { name: string; content: Buffer | string },
    fields?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  /** Every stored object (key → SHA-256 of its bytes), read straight from S3. */
  objectDigests(): Promise<Map<string, string>>;
  notifier: Notifier;
  /**
   * Signs in through the development login; the headers an authenticated client sends. Give
   * `remoteAddress` to sign in from another client address (the login is rate-limited per address).
   */
  login(user: User, remoteAddress?: string): Promise<AuthHeaders>;
  close(): Promise<void>;
}

export interface TestApiOptions {
  devLogin?: boolean;
  scanner?: ScannerSetting;
  maxUploadBytes?: number;
  /** A built web client to serve at `/`. */
  webRoot?: string;
  /** The store to serve from (default: a fresh DynamoDB table); see `STORE_BACKENDS`. */
  createStore?: () => Promise<DrivenStore>;
  /** Where download links point (AppOptions.downloads): S3 presigned URLs by default. */
  downloads?: 'presigned' | 'api';
  publicUrl?: string;
  /** Where the app logs (default: nowhere), e.g. to check audit lines. */
  logger?: FastifyBaseLogger;
  /** Puts something between the app and its file store, e.g. to watch the streams it opens. */
  wrapFiles?: (files: FileStore) => FileStore;
}

/** The API on a fresh DynamoDB table (or the store given) and an embedded S3 in a temporary folder; emails go to an outbox. */
export async function testApi(options: TestApiOptions = {}): Promise<TestApi> {
  const store = options.createStore
    ? await options.createStore()
    : (await freshDynamoStore('carepack-api')).store;
  await seedStore(store, { demoUsers: true });
  const s3 = await startEmbeddedS3({ buckets: ['carepack-test-documents'] });
  const client = createS3Client({ endpoint: s3.endpoint, region: 'us-east-1' });
  const files = createS3FileStore({ client, bucket: 'carepack-test-documents' });
  const outbox = mkdtempSync(join(tmpdir(), 'carepack-outbox-'));
  const notifier = createNotifier({
    transport: outboxTransport(outbox, quietLogger),
    from: 'Carepack <no-reply@carepack.example.gov>',
    cmsReviewList: ['review@cms.example.gov'],
    baseUrl: 'http://localhost:3000',
    retries: 0,
    logger: quietLogger,
  });
  const app = await buildApp({
    store,
    sessionSecret: TEST_SESSION_SECRET,
    devLogin: options.devLogin ?? true,
    files: options.wrapFiles ? options.wrapFiles(files) : files,
    scanner: options.scanner ?? notScanning,
    ...(options.maxUploadBytes ? { maxUploadBytes: options.maxUploadBytes } : {}),
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
    ...(options.downloads ? { downloads: options.downloads } : {}),
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    notifier,
    logger: options.logger ?? false,
  });
  return {
    app,
    store,
    files,
    outbox,
    notifier,
    upload(id, headers, file, fields = { category: 'CONTRACT' }) {
      const body = multipartBody(fields, file);
      return app.inject({
        method: 'POST',
        url: `/api/packages/${id}/documents`,
        headers: { ...headers, 'content-type': body.contentType },
        payload: body.payload,
      });
    },
    async objectDigests() {
      const digests = new Map<string, string>();
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: 'carepack-test-documents', ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) {
          const body = await files.getStream(o.Key!);
          const hash = createHash('sha256');
          for await (const chunk of body) hash.update(chunk as Buffer);
          digests.set(o.Key!, hash.digest('hex'));
        }
        token = page.NextContinuationToken;
      } while (token);
      return digests;
    },
    async login(user, remoteAddress) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/dev-login',
        payload: { userId: user.id },
        ...(remoteAddress ? { remoteAddress } : {}),
      });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
      const session = res.cookies.find((c) => c.name === SESSION_COOKIE);
      const secret = res.cookies.find((c) => c.name === '_csrf');
      const token = res.headers['x-csrf-token'];
      if (!session || !secret || typeof token !== 'string')
        throw new Error('login gave no session, CSRF secret or token');
      return { cookie: `${SESSION_COOKIE}=${session.value}; _csrf=${secret.value}`, 'x-csrf-token': token };
    },
    async close() {
      await app.close();
      await notifier.drain();
      await store.close();
      client.destroy();
      await s3.stop();
      rmSync(outbox, { recursive: true, force: true });
    },
  };
}

export const json = <T = Record<string, unknown>>(res: LightMyRequestResponse) => res.json() as T;

const quietLogger = { info: () => {}, warn: () => {}, error: () => {} };

/** A multipart/form-data body: fields first, then one file. */
export function multipartBody(
  fields: Record<string, string>,
  file: { name: string; content: Buffer | string; type?: string },
) {
  const boundary = `----carepack${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
    ),
    Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export { CONTRACT_ONLY_READY } from './complete-form.js';

/** A small but real PDF. */
export const MINIMAL_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
