/**
 * Reads a whole ZIP as an unzip tool does, from its central directory, and checks every entry
 * against its local header and, when it has one, its data descriptor (CRC-32 and sizes), so a
 * test sees exactly what a user's unzip would, and a malformed archive fails loudly. Stored
 * entries only.
 */
import { crc32 } from 'node:zlib';

export interface ZipFileEntry {
  path: string;
  data: Buffer;
  /** Unix seconds from the extended-timestamp field, if any. */
  modifiedAt?: number;
}

const MAX32 = 0xffffffff;

function fail(message: string): never {
  throw new Error(`bad zip: ${message}`);
}

export function readZip(zip: Buffer): ZipFileEntry[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > zip.length) fail('no end of central directory');
  let count = zip.readUInt16LE(eocd + 10);
  let cdSize = zip.readUInt32LE(eocd + 12);
  let cdOffset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === MAX32 || cdOffset === MAX32) {
    const locator = eocd - 20;
    if (zip.readUInt32LE(locator) !== 0x07064b50) fail('no ZIP64 locator');
    const rec = Number(zip.readBigUInt64LE(locator + 8));
    if (zip.readUInt32LE(rec) !== 0x06064b50) fail('no ZIP64 end record');
    count = Number(zip.readBigUInt64LE(rec + 32));
    cdSize = Number(zip.readBigUInt64LE(rec + 40));
    cdOffset = Number(zip.readBigUInt64LE(rec + 48));
  }
  const entries: ZipFileEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) fail(`central header ${i} missing`);
    const method = zip.readUInt16LE(p + 10);
    if (method !== 0) fail(`entry ${i} is not stored (method ${method})`);
    const crc = zip.readUInt32LE(p + 16);
    let size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    let offset = zip.readUInt32LE(p + 42);
    const path = zip.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    const extra = zip.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength);
    let modifiedAt: number | undefined;
    let zip64 = false;
    for (let e = 0; e + 4 <= extra.length; ) {
      const tag = extra.readUInt16LE(e);
      const len = extra.readUInt16LE(e + 2);
      let f = e + 4;
      if (tag === 0x0001) {
        zip64 = true;
        if (size === MAX32) {
          size = Number(extra.readBigUInt64LE(f));
          f += 16; // uncompressed, then compressed
        }
        if (offset === MAX32) offset = Number(extra.readBigUInt64LE(f));
      }
      if (tag === 0x5455) modifiedAt = extra.readUInt32LE(e + 5);
      e += 4 + len;
    }
    if (zip.readUInt32LE(offset) !== 0x04034b50) fail(`local header of ${path} missing`);
    if (zip.readUInt16LE(offset + 8) !== 0) fail(`local header of ${path} says it is not stored`);
    const localName = zip.subarray(offset + 30, offset + 30 + zip.readUInt16LE(offset + 26));
    if (localName.toString('utf8') !== path) fail(`local name of ${path} differs`);
    const start = offset + 30 + localName.length + zip.readUInt16LE(offset + 28);
    const data = zip.subarray(start, start + size);
    if (crc32(data) !== crc) fail(`CRC of ${path} does not match`);
    if (zip.readUInt16LE(offset + 6) & 0x08) {
      // Bit 3: CRC and sizes follow the bytes, in a data descriptor (8-byte sizes under ZIP64).
      const descriptor = start + size;
      if (zip.readUInt32LE(descriptor) !== 0x08074b50) fail(`data descriptor of ${path} missing`);
      if (zip.readUInt32LE(descriptor + 4) !== crc) fail(`descriptor CRC of ${path} differs`);
      const described = zip64
        ? [zip.readBigUInt64LE(descriptor + 8), zip.readBigUInt64LE(descriptor + 16)]
        : [zip.readUInt32LE(descriptor + 8), zip.readUInt32LE(descriptor + 12)];
      if (described.some((n) => Number(n) !== size)) fail(`descriptor sizes of ${path} differ`);
    } else if (zip.readUInt32LE(offset + 14) !== crc || zip.readUInt32LE(offset + 22) !== size) {
      fail(`local CRC or size of ${path} differs`);
    }
    entries.push({ path, data: Buffer.from(data), ...(modifiedAt !== undefined ? { modifiedAt } : {}) });
    p += 46 + nameLength + extraLength + commentLength;
  }
  if (p !== cdOffset + cdSize) fail('central directory size does not match');
  return entries;
}
