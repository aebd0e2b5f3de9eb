/**
 * Content sniffing: a document is accepted only when its bytes are one of the allowed types
 * AND its extension names that same type, so a renamed program, archive or mislabelled file
 * is refused with a message the user can act on. Decided from the first bytes only
 * (SNIFF_BYTES), so uploads can stream.
 */
import { type OfficeApp, oleApp } from './sniff-ole.js';
import { type ZipApp, zipApp } from './sniff-zip.js';

export const FILE_KINDS = ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'xlsm', 'csv', 'txt'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export const CONTENT_TYPES: Record<FileKind, string> = {
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xlsm: 'application/vnd.ms-excel.sheet.macroEnabled.12',
  csv: 'text/csv; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

export type FileTypeDetection = { kind: FileKind; contentType: string } | { rejected: string };

/** How many leading bytes detectFileType wants; enough to see the entry names of an Office file. */
export const SNIFF_BYTES = 64 * 1024;

const ACCEPTED =
  'Accepted files: PDF, Word (.doc, .docx), Excel (.xls, .xlsx, .xlsm), CSV (.csv) and text (.txt).';

/** What the bytes are, independent of the name. */
type Content =
  | { family: 'pdf' }
  | { family: 'ole'; app: OfficeApp | undefined }
  | { family: 'zip'; app: ZipApp }
  | { family: 'text' }
  | { family: 'bad-text'; reason: string }
  | { family: 'other'; looksLike: string | undefined };

const startsWith = (b: Buffer, sig: number[] | string) =>
  b.subarray(0, sig.length).equals(typeof sig === 'string' ? Buffer.from(sig, 'latin1') : Buffer.from(sig));

const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

/** Other well-known formats, only to tell the user what they actually sent. */
const KNOWN_OTHERS: [number[] | string, string][] = [
  ['MZ', 'a Windows program'],
  ['\x7fELF', 'a program'],
  [[0xcf, 0xfa, 0xed, 0xfe], 'a program'],
  [[0xca, 0xfe, 0xba, 0xbe], 'a program'],
  ['#!', 'a script'],
  ['\x89PNG', 'an image (PNG)'],
  [[0xff, 0xd8, 0xff], 'an image (JPEG)'],
  ['GIF8', 'an image (GIF)'],
  ['II*\x00', 'an image (TIFF)'],
  ['MM\x00*', 'an image (TIFF)'],
  ['Rar!', 'a RAR archive'],
  ['7z\xbc\xaf', 'a 7-Zip archive'],
  [[0x1f, 0x8b], 'a gzip archive'],
  ['{\\rtf', 'an RTF document'],
  ['%!PS', 'a PostScript file'],
  [[0x50, 0x4b, 0x05, 0x06], 'an empty ZIP archive'],
];

function identify(b: Buffer): Content {
  // The PDF header must open the file: accepting it further in would let polyglots through.
  if (startsWith(b, '%PDF-')) return { family: 'pdf' };
  if (startsWith(b, OLE_SIGNATURE)) return { family: 'ole', app: oleApp(b) };
  if (startsWith(b, ZIP_SIGNATURE)) return { family: 'zip', app: zipApp(b) };
  for (const [sig, what] of KNOWN_OTHERS) if (startsWith(b, sig)) return { family: 'other', looksLike: what };
  return textCheck(b);
}

function textCheck(b: Buffer): Content {
  if (startsWith(b, [0xff, 0xfe]) || startsWith(b, [0xfe, 0xff])) {
    return { family: 'bad-text', reason: 'is UTF-16 text; save it as UTF-8 (in Excel: "CSV UTF-8")' };
  }
  const body = startsWith(b, [0xef, 0xbb, 0xbf]) ? b.subarray(3) : b;
  if (body.includes(0)) return { family: 'other', looksLike: undefined };
  try {
    // stream: true tolerates a character cut in two at the end of the sniffed window.
    new TextDecoder('utf-8', { fatal: true }).decode(body, { stream: true });
  } catch {
    return {
      family: 'bad-text',
      reason: 'is not UTF-8 text; save it as UTF-8 (in Excel: "CSV UTF-8") and upload it again',
    };
  }
  return { family: 'text' };
}

function describe(c: Content): string {
  switch (c.family) {
    case 'pdf':
      return 'a PDF';
    case 'ole':
      if (c.app === 'word') return 'a Word 97-2003 document (.doc)';
      if (c.app === 'excel') return 'an Excel 97-2003 workbook (.xls)';
      if (c.app === 'other') return 'an Office file that is neither a Word document nor an Excel workbook';
      return 'a Word or Excel 97-2003 file (.doc or .xls)';
    case 'zip':
      if (c.app === 'word') return 'a Word document (.docx)';
      if (c.app === 'excel') return 'an Excel workbook (.xlsx or .xlsm)';
      if (c.app === 'powerpoint') return 'a PowerPoint presentation';
      if (c.app === 'opendocument') return 'an OpenDocument file';
      if (c.app === 'office') return 'an Office document (.docx or .xlsx)';
      return 'a ZIP archive';
    case 'text':
    case 'bad-text':
      return 'text';
    case 'other':
      return c.looksLike ?? 'binary data of an unrecognised type';
  }
}

/** Does this content fit the type the extension names? `undefined` app = could not tell, trust the name. */
function fits(kind: FileKind, c: Content): boolean {
  switch (kind) {
    case 'pdf':
      return c.family === 'pdf';
    case 'doc':
      return c.family === 'ole' && (c.app === 'word' || c.app === undefined);
    case 'xls':
      return c.family === 'ole' && (c.app === 'excel' || c.app === undefined);
    case 'docx':
      return c.family === 'zip' && (c.app === 'word' || c.app === 'office');
    case 'xlsx':
    case 'xlsm':
      return c.family === 'zip' && (c.app === 'excel' || c.app === 'office');
    case 'csv':
    case 'txt':
      return c.family === 'text';
  }
}

export function extensionOf(fileName: string): string | undefined {
  return /\.([^./\\]+)$/.exec(fileName.trim().toLowerCase())?.[1];
}

function isFileKind(ext: string | undefined): ext is FileKind {
  return (FILE_KINDS as readonly string[]).includes(ext ?? '');
}

export function detectFileType(firstBytes: Buffer, fileName: string): FileTypeDetection {
  const ext = extensionOf(fileName);
  const shown = JSON.stringify(fileName);
  if (!isFileKind(ext)) {
    const type = ext ? `.${ext} files are` : 'files without an extension are';
    return { rejected: `${shown} cannot be accepted: ${type} not allowed. ${ACCEPTED}` };
  }
  if (firstBytes.length === 0) return { rejected: `${shown} is empty.` };
  const content = identify(firstBytes);
  if (content.family === 'ole' && content.app === 'encrypted') {
    return { rejected: `${shown} is password-protected; remove the password and upload it again.` };
  }
  if (content.family === 'bad-text' && (ext === 'csv' || ext === 'txt')) {
    return { rejected: `${shown} ${content.reason}.` };
  }
  if (!fits(ext, content)) {
    return {
      rejected: `${shown} is named .${ext} but its content is ${describe(content)}. Upload the file in the format its name says. ${ACCEPTED}`,
    };
  }
  return { kind: ext, contentType: CONTENT_TYPES[ext] };
}
