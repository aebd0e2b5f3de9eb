/** The streamed, stored ZIP writer: what an unzip tool reads back, ZIP64 past the 16-bit count, and a reader that goes away. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { storedZip, type ZipEntry } from '../../src/files/stored-zip.js';
import { readZip } from '../support/zip-reader.js';

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const at = new Date('2026-03-04T05:06:08Z');
const entry = (path: string, body: () => Readable | Buffer | null): ZipEntry => ({
  path,
  modifiedAt: at,
  open: async () => body(),
});

describe('storedZip', () => {
  it('writes each entry as it is, in order; a null source leaves its entry out', async () => {
    const big = Buffer.alloc(300_000, 7);
    const zip = await bytesOf(
      storedZip([
        entry('a.txt', () => Buffer.from('hello\n')),
        entry('dossier/ünïcode.pdf', () => Readable.from([big.subarray(0, 100), big.subarray(100)])),
        entry('gone.pdf', () => null),
        entry('empty', () => Buffer.alloc(0)),
      ]),
    );
    const entries = readZip(zip);
    expect(entries.map((e) => e.path)).toEqual(['a.txt', 'dossier/ünïcode.pdf', 'empty']);
    expect(entries[0]!.data.toString()).toBe('hello\n');
    expect(entries[1]!.data).toEqual(big);
    expect(entries[2]!.data).toHaveLength(0);
    expect(entries[0]!.modifiedAt).toBe(at.getTime() / 1000);
    // Stored: the bytes are in the archive as they are.
    expect(zip.includes(big.subarray(0, 1000))).toBe(true);
  });

  it('writes ZIP64 end records past 65,535 entries, and ZIP64 sizes for an entry announced that large', async () => {
    const many = Array.from({ length: 70_000 }, (_, i) => entry(`f${i}`, () => Buffer.from(String(i))));
    const huge: ZipEntry = { ...entry('huge', () => Buffer.from('not really')), expectedSize: 2 ** 32 };
    const entries = readZip(await bytesOf(storedZip([...many, huge])));
    expect(entries).toHaveLength(70_001);
    expect(entries[69_999]!.data.toString()).toBe('69999');
    expect(entries[70_000]!.data.toString()).toBe('not really');
  });

  it('fails the archive when a source fails, never ending it short', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('S3 went away'));
      },
    });
    await expect(bytesOf(storedZip([entry('a', () => failing)]))).rejects.toThrow('S3 went away');
  });

  it('destroys its open sources at once when the archive is destroyed, even one that sends nothing', async () => {
    const stalled = new Readable({ read() {} });
    const ahead = new Readable({ read() {} });
    let opened = 0;
    const zip = storedZip([
      entry('first', () => {
        opened++;
        return stalled;
      }),
      // Opened ahead while the first streams: its request's latency is not paid between entries.
      entry('second', () => {
        opened++;
        return ahead;
      }),
      entry('third', () => {
        opened++;
        return Buffer.from('never');
      }),
    ]);
    zip.on('error', () => {});
    await new Promise((resolve) => zip.once('data', resolve)); // the first local header
    await expect.poll(() => opened).toBe(2);
    zip.destroy();
    await expect.poll(() => stalled.destroyed && ahead.destroyed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(opened).toBe(2);
  });
});
