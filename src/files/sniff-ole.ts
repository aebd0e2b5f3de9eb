/**
 * Tells a legacy Word file from a legacy Excel file (both OLE2 "compound files", same magic
 * bytes) by reading the compound file's directory, as far as it lies in the sniffed bytes:
 * Word keeps a `WordDocument` stream, Excel a `Workbook` (or `Book`) stream, and a
 * password-protected .docx/.xlsx is an OLE file holding an `EncryptedPackage`.
 */

/** `undefined`: the directory was not within the bytes we have; trust the file name. */
export type OfficeApp = 'word' | 'excel' | 'encrypted' | 'other';

const END_OF_CHAIN = 0xfffffffe;
const FIRST_SPECIAL_SECTOR = 0xfffffffa; // this and above are markers, not sector numbers
const HEADER_DIFAT_ENTRIES = 109;
const DIRECTORY_ENTRY_BYTES = 128;

export function oleApp(b: Buffer): OfficeApp | undefined {
  const { names, complete } = oleDirectoryNames(b);
  const has = (n: string) => names.includes(n.toLowerCase());
  if (has('EncryptedPackage')) return 'encrypted';
  if (has('WordDocument')) return 'word';
  if (has('Workbook') || has('Book')) return 'excel';
  return complete ? 'other' : undefined;
}

/** Lower-cased names of the storages and streams in the directory, and whether we saw all of it. */
export function oleDirectoryNames(b: Buffer): { names: string[]; complete: boolean } {
  const names: string[] = [];
  if (b.length < 512) return { names, complete: false };
  const shift = b.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return { names, complete: false };
  const sectorSize = 1 << shift;
  const entriesPerFatSector = sectorSize / 4;
  const sectorOffset = (s: number) => (s + 1) * sectorSize; // the header occupies "sector -1"

  // The FAT maps each sector to the next one of its chain; its first 109 sectors are listed in the header.
  const nextSector = (s: number): number | undefined => {
    const fatIndex = Math.floor(s / entriesPerFatSector);
    if (fatIndex >= HEADER_DIFAT_ENTRIES) return undefined;
    const fatSector = b.readUInt32LE(0x4c + fatIndex * 4);
    if (fatSector >= FIRST_SPECIAL_SECTOR) return undefined;
    const at = sectorOffset(fatSector) + (s % entriesPerFatSector) * 4;
    return at + 4 <= b.length ? b.readUInt32LE(at) : undefined;
  };

  let sector = b.readUInt32LE(0x30);
  // Bounded: a corrupt (cyclic) chain must not loop for ever.
  for (let hops = 0; hops < 4096; hops++) {
    if (sector === END_OF_CHAIN) return { names, complete: true };
    if (sector >= FIRST_SPECIAL_SECTOR) break;
    const start = sectorOffset(sector);
    if (start + sectorSize > b.length) break;
    for (let e = start; e < start + sectorSize; e += DIRECTORY_ENTRY_BYTES) {
      const type = b[e + 0x42]; // 1 storage, 2 stream, 5 root
      const nameBytes = b.readUInt16LE(e + 0x40); // UTF-16LE, including the terminating NUL
      if ((type === 1 || type === 2) && nameBytes >= 4 && nameBytes <= 64) {
        names.push(b.toString('utf16le', e, e + nameBytes - 2).toLowerCase());
      }
    }
    const next = nextSector(sector);
    if (next === undefined) break;
    sector = next;
  }
  return { names, complete: false };
}
