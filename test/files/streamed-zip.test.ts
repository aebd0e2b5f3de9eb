/** The streamed, stored ZIP (yazl): what an unzip tool reads back, sources that fail, a reader that goes away. ZIP64 is yazl's own (a revision holds at most 48 documents, far from its limits). */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { streamedZip, type ZipEntry } from '../../src/files/streamed-zip.js';
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

describe('streamedZip', () => {
  it('writes each entry as it is, in order; a null source leaves its entry out', async () => {
    const big = Buffer.alloc(300_000, 7);
    const zip = await bytesOf(
      streamedZip([
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

  it('fails the archive when a source fails, never ending it short', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('S3 went away'));
      },
    });
    await expect(bytesOf(streamedZip([entry('a', () => failing)]))).rejects.toThrow('S3 went away');

    // Partway through, after some bytes went out.
    let sent = false;
    const midway = new Readable({
      read() {
        if (sent) this.destroy(new Error('reset by peer'));
        else this.push(Buffer.alloc(70_000, 1));
        sent = true;
      },
    });
    const zip = streamedZip([entry('ok', () => Buffer.from('ok')), entry('b', () => midway)]);
    await expect(bytesOf(zip)).rejects.toThrow('reset by peer');

    // A source that closes without its end, or whose opening fails.
    const cut = new Readable({
      read() {
        this.destroy();
      },
    });
    await expect(bytesOf(streamedZip([entry('c', () => cut)]))).rejects.toThrow(/premature close/i);
    const refused: ZipEntry = { path: 'd', modifiedAt: at, open: () => Promise.reject(new Error('denied')) };
    await expect(bytesOf(streamedZip([entry('a', () => Buffer.from('a')), refused]))).rejects.toThrow(
      'denied',
    );
  });

  it('destroys its open sources at once when the archive is destroyed, even one that sends nothing', async () => {
    const stalled = new Readable({ read() {} });
    const ahead = new Readable({ read() {} });
    let opened = 0;
    const zip = streamedZip([
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
