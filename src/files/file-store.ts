/**
 * Where document bytes live: the FileStore interface and its S3 implementation (real S3 or
 * the embedded s3rver). Keys are opaque (uuid + extension) and never reused; the original
 * file name is metadata, used only as the download name.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ByteMeter } from './byte-meter.js';
import { attachmentDisposition } from './content-disposition.js';
import { FileAlreadyExists, FileNotFound, FileTooLarge } from './file-errors.js';
import { isNotFound } from './s3-client.js';

export interface PutFileInput {
  key: string;
  body: Readable;
  contentType: string;
  /** The upload fails with FileTooLarge as soon as more bytes than this arrive. */
  maxBytes: number;
}

export interface StoredFile {
  size: number;
  /** Lower-case hex SHA-256 of the stored bytes, computed while streaming. */
  sha256: string;
}

/** A stored file opened for serving: its bytes, and what S3 recorded about them. */
export interface OpenedFile {
  body: Readable;
  contentType: string | undefined;
  size: number | undefined;
}

export interface DownloadLinkOptions {
  /** The name the browser saves the file as (the document's original name). */
  downloadName: string;
  expiresInSeconds: number;
}

export interface FileStore {
  readonly bucket: string;
  /**
   * Streams `body` to `key` without holding the whole file in memory. On any failure
   * (FileTooLarge included) nothing is left under `key` and `body` is destroyed.
   */
  put(input: PutFileInput): Promise<StoredFile>;
  /** The stored bytes, e.g. for a virus scan after upload. FileNotFound if absent. */
  getStream(key: string): Promise<Readable>;
  /** The stored bytes with their content type and size, to serve them. FileNotFound if absent. */
  read(key: string): Promise<OpenedFile>;
  /**
   * A short-lived GET link that makes the browser download (never display) the file. S3's own
   * presigned URL here; `apiDownloadLinks` (download-links.ts) swaps in a link to the API.
   */
  presignedGet(key: string, options: DownloadLinkOptions): Promise<string>;
  /** Idempotent: deleting an absent key succeeds. */
  delete(key: string): Promise<void>;
  /** Copy then delete (S3 has no rename), e.g. into quarantine. FileNotFound if `fromKey` is absent. */
  move(fromKey: string, toKey: string): Promise<void>;
  /** Write-once JSON (submission snapshots): FileAlreadyExists if `key` is taken. */
  putJson(key: string, value: unknown): Promise<void>;
  /** FileNotFound if absent. */
  getJson(key: string): Promise<unknown>;
  exists(key: string): Promise<boolean>;
  /** Readiness: resolves when the bucket is reachable, rejects otherwise. */
  ping(): Promise<void>;
}

export interface S3FileStoreOptions {
  client: S3Client;
  bucket: string;
  /** Multipart part size; S3's minimum is 5 MB. Memory per upload ≈ partSize × (queueSize + 1). */
  partSizeBytes?: number;
  /** Parts uploaded in parallel. */
  queueSize?: number;
}

export const DEFAULT_PART_SIZE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_QUEUE_SIZE = 2;
/** SigV4 presigned URLs cannot live longer than 7 days. */
export const MAX_LINK_SECONDS = 7 * 24 * 3600;

/** RangeError unless a link lifetime is a whole number of seconds S3 would presign. */
export function checkLinkSeconds(expiresInSeconds: number): void {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_LINK_SECONDS) {
    throw new RangeError(`expiresInSeconds must be 1..${MAX_LINK_SECONDS}`);
  }
}

/** `a b/c?.pdf` → `a%20b/c%3F.pdf`: CopySource is a URL path, with `/` kept as separators. */
function encodeKeyPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

export function createS3FileStore(options: S3FileStoreOptions): FileStore {
  const { client, bucket } = options;
  const partSize = options.partSizeBytes ?? DEFAULT_PART_SIZE_BYTES;
  const queueSize = options.queueSize ?? DEFAULT_QUEUE_SIZE;

  async function deleteObject(key: string): Promise<void> {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }

  async function getObject(key: string) {
    try {
      return await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (e) {
      if (isNotFound(e)) throw new FileNotFound(key);
      throw e;
    }
  }

  return {
    bucket,

    async put({ key, body, contentType, maxBytes }) {
      if (!Number.isSafeInteger(maxBytes) || maxBytes < 0)
        throw new RangeError(`invalid maxBytes ${maxBytes}`);
      const meter = new ByteMeter(maxBytes);
      // pipeline: a failing source fails the meter (and so the upload); a failing meter or
      // upload destroys the source, so an oversized request is not read any further.
      pipeline(body, meter, () => {});
      // Upload cuts the stream into parts of partSize (a single PutObject when it all fits in
      // one), so at most (queueSize + 1) parts are in memory.
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: meter, ContentType: contentType },
        partSize,
        queueSize,
        leavePartsOnError: false, // a failed multipart upload is aborted: its parts are deleted
      });
      try {
        await upload.done();
      } catch (e) {
        meter.destroy();
        // Keys are fresh, so whatever may exist under this one now came from this failed put
        // (e.g. a completion whose response was lost); remove it.
        await deleteObject(key).catch(() => {});
        if (meter.exceeded && !(e instanceof FileTooLarge)) throw new FileTooLarge(maxBytes);
        throw e;
      }
      return meter.result();
    },

    async getStream(key) {
      const out = await getObject(key);
      return out.Body as Readable;
    },

    async read(key) {
      const out = await getObject(key);
      return { body: out.Body as Readable, contentType: out.ContentType, size: out.ContentLength };
    },

    async presignedGet(key, { downloadName, expiresInSeconds }) {
      checkLinkSeconds(expiresInSeconds);
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ResponseContentDisposition: attachmentDisposition(downloadName),
      });
      return getSignedUrl(client, command, { expiresIn: expiresInSeconds });
    },

    delete: deleteObject,

    async move(fromKey, toKey) {
      if (fromKey === toKey) return;
      try {
        await client.send(
          new CopyObjectCommand({
            Bucket: bucket,
            Key: toKey,
            CopySource: `${bucket}/${encodeKeyPath(fromKey)}`,
          }),
        );
      } catch (e) {
        if (isNotFound(e)) throw new FileNotFound(fromKey);
        throw e;
      }
      await deleteObject(fromKey);
    },

    async putJson(key, value) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: JSON.stringify(value),
            ContentType: 'application/json',
            IfNoneMatch: '*', // write-once: never replace a snapshot
          }),
        );
      } catch (e) {
        if (e instanceof S3ServiceException && e.$metadata?.httpStatusCode === 412) {
          throw new FileAlreadyExists(key);
        }
        throw e;
      }
    },

    async getJson(key) {
      const out = await getObject(key);
      const text = await out.Body!.transformToString('utf-8');
      return JSON.parse(text) as unknown;
    },

    async exists(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (e) {
        if (isNotFound(e)) return false;
        throw e;
      }
    },

    async ping() {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    },
  };
}
