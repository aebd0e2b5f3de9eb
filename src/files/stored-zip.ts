/**
 * A ZIP archive written as a stream, every entry STORED (method 0): documents are PDFs and Office
 * files, compressed already, so deflating them again costs CPU for nothing. Each entry's bytes
 * pass straight through (CRC-32 computed on the way) and are described after them by a data
 * descriptor, so nothing is buffered or spooled to disk; the central directory at the end holds
 * the true figures. ZIP64 records are written where offsets, counts or sizes pass the 32-bit
 * fields. Destroying the archive (a client gone) destroys the sources it has open.
 */
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';

export interface ZipEntry {
  /** The path inside the archive, `/`-separated, already made safe (zip-names.ts). */
  path: string;
  modifiedAt: Date;
  /** The size the source should have: above 4 GiB the entry is written as ZIP64 from its start. */
  expectedSize?: number;
  /** The bytes, opened when the entry's turn comes; `null` leaves the entry out (nothing written). */
  open(): Promise<Readable | Buffer | null>;
}

const MAX32 = 0xffffffff;
const MAX16 = 0xffff;
const FLAGS = 0x0808; // bit 3: sizes and CRC in a data descriptor; bit 11: UTF-8 names
const UNIX_FILE = (0o100644 << 16) >>> 0; // a regular file, rw-r--r--, for unzip on Unix
const MADE_BY = (3 << 8) | 45; // Unix, spec 4.5 (ZIP64)

interface Written {
  name: Buffer;
  time: number;
  date: number;
  unix: number;
  crc: number;
  size: number;
  offset: number;
  zip64: boolean;
}

