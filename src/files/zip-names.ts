/**
 * Paths inside a downloaded archive, from names users typed: each name becomes ONE harmless path
 * segment (no separators, so no traversal and no absolute path; no control or bidirectional
 * characters; nothing Windows refuses), and a name already taken in its folder (ignoring case, as
 * Windows and macOS do) gets a number: `rates.pdf`, `rates (2).pdf`.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// Bidirectional overrides can disguise an extension ("x\u202Egnp.pdf" displays as "xfdp.png").
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// Separators (`/`, `\`), drive letters (`:`) and what else Windows refuses in a file name.
const UNSAFE = /[/\\:*?"<>|]/g;
const DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
/** Bytes of UTF-8 per segment: file systems allow 255. */
const MAX_BYTES = 200;

/** One path segment made from `name`; `fallback` when nothing of it is left. */
export function safeSegment(name: string, fallback = 'document'): string {
  let s = name.normalize('NFC').replace(CONTROL, '').replace(BIDI, '').replace(UNSAFE, '_');
  // Windows drops trailing dots and spaces ("a.pdf." is "a.pdf"); `.` and `..` end up empty here.
  s = s.trim().replace(/[. ]+$/, '');
  if (s === '') return fallback;
  if (DEVICE.test(s)) s = `_${s}`;
  return truncate(s);
}

/** At most MAX_BYTES of UTF-8, keeping a short extension. */
function truncate(s: string): string {
  if (Buffer.byteLength(s) <= MAX_BYTES) return s;
  const dot = s.lastIndexOf('.');
  const ext = dot > 0 && s.length - dot <= 10 ? s.slice(dot) : '';
  let stem = s.slice(0, s.length - ext.length);
  // Whole code points only: a cut surrogate pair would not be valid UTF-8.
  while (Buffer.byteLength(stem + ext) > MAX_BYTES) stem = Array.from(stem).slice(0, -1).join('');
  return stem + ext;
}

/** The paths of one archive: each distinct, ignoring case. */
export class ZipNames {
  private readonly taken = new Set<string>();

  /** Reserves a path as it is (the archive's own files, e.g. `manifest.json`). */
  reserve(path: string): string {
    this.taken.add(path.toLowerCase());
    return path;
  }

  /** `folder/name`, made safe and distinct. `folder` is already safe (or empty for the top level). */
  take(folder: string, name: string): string {
    const segment = safeSegment(name);
    const prefix = folder ? `${folder}/` : '';
    const dot = segment.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [segment.slice(0, dot), segment.slice(dot)] : [segment, ''];
    let path = `${prefix}${segment}`;
    for (let n = 2; this.taken.has(path.toLowerCase()); n++) path = `${prefix}${stem} (${n})${ext}`;
    this.taken.add(path.toLowerCase());
    return path;
  }
}
