import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentDisposition } from '../../src/files/content-disposition.js';
import { FileAlreadyExists, FileNotFound, FileTooLarge } from '../../src/files/file-errors.js';
import { createS3FileStore, DEFAULT_PART_SIZE_BYTES, type FileStore } from '../../src/files/file-store.js';
import { createS3Client } from '../../src/files/s3-client.js';
import { type EmbeddedS3, startEmbeddedS3 } from '../../src/files/s3-embedded.js';

const BUCKET = 'carepack-files-test';
const MB = 1024 * 1024;

let s3: EmbeddedS3;
let client: S3Client;
let files: FileStore;
const commands: string[] = [];

beforeAll(async () => {
  s3 = await startEmbeddedS3({ buckets: [BUCKET] });
  client = createS3Client({ endpoint: s3.endpoint, region: 'us-east-1' });
  // Records which S3 operations were sent, to see single-part vs multipart uploads happen.
  client.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(String(context.commandName).replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  files = createS3FileStore({ client, bucket: BUCKET });
});

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const newKey = (ext = 'pdf') => `documents/${randomUUID()}.${ext}`;

/** A stream of `data` in chunks, counting how much the consumer pulled. */
function source(data: Buffer, chunkSize = 64 * 1024) {
  const progress = { pulled: 0 };
  async function* gen() {
    for (let i = 0; i < data.length; i += chunkSize) {
      const chunk = data.subarray(i, i + chunkSize);
      progress.pulled += chunk.length;
      yield chunk;
    }
  }
  return { stream: Readable.from(gen(), { objectMode: false }), progress };
}

async function storedBytes(key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

async function keysUnder(prefix: string): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

/** s3rver keeps unfinished multipart uploads as folders here. */
function pendingUploads(): string[] {
  const dir = join(s3.directory, BUCKET, '._S3rver_uploads');
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe('put: streamed upload, stored bytes identical', () => {
  it.each([
    ['empty', 0, 'PutObject'],
    ['one byte', 1, 'PutObject'],
    ['300,000 bytes', 300_000, 'PutObject'],
    ['~20 MB (multipart: 5 MB parts)', 20 * MB + 12_345, 'CompleteMultipartUpload'],
  ])('%s', async (_label, size, expectedCommand) => {
    const data = randomBytes(size);
    const key = newKey();
    commands.length = 0;
    const stored = await files.put({
      key,
      body: source(data).stream,
      contentType: 'application/pdf',
      maxBytes: 100 * MB,
    });
    expect(stored).toEqual({ size, sha256: sha256(data) });
    const back = await storedBytes(key);
    expect(back.length).toBe(size);
    expect(back.equals(data)).toBe(true);
    expect(commands).toContain(expectedCommand);
    if (expectedCommand === 'CompleteMultipartUpload') {
      expect(commands.filter((c) => c === 'UploadPart')).toHaveLength(
        Math.ceil(size / DEFAULT_PART_SIZE_BYTES),
      );
    }
    const head = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ContentType).toBe('application/pdf');
    await head.Body?.transformToByteArray();
  });

  it('accepts a file of exactly maxBytes', async () => {
    const data = randomBytes(5000);
    const stored = await files.put({
      key: newKey(),
      body: source(data, 1000).stream,
      contentType: 'text/plain',
      maxBytes: 5000,
    });
    expect(stored.size).toBe(5000);
  });
});

describe('put: FileTooLarge', () => {
  it('fails as soon as the limit is passed, aborts the multipart upload and leaves nothing', async () => {
    const data = randomBytes(40 * MB);
    const { stream, progress } = source(data);
    const key = newKey();
    commands.length = 0;
    const err = await files
      .put({ key, body: stream, contentType: 'application/pdf', maxBytes: 18 * MB })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileTooLarge);
    expect((err as FileTooLarge).maxBytes).toBe(18 * MB);
    // Parts were uploaded before the limit was hit, then the upload was aborted.
    expect(commands).toContain('UploadPart');
    expect(commands).toContain('AbortMultipartUpload');
    expect(commands).not.toContain('CompleteMultipartUpload');
    expect(await files.exists(key)).toBe(false);
    expect(await keysUnder(key)).toEqual([]);
    expect(pendingUploads()).toEqual([]);
    // The source was not read to its end.
    expect(progress.pulled).toBeLessThan(30 * MB);
    expect(stream.destroyed).toBe(true);
  });

  it('small file over a small limit: nothing is written', async () => {
    const key = newKey('txt');
    commands.length = 0;
    await expect(
      files.put({
        key,
        body: source(randomBytes(5001), 1000).stream,
        contentType: 'text/plain',
        maxBytes: 5000,
      }),
    ).rejects.toBeInstanceOf(FileTooLarge);
    expect(commands).not.toContain('PutObject');
    expect(await files.exists(key)).toBe(false);
  });
});

describe('put: failures leave nothing behind', () => {
  it('a source that fails mid-way (client gone) rejects with its error', async () => {
    async function* failing() {
      for (let i = 0; i < 3; i++) yield randomBytes(4 * MB); // 12 MB: the first part is uploaded
      throw new Error('client went away');
    }
    const key = newKey();
    await expect(
      files.put({
        key,
        body: Readable.from(failing(), { objectMode: false }),
        contentType: 'application/pdf',
        maxBytes: 100 * MB,
      }),
    ).rejects.toThrow('client went away');
    expect(await files.exists(key)).toBe(false);
    expect(pendingUploads()).toEqual([]);
  });

  it('rejects a negative limit', async () => {
    await expect(
      files.put({
        key: newKey(),
        body: source(Buffer.from('x')).stream,
        contentType: 'text/plain',
        maxBytes: -1,
      }),
    ).rejects.toThrow(RangeError);
  });
});

describe('presignedGet', () => {
  it.each([
    ['plain ASCII', 'MN contract 2025.pdf'],
    ['non-ASCII', 'Contrat d’été – Région Île-de-France.pdf'],
    ['quotes and percent', 'rates "final" 100%.xlsx'],
  ])('downloads the exact bytes as an attachment (%s name)', async (_label, downloadName) => {
    const data = randomBytes(300_000);
    const key = newKey();
    await files.put({ key, body: source(data).stream, contentType: 'application/pdf', maxBytes: MB });
    const url = await files.presignedGet(key, { downloadName, expiresInSeconds: 300 });
    expect(url).toContain('X-Amz-Expires=300');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(attachmentDisposition(downloadName));
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="/);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(data)).toBe(true);
  });

  it('refuses lifetimes S3 cannot sign', async () => {
    await expect(files.presignedGet('k', { downloadName: 'a.pdf', expiresInSeconds: 0 })).rejects.toThrow(
      RangeError,
    );
    await expect(
      files.presignedGet('k', { downloadName: 'a.pdf', expiresInSeconds: 7 * 24 * 3600 + 1 }),
    ).rejects.toThrow(RangeError);
  });
});

describe('delete, move, exists, getStream', () => {
  it('delete removes the object and is idempotent', async () => {
    const key = newKey();
    await files.put({
      key,
      body: source(Buffer.from('bye')).stream,
      contentType: 'text/plain',
      maxBytes: 10,
    });
    expect(await files.exists(key)).toBe(true);
    await files.delete(key);
    expect(await files.exists(key)).toBe(false);
    await files.delete(key);
  });

  it('move (into quarantine) keeps bytes and content type, and removes the source', async () => {
    const data = randomBytes(100_000);
    const from = newKey();
    const to = `quarantine/${from}`;
    await files.put({ key: from, body: source(data).stream, contentType: 'application/pdf', maxBytes: MB });
    await files.move(from, to);
    expect(await files.exists(from)).toBe(false);
    expect((await storedBytes(to)).equals(data)).toBe(true);
    const head = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: to }));
    expect(head.ContentType).toBe('application/pdf');
    await head.Body?.transformToByteArray();
  });

  it('move of keys that need URL encoding', async () => {
    const from = `odd/a b+c%d é.pdf`;
    await files.put({
      key: from,
      body: source(Buffer.from('odd')).stream,
      contentType: 'text/plain',
      maxBytes: 10,
    });
    await files.move(from, 'quarantine/odd/a b+c%d é.pdf');
    expect((await storedBytes('quarantine/odd/a b+c%d é.pdf')).toString()).toBe('odd');
  });

  it('move of a missing key is FileNotFound', async () => {
    await expect(files.move(newKey(), newKey())).rejects.toBeInstanceOf(FileNotFound);
  });

  it('getStream returns the stored bytes; FileNotFound when absent', async () => {
    const data = randomBytes(50_000);
    const key = newKey();
    await files.put({ key, body: source(data).stream, contentType: 'application/pdf', maxBytes: MB });
    const parts: Buffer[] = [];
    for await (const c of await files.getStream(key)) parts.push(c as Buffer);
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    await expect(files.getStream(newKey())).rejects.toBeInstanceOf(FileNotFound);
  });

  it('read returns the stored bytes with their content type and size; FileNotFound when absent', async () => {
    const data = randomBytes(20_000);
    const key = newKey();
    await files.put({ key, body: source(data).stream, contentType: 'application/pdf', maxBytes: MB });
    const file = await files.read(key);
    expect(file).toMatchObject({ contentType: 'application/pdf', size: data.length });
    const parts: Buffer[] = [];
    for await (const c of file.body) parts.push(c as Buffer);
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    await expect(files.read(newKey())).rejects.toBeInstanceOf(FileNotFound);
  });
});

describe('putJson / getJson (submission snapshots)', () => {
  it('round-trips JSON', async () => {
    const key = `snapshots/${randomUUID()}.json`;
    const value = { name: 'MN-PMAP-0001', documents: [{ name: 'é.pdf', size: 3 }], n: null };
    await files.putJson(key, value);
    expect(await files.getJson(key)).toEqual(value);
  });

  it('is write-once: a second write is FileAlreadyExists and the first stays', async () => {
    const key = `snapshots/${randomUUID()}.json`;
    await files.putJson(key, { v: 1 });
    await expect(files.putJson(key, { v: 2 })).rejects.toBeInstanceOf(FileAlreadyExists);
    expect(await files.getJson(key)).toEqual({ v: 1 });
  });

  it('getJson of a missing key is FileNotFound', async () => {
    await expect(files.getJson(`snapshots/${randomUUID()}.json`)).rejects.toBeInstanceOf(FileNotFound);
  });
});

describe('ping', () => {
  it('resolves when the bucket is reachable, rejects otherwise', async () => {
    await files.ping();
    await expect(createS3FileStore({ client, bucket: 'no-such-bucket' }).ping()).rejects.toThrow();
  });
});
