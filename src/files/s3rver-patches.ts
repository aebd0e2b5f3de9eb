/**
 * The S3 behaviours Carepack relies on that s3rver 3.7 (the embedded S3, last released 2021)
 * lacks or gets wrong, each supplied by one small Koa middleware run ahead of s3rver's own.
 *
 * This is the one file that knows s3rver's internals: its Koa middleware list, and two methods of
 * its private file store (`existsObject`, `getResourcePath`), checked when the patches are applied
 * so that an s3rver without them fails at start instead of on some later request.
 * test/files/s3rver-patches.test.ts checks each behaviour against S3's documented semantics.
 */
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type S3rver from 's3rver';

type Context = Parameters<S3rver['middleware'][number]>[0];
type Middleware = (ctx: Context, next: () => Promise<void>) => Promise<void>;

/** The two methods of s3rver's private FilesystemStore the patches need. */
interface S3rverStore {
  existsObject(bucket: string, key: string): Promise<boolean>;
  /** `(bucket, undefined, 'uploads')` → the folder holding one sub-folder per unfinished upload. */
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
}

/** Puts the patches in front of s3rver's middleware; call before `run()`. */
export function applyS3rverPatches(server: S3rver): void {
  const store = storeOf(server);
  server.middleware.unshift(
    unknownUploadIsNoSuchUpload(store),
    abortMultipartUpload(store),
    putIfNoneMatch(store),
    copySourceFullyDecoded,
  );
}

function storeOf(server: S3rver): S3rverStore {
  const store = (server as unknown as { store?: Partial<S3rverStore> }).store;
  if (typeof store?.existsObject !== 'function' || typeof store.getResourcePath !== 'function') {
    throw new Error(
      'this s3rver has no store.existsObject/getResourcePath: src/files/s3rver-patches.ts needs updating',
    );
  }
  return store as S3rverStore;
}

/**
 * S3 answers 404 NoSuchUpload to UploadPart, ListParts, CompleteMultipartUpload and
 * AbortMultipartUpload of an upload that does not exist (never started, completed or aborted).
 * s3rver recreates the upload's folder on UploadPart (parts left for ever), answers 500 to
 * CompleteMultipartUpload and 405 to the rest.
 */
function unknownUploadIsNoSuchUpload(store: S3rverStore): Middleware {
  return async (ctx, next) => {
    const uploadId = ctx.query.uploadId;
    const target = bucketAndKey(ctx.path);
    if (typeof uploadId !== 'string' || !target) return next();
    const folder = uploadFolder(store, target.bucket, uploadId);
    const exists = folder
      ? await stat(folder).then(
          (s) => s.isDirectory(),
          () => false,
        )
      : false;
    if (exists) return next();
    refuse(ctx, 404, 'NoSuchUpload', 'The specified upload does not exist.');
  };
}

/**
 * S3's AbortMultipartUpload deletes the parts uploaded so far. s3rver 3.7 has no such operation
 * (it answers 405), so an aborted upload would leave its parts on disk for ever. Runs after
 * unknownUploadIsNoSuchUpload, so the upload exists here.
 */
function abortMultipartUpload(store: S3rverStore): Middleware {
  return async (ctx, next) => {
    const uploadId = ctx.query.uploadId;
    const target = bucketAndKey(ctx.path);
    const folder = target && typeof uploadId === 'string' && uploadFolder(store, target.bucket, uploadId);
    if (ctx.method !== 'DELETE' || !folder) return next();
    await rm(folder, { recursive: true, force: true });
    ctx.status = 204;
  };
}

/**
 * S3 honours `If-None-Match: *` on PutObject (write only if the key is absent, else 412
 * PreconditionFailed); s3rver ignores it and overwrites. Carepack's write-once submission
 * snapshots rely on it.
 */
function putIfNoneMatch(store: S3rverStore): Middleware {
  return async (ctx, next) => {
    const target = bucketAndKey(ctx.path);
    if (ctx.method !== 'PUT' || ctx.headers['if-none-match'] !== '*' || !target) return next();
    if (!(await store.existsObject(target.bucket, target.key))) return next();
    refuse(ctx, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
  };
}

/**
 * S3 fully URL-decodes `x-amz-copy-source`; s3rver uses decodeURI, which leaves reserved
 * characters such as `%2B` (+) or `%3F` (?) encoded and so copies from the wrong key.
 * Re-encoding with encodeURI hands s3rver a value its decodeURI turns into the right key.
 */
async function copySourceFullyDecoded(ctx: Context, next: () => Promise<void>): Promise<void> {
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

/** Answers with an S3 error document, discarding any request body not read. */
function refuse(ctx: Context, status: number, code: string, message: string): void {
  ctx.req.resume();
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
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

/** s3rver's upload ids are 32 hex characters; anything else never names a folder of ours. */
function uploadFolder(store: S3rverStore, bucket: string, uploadId: string): string | undefined {
  if (!/^[0-9a-f]{32}$/.test(uploadId)) return undefined;
  return join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
}
