import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CONTENT_TYPES, detectFileType, extensionOf, SNIFF_BYTES } from '../../src/files/sniff.js';
import { oleDirectoryNames } from '../../src/files/sniff-ole.js';
import { peekStream, sniffStream } from '../../src/files/sniff-stream.js';
import { zipEntryNames } from '../../src/files/sniff-zip.js';
import { docxFile, minimalPdf, OLE_MAGIC, oleFile, xlsmFile, xlsxFile, zipFile } from './fixtures.js';

const accepted = (bytes: Buffer, name: string) => {
  const r = detectFileType(bytes, name);
  if ('rejected' in r) throw new Error(`expected ${name} to be accepted, got: ${r.rejected}`);
  return r;
};
const rejected = (bytes: Buffer, name: string) => {
  const r = detectFileType(bytes, name);
  if (!('rejected' in r)) throw new Error(`expected ${name} to be rejected, got kind ${r.kind}`);
  return r.rejected;
};

const wordOle = () => oleFile(['1Table', 'WordDocument', '\u0005SummaryInformation', 'CompObj', 'Data']);
const excelOle = () => oleFile(['Workbook', '\u0005SummaryInformation']);

describe('detectFileType accepts real files whose name matches', () => {
  it.each([
    ['contract.pdf', minimalPdf(), 'pdf'],
    ['CONTRACT.PDF', minimalPdf(), 'pdf'],
    ['amendment.doc', wordOle(), 'doc'],
    ['rates.xls', excelOle(), 'xls'],
    ['old-excel-5.xls', oleFile(['Book']), 'xls'],
    ['amendment.docx', docxFile(), 'docx'],
    ['rates.xlsx', xlsxFile(), 'xlsx'],
    ['rates-with-macros.xlsm', xlsmFile(), 'xlsm'],
    ['rates.csv', Buffer.from('program,rate\nPMAP,123.45\n'), 'csv'],
    ['bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n1,2\n')]), 'csv'],
    ['notes.txt', Buffer.from('Réunion du comité — 12 € — 日本語\r\n'), 'txt'],
    ['spaces in name.final.v2.pdf', minimalPdf(), 'pdf'],
  ] as const)('%s', (name, bytes, kind) => {
    expect(accepted(bytes, name)).toEqual({ kind, contentType: CONTENT_TYPES[kind] });
  });

  it('trusts the name of an Office file whose parts lie beyond the sniffed bytes', () => {
    // Only the first entries are visible; they say "Office" but not yet which application.
    const zip = zipFile([
      { name: '[Content_Types].xml' },
      { name: '_rels/.rels' },
      { name: 'word/document.xml' },
    ]);
    const cut = zip.subarray(0, zip.indexOf('word/') - 30);
    expect(accepted(cut, 'a.docx').kind).toBe('docx');
    expect(accepted(cut, 'a.xlsx').kind).toBe('xlsx');
  });

  it('trusts the name of an OLE file whose directory lies beyond the sniffed bytes', () => {
    const word = oleFile(['WordDocument'], 126); // directory starts at 64 KB
    expect(word.length).toBeGreaterThan(SNIFF_BYTES);
    const head = word.subarray(0, SNIFF_BYTES);
    expect(oleDirectoryNames(head).complete).toBe(false);
    expect(accepted(head, 'a.doc').kind).toBe('doc');
    expect(accepted(head, 'a.xls').kind).toBe('xls');
    // With the whole file the directory is read and the mismatch is caught.
    expect(rejected(word, 'a.xls')).toMatch(/Word 97-2003/);
  });

  it('follows a directory that spans several sectors', () => {
    const names = ['A', 'B', 'C', 'D', 'E', 'F', 'Workbook'];
    const ole = oleFile(names);
    expect(oleDirectoryNames(ole)).toEqual({ names: names.map((n) => n.toLowerCase()), complete: true });
    expect(accepted(ole, 'x.xls').kind).toBe('xls');
  });

  it('tolerates a UTF-8 character cut in two at the end of the sniffed window', () => {
    const text = Buffer.from('é'.repeat(SNIFF_BYTES));
    expect(accepted(text.subarray(0, SNIFF_BYTES - 1), 'a.txt').kind).toBe('txt');
  });
});