/** MS-DOS time and date (two-second resolution, 1980 at the earliest), from the UTC clock. */
function dosDateTime(at: Date): { time: number; date: number } {
  const d = at.getUTCFullYear() < 1980 ? new Date(Date.UTC(1980, 0, 1)) : at;
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** The extended-timestamp extra field (0x5455): the modification time in Unix seconds, UTC. */
function timestampExtra(unix: number): Buffer {
  const b = Buffer.alloc(9);
  b.writeUInt16LE(0x5455, 0);
  b.writeUInt16LE(5, 2);
  b.writeUInt8(1, 4);
  b.writeUInt32LE(unix, 5);
  return b;
}

function localHeader(e: Omit<Written, 'crc' | 'size'>): Buffer {
  // A ZIP64 entry announces its 8-byte sizes (given in the descriptor) with an extra field.
  const zip64 = e.zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
  if (e.zip64) {
    zip64.writeUInt16LE(0x0001, 0);
    zip64.writeUInt16LE(16, 2);
  }
  const extra = Buffer.concat([zip64, timestampExtra(e.unix)]);
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(e.zip64 ? 45 : 20, 4);
  h.writeUInt16LE(FLAGS, 6);
  h.writeUInt16LE(0, 8); // stored
  h.writeUInt16LE(e.time, 10);
  h.writeUInt16LE(e.date, 12);
  // CRC and sizes stay 0 (ZIP64: sizes 0xFFFFFFFF, pointing at the extra): the descriptor has them.
  if (e.zip64) {
    h.writeUInt32LE(MAX32, 18);
    h.writeUInt32LE(MAX32, 22);
  }
  h.writeUInt16LE(e.name.length, 26);
  h.writeUInt16LE(extra.length, 28);
  return Buffer.concat([h, e.name, extra]);
}

function dataDescriptor(e: Written): Buffer {
  const b = Buffer.alloc(e.zip64 ? 24 : 16);
  b.writeUInt32LE(0x08074b50, 0);
  b.writeUInt32LE(e.crc, 4);
  if (e.zip64) {
    b.writeBigUInt64LE(BigInt(e.size), 8);
    b.writeBigUInt64LE(BigInt(e.size), 16);
  } else {
    b.writeUInt32LE(e.size, 8);
    b.writeUInt32LE(e.size, 12);
  }
  return b;
}

function centralHeader(e: Written): Buffer {
  const bigSizes = e.zip64 || e.size >= MAX32;
  const bigOffset = e.offset >= MAX32;
  const fields: bigint[] = [];
  if (bigSizes) fields.push(BigInt(e.size), BigInt(e.size));
  if (bigOffset) fields.push(BigInt(e.offset));
  const zip64 = Buffer.alloc(fields.length > 0 ? 4 + 8 * fields.length : 0);
  if (fields.length > 0) {
    zip64.writeUInt16LE(0x0001, 0);
    zip64.writeUInt16LE(8 * fields.length, 2);
    for (const [i, v] of fields.entries()) zip64.writeBigUInt64LE(v, 4 + 8 * i);
  }
  const extra = Buffer.concat([zip64, timestampExtra(e.unix)]);
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(MADE_BY, 4);
  h.writeUInt16LE(fields.length > 0 ? 45 : 20, 6);
  h.writeUInt16LE(FLAGS, 8);
  h.writeUInt16LE(0, 10);
  h.writeUInt16LE(e.time, 12);
  h.writeUInt16LE(e.date, 14);
  h.writeUInt32LE(e.crc, 16);
  h.writeUInt32LE(bigSizes ? MAX32 : e.size, 20);
  h.writeUInt32LE(bigSizes ? MAX32 : e.size, 24);
  h.writeUInt16LE(e.name.length, 28);
  h.writeUInt16LE(extra.length, 30);
  // comment length, disk number, internal attributes: 0
  h.writeUInt32LE(UNIX_FILE, 38);
  h.writeUInt32LE(bigOffset ? MAX32 : e.offset, 42);
  return Buffer.concat([h, e.name, extra]);
}

function endRecords(count: number, cdOffset: number, cdSize: number): Buffer {
  const zip64 = count >= MAX16 || cdOffset >= MAX32 || cdSize >= MAX32;
  const parts: Buffer[] = [];
  if (zip64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(MADE_BY, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeBigUInt64LE(BigInt(count), 24);
    rec.writeBigUInt64LE(BigInt(count), 32);
    rec.writeBigUInt64LE(BigInt(cdSize), 40);
    rec.writeBigUInt64LE(BigInt(cdOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
    locator.writeUInt32LE(1, 16);
    parts.push(rec, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(count, MAX16), 8);
  end.writeUInt16LE(Math.min(count, MAX16), 10);
  end.writeUInt32LE(zip64 ? MAX32 : cdSize, 12);
  end.writeUInt32LE(zip64 ? MAX32 : cdOffset, 16);
  parts.push(end);
  return Buffer.concat(parts);
}

interface Opening {
  entry: ZipEntry;
  body: Promise<Readable | Buffer | null>;
}

/**
 * The archive of `entries`, in their order. A source that fails fails the archive (the reader
 * sees an error, never a silently short entry); destroying the archive destroys its open sources.
 * The next entry is opened while one streams, so a request's latency (S3's, per object) is not
 * paid between entries: at most two sources are open, the streaming one and the next, unread.
 */
export function storedZip(entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>): Readable {
  const sources = new Set<Readable>();
  let closed = false;
  const entryIterator =
    Symbol.asyncIterator in entries ? entries[Symbol.asyncIterator]() : entries[Symbol.iterator]();

  async function openNext(): Promise<Opening | undefined> {
    const step = await entryIterator.next();
    if (step.done) return undefined;
    const body = step.value.open().then((b) => {
      if (b instanceof Readable) {
        if (closed)
          b.destroy(); // opened after the reader left
        else sources.add(b);
      }
      return b;
    });
    body.catch(() => {}); // awaited in its turn; never unhandled when the archive ends first
    return { entry: step.value, body };
  }

  async function* write(): AsyncGenerator<Buffer> {
    const written: Written[] = [];
    let offset = 0;
    let next = openNext();
    next.catch(() => {});
    try {
      for (let opening = await next; opening; opening = await next) {
        const { entry } = opening;
        const body = await opening.body;
        next = openNext();
        next.catch(() => {});
        if (body === null) continue;
        const { time, date } = dosDateTime(entry.modifiedAt);
        const head = {
          name: Buffer.from(entry.path, 'utf8'),
          time,
          date,
          unix: Math.max(0, Math.min(MAX32, Math.floor(entry.modifiedAt.getTime() / 1000))),
          offset,
          zip64: (entry.expectedSize ?? 0) >= MAX32,
        };
        const header = localHeader(head);
        yield header;
        let crc = 0;
        let size = 0;
        for await (const chunk of body instanceof Readable ? body : [body]) {
          const bytes = chunk as Buffer;
          crc = crc32(bytes, crc);
          size += bytes.length;
          if (size >= MAX32 && !head.zip64) throw new Error(`${entry.path} is larger than announced`);
          yield bytes;
        }
        if (body instanceof Readable) sources.delete(body);
        const done: Written = { ...head, crc, size };
        const descriptor = dataDescriptor(done);
        yield descriptor;
        written.push(done);
        offset += header.length + size + descriptor.length;
      }
      const directory = Buffer.concat(written.map(centralHeader));
      yield directory;
      yield endRecords(written.length, offset, directory.length);
    } finally {
      close();
    }
  }

  function close() {
    closed = true;
    for (const source of sources) source.destroy();
    sources.clear();
  }

  const iterator = write();
  return new Readable({
    highWaterMark: 64 * 1024,
    read() {
      iterator.next().then(
        (step) => this.push(step.done ? null : step.value),
        (e: unknown) => this.destroy(e as Error),
      );
    },
    destroy(error, callback) {
      // The sources first: a read waiting on one ends now, not when S3 next sends something.
      close();
      iterator.return(undefined).then(
        () => callback(error),
        () => callback(error),
      );
    },
  });
}
