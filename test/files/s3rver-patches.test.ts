/**
 * The S3 behaviours src/files/s3rver-patches.ts supplies, each checked against S3's documented
 * semantics through the AWS SDK v3 against the embedded server. Each describe names the S3
 * behaviour and the patch, so an s3rver upgrade (or a swap) shows at once what broke.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../src/files/s3-client.js';
import { type EmbeddedS3, startEmbeddedS3 } from '../../src/files/s3-embedded.js';
import { applyS3rverPatches } from '../../src/files/s3rver-patches.js';

const Bucket = 'carepack-s3rver-patches';
let s3: EmbeddedS3;
let client: S3Client;

beforeAll(async () => {
  s3 = await startEmbeddedS3({ buckets: [Bucket] });
  client = createS3Client({ endpoint: s3.endpoint, region: 'us-east-1' });
});

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
});

const newKey = (name = 'object.bin') => `${randomUUID()}/${name}`;

async function put(Key: string, body: string | Buffer): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket, Key, Body: body }));
}

async function text(Key: string): Promise<string> {
  const out = await client.send(new GetObjectCommand({ Bucket, Key }));
  return out.Body!.transformToString();
}

/** What a rejected SDK call is expected to look like: the S3 error code and HTTP status. */
const s3Error = (code: string, status: number) => ({ name: code, $metadata: { httpStatusCode: status } });

/** The S3 error code of a raw HTTP response (presigned URLs are fetched without the SDK). */
async function errorCode(res: Response): Promise<string | undefined> {
  return /<Code>([^<]*)<\/Code>/.exec(await res.text())?.[1];
}

describe('S3 PutObject with If-None-Match: * writes only if the key is absent — patch putIfNoneMatch', () => {
  it('a new key is written', async () => {
    const Key = newKey();
    await client.send(new PutObjectCommand({ Bucket, Key, Body: 'first', IfNoneMatch: '*' }));
    expect(await text(Key)).toBe('first');
  });

  it('an existing key is 412 PreconditionFailed and keeps its first content', async () => {
    const Key = newKey();
    await put(Key, 'first');
    await expect(
      client.send(new PutObjectCommand({ Bucket, Key, Body: 'second', IfNoneMatch: '*' })),
    ).rejects.toMatchObject(s3Error('PreconditionFailed', 412));
    expect(await text(Key)).toBe('first');
  });

  it('without the condition an existing key is overwritten', async () => {
    const Key = newKey();
    await put(Key, 'first');
    await put(Key, 'second');
    expect(await text(Key)).toBe('second');
  });
});

describe('S3 multipart uploads: AbortMultipartUpload deletes the parts, an unknown upload is NoSuchUpload — patches abortMultipartUpload, unknownUploadIsNoSuchUpload', () => {
  async function startUpload(Key: string) {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const { ETag } = await client.send(
      new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: randomBytes(1000) }),
    );
    return { UploadId: UploadId!, parts: [{ PartNumber: 1, ETag: ETag! }] };
  }

  it('a live upload completes into the object (the patches let known uploads through)', async () => {
    const Key = newKey();
    const { UploadId, parts } = await startUpload(Key);
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }),
    );
    expect((await client.send(new HeadObjectCommand({ Bucket, Key }))).ContentLength).toBe(1000);
  });

  it('after AbortMultipartUpload the upload is gone: ListParts, UploadPart and Complete are NoSuchUpload', async () => {
    const Key = newKey();
    const { UploadId, parts } = await startUpload(Key);
    await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));

    await expect(client.send(new ListPartsCommand({ Bucket, Key, UploadId }))).rejects.toMatchObject(
      s3Error('NoSuchUpload', 404),
    );
    await expect(
      client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: randomBytes(1000) })),
    ).rejects.toMatchObject(s3Error('NoSuchUpload', 404));
    await expect(
      client.send(
        new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }),
      ),
    ).rejects.toMatchObject(s3Error('NoSuchUpload', 404));
    await expect(client.send(new HeadObjectCommand({ Bucket, Key }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('aborting twice, or a completed upload, is NoSuchUpload', async () => {
    const Key = newKey();
    const aborted = await startUpload(Key);
    await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: aborted.UploadId }));
    await expect(
      client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: aborted.UploadId })),
    ).rejects.toMatchObject(s3Error('NoSuchUpload', 404));

    const { UploadId, parts } = await startUpload(Key);
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }),
    );
    await expect(
      client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })),
    ).rejects.toMatchObject(s3Error('NoSuchUpload', 404));
    expect((await client.send(new HeadObjectCommand({ Bucket, Key }))).ContentLength).toBe(1000);
  });

  it.each([
    ['never-started upload id', 'f'.repeat(32)],
    ['malformed upload id', '../../etc'],
  ])('AbortMultipartUpload of a %s is NoSuchUpload', async (_label, UploadId) => {
    await expect(
      client.send(new AbortMultipartUploadCommand({ Bucket, Key: newKey(), UploadId })),
    ).rejects.toMatchObject(s3Error('NoSuchUpload', 404));
  });
});

