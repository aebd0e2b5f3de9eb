/**
 * Tells what an Office Open XML file (.docx/.xlsx/.xlsm, all ZIP archives) holds from the
 * entry names of the ZIP local headers within the sniffed bytes: `word/...` is Word, `xl/...`
 * is Excel. Office writes the small `[Content_Types].xml` first, so the opening bytes always
 * show whether this is an Office file at all.
 */

/** `office`: an OOXML package whose part folders were beyond the sniffed bytes; trust the name. */
export type ZipApp = 'word' | 'excel' | 'powerpoint' | 'office' | 'opendocument' | 'not-office';

const LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const LOCAL_HEADER_BYTES = 30;

export function zipEntryNames(b: Buffer): string[] {
  const names: string[] = [];
  // Scanning for signatures (rather than skipping by the sizes in each header) also works when
  // sizes are deferred to a data descriptor; a stray match inside compressed data only adds noise.
  let at = b.indexOf(LOCAL_HEADER);
  while (at !== -1 && at + LOCAL_HEADER_BYTES <= b.length) {
    const nameLength = b.readUInt16LE(at + 26);
    const end = at + LOCAL_HEADER_BYTES + nameLength;
    if (end > b.length) break;
    names.push(b.toString('utf8', at + LOCAL_HEADER_BYTES, end));
    at = b.indexOf(LOCAL_HEADER, end);
  }
  return names;
}

export function zipApp(b: Buffer): ZipApp {
  const names = zipEntryNames(b);
  const under = (folder: string) => names.some((n) => n.startsWith(folder));
  const word = under('word/');
  const excel = under('xl/');
  if (word && !excel) return 'word';
  if (excel && !word) return 'excel';
  if (under('ppt/')) return 'powerpoint';
  if (names[0] === 'mimetype') return 'opendocument';
  const isOoxml = names.some(
    (n) => n === '[Content_Types].xml' || n.startsWith('_rels/') || n.startsWith('docProps/'),
  );
  return isOoxml ? 'office' : 'not-office';
}