describe('detectFileType rejects, with a reason the user can act on', () => {
  it.each([
    [
      'a ZIP named .pdf',
      zipFile([{ name: 'payload.exe' }]),
      'contract.pdf',
      /named \.pdf but its content is a ZIP archive/,
    ],
    ['a program named .pdf', Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), 'x.pdf', /Windows program/],
    ['an ELF program named .txt', Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), 'x.txt', /a program/],
    ['a PNG named .pdf', Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), 'x.pdf', /image \(PNG\)/],
    ['a PDF named .docx', minimalPdf(), 'x.docx', /named \.docx but its content is a PDF/],
    ['a PDF named .csv', minimalPdf(), 'x.csv', /named \.csv but its content is a PDF/],
    ['a .docx named .xlsx', docxFile(), 'x.xlsx', /Word document \(\.docx\)/],
    ['a .xlsx named .docx', xlsxFile(), 'x.docx', /Excel workbook/],
    ['a .docx named .doc', docxFile(), 'x.doc', /named \.doc but its content is a Word document \(\.docx\)/],
    ['a .doc named .docx', wordOle(), 'x.docx', /Word 97-2003 document/],
    ['a legacy Word file named .xls', wordOle(), 'x.xls', /Word 97-2003 document/],
    ['a legacy Excel file named .doc', excelOle(), 'x.doc', /Excel 97-2003 workbook/],
    [
      'a plain ZIP named .docx',
      zipFile([{ name: 'readme.txt' }, { name: 'setup.exe' }]),
      'x.docx',
      /ZIP archive/,
    ],
    [
      'a PowerPoint named .docx',
      zipFile([{ name: '[Content_Types].xml' }, { name: 'ppt/presentation.xml' }]),
      'x.docx',
      /PowerPoint/,
    ],
    [
      'an OpenDocument file named .docx',
      zipFile([{ name: 'mimetype', data: 'application/vnd.oasis.opendocument.text' }]),
      'x.docx',
      /OpenDocument/,
    ],
    [
      'another kind of OLE file (e.g. an installer) named .doc',
      oleFile(['SummaryInformation', 'Binary.Icon']),
      'x.doc',
      /neither a Word/,
    ],
    ['text named .pdf', Buffer.from('hello'), 'x.pdf', /named \.pdf but its content is text/],
    ['RTF named .doc', Buffer.from('{\\rtf1\\ansi hello}'), 'x.doc', /RTF document/],
    [
      'NUL bytes in a .csv',
      Buffer.from('a,b\n1,\0\n'),
      'x.csv',
      /named \.csv but its content is binary data/,
    ],
    ['NUL bytes in a .txt', Buffer.from([0x41, 0x00, 0x42]), 'x.txt', /binary data/],
    [
      'Windows-1252 text in a .csv',
      Buffer.from('caf\xe9,1\n', 'latin1'),
      'x.csv',
      /not UTF-8 text.*CSV UTF-8/,
    ],
    ['UTF-16 text in a .txt', Buffer.from('\ufeffhello', 'utf16le'), 'x.txt', /UTF-16/],
    ['an empty file', Buffer.alloc(0), 'x.pdf', /is empty/],
    ['an empty .txt', Buffer.alloc(0), 'x.txt', /is empty/],
    ['an .exe', Buffer.from('MZ'), 'setup.exe', /\.exe files are not allowed.*Accepted files: PDF/],
    ['no extension', minimalPdf(), 'contract', /without an extension/],
    ['an OLE header only', OLE_MAGIC, 'x.docx', /Word or Excel 97-2003 file/],
  ])('%s', (_label, bytes, name, reason) => {
    expect(rejected(bytes, name)).toMatch(reason);
  });

  it('rejects a password-protected Office file (OOXML inside an encrypted OLE container)', () => {
    const encrypted = oleFile(['EncryptionInfo', 'EncryptedPackage']);
    expect(rejected(encrypted, 'rates.xlsx')).toMatch(/password-protected/);
    expect(rejected(encrypted, 'rates.docx')).toMatch(/password-protected/);
  });

  it('does not accept a PDF header further into the file (polyglots)', () => {
    const polyglot = Buffer.concat([Buffer.from('MZ\0\0'), minimalPdf()]);
    expect(rejected(polyglot, 'x.pdf')).toMatch(/Windows program/);
  });

  it('names the file in the message', () => {
    expect(rejected(Buffer.from('MZ'), 'Évaluation "finale".pdf')).toContain('"Évaluation \\"finale\\".pdf"');
  });
});

