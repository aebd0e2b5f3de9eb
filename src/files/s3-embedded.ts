/**
 * The embedded S3: s3rver (a fake S3 written in JavaScript) run inside this process on
 * 127.0.0.1, keeping objects as plain files under a directory. Nothing to install, no Docker.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import S3rver from 's3rver';

export interface EmbeddedS3 {
  /** `http://127.0.0.1:<port>`, for createS3Client({ endpoint }). */
  endpoint: string;
  /** Where the objects live on disk. */
  directory: string;
  stop(): Promise<void>;
}

export interface EmbeddedS3Options {
  /** Directory for the objects; omit to use a temporary one removed on stop (tests, in-memory mode). */
  dataDir?: string | undefined;
  /** Buckets to create if missing. */
  buckets?: string[];
  /** 0 (the default) picks a free port. */
  port?: number | undefined;
}

export async function startEmbeddedS3(options: EmbeddedS3Options = {}): Promise<EmbeddedS3> {
  const temporary = !options.dataDir;
  const directory = options.dataDir ? resolve(options.dataDir) : mkdtempSync(join(tmpdir(), 'carepack-s3-'));
  mkdirSync(directory, { recursive: true });

  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory,
    // Path-style only: a host name is never taken for a bucket name.
    vhostBuckets: false,
    // s3rver's putBucket is a mkdir -p, so this also "creates if missing" across restarts.
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  server.middleware.unshift(abortMultipartUpload(server), putIfNoneMatch(server), copySourceAsS3Decodes);

  const removeTemporary = () => {
    if (temporary) rmSync(directory, { recursive: true, force: true });
  };
  process.once('exit', removeTemporary);

  let port: number;
  try {
    ({ port } = await server.run());
  } catch (e) {
    process.off('exit', removeTemporary);
    removeTemporary();
    throw new Error(`could not start the embedded S3 (s3rver): ${(e as Error).message}`);
  }

  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    stop: () => {
      stopped ??= (async () => {
        const http = server.httpServer;
        const closed = server.close();
        // Keep-alive sockets of S3 clients would hold close() open; idle ones go now, busy ones soon.
        http?.closeIdleConnections();
        const force = setTimeout(() => http?.closeAllConnections(), 2000);
        try {
          await closed;
        } finally {
          clearTimeout(force);
          process.off('exit', removeTemporary);
          removeTemporary();
        }
      })();
      return stopped;
    },
  };
}

/** `/bucket/key/with/slashes` → bucket and decoded key (path-style requests only). */
function bucketAndKey(path: string): { bucket: string; key: string } | undefined {
  const m = /^\/([^/]+)\/(.+)$/.exec(path);
  if (!m?.[1] || !m[2]) return undefined;
  try {
    return { bucket: decodeURIComponent(m[1]), key: m[2].split('/').map(decodeURIComponent).join('/') };
  } catch {
    return undefined;
  }
}

function s3ErrorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

interface FilesystemStoreInternals {
  existsObject(bucket: string, key: string): Promise<boolean>;
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
}

/**
 * s3rver 3.7 has no AbortMultipartUpload (it answers 405), so an aborted upload would leave its
 * parts on disk for ever. This deletes the upload's folder, as S3 deletes the parts.
 */
function abortMultipartUpload(server: S3rver) {
  return async (ctx: Parameters<S3rver['middleware'][number]>[0], next: () => Promise<void>) => {
    const uploadId = ctx.query.uploadId;
    const target = bucketAndKey(ctx.path);
    if (ctx.method !== 'DELETE' || typeof uploadId !== 'string' || !target) return next();
    // s3rver's upload ids are 32 hex characters; anything else never names a folder of ours.
    const store = (server as unknown as { store: FilesystemStoreInternals }).store;
    const folder = /^[0-9a-f]{32}$/.test(uploadId)
      ? join(store.getResourcePath(target.bucket, undefined, 'uploads'), uploadId)
      : undefined;
    const exists = folder
      ? await stat(folder).then(
          () => true,
          () => false,
        )
      : false;
    if (!folder || !exists) {
      ctx.status = 404;
      ctx.type = 'application/xml';
      ctx.body = s3ErrorXml('NoSuchUpload', 'The specified upload does not exist.');
      return;
    }
    await rm(folder, { recursive: true, force: true });
    ctx.status = 204;
  };
}

/**
 * S3 honours `If-None-Match: *` on PutObject (write only if absent); s3rver ignores it and would
 * overwrite. Carepack relies on it for write-once snapshots, so the embedded server enforces it too.
 */
function putIfNoneMatch(server: S3rver) {
  return async (ctx: Parameters<S3rver['middleware'][number]>[0], next: () => Promise<void>) => {
    const target = bucketAndKey(ctx.path);
    if (ctx.method !== 'PUT' || ctx.headers['if-none-match'] !== '*' || !target) return next();
    const store = (server as unknown as { store: FilesystemStoreInternals }).store;
    if (await store.existsObject(target.bucket, target.key)) {
      ctx.req.resume(); // discard the body we will not store
      ctx.status = 412;
      ctx.type = 'application/xml';
      ctx.body = s3ErrorXml(
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
      );
      return;
    }
    return next();
  };
}

/**
 * S3 fully URL-decodes `x-amz-copy-source`; s3rver uses decodeURI, which leaves reserved
 * characters such as `%2B` (+) or `%3F` (?) encoded and so copies from the wrong key.
 * Re-encoding with encodeURI hands s3rver a value its decodeURI turns into the right key.
 */
async function copySourceAsS3Decodes(
  ctx: Parameters<S3rver['middleware'][number]>[0],
  next: () => Promise<void>,
): Promise<void> {
  const source = ctx.headers['x-amz-copy-source'];
  if (ctx.method === 'PUT' && typeof source === 'string') {
    try {
      ctx.headers['x-amz-copy-source'] = encodeURI(decodeURIComponent(source));
    } catch {
      // not valid percent-encoding: let s3rver answer as it would
    }
  }
  return next();
}