describe('S3 CopyObject URL-decodes CopySource fully — patch copySourceFullyDecoded', () => {
  it.each([
    ['spaces', 'a b c.txt'],
    ['unicode', 'été/Île ñ.txt'],
    ['a plus sign (not a space)', 'a+b.txt'],
    ['URL delimiters', 'q?x=1&y#z;w.txt'],
    ['a percent sign', '100%.txt'],
  ])('copies from a key with %s', async (_label, name) => {
    const from = newKey(name);
    const to = newKey('copy.txt');
    await put(from, `source ${name}`);
    const encoded = from.split('/').map(encodeURIComponent).join('/');
    await client.send(new CopyObjectCommand({ Bucket, Key: to, CopySource: `${Bucket}/${encoded}` }));
    expect(await text(to)).toBe(`source ${name}`);
  });

  it('a missing source is NoSuchKey', async () => {
    const from = encodeURIComponent(newKey('a+b.txt'));
    await expect(
      client.send(new CopyObjectCommand({ Bucket, Key: newKey(), CopySource: `${Bucket}/${from}` })),
    ).rejects.toMatchObject(s3Error('NoSuchKey', 404));
  });
});

describe('S3 presigned GET: works until it expires, refused once tampered with — patch presignedUrlSignatureChecked (expiry is s3rver’s own)', () => {
  const disposition = 'attachment; filename="rates 2025.pdf"';
  let Key: string;
  let url: string;

  beforeAll(async () => {
    Key = newKey('Contrat été + annexe (v2).pdf');
    await put(Key, 'the document');
    await put(`${Key}.other`, 'another document');
    const command = new GetObjectCommand({ Bucket, Key, ResponseContentDisposition: disposition });
    url = await getSignedUrl(client, command, { expiresIn: 300 });
  });

  it('returns the object, with the signed response-content-disposition', async () => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(disposition);
    expect(await res.text()).toBe('the document');
  });

  it('an expired URL is 403 AccessDenied', async () => {
    const command = new GetObjectCommand({ Bucket, Key });
    const expired = await getSignedUrl(client, command, {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 120_000),
    });
    const res = await fetch(expired);
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('AccessDenied');
  });

  it.each([
    ['another key', (u: string) => u.replace(/\?/, '.other?')],
    ['another download name', (u: string) => u.replace(/rates%202025/, 'evil')],
    ['a longer lifetime', (u: string) => u.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604800')],
    [
      'another signature',
      (u: string) => u.replace(/(X-Amz-Signature=)(.)/, (_m, p, c) => p + (c === '0' ? '1' : '0')),
    ],
  ])('a URL edited to %s is 403 SignatureDoesNotMatch', async (_label, edit) => {
    const edited = edit(url);
    expect(edited).not.toBe(url);
    const res = await fetch(edited);
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('SignatureDoesNotMatch');
  });
});

describe('S3 ListObjectsV2 pages with continuation tokens — patch listV2WithoutDes', () => {
  it('lists every key of a prefix once, in order, across truncated pages', async () => {
    const prefix = `${randomUUID()}/`;
    const keys = Array.from({ length: 7 }, (_, i) => `${prefix}k${i}`);
    await Promise.all(keys.map((k) => put(k, 'x')));
    await put(`${randomUUID()}/outside`, 'x');
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket, Prefix: prefix, MaxKeys: 3, ContinuationToken: token }),
      );
      pages.push((page.Contents ?? []).map((o) => o.Key!));
      expect(page.KeyCount).toBe(pages.at(-1)!.length);
      expect(page.IsTruncated).toBe(page.NextContinuationToken !== undefined);
      token = page.NextContinuationToken;
    } while (token);
    expect(pages).toEqual([keys.slice(0, 3), keys.slice(3, 6), keys.slice(6)]);
  });

  it('StartAfter starts after the key; a token that is no key is InvalidArgument', async () => {
    const prefix = `${randomUUID()}/`;
    await Promise.all(['a', 'b', 'c'].map((k) => put(`${prefix}${k}`, 'x')));
    const page = await client.send(
      new ListObjectsV2Command({ Bucket, Prefix: prefix, StartAfter: `${prefix}a` }),
    );
    expect(page.Contents?.map((o) => o.Key)).toEqual([`${prefix}b`, `${prefix}c`]);
    expect(page.IsTruncated).toBe(false);
    await expect(
      client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken: '' + '=' })),
    ).rejects.toMatchObject(s3Error('InvalidArgument', 400));
  });
});

describe('applyS3rverPatches', () => {
  it('fails at once on an s3rver without the store methods the patches need', () => {
    const changed = { middleware: [], store: {} } as unknown as S3rver;
    expect(() => applyS3rverPatches(changed)).toThrow(/s3rver-patches\.ts needs updating/);
  });
});
