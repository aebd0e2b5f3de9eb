/**
 * Builders of real (minimal) files for the sniffing tests: a one-page PDF, OLE2 compound
 * files with a chosen directory, and ZIP archives with chosen entries.
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** A valid one-page PDF, with a correct cross-reference table. */
export function minimalPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>',
  ];
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

export const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const FREE = 0xffffffff;
const END_OF_CHAIN = 0xfffffffe;
const FAT_SECTOR = 0xfffffffd;

/**
 * An OLE2 compound file (version 3, 512-byte sectors): header, one FAT sector (sector 0),
 * then the directory (a root entry plus `streams`, 4 entries per sector, chained in the FAT).
 * `padSectorsBeforeDirectory` empty sectors push the directory further into the file.
 */
export function oleFile(streams: string[], padSectorsBeforeDirectory = 0): Buffer {
  const entries = ['Root Entry', ...streams];
  const dirSectors = Math.ceil(entries.length / 4);
  const firstDir = 1 + padSectorsBeforeDirectory;
  const header = Buffer.alloc(512);
  OLE_MAGIC.copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e); // 512-byte sectors
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(1, 0x2c); // one FAT sector
  header.writeUInt32LE(firstDir, 0x30);
  header.writeUInt32LE(4096, 0x38);
  header.writeUInt32LE(END_OF_CHAIN, 0x3c);
  header.writeUInt32LE(END_OF_CHAIN, 0x44);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i === 0 ? 0 : FREE, 0x4c + i * 4);

  const fat = Buffer.alloc(512, 0xff);
  fat.writeUInt32LE(FAT_SECTOR, 0);
  for (let i = 0; i < dirSectors; i++) {
    fat.writeUInt32LE(i === dirSectors - 1 ? END_OF_CHAIN : firstDir + i + 1, (firstDir + i) * 4);
  }
  const padding = Buffer.alloc(512 * padSectorsBeforeDirectory);
  const directory = Buffer.alloc(512 * dirSectors);
  entries.forEach((name, i) => {
    const at = i * 128;
    const encoded = Buffer.from(`${name}\0`, 'utf16le');
    encoded.copy(directory, at);
    directory.writeUInt16LE(encoded.length, at + 0x40);
    directory[at + 0x42] = i === 0 ? 5 : 2; // root, then streams
  });
  return Buffer.concat([header, fat, padding, directory]);
}

/** A ZIP archive (deflated entries, with central directory), as Office writes OOXML files. */
export function zipFile(entries: { name: string; data?: string | Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data ?? `<xml name="${e.name}"/>`);
    const packed = deflateRawSync(data);
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const centralDir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDir, end]);
}

const CONTENT_TYPES = '[Content_Types].xml';

export const docxFile = () =>
  zipFile([
    { name: CONTENT_TYPES },
    { name: '_rels/.rels' },
    { name: 'word/document.xml' },
    { name: 'word/_rels/document.xml.rels' },
  ]);

export const xlsxFile = () =>
  zipFile([
    { name: CONTENT_TYPES },
    { name: '_rels/.rels' },
    { name: 'xl/workbook.xml' },
    { name: 'xl/worksheets/sheet1.xml' },
  ]);

export const xlsmFile = () =>
  zipFile([
    { name: CONTENT_TYPES },
    { name: '_rels/.rels' },
    { name: 'xl/workbook.xml' },
    { name: 'xl/vbaProject.bin', data: Buffer.alloc(100, 1) },
  ]);

/** The EICAR anti-virus test string, assembled so this source file itself is not flagged. */
export const EICAR = Buffer.from(
  ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS-', 'TEST-FILE!$H+H*'].join(''),
  'latin1',
);
