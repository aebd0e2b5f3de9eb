/**
 * The S3 behaviours Carepack relies on that s3rver 3.7 (the embedded S3, last released 2021)
 * lacks or gets wrong, each supplied by one small Koa middleware run ahead of s3rver's own.
 *
 * This is the one file that knows s3rver's internals: its Koa middleware list (the last entry is
 * its router; the one before it encodes response objects as XML), and two methods of
 * its private file store (`existsObject`, `getResourcePath`), checked when the patches are applied
 * so that an s3rver without them fails at start instead of on some later request.
 * test/files/s3rver-patches.test.ts checks each behaviour against S3's documented semantics.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type S3rver from 's3rver';
import { EMBEDDED_S3_CREDENTIALS } from './s3-client.js';

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
    presignedUrlSignatureChecked,
    unknownUploadIsNoSuchUpload(store),
    abortMultipartUpload(store),
    putIfNoneMatch(store),
    copySourceFullyDecoded,
  );
  // Just ahead of the router, so the listing's body is still an object, not XML yet.
  server.middleware.splice(server.middleware.length - 1, 0, listV2WithoutDes);
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
 * S3 checks the SigV4 signature of a presigned URL and refuses a tampered one (another key,
 * another response-content-disposition, a longer X-Amz-Expires) with 403 SignatureDoesNotMatch.
 * s3rver checks the expiry but not the signature ("calculation is unimplemented"), so a download
 * link edited by hand would still work in development and tests. Header-signed requests come only
 * from Carepack's own client and are left unchecked, as s3rver leaves them.
 */
async function presignedUrlSignatureChecked(ctx: Context, next: () => Promise<void>): Promise<void> {
  const query = queryPairs(ctx.querystring);
  const param = (name: string) => query?.find(([k]) => k === name)?.[1];
  const given = param('X-Amz-Signature');
  const [accessKeyId, ...scope] = param('X-Amz-Credential')?.split('/') ?? [];
  const date = param('X-Amz-Date');
  const signedHeaders = param('X-Amz-SignedHeaders');
  // Anything but a well-formed presigned request of the one account s3rver knows: s3rver answers.
  if (param('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || !query || !given || !date || !signedHeaders) {
    return next();
  }
  if (accessKeyId !== EMBEDDED_S3_CREDENTIALS.accessKeyId || scope.length !== 4) return next();

  const canonicalRequest = [
    ctx.method,
    ctx.path.split('/').map(reencode).join('/'),
    query
      .filter(([k]) => k !== 'X-Amz-Signature')
      .map(([k, v]): [string, string] => [uriEncode(k), uriEncode(v)])
      .sort(([k1, v1], [k2, v2]) => compare(k1, k2) || compare(v1, v2))
      .map(([k, v]) => `${k}=${v}`)
      .join('&'),
    ...signedHeaders.split(';').map((h) => `${h}:${headerValue(ctx.headers[h])}`),
    '',
    signedHeaders,
    param('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD',
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope.join('/'), sha256Hex(canonicalRequest)].join('\n');
  const signingKey = scope.reduce<Buffer | string>(
    (key, part) => hmac(key, part),
    `AWS4${EMBEDDED_S3_CREDENTIALS.secretAccessKey}`,
  );
  const expected = Buffer.from(hmac(signingKey, stringToSign).toString('hex'));
  const actual = Buffer.from(given);
  if (actual.length === expected.length && timingSafeEqual(actual, expected)) return next();
  refuse(
    ctx,
    403,
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided.',
  );
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

/**
 * S3's ListObjectsV2 pages with an opaque continuation token. s3rver makes its tokens with DES,
 * which OpenSSL 3 (Node 17 and later) no longer offers, so every truncated listing — more keys
 * than MaxKeys — failed with InternalError. This lists through s3rver's version 1 (`marker`)
 * instead and answers in version 2's shape, the token being the last key listed (base64url).
 */
async function listV2WithoutDes(ctx: Context, next: () => Promise<void>): Promise<void> {
  if (ctx.method !== 'GET' || ctx.query['list-type'] !== '2' || !/^\/[^/]+\/?$/.test(ctx.path)) return next();
  const token = single(ctx.query['continuation-token']);
  const startAfter = token
    ? Buffer.from(token, 'base64url').toString('utf8')
    : single(ctx.query['start-after']);
  if (token !== undefined && (!token || !startAfter))
    return refuse(ctx, 400, 'InvalidArgument', 'The continuation token provided is incorrect');
  const fetchOwner = single(ctx.query['fetch-owner']) === 'true';
  const {
    'list-type': _v,
    'continuation-token': _t,
    'start-after': _s,
    'fetch-owner': _o,
    ...rest
  } = ctx.query;
  ctx.query = { ...rest, ...(startAfter ? { marker: startAfter } : {}) };
  await next();
  const listed = (ctx.body as { ListBucketResult?: ListResultV1 } | undefined)?.ListBucketResult;
  if (!listed) return;
  const contents = listed.Contents ?? [];
  const last = contents.at(-1)?.Key;
  (ctx.body as { ListBucketResult: object }).ListBucketResult = {
    '@': listed['@'],
    Name: listed.Name,
    Prefix: listed.Prefix,
    StartAfter: token ? undefined : startAfter,
    ContinuationToken: token,
    NextContinuationToken:
      listed.IsTruncated && last ? Buffer.from(last, 'utf8').toString('base64url') : undefined,
    KeyCount: contents.length,
    MaxKeys: listed.MaxKeys,
    Delimiter: listed.Delimiter,
    IsTruncated: listed.IsTruncated,
    Contents: contents.map(({ Owner, ...c }) => (fetchOwner ? { ...c, Owner } : c)),
    CommonPrefixes: listed.CommonPrefixes,
  };
}

/** The parts of s3rver's version 1 listing body that version 2 keeps. */
interface ListResultV1 {
  '@': unknown;
  Name: string;
  Prefix: string;
  MaxKeys: unknown;
  Delimiter?: string;
  IsTruncated: boolean;
  Contents?: { Key: string; Owner?: unknown }[];
  CommonPrefixes?: unknown;
}

const single = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

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

/** The raw query string as decoded name/value pairs, in order; undefined if badly encoded. */
function queryPairs(querystring: string): [string, string][] | undefined {
  try {
    return querystring
      .split('&')
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=');
        const [k, v] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
        return [decodeURIComponent(k), decodeURIComponent(v)];
      });
  } catch {
    return undefined;
  }
}

/** SigV4's UriEncode: every byte but `A-Za-z0-9-_.~` percent-encoded. */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A path segment as SigV4 canonicalises it for S3: decoded once, encoded once. */
function reencode(segment: string): string {
  try {
    return uriEncode(decodeURIComponent(segment));
  } catch {
    return segment;
  }
}

function headerValue(value: string | string[] | undefined): string {
  return [value ?? ''].flat().join(',').trim().replace(/\s+/g, ' ');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data).digest('hex');
}