describe('helpers', () => {
  it('extensionOf', () => {
    expect(extensionOf('a.b.PDF')).toBe('pdf');
    expect(extensionOf(' a.docx ')).toBe('docx');
    expect(extensionOf('noext')).toBeUndefined();
    expect(extensionOf('dir.d/noext')).toBeUndefined();
    expect(extensionOf('trailing.')).toBeUndefined();
  });

  it('zipEntryNames reads the local headers', () => {
    expect(zipEntryNames(xlsxFile())).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/workbook.xml',
      'xl/worksheets/sheet1.xml',
    ]);
  });
});

describe('peekStream / sniffStream', () => {
  const chunked = (data: Buffer, size: number) => {
    const parts: Buffer[] = [];
    for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
    return Readable.from(parts, { objectMode: false });
  };
  const readAll = async (s: Readable) => {
    const parts: Buffer[] = [];
    for await (const c of s) parts.push(c as Buffer);
    return Buffer.concat(parts);
  };

  it('buffers only about the first N bytes, then replays everything', async () => {
    const data = randomBytes(1_000_000);
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < data.length; i += 10_000) {
        pulled += 10_000;
        yield data.subarray(i, i + 10_000);
      }
    }
    const { head, stream } = await peekStream(Readable.from(source(), { objectMode: false }), 64 * 1024);
    expect(head.length).toBeGreaterThanOrEqual(64 * 1024);
    expect(head.length).toBeLessThan(64 * 1024 + 10_000);
    // Read ahead is bounded by the stream's buffering, far from the whole megabyte.
    expect(pulled).toBeLessThan(300_000);
    expect((await readAll(stream)).equals(data)).toBe(true);
  });

  it('handles a source shorter than N, and an empty one', async () => {
    const small = await peekStream(chunked(Buffer.from('hello world'), 3), 1024);
    expect(small.head.toString()).toBe('hello world');
    expect((await readAll(small.stream)).toString()).toBe('hello world');
    const empty = await peekStream(Readable.from([], { objectMode: false }), 1024);
    expect(empty.head.length).toBe(0);
    expect((await readAll(empty.stream)).length).toBe(0);
  });

  it('passes a source error on to the replay', async () => {
    async function* failing() {
      yield Buffer.alloc(100_000, 1);
      throw new Error('client went away');
    }
    const { stream } = await peekStream(Readable.from(failing(), { objectMode: false }), 1000);
    await expect(readAll(stream)).rejects.toThrow('client went away');
  });

  it('destroying the replay releases the source', async () => {
    const source = chunked(randomBytes(500_000), 1000);
    const { stream } = await peekStream(source, 1000);
    stream.destroy();
    await new Promise((r) => setImmediate(r));
    expect(source.destroyed).toBe(true);
  });

  it('sniffStream decides from the head and keeps every byte', async () => {
    const docx = Buffer.concat([docxFile(), randomBytes(200_000)]);
    const ok = await sniffStream(chunked(docx, 4096), 'contract.docx');
    expect(ok.detection).toEqual({ kind: 'docx', contentType: CONTENT_TYPES.docx });
    expect((await readAll(ok.stream)).equals(docx)).toBe(true);
    const bad = await sniffStream(chunked(docx, 4096), 'contract.pdf');
    expect(bad.detection).toHaveProperty('rejected');
    bad.stream.destroy();
  });
});
